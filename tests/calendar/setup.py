"""A kindergarten whose calendar starts on a chosen day, with its staff and a staff group."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage.calendar_models import DrillRecord, TaskOccurrence, TaskRule
from storage.groups import bind_group
from storage.models import GroupPurpose, Site, SiteKind
from storage.permissions import Role
from storage.sites import add_classes, create_site
from tests.factories import make_member
from tests.support.telegram import Group, User

STAFF_GROUP = Group(-1001000000700, "阳光幼儿园教职工群")
DIRECTOR = User(701, "王丽")
LOGISTICS_HEAD = User(702, "刘洋")
HEALTH_TEACHER = User(703, "周敏")
MAINTENANCE = User(704, "赵强")
KITCHEN = User(705, "马师傅")
CAREGIVER = User(706, "李芳")


def local(moment: str) -> datetime:
    return datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def make_site_on(
    db: Session, moment: str, kind: SiteKind = SiteKind.KINDERGARTEN, boarding: bool = False
) -> Site:
    """A site created at a local time: its calendar starts that day."""
    return create_site(
        session=db, name="阳光幼儿园", kind=kind, boarding=boarding,
        now=local(moment).astimezone(UTC),
    )  # fmt: skip


def make_kindergarten(db: Session, moment: str = "2026-11-02 09:00") -> Site:
    site = make_site_on(db, moment)
    add_classes(session=db, site=site, names=["小一班"])
    for user, role, class_name in (
        (DIRECTOR, Role.DIRECTOR, None),
        (LOGISTICS_HEAD, Role.LOGISTICS_HEAD, None),
        (HEALTH_TEACHER, Role.HEALTH_TEACHER, None),
        (MAINTENANCE, Role.MAINTENANCE, None),
        (KITCHEN, Role.KITCHEN, None),
        (CAREGIVER, Role.CAREGIVER, "小一班"),
    ):
        make_member(db, site, user, role, class_name)
    assert site.id is not None
    bind_group(
        session=db, site_id=site.id, chat_id=STAFF_GROUP.id, purpose=GroupPurpose.STAFF,
        title=STAFF_GROUP.title, person_id=None,
    )  # fmt: skip
    return site


def rules(db: Session, site: Site) -> dict[str, TaskRule]:
    return {
        r.default_key or r.title: r
        for r in db.exec(select(TaskRule).where(TaskRule.site_id == site.id))
    }


def occurrences(db: Session, rule: TaskRule) -> list[TaskOccurrence]:
    query = select(TaskOccurrence).where(TaskOccurrence.rule_id == rule.id)
    return sorted(db.exec(query), key=lambda o: o.due_date)


def drills(db: Session) -> list[DrillRecord]:
    return list(db.exec(select(DrillRecord)))
