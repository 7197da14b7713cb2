"""The world the security tests attack: site A (a kindergarten with a bound staff group) and
site B next door, whose director is "a member of another site"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage.disinfection import Entry, Method, load_room, local_today, record_disinfection
from storage.models import Area, Membership, Person, Site
from storage.permissions import Role
from storage.repairs import open_ticket
from tests.disinfection.setup import HEALTH_TEACHER, STAFF_GROUP, make_kindergarten
from tests.factories import class_named, make_invite, make_member, make_site
from tests.support.telegram import Group, User

OTHER_DIRECTOR = User(2901, "孙悦")
OTHER_GROUP = Group(-1002000000900, "第二幼儿园教职工群")
STRANGER = User(2999, "路人")
# Site A's own class (class roles join it) and the room of that class the buttons name.
OWN_CLASS = "小一班"
# The bot's clock in these tests: a school morning, before the 16:30 deadline.
MORNING = "2026-11-23 10:00"

# Tables the bot keeps for itself (conversation state, the inbox): not data a refusal guards.
BOOKKEEPING = {"conversation_state", "alembic_version", "inbox_update"}


@dataclass
class World:
    site: Site
    other_site: Site
    ids: dict[str, int | str] = field(default_factory=dict)

    def format(self, template: str) -> str:
        """Fill a catalog template such as "inv:v1:c:{site}:caregiver:{class}"."""
        return template.format(**self.ids)


def build_world(db: Session, now: datetime) -> World:
    """Site A with staff, parents and a staff group; site B with its director and group."""
    site = make_kindergarten(db).site
    other = make_site(db, name="第二幼儿园", classes=("小一班",))
    make_member(db, other, OTHER_DIRECTOR, Role.DIRECTOR)
    assert site.id is not None and other.id is not None
    klass = class_named(db, site, OWN_CLASS)
    area = db.exec(
        select(Area).where(Area.class_id == klass.id, Area.kind == "activity_room")
    ).one()
    nap = db.exec(select(Area).where(Area.class_id == klass.id, Area.kind == "nap_room")).one()
    invite = make_invite(db, site, Role.CAREGIVER, OWN_CLASS)
    caregiver = db.exec(
        select(Membership).where(Membership.role == Role.CAREGIVER, Membership.class_id == klass.id)
    ).first()
    assert caregiver is not None
    day = local_today(site, now)
    world = World(site, other)
    world.ids.update(
        site=site.id,
        other_site=other.id,
        klass=klass.id or 0,
        area=area.id or 0,
        day=day.strftime("%Y%m%d"),
        invite=invite.id or 0,
        group=STAFF_GROUP.id,
        member=caregiver.id or 0,  # 小一班's caregiver's membership
    )
    world.ids["record"] = _running_uv(db, nap.id or 0, day, now)
    world.ids["ticket"] = _open_ticket(db, site.id, caregiver.person_id, now)
    return world


def _open_ticket(db: Session, site_id: int, reporter_id: int, now: datetime) -> int:
    """A repair ticket #0001 at site A, reported by 小一班's caregiver, not taken yet."""
    ticket = open_ticket(
        session=db,
        now=now,
        site_id=site_id,
        reporter_id=reporter_id,
        description="水龙头漏水",
        location=OWN_CLASS,
        category="plumbing",
    )
    assert ticket.id is not None
    return ticket.id


def _running_uv(db: Session, area_id: int, day: object, now: datetime) -> int:
    """A UV session in 小一班's nap room, started by the health teacher 70 minutes ago."""
    room = load_room(session=db, area_id=area_id, day=day)  # type: ignore[arg-type]
    assert room is not None
    teacher = db.exec(select(Person).where(Person.telegram_user_id == HEALTH_TEACHER.id)).one()
    assert teacher.id is not None
    record = record_disinfection(
        session=db,
        entry=Entry(room, Method.UV_LAMP, teacher.id),
        now=now - timedelta(minutes=70),
        start_uv=True,
    )
    assert record.id is not None
    return record.id


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table, to prove that a refused update changed nothing."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in BOOKKEEPING]
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            t.name: sorted(
                (tuple(map(repr, row)) for row in connection.execute(t.select())), key=str
            )
            for t in tables
            if t.name in present
        }


def wipe(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
