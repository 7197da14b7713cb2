"""What /export and `houqin export` share: the ledgers' names, periods, dates and the file."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.i18n import N_, Translate, translator
from bot.views.ledgers import ledger_filename, write_ledger
from storage.ledgers import MAX_DAYS, LedgerError, ledger_rows
from storage.sites import get_site

KIND_LABELS: dict[str, str] = {
    "disinfection": N_("🧴 Disinfection"),
}
ERRORS = {
    "reversed": N_("The period ends before it starts."),
    "too_long": N_("A ledger covers at most {days} days; choose a shorter period."),
    "unknown_kind": N_("There is no such ledger."),
}
_DATE = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?$")


def error_text(_: Translate, error: LedgerError) -> str:
    return _(ERRORS[error.code]).format(days=MAX_DAYS)


def parse_date(text: str, today: date | None) -> date | None:
    """2026-09-01, 2026/9/1, 2026年9月1日, 20260901; 9月1日 means this year (needs today)."""
    text = text.strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _DATE.match(text)
    if match is None:
        return None
    year = int(match[1]) if match[1] else (today.year if today else None)
    if year is None:
        return None
    try:
        return date(year, int(match[2]), int(match[3]))
    except ValueError:
        return None


def periods(_: Translate, today: date) -> list[tuple[str, date, date]]:
    """This month, last month, this term (Sep–Jan or Feb–Jul), the last 12 months."""
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    term_start = (
        date(today.year, 9, 1)
        if today.month >= 9
        else date(today.year - 1, 9, 1)
        if today.month == 1
        else date(today.year, 2, 1)
    )
    return [
        (_("This month"), month_start, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This term"), term_start, today),
        (_("Last 12 months"), today - timedelta(days=364), today),
    ]


def build_ledger_file(
    engine: Engine, site_id: int, kind: str, start: date, end: date, language: str
) -> tuple[bytes, str, int]:
    """The XLSX bytes, its file name and how many records it holds (runs in a thread)."""
    with Session(engine) as session:
        site = get_site(session=session, site_id=site_id)
        assert site is not None
        rows = ledger_rows(session=session, kind=kind, site_id=site_id, start=start, end=end)
        content = write_ledger(
            translator(language), language, kind=kind, site=site, start=start, end=end, rows=rows
        )
        return content, ledger_filename(kind, site, start, end), len(rows)
