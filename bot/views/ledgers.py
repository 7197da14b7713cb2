"""Ledgers as XLSX in the layout kindergartens print: a sheet per month, a header with the
site and the period, frozen column titles, widths that fit A4 landscape, dates in Chinese."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import N_, Translate
from bot.labels import AREA_LABELS, METHOD_LABELS, ROLE_LABELS
from bot.views.calendar import DRILL_LABELS
from bot.views.checkins import SYMPTOM_LABELS
from bot.views.repairs import STATUS_LABELS
from bot.views.samples import MEAL_LABELS
from storage.ledger_types import LedgerRow, LedgerValue, Photo
from storage.ledgers import LEDGERS
from storage.models import Site

TITLES: dict[str, str] = {
    "disinfection": N_("Disinfection record"),
    "attendance": N_("Morning check and attendance register"),
    "sick": N_("Illness absence follow-up register"),
    "samples": N_("Food sample record"),
    "deliveries": N_("Food delivery inspection record"),
    "repairs": N_("Repair ledger"),
    "hazards": N_("Safety hazard inspection and rectification ledger"),
    "drills": N_("Drill record"),
    "tasks": N_("Monthly work completion"),
}

COLUMNS: dict[str, tuple[str, float]] = {
    # key: (title, width in characters)
    "date": (N_("Date"), 12),
    "class": (N_("Class"), 10),
    "area": (N_("Area"), 10),
    "round": (N_("Round"), 6),
    "method": (N_("Method"), 12),
    "concentration": (N_("Concentration (mg/L)"), 10),
    "start": (N_("Start"), 8),
    "end": (N_("End"), 8),
    "minutes": (N_("Minutes"), 7),
    "operator": (N_("Operator"), 10),
    "late": (N_("Late entry"), 7),
    "reason": (N_("Reason"), 24),
    "photo": (N_("Photo"), 10),
    "meal": (N_("Meal"), 8),
    "expected": (N_("Expected"), 7),
    "present": (N_("Present"), 7),
    "absent_sick": (N_("Sick"), 6),
    "absent_personal": (N_("Personal"), 6),
    "absent_other": (N_("Other"), 6),
    "rate": (N_("Attendance"), 8),
    "sent_home": (N_("Sent home"), 18),
    "child": (N_("Child"), 10),
    "symptom": (N_("Symptom"), 8),
    "followups": (N_("Follow-ups"), 30),
    "returned": (N_("Back on"), 12),
    "dish": (N_("Dish"), 14),
    "grams": (N_("Grams"), 7),
    "taken_at": (N_("Taken at"), 8),
    "taken_by": (N_("Taken by"), 10),
    "checked_by": (N_("Checked by"), 10),
    "fridge": (N_("Fridge (°C)"), 8),
    "dispose_due": (N_("Dispose at"), 8),
    "disposed_at": (N_("Disposed at"), 8),
    "disposed_by": (N_("Disposed by"), 10),
    "witness": (N_("Witness"), 10),
    "hold_reason": (N_("Held because"), 18),
    "time": (N_("Time"), 8),
    "supplier": (N_("Supplier"), 16),
    "item": (N_("Item"), 14),
    "quantity": (N_("Quantity"), 10),
    "temperature": (N_("Temperature (°C)"), 8),
    "accepted": (N_("Accepted"), 7),
    "received_by": (N_("Received by"), 10),
    "number": (N_("Number"), 12),
    "location": (N_("Location"), 12),
    "problem": (N_("Problem"), 24),
    "reporter": (N_("Reported by"), 10),
    "assignee": (N_("Assignee"), 10),
    "status": (N_("Status"), 10),
    "fixed_at": (N_("Fixed at"), 8),
    "fixed_by": (N_("Fixed by"), 10),
    "verified_by": (N_("Verified by"), 10),
    "days_open": (N_("Days open"), 7),
    "note": (N_("Note"), 20),
    "drill_type": (N_("Drill"), 10),
    "children": (N_("Children"), 7),
    "staff": (N_("Staff"), 7),
    "evacuation": (N_("Evacuation (s)"), 9),
    "slow": (N_("Over 2 min"), 7),
    "problems": (N_("Problems found"), 24),
    "recorded_by": (N_("Recorded by"), 10),
    "due": (N_("Due"), 12),
    "task": (N_("Task"), 28),
    "role": (N_("Responsible"), 10),
    "task_status": (N_("Status"), 8),
    "completed_by": (N_("Done by"), 10),
    "completed_at": (N_("Done at"), 8),
}
TASK_STATUS_LABELS = {
    "upcoming": N_("upcoming"),
    "due": N_("due"),
    "overdue": N_("overdue"),
    "done": N_("done"),
    "skipped": N_("skipped"),
}
# Values of these columns are codes shown through a label table.
LABELLED: dict[str, dict[str, str]] = {
    "area": AREA_LABELS,
    "method": METHOD_LABELS,
    "meal": MEAL_LABELS,
    "status": STATUS_LABELS,
    "drill_type": {str(kind): label for kind, label in DRILL_LABELS.items()},
    "role": {str(role): label for role, label in ROLE_LABELS.items()},
    "task_status": TASK_STATUS_LABELS,
    "symptom": {str(k): v for k, v in SYMPTOM_LABELS.items()},
}
THIN = Side(style="thin", color="999999")
HEADER_ROWS = 3  # title, site and period, column titles


def chinese_date(day: date, language: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if language != "en" else day.isoformat()


def _cell(_: Translate, language: str, zone: ZoneInfo, key: str, value: LedgerValue) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else ""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%H:%M")
    if isinstance(value, date):
        return chinese_date(value, language)
    if isinstance(value, Photo):
        return _("photo") if value.path or value.file_id else ""
    if key in LABELLED and isinstance(value, str):
        labels = LABELLED[key]
        return _(labels[value]) if value in labels else value
    return value


def _sheet(
    book: Workbook, _: Translate, title: str, site: Site, period: str, columns: tuple[str, ...]
) -> Worksheet:
    sheet = book.create_sheet(title=period)
    sheet.append([title])
    sheet.append([f"{site.name} · {period}"])
    sheet.append([_(COLUMNS[key][0]) for key in columns])
    sheet["A1"].font = Font(size=14, bold=True)
    last = get_column_letter(len(columns))
    sheet.merge_cells(f"A1:{last}1")
    sheet.merge_cells(f"A2:{last}2")
    for index, key in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROWS, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        sheet.column_dimensions[get_column_letter(index)].width = COLUMNS[key][1]
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
    sheet.print_title_rows = f"{HEADER_ROWS}:{HEADER_ROWS}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def write_ledger(
    _: Translate,
    language: str,
    *,
    kind: str,
    site: Site,
    start: date,
    end: date,
    rows: list[LedgerRow],
) -> bytes:
    """The workbook's bytes: one sheet per month of the period (an empty month has its sheet)."""
    columns = LEDGERS[kind].columns
    zone = ZoneInfo(site.timezone)
    title = _(TITLES[kind])
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    sheets: dict[tuple[int, int], Worksheet] = {}
    month = date(start.year, start.month, 1)
    while month <= end:
        period = f"{month.year}年{month.month}月" if language != "en" else f"{month:%Y-%m}"
        sheets[(month.year, month.month)] = _sheet(book, _, title, site, period, columns)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for row in rows:
        sheet = sheets[(row.day.year, row.day.month)]
        cells = [_cell(_, language, zone, key, row.values.get(key)) for key in columns]
        sheet.append(cells)
        photo = row.values.get("photo")
        if isinstance(photo, Photo) and photo.path and Path(photo.path).exists():
            link = sheet.cell(row=sheet.max_row, column=columns.index("photo") + 1)
            link.hyperlink = Path(photo.path).resolve().as_uri()
            link.style = "Hyperlink"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger_filename(kind: str, site: Site, start: date, end: date) -> str:
    return f"{kind}-{site.id}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
