"""The director's day end to end: 今日概况 with its chart, and a ledger opened from the chat."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import DIRECTOR, LI_FANG, WAIT, Kindergarten, buttons_of, text_of
from tests.e2e.test_disinfection import confirm_room


async def test_director_reads_today_and_exports_the_disinfection_ledger(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, director = kindergarten.users, kindergarten.person(DIRECTOR)
    await confirm_room(kindergarten, kindergarten.person(LI_FANG), "小一班 活动室", "消毒柜")

    asked = users.send_text(director, "📊 今日概况")
    await users.wait_until(
        lambda: len(users.bot_messages(director)) >= 2 and users.bot_messages(director)[-1].photo,
        timeout=WAIT,
        what="the summary and its chart",
    )
    summary, chart = users.bot_messages(director)[-2:]
    assert summary.message_id > asked.message_id
    assert text_of(summary).startswith("📋 第一幼儿园 · ")
    assert "🧴 消毒 1/12" in text_of(summary)
    assert "• 小一班 午睡室 · 请问 李芳" in text_of(summary)
    assert chart.photo

    asked = users.send_text(director, "📁 台账导出")
    menu = await users.wait_for_bot_message(director, after=asked, timeout=WAIT)
    users.press_button(director, menu, text="🧴 消毒打卡")
    await users.wait_for_edit(menu, count=1, timeout=WAIT)
    assert "本月" in buttons_of(menu)
    users.press_button(director, menu, text="本月")
    document = await users.wait_for_bot_message(director, after=menu, timeout=WAIT)

    assert document.document is not None
    assert "消毒记录表" in text_of(document) and "共 1 条" in text_of(document)
    stored = kindergarten.server.state.files.get(document.document["file_id"])
    assert stored is not None
    sheet = load_workbook(io.BytesIO(stored.data)).worksheets[-1]
    [row] = [r for r in sheet.iter_rows(min_row=4, values_only=True) if any(r)]
    assert (row[1], row[2], row[4], row[9]) == ("小一班", "活动室", "消毒柜", "李芳")
