"""Nobody is forgotten: the live board under load, reminders, escalation and restarts."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.cards import CardEditor
from jobs.plan import plan
from storage.disinfection_status import State, disinfection_status
from storage.school_days import set_days
from tests.conftest import BotFactory
from tests.disinfection.setup import (
    HEALTH_TEACHER,
    LOGISTICS_HEAD,
    STAFF_GROUP,
    board_messages,
    confirm,
    make_kindergarten,
    records,
)
from tests.support.networking import Call
from tests.support.telegram import Telegram, to

TEN_CLASSES = tuple(f"{grade}{n}班" for grade in ("小", "中") for n in "一二三四五")


async def test_twenty_caregivers_in_one_minute_cost_at_most_twenty_edits(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db, classes=TEN_CLASSES, per_class=2)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    started = time.monotonic()

    for name in TEN_CLASSES:  # spread over about eight seconds, as people really tap
        await confirm(telegram, k.caregivers[f"{name}#1"], f"{name} 活动室", "消毒柜")
        await asyncio.sleep(0.4)
        await confirm(telegram, k.caregivers[f"{name}#2"], f"{name} 午睡室", "通风")
        await asyncio.sleep(0.4)
    await telegram.settle()

    edits = [c for c in board_messages(telegram) if c.method == "editMessageText"]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(edits)]
    assert time.monotonic() - started < 60
    assert 2 <= len(edits) <= 20
    assert min(gaps) >= 2.9  # one edit per 3 s keeps the group within 20 a minute
    assert len(records(db)) == 20
    assert "已完成 20/20" in edits[-1].text and "⬜" not in edits[-1].text
    assert edits[-1].buttons() == []


def test_the_card_editor_spaces_edits_and_never_drops_the_last_one() -> None:
    now = [0.0]
    editor = CardEditor(interval=3.0, clock=lambda: now[0])

    assert editor.delay("card") == 0.0
    editor._last_run["card"] = now[0]
    now[0] = 1.0
    assert editor.delay("card") == 2.0
    now[0] = 5.0
    assert editor.delay("card") == 0.0


async def _two_rooms_left(telegram: Telegram, db: Session):  # type: ignore[no-untyped-def]
    """小一班 done; 小二班 nap room and 中一班 activity room left by 16:30."""
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await confirm(telegram, k.caregivers["小一班"], "小一班 活动室", "消毒柜")
    await confirm(telegram, k.caregivers["小一班"], "小一班 午睡室", "通风")
    await confirm(telegram, k.caregivers["小二班"], "小二班 活动室", "消毒柜")
    await confirm(telegram, k.caregivers["中一班"], "中一班 午睡室", "通风")
    return k


def _private(calls: list[Call]) -> dict[int, str]:
    return {
        c.chat_id or 0: c.text for c in calls if c.method == "sendMessage" and (c.chat_id or 0) > 0
    }


async def test_at_the_deadline_exactly_the_caregivers_with_rooms_to_do_are_reminded(
    telegram: Telegram, db: Session
) -> None:
    k = await _two_rooms_left(telegram, db)
    telegram.set_local_time("2026-11-23 16:30")

    reminded = _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}"))

    assert set(reminded) == {k.caregivers["小二班"].id, k.caregivers["中一班"].id}
    assert "• 小二班 午睡室" in reminded[k.caregivers["小二班"].id]
    assert "中一班 活动室" in reminded[k.caregivers["中一班"].id]
    assert "小二班" not in reminded[k.caregivers["中一班"].id]
    assert _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}")) == {}

    telegram.set_local_time("2026-11-23 17:00")
    escalated = _private(await telegram.run_job(f"disinfection-escalation:{k.site.id}"))
    again = _private(await telegram.run_job(f"disinfection-escalation:{k.site.id}"))

    assert set(escalated) == {HEALTH_TEACHER.id, LOGISTICS_HEAD.id}
    message = escalated[HEALTH_TEACHER.id]
    assert "第一幼儿园：11月23日（周一）消毒仍未完成（截止 16:30）" in message
    assert "• 小二班 午睡室" in message and "• 中一班 活动室" in message and "小一班" not in message
    assert again == {}


async def test_a_restart_between_reminder_and_escalation_still_escalates_once(
    bots: BotFactory, db: Session
) -> None:
    first = await bots.start()
    k = await _two_rooms_left(first, db)
    first.set_local_time("2026-11-23 16:30")
    await first.run_job(f"disinfection-deadline:{k.site.id}")
    await bots.stop(first)

    second = await bots.start()
    second.set_local_time("2026-11-23 17:05")  # back up after the escalation's time
    second.schedule()  # what post_init does at start-up
    await second.settle()
    for _ in range(50):  # the catch-up job runs on its own, at once
        if to(second.request.calls, HEALTH_TEACHER.id):
            break
        await second.settle()
    await second.run_job(f"disinfection-escalation:{k.site.id}")  # and the daily run later

    escalations = to(second.request.sent(), HEALTH_TEACHER.id)
    reminders = [
        c for c in second.request.sent() if c.chat_id in {u.id for u in k.caregivers.values()}
    ]
    assert len(escalations) == 1 and "消毒仍未完成" in escalations[0].text
    assert reminders == []  # the reminders went out before the restart, and only then


async def test_a_uv_lamp_never_switched_off_is_flagged_and_not_counted(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 12:00")
    telegram.schedule()
    prompt = (await confirm(telegram, caregiver, "小一班 午睡室", "紫外线灯"))[-1]
    await telegram.press(caregiver, prompt, "开始")

    telegram.set_local_time("2026-11-23 16:30")
    status = disinfection_status(
        session=db, site=k.site, day=records(db)[0].day, now=telegram.app.clock()
    )
    nap_room = next(
        a for a in status.areas if a.class_name == "小一班" and a.area.kind == "nap_room"
    )
    reminded = _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}"))
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    await telegram.settle()

    assert nap_room.rounds[0].state == State.FORGOTTEN and not nap_room.done
    assert "小一班 午睡室 （紫外线已开始，未结束）" in reminded[caregiver.id]
    assert "午睡室 ⚠️ 紫外线 12:00 开始，未结束" in board_messages(telegram)[-1].text


async def test_the_board_is_posted_once_a_day_in_each_staff_group(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 07:30")
    telegram.schedule()

    await telegram.run_job(f"disinfection-board:{k.site.id}")
    await telegram.run_job(f"disinfection-board:{k.site.id}")  # a second run posts nothing
    telegram.set_local_time("2026-11-24 07:30")
    await telegram.run_job(f"disinfection-board:{k.site.id}")

    posts = [c for c in board_messages(telegram) if c.method == "sendMessage"]
    assert [p.text.splitlines()[0] for p in posts] == [
        "🧴 今日消毒 11月23日（周一）",
        "🧴 今日消毒 11月24日（周二）",
    ]
    assert {p.chat_id for p in posts} == {STAFF_GROUP.id}
    assert "已完成 0/6" in posts[0].text and len(posts[0].buttons()) == 6


async def test_a_half_done_late_entry_survives_a_restart(bots: BotFactory, db: Session) -> None:
    first = await bots.start()
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    first.set_local_time("2026-11-23 17:10")
    asked = (await confirm(first, caregiver, "小一班 活动室", "消毒柜"))[-1]
    assert "请输入补录原因" in asked.text and asked.text.startswith("小一班 活动室 · 消毒柜")
    await bots.stop(first)  # persistence is flushed on shutdown

    second = await bots.start()
    second.set_local_time("2026-11-23 17:12")
    done = (await second.send(caregiver, "户外活动回来晚了"))[-1]

    assert "已标为11月23日（周一）的补录。原因：户外活动回来晚了" in done.text
    assert [r.late_reason for r in records(db)] == ["户外活动回来晚了"]


async def test_reminders_and_escalation_never_come_before_their_time(
    telegram: Telegram, db: Session
) -> None:
    k = await _two_rooms_left(telegram, db)
    telegram.set_local_time("2026-11-23 16:10")  # e.g. a catch-up run after a restart

    reminders = _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}"))
    escalations = _private(await telegram.run_job(f"disinfection-escalation:{k.site.id}"))

    assert reminders == {} and escalations == {}


async def test_a_reminder_that_fails_to_send_is_retried_and_no_one_is_skipped(
    telegram: Telegram, db: Session
) -> None:
    k = await _two_rooms_left(telegram, db)
    telegram.set_local_time("2026-11-23 16:30")
    telegram.request.failures["sendMessage"] = (
        502,
        {"ok": False, "error_code": 502, "description": "Bad Gateway"},
    )

    failing = await telegram.run_job(f"disinfection-deadline:{k.site.id}")
    caregivers = {k.caregivers["小二班"].id, k.caregivers["中一班"].id}
    attempts = [c for c in failing if c.method == "sendMessage" and c.chat_id in caregivers]
    del telegram.request.failures["sendMessage"]
    retried = _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}:retry"))
    again = _private(await telegram.run_job(f"disinfection-deadline:{k.site.id}"))

    # Both caregivers were tried (three quick tries each): the first failure stopped no one.
    assert sorted(c.chat_id for c in attempts) == sorted([*caregivers] * 3)
    assert set(retried) == caregivers
    assert again == {}


def test_no_board_reminder_or_meal_chase_on_a_weekend_or_closed_day_but_on_a_make_up_day(
    db: Session,
) -> None:
    k = make_kindergarten(db)
    site = k.site
    friday, sunday = date(2026, 11, 27), date(2026, 11, 29)  # Saturday the 28th: a weekend
    for day, closed, reason in ((friday, True, "运动会"), (sunday, False, "调休")):
        set_days(
            session=db, site=site, start=day, end=day, closed=closed, reason=reason,
            person_id=None, today=date(2026, 11, 26),
        )  # fmt: skip
    noon = datetime(2026, 11, 28, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)

    def days_of(prefix: str) -> set[str]:
        keys = [item.key for item in plan(db, [site], noon)]
        return {key.split(":")[2] for key in keys if key.startswith(f"{prefix}:{site.id}:")}

    for prefix in ("disinfection-board", "disinfection-deadline", "disinfection-escalation"):
        assert days_of(prefix) == {"2026-11-29"}, prefix
    assert days_of("samples-remind") == days_of("samples-escalate") == {"2026-11-29"}
    site.boarding = True  # a boarding school disinfects every day it is not closed
    db.add(site)
    db.commit()
    assert days_of("disinfection-board") == {"2026-11-28", "2026-11-29"}
