"""The plain values a ledger row holds (see storage.ledgers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
