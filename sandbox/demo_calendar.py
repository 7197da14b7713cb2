"""The demo's safety calendar: a term plan around today with done, due and overdue tasks, and
an evacuation drill recorded last month with its photo (2:35, flagged as slow)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from storage.calendar import Task, complete_task, ensure_occurrences, get_task
from storage.calendar_models import DrillType, TaskOccurrence, TaskRule
from storage.drills import DrillEntry, record_drill
from storage.models import Person, Site
from storage.plan_store import PlannedTask, schedule_plan

# A real 1×1 PNG stands in for the photo the logistics head took at the drill.
DRILL_PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# (months from now, title, role, drill, done by (Telegram id) or None)
PLAN: list[tuple[int, str, str | None, bool, int | None]] = [
    (-1, "开展一次紧急疏散演练", "logistics_head", True, 100002),
    (-1, "邀请消防人员来园进行消防实地培训", None, False, 100001),
    (-1, "检修户外大型玩具，更换损坏部件", "maintenance", False, None),  # overdue
    (-1, "食堂从业人员健康检查", "kitchen", False, 100010),
    (0, "教职工卫生保健知识培训", "health_teacher", False, 100003),
    (0, "开展“防溺水”安全教育活动，发放告家长书", "class_teacher", False, None),
    (0, "检查园内电路、水电设施，及时维修", "maintenance", False, None),
    (0, "做好食堂留样管理自查", "kitchen", False, None),
    (1, "召开家长会，做好假期安全宣传", "class_teacher", False, None),
    (1, "组织幼儿体检", "health_teacher", False, None),
]


def _month_end(today: date, offset: int) -> date:
    return today + relativedelta(months=offset, day=31)


def seed_demo_calendar(session: Session, site: Site, photo_file_id: str) -> None:
    """Once per demo database: the plan, what was done, and the drill with its photo."""
    assert site.id is not None
    if session.exec(
        select(TaskRule).where(TaskRule.site_id == site.id, TaskRule.source == "plan")
    ).first():
        return
    zone = ZoneInfo(site.timezone)
    today = datetime.now(zone).date()
    tasks = [PlannedTask(title, role, drill, _month_end(today, offset))
             for offset, title, role, drill, _who in PLAN]  # fmt: skip
    rules = schedule_plan(session=session, site_id=site.id, tasks=tasks, person_id=None)
    ensure_occurrences(session=session, site=site, today=today)
    for rule, (_offset, _title, _role, drill, who) in zip(rules, PLAN, strict=True):
        task = _task_of(session, rule)
        person = _person(session, who)
        if task is None or person is None:
            continue
        done_at = datetime.combine(min(task.occurrence.due_date, today), time(10, 30), zone)
        if drill:
            entry = DrillEntry(DrillType.EVACUATION, 168, 24, 155, "二楼东侧楼梯口拥挤，小班幼儿下楼慢",
                               (photo_file_id,))  # fmt: skip
            record_drill(session=session, site=site, task=task, person_id=person.id or 0,
                         entry=entry, now=done_at.astimezone(UTC))  # fmt: skip
        else:
            complete_task(session=session, site=site, task=task, person_id=person.id or 0,
                          now=done_at.astimezone(UTC))  # fmt: skip


def _task_of(session: Session, rule: TaskRule) -> Task | None:
    occurrence = session.exec(
        select(TaskOccurrence).where(TaskOccurrence.rule_id == rule.id)
    ).first()
    return get_task(session=session, occurrence_id=occurrence.id or 0) if occurrence else None


def _person(session: Session, telegram_user_id: int | None) -> Person | None:
    if telegram_user_id is None:
        return None
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()
