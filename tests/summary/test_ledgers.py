"""Ledgers for inspectors: the rows of the sheet equal the stored records of the period."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from storage.disinfection_status import list_records
from tests.disinfection.setup import DIRECTOR, make_kindergarten
from tests.e2e.botprocess import run_cli
from tests.summary.test_daily_summary import seed_day
from tests.support.telegram import Telegram, texts


def _rows(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [row for row in sheet.iter_rows(min_row=4, values_only=True) if any(row)]
        for sheet in book.worksheets
    }


async def test_the_director_exports_a_month_of_disinfection(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    seed_day(db, k, date(2026, 10, 30))
    seed_day(db, k, date(2026, 11, 26))
    telegram.set_local_time("2026-11-26 18:00")

    menu = await telegram.send(DIRECTOR, "📁 台账导出")
    periods = await telegram.press(DIRECTOR, menu[-1], "消毒")
    calls = await telegram.press(DIRECTOR, [c for c in periods if c.buttons()][-1], "近一年")

    document = next(c for c in calls if c.method == "sendDocument")
    assert "消毒记录表" in document.text and "共 8 条" in document.text
    sheets = _rows(document.files["document"][1])
    assert list(sheets)[:2] == ["2025年11月", "2025年12月"] and len(sheets) == 13
    stored = list_records(
        session=db, site_id=k.site.id or 0, start=date(2026, 10, 1), end=date(2026, 11, 30)
    )
    for month, day in (("2026年10月", date(2026, 10, 30)), ("2026年11月", date(2026, 11, 26))):
        rows = sheets[month]
        expected = [r for r in stored if r.record.day == day]
        assert len(rows) == len(expected) == 4
        assert [row[9] for row in rows] == [r.operator for r in expected]
        assert [row[0] for row in rows] == [f"{day.year}年{day.month}月{day.day}日"] * 4
        assert {row[4] for row in rows} == {"消毒柜", "含氯消毒液", "紫外线灯"}
        assert [row[10] for row in rows].count("是") == 1


async def test_bad_periods_and_people_are_refused(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 18:00")

    reversed_ = await telegram.send(DIRECTOR, "/export disinfection 2026-11-30 2026-09-01")
    absurd = await telegram.send(DIRECTOR, "/export disinfection 2020-01-01 2026-11-30")
    garbled = await telegram.send(DIRECTOR, "/export disinfection 昨天 今天")
    unknown = await telegram.send(DIRECTOR, "/export salaries 2026-11-01 2026-11-30")
    stranger = await telegram.send(k.caregivers["小一班"], "/export disinfection 9月1日 11月1日")

    assert "结束日期早于开始日期" in texts(reversed_)[-1]
    assert "最多 400 天" in texts(absurd)[-1]
    assert "日期看不懂" in texts(garbled)[-1]
    assert "请输入 /export" in texts(unknown)[-1]
    assert "只有" in texts(stranger)[-1]
    assert not [c for c in telegram.request.calls if c.method == "sendDocument"]


async def test_houqin_export_writes_the_file(db: Session, tmp_path: Path) -> None:
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("the CLI story runs once, on SQLite")
    k = make_kindergarten(db)
    seed_day(db, k, date(2026, 11, 26))
    out = tmp_path / "ledger.xlsx"

    output = run_cli(
        "export",
        "--site",
        str(k.site.id),
        "--kind",
        "disinfection",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--out",
        str(out),
        database_url=str(db.get_bind().url),
        workdir=tmp_path,
    )

    assert "Wrote 4 records" in output
    assert len(_rows(out.read_bytes())["2026年11月"]) == 4
