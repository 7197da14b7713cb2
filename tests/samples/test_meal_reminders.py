"""A meal not logged: the kitchen is reminded an hour after it ends, the health teacher at two."""

from __future__ import annotations

from sqlmodel import Session

from tests.samples.setup import COOK, HEALTH_TEACHER, SECOND_COOK, log_meal, make_kitchen
from tests.support.telegram import Telegram, texts, to


async def test_an_unlogged_lunch_is_reminded_then_escalated_and_a_logged_one_is_not(
    telegram: Telegram, db: Session
) -> None:
    kitchen = make_kitchen(db)
    site = kitchen.site.id
    telegram.set_local_time("2026-11-23 09:00")
    telegram.schedule()
    await log_meal(telegram, COOK, "早餐", [("牛奶", "150")])

    telegram.set_local_time("2026-11-23 09:30")
    breakfast = await telegram.run_job(f"samples-remind:{site}:2026-11-23:breakfast")
    telegram.set_local_time("2026-11-23 13:29")
    early = await telegram.run_job(f"samples-remind:{site}:2026-11-23:lunch")
    telegram.set_local_time("2026-11-23 13:30")
    reminded = await telegram.run_job(f"samples-remind:{site}:2026-11-23:lunch")
    again = await telegram.run_job(f"samples-remind:{site}:2026-11-23:lunch")
    telegram.set_local_time("2026-11-23 14:30")
    escalated = await telegram.run_job(f"samples-escalate:{site}:2026-11-23:lunch")

    assert breakfast == [] and again == []
    assert early == []  # never before its time
    expected = "⏰ 午餐 12:30 已结束，还没有留样记录。请点「🥡 留样」。"
    assert texts(to(reminded, COOK.id)) == texts(to(reminded, SECOND_COOK.id)) == [expected]
    assert to(reminded, HEALTH_TEACHER.id) == []
    assert texts(to(escalated, HEALTH_TEACHER.id)) == [
        "⚠️ 第一幼儿园：11月23日（周一） 午餐 没有留样记录（12:30 结束）。"
    ]
    assert to(escalated, COOK.id) == []
