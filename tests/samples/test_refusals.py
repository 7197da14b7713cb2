"""Bad input gets a clear answer and stores nothing."""

from __future__ import annotations

from sqlmodel import Session

from bot.callbacks import pack
from tests.samples.setup import (
    CAREGIVER,
    COOK,
    HEALTH_TEACHER,
    SECOND_COOK,
    last_with_buttons,
    log_meal,
    logs,
    make_kitchen,
)
from tests.support.telegram import Telegram, answers, texts, to


async def _at_grams(telegram: Telegram) -> None:
    screen = last_with_buttons(await telegram.send(COOK, "🥡 留样"))
    await telegram.press(COOK, screen, "午餐")
    calls = await telegram.send(COOK, "红烧肉")
    asked = await telegram.press(COOK, last_with_buttons(calls), "下一步")
    assert texts(asked)[-1] == "红烧肉 留了多少克？（至少 125 克）"


async def test_a_100_g_dish_is_refused_with_the_minimum_and_asked_again(
    telegram: Telegram, db: Session
) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    await _at_grams(telegram)

    refused = texts(await telegram.send(COOK, "100"))
    as_text = texts(await telegram.send(COOK, "一百克"))
    negative = texts(await telegram.send(COOK, "-150"))
    accepted = texts(await telegram.send(COOK, "１５０ 克"))

    assert refused == ["100 克低于本园每个菜品至少 125 克的要求。请多留一些，再输入重量。"]
    assert as_text == negative == ["请输入克数，1 到 2000 之间的整数，如 150。"]
    assert accepted == ["留样冰箱现在的温度是多少 °C？"]
    assert logs(db) == []  # nothing is stored before the photo


async def test_fridge_at_80_is_refused_and_at_10_the_health_teacher_is_told(
    telegram: Telegram, db: Session
) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    await _at_grams(telegram)
    await telegram.send(COOK, "150")

    hot = texts(await telegram.send(COOK, "80"))
    warm = texts(await telegram.send(COOK, "10℃"))
    stored = await telegram.send_photo(COOK)

    assert hot == ["请输入留样冰箱温度（°C），范围 -30 到 30，如 4。"]
    assert warm[0].startswith("⚠️ 10.0 °C 不在 0–8 °C 范围内，请检查冰箱。已通知保健老师。")
    alert = texts(to(stored, HEALTH_TEACHER.id))
    assert "⚠️ 第一幼儿园：马师傅 为午餐留样时，留样冰箱温度为 10.0 °C。" in alert
    assert [str(log.fridge_temp_c) for log in logs(db)] == ["10.0"]


async def test_a_meal_is_logged_once_and_text_instead_of_a_photo_is_asked_again(
    telegram: Telegram, db: Session
) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    screen = last_with_buttons(await telegram.send(SECOND_COOK, "🥡 留样"))  # opened early
    await log_meal(telegram, COOK, "午餐", [("米饭", "150")])

    twice = await telegram.press(SECOND_COOK, screen, "午餐")
    picker = texts(await telegram.send(COOK, "🥡 留样"))[-1]

    assert answers(twice) == ["这一餐已留样，未重复记录。"]
    assert "✅ 午餐 · 12:40 · 未核对" in picker and "⬜ 早餐" in picker
    assert len(logs(db)) == 1


async def test_who_may_not_is_told_who_may(telegram: Telegram, db: Session) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    [log] = [await _logged(telegram, db)]

    caregiver = texts(await telegram.send(CAREGIVER, "/samples"))
    own_check = await telegram.press_data(COOK, _message(COOK), pack("smp", "c", log))
    not_kitchen = await telegram.press_data(CAREGIVER, _message(CAREGIVER), pack("smp", "c", log))
    early = await telegram.press_data(COOK, _message(COOK), pack("smp", "d", log))
    forged = await telegram.press_data(COOK, _message(COOK), "smp:v1:d:1;drop")
    unknown = await telegram.press_data(COOK, _message(COOK), pack("smp", "zz", log))
    witness_first = await telegram.press_data(
        SECOND_COOK, _message(SECOND_COOK), pack("smp", "w", log)
    )

    assert caregiver == ["只有厨房人员可以进行此操作。"]
    assert answers(own_check) == ["留样须由第二人核对：这份留样是您本人留的。"]
    assert answers(not_kitchen) == ["只有园长 / 保健老师 / 厨房人员可以进行此操作。"]
    assert answers(early) == [
        "还未到期：留样还需保留 47 小时 50 分钟（至 11月25日（周三） 12:30）。"
    ]
    assert answers(forged) == answers(unknown) == ["这个按钮已过期，请重新打开菜单。"]
    assert answers(witness_first) == ["这份留样尚未处理。"]
    [stored] = logs(db)
    assert stored.checked_by_id is None and stored.state == "kept"


async def _logged(telegram: Telegram, db: Session) -> int:
    await log_meal(telegram, COOK, "午餐", [("米饭", "150")])
    return logs(db)[0].id or 0


def _message(user: object) -> dict[str, object]:
    """A message of the bot's in the user's chat, as a forged or stale button would carry."""
    chat_id = user.id
    return {"message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}
