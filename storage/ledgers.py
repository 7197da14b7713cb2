"""The ledgers (台账) inspectors ask for: which records, in which columns, for a period.

Each kind names its columns (keys the views translate) and a query giving one row per record,
oldest first. Values are plain: dates, UTC datetimes (shown in the site's time zone), numbers,
text, booleans, and `Photo` for evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from storage.ledger_rows import (
    attendance_rows,
    delivery_rows,
    disinfection_rows,
    drill_rows,
    hazard_rows,
    repair_rows,
    sample_rows,
    sick_rows,
    task_rows,
)
from storage.ledger_types import LedgerRow

# A ledger may span at most this many days (one school year and a bit).
MAX_DAYS = 400
TICKET_COLUMNS = (
    "number", "date", "location", "problem", "reporter", "assignee", "status", "fixed_at",
    "fixed_by", "verified_by", "days_open", "note", "photo",
)  # fmt: skip


@dataclass(frozen=True)
class LedgerKind:
    key: str
    columns: tuple[str, ...]
    rows: Callable[..., list[LedgerRow]]  # (session=, site_id=, start=, end=) → rows


class LedgerError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_period(start: date, end: date) -> None:
    if end < start:
        raise LedgerError("reversed")
    if (end - start).days + 1 > MAX_DAYS:
        raise LedgerError("too_long")


LEDGERS: dict[str, LedgerKind] = {
    "disinfection": LedgerKind(
        "disinfection",
        (
            "date",
            "class",
            "area",
            "round",
            "method",
            "concentration",
            "start",
            "end",
            "minutes",
            "operator",
            "late",
            "reason",
            "photo",
        ),
        disinfection_rows,
    ),
    "attendance": LedgerKind(
        "attendance",
        (
            "date",
            "class",
            "expected",
            "present",
            "absent_sick",
            "absent_personal",
            "absent_other",
            "rate",
            "sent_home",
            "late",
        ),
        attendance_rows,
    ),
    "sick": LedgerKind(
        "sick",
        ("date", "class", "child", "symptom", "followups", "returned"),
        sick_rows,
    ),
    "samples": LedgerKind(
        "samples",
        (
            "date",
            "meal",
            "dish",
            "grams",
            "taken_at",
            "taken_by",
            "checked_by",
            "fridge",
            "dispose_due",
            "disposed_at",
            "disposed_by",
            "witness",
            "hold_reason",
        ),
        sample_rows,
    ),
    "deliveries": LedgerKind(
        "deliveries",
        (
            "date",
            "time",
            "supplier",
            "item",
            "quantity",
            "temperature",
            "accepted",
            "reason",
            "received_by",
            "photo",
        ),
        delivery_rows,
    ),
    "repairs": LedgerKind("repairs", TICKET_COLUMNS, repair_rows),
    "hazards": LedgerKind("hazards", TICKET_COLUMNS, hazard_rows),
    "drills": LedgerKind(
        "drills",
        (
            "date",
            "time",
            "drill_type",
            "children",
            "staff",
            "evacuation",
            "slow",
            "problems",
            "recorded_by",
            "photo",
        ),
        drill_rows,
    ),
    "tasks": LedgerKind(
        "tasks",
        (
            "due",
            "task",
            "role",
            "task_status",
            "completed_by",
            "completed_at",
            "late",
            "note",
            "photo",
        ),
        task_rows,
    ),
}


def ledger_rows(
    *, session: Session, kind: str, site_id: int, start: date, end: date
) -> list[LedgerRow]:
    """The rows of one ledger for a period; refuses unknown kinds and absurd periods."""
    if kind not in LEDGERS:
        raise LedgerError("unknown_kind")
    check_period(start, end)
    return LEDGERS[kind].rows(session=session, site_id=site_id, start=start, end=end)
