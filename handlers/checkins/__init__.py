"""Check-ins: the morning check and attendance, zone self-checks, leave, zones, the calendar."""
