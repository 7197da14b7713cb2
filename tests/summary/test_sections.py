"""The other flows in the summary: repairs, food samples, the calendar — each figure seeded."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from bot.i18n import translator
from bot.views.summary import summary_text
from storage.calendar_queries import overdue_tasks, tasks_due_this_week
from storage.models import Membership, Person
from storage.notice_models import DeliveryStatus, NoticeDelivery
from storage.notices import acknowledge, create_notice
from storage.permissions import Role
from storage.repairs import open_ticket
from storage.repairs_models import Urgency
from storage.samples import NewLog, create_log
from storage.summary import build_summary
from tests.disinfection.setup import make_kindergarten
from tests.factories import class_named, make_member
from tests.notices.setup import CLASSES, make_school
from tests.notices.setup import DIRECTOR as NOTICE_DIRECTOR
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


async def test_parent_notices_acknowledged_share_and_the_classes_behind(db: Session) -> None:
    school = make_school(db)
    site = school.site
    assert site.id is not None
    author = db.exec(select(Person).where(Person.telegram_user_id == NOTICE_DIRECTOR.id)).one()
    all_classes = [class_named(db, site, name).id or 0 for name in CLASSES]

    def send(title: str, when: datetime, acknowledged_by: tuple[str, ...]) -> None:
        notice, _count = create_notice(
            session=db, site_id=site.id or 0, author_id=author.id or 0, title=title,
            parts=["……"], class_ids=all_classes, attachment=None, now=when,
            reminder_hours=24, default_language="zh",
        )  # fmt: skip
        for delivery in db.exec(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id)):
            delivery.status, delivery.sent_at = DeliveryStatus.SENT, when
            db.add(delivery)
        db.commit()
        for delivery in db.exec(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id)):
            parent = db.get(Person, delivery.person_id)
            if parent is not None and parent.display_name in acknowledged_by:
                acknowledge(session=db, delivery_id=delivery.id or 0, person_id=parent.id, now=when)

    # Three days ago, all four parents; 赵军 (小二班) has not acknowledged. Today: one of four.
    send("防溺水告家长书", at(DAY, "09:00") - timedelta(days=3), ("陈明", "刘芳", "孙丽"))
    send("冬季安全告家长书", at(DAY, "09:00"), ("刘芳",))
    send("上个月的通知", at(DAY, "09:00") - timedelta(days=8), ())  # before the week: not counted

    section = build_summary(session=db, site=site, day=DAY, now=at(DAY, "17:30")).notices

    assert [(n.title, n.delivered, n.acknowledged) for n in section.notices] == [
        ("防溺水告家长书", 4, 3),
        ("冬季安全告家长书", 4, 1),
    ]
    # Only the older notice has had its reminder window: 小二班 is behind on it (赵军).
    [(share, teachers)] = section.behind
    assert (share.class_name, share.delivered, share.acknowledged, teachers) == ("小二班", 1, 0, ())
    text = summary_text(translator("zh"), "zh", build_summary(
        session=db, site=site, day=DAY, now=at(DAY, "17:30")
    ))  # fmt: skip
    assert "📣 告家长书：已确认 4/8（50%）" in text
    assert "• 《防溺水告家长书》 3/4\n• 《冬季安全告家长书》 1/4\n• 小二班 仅 0% 家长已确认" in text


async def test_a_class_behind_names_its_class_teacher(db: Session) -> None:
    school = make_school(db)
    site = school.site
    author = db.exec(select(Person).where(Person.telegram_user_id == NOTICE_DIRECTOR.id)).one()
    one = class_named(db, site, "小一班").id or 0
    notice, count = create_notice(
        session=db, site_id=site.id or 0, author_id=author.id or 0, title="开学通知",
        parts=["……"], class_ids=[one], attachment=None, now=at(DAY, "08:00") - timedelta(days=2),
        reminder_hours=24, default_language="zh",
    )  # fmt: skip
    for delivery in db.exec(select(NoticeDelivery).where(NoticeDelivery.notice_id == notice.id)):
        delivery.status = DeliveryStatus.SENT
        db.add(delivery)
    db.commit()

    section = build_summary(session=db, site=site, day=DAY, now=at(DAY, "17:30")).notices

    [(share, teachers)] = section.behind
    assert (share.class_name, share.delivered, share.acknowledged) == ("小一班", count, 0)
    assert teachers == ("杨柳",)
    text = summary_text(translator("zh"), "zh", build_summary(
        session=db, site=site, day=DAY, now=at(DAY, "17:30")
    ))  # fmt: skip
    assert "• 小一班 仅 0% 家长已确认 · 请问 杨柳" in text

    # With no class teacher on record, the director is told so rather than left to guess.
    for membership in db.exec(select(Membership).where(Membership.class_id == one)):
        if membership.role == Role.CLASS_TEACHER:
            membership.active = False
            db.add(membership)
    db.commit()
    text = summary_text(translator("zh"), "zh", build_summary(
        session=db, site=site, day=DAY, now=at(DAY, "17:30")
    ))  # fmt: skip
    assert "• 小一班 仅 0% 家长已确认 · 未登记班主任" in text
