"""The other flows in the summary: repairs, food samples, the calendar — each figure seeded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from bot.i18n import translator
from bot.views.summary import summary_text
from storage.calendar_queries import overdue_tasks, tasks_due_this_week
from storage.permissions import Role
from storage.repairs import open_ticket
from storage.repairs_models import Urgency
from storage.samples import NewLog, create_log
from storage.summary import build_summary
from tests.disinfection.setup import make_kindergarten
from tests.factories import make_member
from tests.summary.test_daily_summary import DAY, at
from tests.support.telegram import User

COOK, FIXER = User(960, "马师傅"), User(961, "赵强")


async def test_repairs_samples_and_tasks_are_counted_and_name_whom_to_ask(db: Session) -> None:
    k = make_kindergarten(db)
    site = k.site
    cook = make_member(db, site, COOK, Role.KITCHEN)
    make_member(db, site, FIXER, Role.MAINTENANCE)
    lead = make_member(db, site, User(962, "孙伟"), Role.LOGISTICS_LEAD)
    assert site.id and cook.id and lead.id
    # Two repairs: one reported three days ago and urgent (overdue), one today.
    for when, urgency, what in (
        (at(DAY, "09:00") - timedelta(days=3), Urgency.URGENT, "水龙头漏水"),
        (at(DAY, "10:00"), Urgency.NORMAL, "门锁坏了"),
    ):
        open_ticket(
            session=db, now=when, site_id=site.id, reporter_id=lead.id, description=what,
            location="小一班", category="plumbing", urgency=urgency,
        )  # fmt: skip
    # Lunch logged with one dish; breakfast and the snack are not.
    create_log(
        session=db,
        entry=NewLog(site, DAY, "lunch", [("米饭", 130)], Decimal("4"), None, cook.id),
        now=at(DAY, "12:40"),
    )
    now = at(DAY, "17:30")

    summary = build_summary(session=db, site=site, day=DAY, now=now)

    repairs = summary.repairs
    assert (repairs.new_today, repairs.open, repairs.closed_today) == (1, 2, 0)
    [late] = repairs.overdue
    assert late.description == "水龙头漏水" and late.days_overdue >= 2 and late.ask == ("孙伟",)
    samples = summary.samples
    assert (samples.logged, samples.expected) == (1, 3)
    assert samples.missing_meals == ["breakfast", "snack"] and samples.ask == ("马师傅",)
    tasks = summary.tasks
    assert len(tasks.due_this_week) == len(tasks_due_this_week(session=db, site=site, now=now))
    assert len(tasks.overdue) == len(overdue_tasks(session=db, site=site, now=now))

    text = summary_text(translator("zh"), "zh", summary)
    assert "🔧 报修 · 新报 1 · 已关闭 0 · 未完成 2 · ⚠️ 超时 1" in text
    assert "水龙头漏水 · 超时 3 天 · 请问 孙伟" in text
    assert "🥡 留样 1/3" in text and "未留样：早餐、加餐 · 请问 马师傅" in text
    assert "📅 工作 · 今日完成 0" in text
