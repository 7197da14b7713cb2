"""晨检 end to end: a caregiver reports attendance in private chat, the staff card follows;
a kill -9 in the middle of it loses no question."""

from __future__ import annotations

from sqlmodel import select

from sandbox.checkins_demo import seed_checkins
from sandbox.launch import SITE_NAME
from storage.checkin_models import CheckinAnswer, SickChild
from storage.models import ConversationState
from tests.e2e.conftest import LaunchBot
from tests.e2e.kindergarten import LI_FANG, WAIT, Kindergarten, buttons_of, person_id_of, text_of


async def test_a_caregiver_reports_a_sick_child_and_the_staff_card_shows_the_figures(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    seed_checkins(kindergarten.engine, SITE_NAME, answers=False)  # headcounts, zones, all day
    await launch_bot()
    users, li = kindergarten.users, kindergarten.person(LI_FANG)

    asked = users.send_text(li, "🩺 晨检")
    screen = await users.wait_for_bot_message(li, after=asked, timeout=WAIT)
    assert text_of(screen).startswith("🩺 小一班 晨检 · ")
    assert "应到 25 · 实到 25 · 缺勤 0" in text_of(screen)
    assert "✅ 全到（25 人）" in buttons_of(screen)
    users.press_button(li, screen, text="🤒 病假 +1")
    await users.wait_for_edit(screen, count=1, timeout=WAIT)
    assert text_of(screen).startswith("病假幼儿的姓名？")
    named = users.send_text(li, "小明")
    symptoms = await users.wait_for_bot_message(li, after=named, timeout=WAIT)
    assert text_of(symptoms) == "小明：什么症状？"
    users.press_button(li, symptoms, text="发热")
    await users.wait_for_edit(symptoms, count=1, timeout=WAIT)
    assert "应到 25 · 实到 24 · 缺勤 1（病假 1）" in text_of(symptoms)
    users.press_button(li, symptoms, text="📤 提交")
    await users.wait_for_edit(symptoms, count=2, timeout=WAIT)

    assert text_of(symptoms) == "✅ 已记录：小一班 · 应到 25 · 实到 24 · 缺勤 1（病假 1）"

    def card() -> str:
        cards = [
            m
            for m in users.bot_messages(kindergarten.staff_group)
            if text_of(m).startswith("🩺 今日晨检")
        ]
        return text_of(cards[-1]) if cards else ""

    await users.wait_until(lambda: "✅ 小一班" in card(), timeout=WAIT, what="the morning card")
    assert "✅ 小一班：应到 25 · 实到 24 · 缺勤 1（病假 1） · 李芳" in card()
    assert "病假：小明（发热）" in card()
    with kindergarten.session() as session:
        [answer] = session.exec(select(CheckinAnswer)).all()
        assert answer.person_id == person_id_of(session, LI_FANG)
        assert answer.data["sick"] == [{"name": "小明", "symptom": "fever"}]
        [child] = session.exec(select(SickChild)).all()
        assert (child.name, child.returned_on) == ("小明", None)


def _waiting_for(kindergarten: Kindergarten, name: str) -> bool:
    """The tap's update has finished: its conversation state is in the database."""
    with kindergarten.session() as session:
        rows = session.exec(select(ConversationState).where(ConversationState.name == name))
        return any(row.data is not None for row in rows)


async def test_kill9_while_asked_for_the_sick_childs_name_keeps_the_question(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    seed_checkins(kindergarten.engine, SITE_NAME, answers=False)
    bot = await launch_bot()
    users, li = kindergarten.users, kindergarten.person(LI_FANG)
    asked = users.send_text(li, "🩺 晨检")
    screen = await users.wait_for_bot_message(li, after=asked, timeout=WAIT)
    users.press_button(li, screen, text="🤒 病假 +1")
    await users.wait_for_edit(screen, count=1, timeout=WAIT)
    assert text_of(screen).startswith("病假幼儿的姓名？")
    await users.wait_until(
        lambda: _waiting_for(kindergarten, "checkins"), timeout=WAIT, what="the state written"
    )

    await bot.kill()
    await launch_bot()
    named = users.send_text(li, "小明")
    symptoms = await users.wait_for_bot_message(li, after=named, timeout=WAIT)
    assert text_of(symptoms) == "小明：什么症状？"
    users.press_button(li, symptoms, text="发热")
    await users.wait_for_edit(symptoms, count=1, timeout=WAIT)
    users.press_button(li, symptoms, text="📤 提交")
    await users.wait_for_edit(symptoms, count=2, timeout=WAIT)

    assert text_of(symptoms) == "✅ 已记录：小一班 · 应到 25 · 实到 24 · 缺勤 1（病假 1）"
    with kindergarten.session() as session:
        [answer] = session.exec(select(CheckinAnswer)).all()
        assert answer.data["sick"] == [{"name": "小明", "symptom": "fever"}]
        assert [c.name for c in session.exec(select(SickChild))] == ["小明"]
