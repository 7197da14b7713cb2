"""Scheduled work. Jobs are derived from the database and rebuilt at start-up."""
