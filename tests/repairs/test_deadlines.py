"""Overdue tickets escalate once per level, also across a restart; unanswered checks go to
the logistics lead after a day."""

from __future__ import annotations

from sqlmodel import Session

from storage.repairs_models import Status
from tests.conftest import BotFactory
from tests.repairs.setup import (
    CAREGIVER,
    DIRECTOR,
    LEAD,
    MAINTENANCE_GROUP,
    STAFF_GROUP,
    make_kindergarten,
    tickets,
)
from tests.repairs.test_story import take_and_finish
from tests.support.networking import Call
from tests.support.telegram import Telegram, to


def escalations(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.chat_id in {LEAD.id, DIRECTOR.id}]


async def report_urgent(telegram: Telegram) -> None:
    draft = (await telegram.send(CAREGIVER, "#报修 中一班 门锁坏了 关不上", chat=STAFF_GROUP))[-1]
    urgent = (await telegram.press(CAREGIVER, draft, "紧急"))[-1]
    await telegram.press(CAREGIVER, urgent, "提交")


async def test_an_overdue_urgent_ticket_escalates_once_per_level_across_a_restart(
    bots: BotFactory, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram = await bots.start()
    telegram.set_local_time("2026-11-26 10:00")
    await report_urgent(telegram)
    [ticket] = tickets(db)
    assert ticket.urgency == "urgent" and ticket.category == "doors"
    job = f"repairs-deadlines:{k.site_id}"
    telegram.schedule()

    telegram.set_local_time("2026-11-26 13:59")
    assert to(await telegram.run_job(job), LEAD.id) == []
    telegram.set_local_time("2026-11-26 14:01")
    [escalation] = to(await telegram.run_job(job), LEAD.id)
    assert escalation.text.startswith("⏰ 超时：#2026-0001 期限 11月26日（周四） 14:00")
    assert "👷 指派" in [label for label, _ in escalation.buttons()]
    assert escalations(await telegram.run_job(job)) == []

    await bots.stop(telegram)
    restarted = await bots.start()
    restarted.set_local_time("2026-11-26 14:30")
    restarted.schedule()
    assert escalations(await restarted.run_job(job)) == []

    restarted.set_local_time("2026-11-27 14:01")
    calls = await restarted.run_job(job)
    [to_director] = to(calls, DIRECTOR.id)
    assert "超时上报一天后仍未修好：#2026-0001" in to_director.text
    assert to(calls, LEAD.id) == []
    assert escalations(await restarted.run_job(job)) == []
    assert tickets(db)[0].escalation_level == 2


async def test_a_done_repair_nobody_checks_for_a_day_goes_to_the_logistics_lead(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_urgent(telegram)
    await take_and_finish(telegram)
    telegram.schedule()
    job = f"repairs-deadlines:{k.site_id}"

    telegram.set_local_time("2026-11-27 09:59")
    assert to(await telegram.run_job(job), LEAD.id) == []
    telegram.set_local_time("2026-11-27 10:01")
    [ask] = to(await telegram.run_job(job), LEAD.id)
    assert "报修人尚未验收" in ask.text
    await telegram.run_job(job)

    await telegram.press(LEAD, ask, "已修好")

    assert tickets(db)[0].status == Status.VERIFIED
    assert (
        len([c for c in telegram.request.calls if c.chat_id == LEAD.id and "尚未验收" in c.text])
        == 1
    )


async def test_a_post_telegram_refused_at_the_report_is_sent_by_the_next_check_once(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    draft = (await telegram.send(CAREGIVER, "报修 小二班 电灯不亮", chat=STAFF_GROUP))[-1]
    telegram.request.failures["sendMessage"] = (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    submitted = await telegram.press(CAREGIVER, draft, "提交")
    del telegram.request.failures["sendMessage"]
    refused = to(submitted, MAINTENANCE_GROUP.id)  # tried three times at once, then left
    assert len(refused) == 3 and all(c.result["ok"] is False for c in refused)
    assert tickets(db)[0].status == "new"

    telegram.schedule()
    job = f"repairs-deadlines:{k.site_id}"
    calls = await telegram.run_job(job) + await telegram.run_job(job)

    posts = [c for c in to(calls, MAINTENANCE_GROUP.id) if c.text.startswith("🔧 报修 #2026-0001")]
    assert len(posts) == 1 and "✋ 接单" in [label for label, _ in posts[0].buttons()]
