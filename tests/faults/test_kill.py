"""kill -9 at the worst moments: nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from storage.disinfection import DisinfectionRecord
from storage.models import OutboundMessage
from tests.e2e.kindergarten import (
    FENG_JUAN,
    HEALTH_TEACHER,
    LI_FANG,
    WAIT,
    ZHENG_HONG,
    Kindergarten,
    text_of,
)
from tests.faults.conftest import BACKENDS, Launch
from tests.faults.world import (
    RECORDED,
    add_caregivers,
    area_ids,
    lost_and_doubled,
    method_picker,
    pickers_for,
    shown,
    tap_all,
    wait_recorded,
)


def reminders_done(place: Kindergarten) -> int:
    with place.session() as session:
        rows = session.exec(select(OutboundMessage)).all()
    return sum(r.key.startswith("disinfection-reminder") and r.outcome == "sent" for r in rows)


@BACKENDS
async def test_kill9_during_a_burst_of_taps_loses_and_doubles_nothing(
    place: Kindergarten, launch: Launch, backend: str
) -> None:
    people = add_caregivers(place, 5)
    bot = await launch(place)
    pickers = await pickers_for(place, people)
    areas = area_ids(place, pickers)

    tap_all(place, pickers)  # 10 taps at once, in epidemic mode (two rounds a day)
    await asyncio.sleep(random.uniform(0.0, 0.3))
    await bot.restart()  # SIGKILL mid-burst, then up again
    await wait_recorded(place, len(areas))
    await place.users.wait_until(
        lambda: sum(RECORDED in t for t in shown(pickers)) >= len(pickers) - 1,
        timeout=WAIT,
        what="the taps' answers",
    )

    assert lost_and_doubled(place.engine, areas) == (0, 0)
    # Only the one tap in flight when the process died may miss its answer; none is refused.
    assert not any("已经消毒过了" in t or "抱歉" in t for t in shown(pickers))


async def test_kill9_mid_conversation_keeps_the_question(
    place: Kindergarten, launch: Launch
) -> None:
    users, li = place.users, place.person(LI_FANG)
    bot = await launch(place)
    picker = await method_picker(place, li, "小一班 活动室")
    users.press_button(li, picker, text="含氯消毒液")
    await users.wait_for_edit(picker, count=2, timeout=WAIT)
    users.press_button(li, picker, text="其他浓度…")
    await users.wait_for_edit(picker, count=3, timeout=WAIT)
    assert text_of(picker) == "请输入浓度（mg/L），例如 500："

    await bot.restart()  # at once: the state was written with the update, not 5 s later
    typed = users.send_text(li, "500")
    reply = await users.wait_for_bot_message(li, after=typed, timeout=WAIT)

    assert RECORDED in text_of(reply) and "500 mg/L" in text_of(reply)
    with place.session() as session:
        [record] = session.exec(select(DisinfectionRecord)).all()
    assert (record.method, record.concentration_mg_l) == ("chlorine", 500)


async def test_kill9_between_a_claim_and_its_send_posts_the_card_once(
    place: Kindergarten, launch: Launch
) -> None:
    users, group = place.users, place.staff_group
    users.set_faults(hang=1.0, hang_seconds=60, methods=["sendMessage"])  # Telegram never answers
    bot = await launch(place)
    await users.wait_until(
        lambda: place.server.faults.injected["hang"] >= 1, timeout=WAIT, what="the card's send"
    )
    with place.session() as session:
        [claim] = session.exec(select(OutboundMessage)).all()
    assert claim.message_id is None and claim.outcome is None  # claimed, never confirmed

    await bot.kill()
    users.clear_faults()
    await bot.start()
    card = await users.wait_for_bot_message(group, timeout=WAIT)

    assert text_of(card).startswith("🧴 今日消毒")
    await asyncio.sleep(0.5)
    assert len(users.bot_messages(group)) == 1
    with place.session() as session:
        [row] = session.exec(select(OutboundMessage)).all()
    assert (row.message_id, row.outcome, row.attempts) == (card.message_id, "sent", 2)


async def test_kill9_during_a_uv_session_keeps_it_running_and_endable(
    place: Kindergarten, launch: Launch
) -> None:
    users, li = place.users, place.person(LI_FANG)
    bot = await launch(place)
    picker = await method_picker(place, li, "小一班 午睡室")
    users.press_button(li, picker, text="紫外线灯")
    await users.wait_for_edit(picker, count=2, timeout=WAIT)

    users.press_button(li, picker, text="▶️ 开始")
    await asyncio.sleep(random.uniform(0.0, 0.2))
    await bot.restart()

    def lamps() -> list[DisinfectionRecord]:
        with place.session() as session:
            return list(session.exec(select(DisinfectionRecord)).all())

    # The tap is never lost: recorded by the killed process, or replayed by the new one.
    await users.wait_until(lambda: bool(lamps()), timeout=WAIT, what="the lamp's start stored")
    try:
        await users.wait_until(lambda: "开始照射" in text_of(picker), timeout=3, what="answer")
    except TimeoutError:
        # Killed between the record and its answer (the one answer a crash may cost):
        # the caregiver taps 开始 again and gets the running lamp with its buttons.
        users.press_button(li, picker, text="▶️ 开始")
        await users.wait_until(
            lambda: "开始照射" in text_of(picker), timeout=WAIT, what="the lamp's start"
        )
    [running] = lamps()
    assert running.started_at is not None and running.ended_at is None

    users.press_button(li, picker, text="✖️ 中止")
    await users.wait_until(lambda: "已中止" in text_of(picker), timeout=WAIT, what="abort")
    with place.session() as session:
        assert session.exec(select(DisinfectionRecord)).all() == []


async def test_kill9_between_the_reminder_and_the_escalation_sends_each_once(
    place: Kindergarten, launch: Launch
) -> None:
    users = place.users
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime.now(zone)
    if now.hour == 0 and now.minute < 5:
        pytest.skip("the deadline must fall on today")
    deadline = (now - timedelta(minutes=2)).time().replace(microsecond=0)
    place.tune_site(disinfection_deadline=deadline, disinfection_escalation_minutes=120)
    caregivers = [place.person(i) for i in (LI_FANG, ZHENG_HONG, FENG_JUAN)]
    bot = await launch(place)
    for caregiver in caregivers:
        await users.wait_for_bot_message(caregiver, timeout=WAIT)
    await users.wait_until(lambda: reminders_done(place) == 3, timeout=WAIT, what="the reminders")

    await bot.kill()  # after the reminders, before the escalation
    place.tune_site(disinfection_escalation_minutes=1)  # the escalation is due on restart
    await bot.start()
    escalation = await users.wait_for_bot_message(place.person(HEALTH_TEACHER), timeout=WAIT)
    await asyncio.sleep(1.0)

    assert "消毒仍未完成" in text_of(escalation)
    assert len(users.bot_messages(place.person(HEALTH_TEACHER))) == 1
    for caregiver in caregivers:
        texts = [text_of(m) for m in users.bot_messages(caregiver)]
        assert [t for t in texts if t.startswith("⏰")] == texts[-1:], texts
