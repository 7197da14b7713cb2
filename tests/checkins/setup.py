"""A kindergarten ready for check-ins: class staff, a health teacher, zones and a staff group."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from storage.checkin_models import CheckinAnswer, ClassHeadcount
from storage.groups import bind_group
from storage.models import GroupPurpose, Person, Site, Zone
from storage.permissions import Role
from storage.zones import set_zone
from tests.factories import class_named, make_member, make_site
from tests.support.networking import Call
from tests.support.telegram import Group, Telegram, User

STAFF_GROUP = Group(-1001000000910, "第一幼儿园教职工群")
HEALTH_TEACHER = User(911, "周敏")
LOGISTICS_LEAD = User(912, "孙伟")
DIRECTOR = User(913, "王丽")
PARENT = User(914, "陈明")
GUARD = User(915, "钱大爷")
COOK = User(916, "马师傅")
CLASSES = ("小一班", "小二班", "中一班")


@dataclass
class Kindergarten:
    site: Site
    teachers: dict[str, User] = field(default_factory=dict)
    caregivers: dict[str, User] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)


def make_kindergarten(
    db: Session, classes: tuple[str, ...] = CLASSES, expected: int = 25
) -> Kindergarten:
    site = make_site(db, classes=classes)
    k = Kindergarten(site)
    for index, name in enumerate(classes):
        k.teachers[name] = User(2000 + index * 10, f"{name}班主任")
        k.caregivers[name] = User(2001 + index * 10, f"{name}保育员")
        make_member(db, site, k.teachers[name], Role.CLASS_TEACHER, name)
        make_member(db, site, k.caregivers[name], Role.CAREGIVER, name)
        db.add(ClassHeadcount(class_id=class_named(db, site, name).id or 0, expected=expected))
    for user, role in (
        (HEALTH_TEACHER, Role.HEALTH_TEACHER),
        (LOGISTICS_LEAD, Role.LOGISTICS_LEAD),
        (DIRECTOR, Role.DIRECTOR),
        (GUARD, Role.GUARD),
        (COOK, Role.KITCHEN),
    ):
        make_member(db, site, user, role)
    make_member(db, site, PARENT, Role.PARENT, classes[0])
    assert site.id is not None
    bind_group(
        session=db,
        site_id=site.id,
        chat_id=STAFF_GROUP.id,
        purpose=GroupPurpose.STAFF,
        title=STAFF_GROUP.title,
        person_id=None,
    )
    k.zones["大门"] = set_zone(
        session=db, site_id=site.id, name="大门", person_id=person_of(db, GUARD).id, by=None
    )
    k.zones["厨房"] = set_zone(
        session=db, site_id=site.id, name="厨房", person_id=person_of(db, COOK).id, by=None
    )
    db.commit()
    return k


def person_of(db: Session, user: User) -> Person:
    return db.exec(select(Person).where(Person.telegram_user_id == user.id)).one()


def answers(db: Session, template: str = "morning") -> list[CheckinAnswer]:
    query = select(CheckinAnswer).where(CheckinAnswer.template == template)
    return list(db.exec(query.order_by(col(CheckinAnswer.id))))


def last_screen(calls: list[Call]) -> Call:
    return [c for c in calls if c.buttons()][-1]


async def tap(telegram: Telegram, user: User, calls: list[Call], label: str) -> list[Call]:
    return await telegram.press(user, last_screen(calls), label)


def private(calls: list[Call]) -> dict[int, str]:
    """chat id → text of what the bot sent to people (not groups)."""
    return {
        c.chat_id or 0: c.text for c in calls if c.method == "sendMessage" and (c.chat_id or 0) > 0
    }


def board(telegram: Telegram, title: str) -> str:
    """The latest text of a staff-group card whose first line starts with `title`."""
    cards = [
        c.text
        for c in telegram.request.calls
        if c.chat_id == STAFF_GROUP.id
        and c.method in {"sendMessage", "editMessageText"}
        and c.text.startswith(title)
    ]
    assert cards, f"no card {title!r}"
    return cards[-1]


def utc(moment: str) -> datetime:
    return datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
