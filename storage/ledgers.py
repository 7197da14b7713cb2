"""The ledgers (台账) inspectors ask for: which records, in which columns, for a period.

Each kind names its columns (keys the views translate) and a query giving one row per record,
oldest first. Values are plain: dates, UTC datetimes (shown in the site's time zone), numbers,
text, booleans, and `Photo` for evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from storage.disinfection_status import list_records

# A ledger may span at most this many days (one school year and a bit).
MAX_DAYS = 400


@dataclass(frozen=True)
class Photo:
    """Evidence: a file on disk (linked from the sheet) or only a Telegram file id."""

    path: str | None = None
    file_id: str | None = None


LedgerValue = date | datetime | int | float | str | bool | Photo | None


@dataclass(frozen=True)
class LedgerRow:
    day: date  # which month's sheet the row goes on
    values: dict[str, LedgerValue]


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


def disinfection_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    rows = []
    for item in list_records(session=session, site_id=site_id, start=start, end=end):
        record = item.record
        duration = None
        if record.started_at and record.ended_at:
            duration = round((record.ended_at - record.started_at).total_seconds() / 60)
        rows.append(
            LedgerRow(
                record.day,
                {
                    "date": record.day,
                    "class": item.class_name,
                    "area": item.area_kind,
                    "round": record.round,
                    "method": record.method,
                    "concentration": record.concentration_mg_l,
                    "start": record.started_at or record.created_at,
                    "end": record.ended_at,
                    "minutes": duration,
                    "operator": item.operator,
                    "late": record.late,
                    "reason": record.late_reason,
                    "photo": Photo(file_id=record.photo_file_id) if record.photo_file_id else None,
                },
            )
        )
    return rows


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
}


def ledger_rows(
    *, session: Session, kind: str, site_id: int, start: date, end: date
) -> list[LedgerRow]:
    """The rows of one ledger for a period; refuses unknown kinds and absurd periods."""
    if kind not in LEDGERS:
        raise LedgerError("unknown_kind")
    check_period(start, end)
    return LEDGERS[kind].rows(session=session, site_id=site_id, start=start, end=end)
