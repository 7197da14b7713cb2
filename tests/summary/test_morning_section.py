"""The morning check in the summary and its two registers: figures equal what classes reported."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import Session

from bot.i18n import translator
from bot.views.export import build_ledger_file
from bot.views.summary import summary_text
from storage.summary import build_summary
from storage.summary_sections import attendance_by_day
from tests.checkins.setup import make_kindergarten
from tests.checkins.test_morning import report_two_sick
from tests.support.telegram import Telegram

DAY = date(2026, 11, 26)


async def test_attendance_and_sick_children_reach_the_summary_and_the_registers(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:10")
    await report_two_sick(telegram, k.teachers["小一班"])
    telegram.set_local_time("2026-11-26 17:30")

    summary = build_summary(session=db, site=k.site, day=DAY, now=telegram.app.clock())

    morning = summary.morning
    assert (morning.reported, morning.classes) == (1, 3)
    assert (morning.expected, morning.present) == (25, 23)
    assert morning.absences["sick"] == 2 and morning.sick_followed == 2
    assert [name for name, _ask in morning.missing_classes] == ["小二班", "中一班"]
    assert morning.missing_classes[0][1] == ("小二班班主任", "小二班保育员")
    text = summary_text(translator("zh"), "zh", summary)
    assert "🩺 晨检 1/3 · 出勤率 92% · 病假 2 · 因病追踪 2" in text
    assert "• 未报晨检：小二班 · 请问 小二班班主任、小二班保育员" in text
    # The chart's attendance line: nothing the day before, 23 of 25 that day.
    days = [DAY - timedelta(days=1), DAY]
    assert attendance_by_day(session=db, site=k.site, days=days) == [None, 23 / 25]

    site_id = k.site.id or 0
    attendance, _name, count = build_ledger_file(
        telegram.app.engine, site_id, "attendance", DAY, DAY, "zh"
    )
    [row] = [r for r in load_workbook(io.BytesIO(attendance)).active.iter_rows(
        min_row=4, values_only=True) if any(r)]  # fmt: skip
    assert count == 1 and row[1:8] == ("小一班", 25, 23, 2, 0, 0, "92%")
    sick, _name, count = build_ledger_file(telegram.app.engine, site_id, "sick", DAY, DAY, "zh")
    rows = [r for r in load_workbook(io.BytesIO(sick)).active.iter_rows(
        min_row=4, values_only=True) if any(r)]  # fmt: skip
    assert count == 2 and [(r[2], r[3]) for r in rows] == [("小明", "发热"), ("小红", "咳嗽")]
