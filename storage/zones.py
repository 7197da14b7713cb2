"""Responsibility zones (责任区) and who self-checks each; a stand-in covers a person on leave."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.checkin_models import StaffLeave
from storage.models import Membership, Person, Zone
from storage.permissions import STAFF_ROLES

MAX_ZONE_NAME = 30


class ZoneError(ValueError):
    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def clean_zone_name(raw: str) -> str:
    """A zone's name: not empty, not just a number or a dot, at most 30 characters."""
    name = " ".join(raw.split())
    if not name or not any(ch.isalpha() for ch in name):
        raise ZoneError("zone_name_empty")
    if len(name) > MAX_ZONE_NAME:
        raise ZoneError("zone_name_long", count=len(name), limit=MAX_ZONE_NAME)
    return name


def list_zones(*, session: Session, site_id: int) -> list[Zone]:
    query = select(Zone).where(Zone.site_id == site_id, col(Zone.active)).order_by(col(Zone.id))
    return list(session.exec(query))


def get_zone(*, session: Session, zone_id: int) -> Zone | None:
    return session.get(Zone, zone_id)


def set_zone(
    *, session: Session, site_id: int, name: str, person_id: int | None, by: int | None
) -> Zone:
    """Create the zone (or find it by name) and make `person_id` responsible for it."""
    name = clean_zone_name(name)
    if person_id is not None and not is_staff(
        session=session, site_id=site_id, person_id=person_id
    ):
        raise ZoneError("not_staff")
    zone = session.exec(
        select(Zone).where(Zone.site_id == site_id, Zone.name == name)
    ).first() or Zone(site_id=site_id, name=name)
    zone.person_id, zone.active = person_id, True
    session.add(zone)
    session.flush()
    record_event(
        session=session,
        action="zone.set",
        site_id=site_id,
        person_id=by,
        zone_id=zone.id,
        name=name,
        responsible=person_id,
    )
    session.commit()
    return zone


def remove_zone(*, session: Session, zone: Zone, by: int | None) -> None:
    """Zones are switched off, never deleted: their answers keep pointing at them."""
    zone.active = False
    session.add(zone)
    record_event(
        session=session, action="zone.remove", site_id=zone.site_id, person_id=by, zone_id=zone.id
    )
    session.commit()


def is_staff(*, session: Session, site_id: int, person_id: int) -> bool:
    query = select(Membership).where(
        Membership.site_id == site_id,
        Membership.person_id == person_id,
        col(Membership.active),
        col(Membership.role).in_([str(r) for r in STAFF_ROLES]),
    )
    return session.exec(query).first() is not None


def list_staff(*, session: Session, site_id: int) -> list[Person]:
    """The site's staff (no parents), once each, in the order they joined."""
    query = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(
            Membership.site_id == site_id,
            col(Membership.active),
            col(Membership.role).in_([str(r) for r in STAFF_ROLES]),
        )
        .order_by(col(Person.id))
    )
    return list({person.id: person for person in session.exec(query)}.values())


def find_staff(*, session: Session, site_id: int, who: str) -> Person | None:
    """A staff member by display name or Telegram id (for the shell)."""
    for person in list_staff(session=session, site_id=site_id):
        if who in {person.display_name, str(person.telegram_user_id)}:
            return person
    return None


@dataclass(frozen=True)
class ZoneDuty:
    """Who answers for a zone on a day: its person, or their stand-in while they are away."""

    zone: Zone
    person_id: int | None
    standing_in_for: int | None = None


def zone_duties(zones: Iterable[Zone], leaves: dict[int, StaffLeave], day: date) -> list[ZoneDuty]:
    """Each zone's answerer on `day`; None when its person is away and nobody stands in."""
    duties = []
    for zone in zones:
        leave = leaves.get(zone.person_id or 0)
        if leave is None or not leave.start <= day <= leave.end:
            duties.append(ZoneDuty(zone, zone.person_id))
        else:
            duties.append(ZoneDuty(zone, leave.stand_in_id, standing_in_for=zone.person_id))
    return duties
