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
from bot.labels import AREA_LABELS, METHOD_LABELS
from storage.ledgers import LEDGERS, LedgerRow, LedgerValue, Photo
from storage.models import Site

TITLES: dict[str, str] = {
    "disinfection": N_("Disinfection record"),
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
}
# Values of these columns are codes shown through a label table.
LABELLED = {"area": AREA_LABELS, "method": METHOD_LABELS}
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
