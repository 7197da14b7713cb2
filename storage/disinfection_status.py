"""What is done and what is missing: the queries behind the board, reminders, summary and ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from storage.disinfection import DisinfectionRecord, Method, deadline_at, may_disinfect
from storage.models import Area, Membership, Person, SchoolClass, Site
from storage.people import RoleAtSite
from storage.permissions import Role
from storage.site_settings import get_site_settings
from storage.sites import list_class_areas

# A UV lamp still "running" this long after its required minutes was surely forgotten.
UV_FORGOTTEN_AFTER = timedelta(minutes=30)


class State(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    FORGOTTEN = "forgotten"  # UV started, never ended: flagged, not counted as done
    DONE = "done"


@dataclass(frozen=True)
class RoundStatus:
    number: int
    state: State
    record: DisinfectionRecord | None = None
    operator: str | None = None


@dataclass(frozen=True)
class AreaStatus:
    area: Area
    class_name: str
    rounds: list[RoundStatus]

    @property
    def done(self) -> bool:
        return all(r.state == State.DONE for r in self.rounds)


@dataclass(frozen=True)
class DayStatus:
    site: Site
    day: date
    deadline: datetime
    rounds: int
    areas: list[AreaStatus] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        return sum(1 for a in self.areas if a.done)

    @property
    def pending(self) -> list[AreaStatus]:
        return [a for a in self.areas if not a.done]


def disinfection_status(*, session: Session, site: Site, day: date, now: datetime) -> DayStatus:
    """Every daily area of the site with the state of each round (two queries)."""
    assert site.id is not None
    settings = get_site_settings(site)
    areas = list_class_areas(session=session, site_id=site.id, kinds=settings.disinfection_areas)
    class_names = {
        c.id: c.name
        for c in session.exec(select(SchoolClass).where(SchoolClass.site_id == site.id))
    }
    query = (
        select(DisinfectionRecord, Person)
        .join(Person, col(Person.id) == col(DisinfectionRecord.operator_id))
        .where(DisinfectionRecord.site_id == site.id, DisinfectionRecord.day == day)
    )
    found = {(r.area_id, r.round): (r, p.display_name) for r, p in session.exec(query)}
    rounds = max([settings.rounds_today, *(n for _, n in found)])
    uv_limit = timedelta(minutes=settings.uv_minutes) + UV_FORGOTTEN_AFTER
    statuses = []
    for area in areas:
        per_round = []
        for number in range(1, rounds + 1):
            record, name = found.get((area.id or 0, number), (None, None))
            per_round.append(RoundStatus(number, _state(record, now, uv_limit), record, name))
        statuses.append(AreaStatus(area, class_names.get(area.class_id, ""), per_round))
    return DayStatus(site, day, deadline_at(site, day, settings), rounds, statuses)


def _state(record: DisinfectionRecord | None, now: datetime, uv_limit: timedelta) -> State:
    if record is None:
        return State.PENDING
    if not record.running:
        return State.DONE
    assert record.started_at is not None
    return State.FORGOTTEN if now - record.started_at > uv_limit else State.RUNNING


def pending_for(
    *, session: Session, sites: list[Site], roles: list[RoleAtSite], day: date, now: datetime
) -> list[AreaStatus]:
    """The rooms still to do on a day that this person may confirm, own class first."""
    pending = []
    for site in sites:
        status = disinfection_status(session=session, site=site, day=day, now=now)
        pending += [a for a in status.pending if may_disinfect(roles, a.area)]
    own_classes = {r.class_id for r in roles if r.class_id is not None}
    return sorted(pending, key=lambda a: a.area.class_id not in own_classes)


@dataclass(frozen=True)
class RecordRow:
    record: DisinfectionRecord
    class_name: str
    area_kind: str
    operator: str


def list_records(*, session: Session, site_id: int, start: date, end: date) -> list[RecordRow]:
    """Records from start to end (inclusive), oldest first: the ledger's rows."""
    query = (
        select(DisinfectionRecord, Area, SchoolClass, Person)
        .join(Area, col(Area.id) == col(DisinfectionRecord.area_id))
        .outerjoin(SchoolClass, col(SchoolClass.id) == col(DisinfectionRecord.class_id))
        .join(Person, col(Person.id) == col(DisinfectionRecord.operator_id))
        .where(
            DisinfectionRecord.site_id == site_id,
            col(DisinfectionRecord.day) >= start,
            col(DisinfectionRecord.day) <= end,
        )
        .order_by(col(DisinfectionRecord.day), col(DisinfectionRecord.created_at))
    )
    return [
        RecordRow(record, school_class.name if school_class else "", area.kind, person.display_name)
        for record, area, school_class, person in session.exec(query)
    ]


def running_uv_sessions(*, session: Session) -> list[DisinfectionRecord]:
    """UV sessions started and not ended (for the switch-off reminders after a restart)."""
    query = select(DisinfectionRecord).where(
        DisinfectionRecord.method == Method.UV_LAMP,
        col(DisinfectionRecord.started_at).is_not(None),
        col(DisinfectionRecord.ended_at).is_(None),
    )
    return list(session.exec(query))


def responsible_people(
    *, session: Session, site_id: int, pending: list[AreaStatus]
) -> dict[int, tuple[Person, list[AreaStatus]]]:
    """Who to remind of which pending areas: the class's caregivers, else its class teachers."""
    class_ids = {a.area.class_id for a in pending if a.area.class_id is not None}
    query = (
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            Membership.site_id == site_id,
            col(Membership.active),
            col(Membership.class_id).in_(class_ids),
            col(Membership.role).in_([Role.CAREGIVER, Role.CLASS_TEACHER]),
        )
    )
    staff: dict[tuple[int, str], list[Person]] = {}
    for membership, person in session.exec(query):
        staff.setdefault((membership.class_id or 0, membership.role), []).append(person)
    targets: dict[int, tuple[Person, list[AreaStatus]]] = {}
    for area_status in pending:
        class_id = area_status.area.class_id or 0
        people = staff.get((class_id, Role.CAREGIVER)) or staff.get(
            (class_id, Role.CLASS_TEACHER), []
        )
        for person in people:
            assert person.id is not None
            targets.setdefault(person.id, (person, []))[1].append(area_status)
    return targets
