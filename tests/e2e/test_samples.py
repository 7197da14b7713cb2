"""留样 end to end: the demo cook logs today's lunch in the real bot process; the disposal due
while the bot was down is reminded at start, the held samples are not."""

from __future__ import annotations

import base64
from datetime import time

from sqlmodel import select

from sandbox.demo_kitchen import seed_demo_kitchen
from sandbox.state import Message, User
from storage.models import ConversationState, Site
from storage.samples_models import SampleDish, SampleLog
from storage.site_settings import MealSetting
from tests.e2e.conftest import LaunchBot
from tests.e2e.kindergarten import (
    HEALTH_TEACHER,
    KITCHEN_COOK,
    WAIT,
    Kindergarten,
    buttons_of,
    person_id_of,
    text_of,
)

PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


async def _reply_to(kindergarten: Kindergarten, user: User, text: str) -> Message:
    sent = kindergarten.users.send_text(user, text)
    return await kindergarten.users.wait_for_bot_message(user, after=sent, timeout=WAIT)


async def test_the_cook_logs_lunch_and_the_due_samples_are_reminded_once(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    kindergarten.tune_site(meals=None)  # the demo's kitchen: samples due, held, disposed
    with kindergarten.session() as session:
        seed_demo_kitchen(session, session.exec(select(Site)).one())
    kindergarten.tune_site(meals=[MealSetting(key="lunch", end=time(23, 58))])
    await launch_bot()
    users, cook = kindergarten.users, kindergarten.person(KITCHEN_COOK)

    def texts_to_cook() -> list[str]:
        return [text_of(m) for m in users.bot_messages(cook)]

    await users.wait_until(
        lambda: any("留样到期待处理" in t for t in texts_to_cook()), timeout=WAIT, what="a reminder"
    )
    users.send_text(cook, "🥡 留样")
    await users.wait_until(
        lambda: any(t.startswith("🥡 留样 · ") for t in texts_to_cook()), timeout=WAIT, what="menu"
    )
    picker = next(m for m in users.bot_messages(cook) if text_of(m).startswith("🥡 留样 · "))
    assert "午餐" in buttons_of(picker)

    for label in ("午餐", "红烧肉", "米饭"):  # dishes logged before are offered as buttons
        users.press_button(cook, picker, text=label)
        await users.wait_for_edit(picker, timeout=WAIT)
    assert "已选：红烧肉、米饭" in text_of(picker)
    users.press_button(cook, picker, text="下一步 ➡️（2）")
    await users.wait_for_edit(picker, timeout=WAIT)
    assert text_of(picker) == "红烧肉 留了多少克？（至少 125 克）"
    refused = await _reply_to(kindergarten, cook, "100")
    assert text_of(refused).startswith("100 克低于本园每个菜品至少 125 克的要求")
    assert text_of(await _reply_to(kindergarten, cook, "150")) == "米饭 留了多少克？（至少 125 克）"
    assert text_of(await _reply_to(kindergarten, cook, "130")) == "留样冰箱现在的温度是多少 °C？"
    assert "照片" in text_of(await _reply_to(kindergarten, cook, "4"))
    photo = users.send_photo(cook, PHOTO)
    done = await users.wait_for_bot_message(cook, after=photo, timeout=WAIT)

    assert text_of(done).startswith("✅ 已留样：") and "红烧肉 150 g · 米饭 130 g" in text_of(done)
    teacher = kindergarten.person(HEALTH_TEACHER)
    await users.wait_until(
        lambda: any("请核对 马师傅 的留样" in text_of(m) for m in users.bot_messages(teacher)),
        timeout=WAIT,
        what="the health teacher asked to check",
    )
    reminders = [t for t in texts_to_cook() if "留样到期待处理" in t]
    assert len(reminders) == 1 and "加餐" in reminders[0]  # the held lunch is not reminded
    with kindergarten.session() as session:
        log = session.exec(
            select(SampleLog).where(SampleLog.photo_file_id != "demo-samples-photo")
        ).one()
        dishes = session.exec(select(SampleDish).where(SampleDish.log_id == log.id)).all()
        assert (log.meal, log.taken_by_id) == ("lunch", person_id_of(session, KITCHEN_COOK))
        assert sorted((d.dish, d.grams) for d in dishes) == [("米饭", 130), ("红烧肉", 150)]
        assert photo.photo is not None and log.photo_file_id == photo.photo[-1]["file_id"]


def _waiting_for_grams(kindergarten: Kindergarten) -> bool:
    """The tap's update has finished: the question for the grams is in the database."""
    with kindergarten.session() as session:
        rows = session.exec(select(ConversationState).where(ConversationState.name == "samples"))
        return any(row.data is not None for row in rows)


async def _answer(kindergarten: Kindergarten, user: User, text: str) -> Message:
    """The bot's answer to what the cook sends; a meal reminder caught up at a start (⏰),
    whenever it comes, is not the answer."""
    users = kindergarten.users
    sent = users.send_text(user, text)

    def answers() -> list[Message]:
        return [
            m
            for m in users.bot_messages(user)
            if m.message_id > sent.message_id and not text_of(m).startswith("⏰")
        ]

    await users.wait_until(lambda: bool(answers()), timeout=WAIT, what=f"the answer to {text}")
    return answers()[0]


async def test_kill9_while_asked_for_the_grams_keeps_the_question_and_logs_once(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    kindergarten.tune_site(meals=[MealSetting(key="lunch", end=time(23, 58))])
    bot = await launch_bot()
    users, cook = kindergarten.users, kindergarten.person(KITCHEN_COOK)
    picker = await _answer(kindergarten, cook, "🥡 留样")
    users.press_button(cook, picker, text="午餐")
    await users.wait_for_edit(picker, timeout=WAIT)
    picker = await _answer(kindergarten, cook, "番茄炒蛋")
    users.press_button(cook, picker, text="下一步 ➡️（1）")
    await users.wait_for_edit(picker, timeout=WAIT)
    assert text_of(picker) == "番茄炒蛋 留了多少克？（至少 125 克）"
    await users.wait_until(
        lambda: _waiting_for_grams(kindergarten), timeout=WAIT, what="the state written"
    )

    await bot.kill()
    await launch_bot()
    assert text_of(await _answer(kindergarten, cook, "150")) == "留样冰箱现在的温度是多少 °C？"
    assert "照片" in text_of(await _answer(kindergarten, cook, "4"))
    users.send_photo(cook, PHOTO)
    await users.wait_until(
        lambda: any(text_of(m).startswith("✅ 已留样：") for m in users.bot_messages(cook)),
        timeout=WAIT,
        what="the samples stored",
    )

    [done] = [m for m in users.bot_messages(cook) if text_of(m).startswith("✅ 已留样：")]
    assert "番茄炒蛋 150 g" in text_of(done)
    with kindergarten.session() as session:
        [log] = session.exec(select(SampleLog)).all()
        dishes = session.exec(select(SampleDish).where(SampleDish.log_id == log.id)).all()
        assert [(d.dish, d.grams) for d in dishes] == [("番茄炒蛋", 150)]
