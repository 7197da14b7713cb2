"""A kindergarten ready for repairs: staff, a maintenance worker, the leads and both groups."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.groups import bind_group
from storage.models import GroupPurpose, Person, Site
from storage.permissions import Role
from storage.repairs_models import Ticket, TicketEvent, TicketPhoto
from tests.factories import make_member, make_site
from tests.support.networking import Call
from tests.support.telegram import Group, User

STAFF_GROUP = Group(-1001000000900, "第一幼儿园教职工群")
MAINTENANCE_GROUP = Group(-1001000000901, "第一幼儿园维修群")
CAREGIVER = User(1101, "李芳")
TEACHER = User(1102, "刘洋")
WORKER = User(1103, "赵强")
OTHER_WORKER = User(1104, "孙伟")
LEAD = User(1105, "钱刚")
HEALTH_TEACHER = User(1106, "周敏")
DIRECTOR = User(1107, "王丽")
PARENT = User(1108, "陈明")
CLASSES = ("小一班", "小二班", "中一班")


@dataclass
class Kindergarten:
    site: Site
    people: dict[int, Person]

    @property
    def site_id(self) -> int:
        assert self.site.id is not None
        return self.site.id

    def person(self, user: User) -> Person:
        return self.people[user.id]

    def person_id(self, user: User) -> int:
        person_id = self.people[user.id].id
        assert person_id is not None
        return person_id


def make_kindergarten(db: Session, *, maintenance_group: bool = True) -> Kindergarten:
    site = make_site(db, classes=CLASSES)
    members = [
        (CAREGIVER, Role.CAREGIVER, "小一班"),
        (TEACHER, Role.CLASS_TEACHER, "小二班"),
        (WORKER, Role.MAINTENANCE, None),
        (OTHER_WORKER, Role.MAINTENANCE, None),
        (LEAD, Role.LOGISTICS_LEAD, None),
        (HEALTH_TEACHER, Role.HEALTH_TEACHER, None),
        (DIRECTOR, Role.DIRECTOR, None),
        (PARENT, Role.PARENT, "小一班"),
    ]
    people = {user.id: make_member(db, site, user, role, cls) for user, role, cls in members}
    assert site.id is not None
    groups = [(STAFF_GROUP, GroupPurpose.STAFF)]
    if maintenance_group:
        groups.append((MAINTENANCE_GROUP, GroupPurpose.MAINTENANCE))
    for group, purpose in groups:
        bind_group(
            session=db,
            site_id=site.id,
            chat_id=group.id,
            purpose=purpose,
            title=group.title,
            person_id=None,
        )
    return Kindergarten(site, people)


def tickets(db: Session) -> list[Ticket]:
    return list(db.exec(select(Ticket).order_by(col(Ticket.id))))


def history(db: Session, ticket: Ticket) -> list[tuple[str, str | None, str]]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
    events = db.exec(query.order_by(col(TicketEvent.id)))
    return [(e.action, e.from_status, e.to_status) for e in events]


def photos(db: Session, ticket: Ticket) -> list[TicketPhoto]:
    query = select(TicketPhoto).where(TicketPhoto.ticket_id == ticket.id)
    return list(db.exec(query.order_by(col(TicketPhoto.id))))


def last_with_buttons(calls: list[Call]) -> Call:
    return [c for c in calls if c.buttons()][-1]
