"""Typed answers in the disinfection flow: taken wherever asked, refused plainly when wrong."""

from __future__ import annotations

from sqlmodel import Session

from tests.disinfection.setup import confirm, make_kindergarten, records
from tests.support.telegram import Telegram, answers

RANGE = "请输入 100–2000 mg/L 之间的浓度。"


async def test_a_concentration_typed_while_the_buttons_are_shown_is_recorded(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    ask = (await confirm(telegram, caregiver, "小一班 活动室", "含氯消毒液"))[-1]
    assert ask.text == "小一班 活动室：含氯消毒液浓度？点按钮，或直接输入（mg/L）。"
    assert "500 mg/L" in [label for label, _ in ask.buttons()]

    refused = [
        (await telegram.send(caregiver, typed))[-1].text
        for typed in ("-500", "500.9", "🧴500", "5" * 10_000, "0")
    ]
    assert all(text.startswith(RANGE) for text in refused), refused
    assert records(db) == []

    done = (await telegram.send(caregiver, "500 mg/L"))[-1]

    assert "✅ 已记录：小一班 活动室 · 含氯消毒液 500 mg/L · 10:00" in done.text
    [record] = records(db)
    assert (record.method, record.concentration_mg_l) == ("chlorine", 500)


async def test_a_reason_that_says_nothing_is_asked_again_and_a_long_one_is_not_cut(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 17:00")
    await confirm(telegram, caregiver, "小一班 活动室", "通风")

    empty = [(await telegram.send(caregiver, typed))[-1].text for typed in ("0", ".", "１２")]
    too_long = (await telegram.send(caregiver, "原" * 4000))[-1].text
    assert records(db) == []
    done = (await telegram.send(caregiver, "午后外出，回园补做"))[-1].text

    assert all(t.startswith("请用文字写明补录原因（只写数字或标点不算）。") for t in empty)
    assert too_long.startswith("共 4000 个字，最多 500 个字")
    assert "已标为11月23日（周一）的补录。原因：午后外出，回园补做" in done
    [record] = records(db)
    assert record.late_reason == "午后外出，回园补做"


async def test_an_older_room_picker_refuses_a_done_room_at_the_first_tap(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    older = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]
    await confirm(telegram, caregiver, "小一班 活动室", "消毒柜")

    tap = await telegram.press(caregiver, older, "小一班 活动室")

    assert answers(tap) == ["小一班 活动室今天已经消毒过了。"]
    assert [c.method for c in tap] == ["answerCallbackQuery"]  # no method picker shown
    assert len(records(db)) == 1
