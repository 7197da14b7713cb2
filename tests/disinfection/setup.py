"""A kindergarten ready for disinfection: classes, caregivers, leaders and a bound staff group."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from storage.disinfection import DisinfectionRecord
from storage.groups import bind_group
from storage.models import GroupPurpose, Site
from storage.permissions import Role
from tests.factories import make_member, make_site
from tests.support.networking import Call
from tests.support.telegram import Group, Telegram, User

STAFF_GROUP = Group(-1001000000900, "第一幼儿园教职工群")
HEALTH_TEACHER = User(901, "周敏")
LOGISTICS_HEAD = User(902, "吴强")
DIRECTOR = User(903, "王丽")
PARENT = User(904, "陈明")
CLASSES = ("小一班", "小二班", "中一班")


@dataclass
class Kindergarten:
    site: Site
    caregivers: dict[str, User] = field(default_factory=dict)


def make_kindergarten(
    db: Session, classes: tuple[str, ...] = CLASSES, per_class: int = 1
) -> Kindergarten:
    site = make_site(db, classes=classes)
    kindergarten = Kindergarten(site)
    for index, name in enumerate(classes):
        for n in range(per_class):
            user = User(1000 + index * 10 + n, f"{name}保育员{n + 1}")
            make_member(db, site, user, Role.CAREGIVER, name)
            kindergarten.caregivers.setdefault(name, user)
            kindergarten.caregivers[f"{name}#{n + 1}"] = user
    make_member(db, site, HEALTH_TEACHER, Role.HEALTH_TEACHER)
    make_member(db, site, LOGISTICS_HEAD, Role.LOGISTICS_HEAD)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
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
    return kindergarten


async def confirm(
    telegram: Telegram, user: User, room: str, method: str, *extra: str
) -> list[Call]:
    """Tap through 消毒打卡 → room → method (→ concentration…) in private chat."""
    calls = await telegram.send(user, "🧴 消毒打卡")
    for label in (room, method, *extra):
        screen = [c for c in calls if c.buttons()][-1]
        calls = await telegram.press(user, screen, label)
    return calls


def records(db: Session) -> list[DisinfectionRecord]:
    return list(db.exec(select(DisinfectionRecord).order_by(DisinfectionRecord.id)))  # type: ignore[arg-type]


def board_messages(telegram: Telegram) -> list[Call]:
    """Every post and edit of the disinfection card in the staff group, in order (other
    flows post their own cards there too)."""
    return [
        c
        for c in telegram.request.calls
        if c.chat_id == STAFF_GROUP.id
        and c.method in {"sendMessage", "editMessageText"}
        and c.text.startswith("🧴")
    ]
