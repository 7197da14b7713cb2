"""Opening tickets: drafts from a group, reports from the menu, hazards from a self-check;
numbers per site and year (#2026-0142) and due times from the urgency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.models import SchoolClass, Site
from storage.repairs_models import (
    Category,
    PhotoStage,
    Status,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketPhoto,
    Urgency,
)
from storage.repairs_rules import (
    MAX_DESCRIPTION,
    MAX_PHOTOS,
    Actor,
    TicketError,
    clean_text,
    transition,
)
from storage.site_settings import get_site_settings

# Opening -------------------------------------------------------------------------------


def weekday_school_day(day: date) -> bool:
    return day.weekday() < 5


# A normal repair never waits more than this many calendar days (a long holiday included).
MAX_WAIT_DAYS = 60


def due_time(
    site: Site,
    urgency: str,
    now: datetime,
    school_day: Callable[[date], bool] = weekday_school_day,
) -> datetime:
    """Urgent: in hours; normal: the same local time some school days later (Mon–Fri, or
    the site's calendar of closed days when one is given)."""
    settings = get_site_settings(site)
    if urgency == Urgency.URGENT:
        return now + timedelta(hours=settings.repair_urgent_hours)
    local = now.astimezone(ZoneInfo(site.timezone))
    days = settings.repair_normal_school_days
    for _day in range(MAX_WAIT_DAYS):
        local += timedelta(days=1)
        days -= school_day(local.date())
        if days <= 0:
            break
    return local


def _draft_values(
    *,
    site_id: int,
    reporter_id: int,
    kind: TicketKind,
    description: str,
    location: str,
    category: str,
    urgency: str,
    now: datetime,
    source_chat_id: int | None,
    zone_id: int | None,
) -> dict[str, Any]:
    """Every column of a new draft, checked."""
    if category not in set(Category):
        raise TicketError("bad_category")
    if urgency not in set(Urgency):
        raise TicketError("bad_urgency")
    return {
        "site_id": site_id,
        "kind": str(kind),
        "category": str(category),
        "location": location.strip()[:100],
        "zone_id": zone_id,
        "description": clean_text(description, MAX_DESCRIPTION),
        "urgency": str(urgency),
        "status": str(Status.DRAFT),
        "reporter_id": reporter_id,
        "escalation_level": 0,
        "source_chat_id": source_chat_id,
        "created_at": now,
        "updated_at": now,
    }


_TICKET, _EVENT, _PHOTO = (t.__table__ for t in (Ticket, TicketEvent, TicketPhoto))  # type: ignore[union-attr]
# Built once: a group report is the busiest write of repairs; the values are bound per call.
_INSERT_TICKET = insert(_TICKET).returning(_TICKET.c.id)
_INSERT_EVENT = insert(_EVENT)
_INSERT_PHOTO = insert(_PHOTO)


def add_photos(
    session: Session, ticket: Ticket, file_ids: Sequence[str], stage: PhotoStage, now: datetime
) -> None:
    for file_id in list(file_ids)[:MAX_PHOTOS]:
        session.add(
            TicketPhoto(
                ticket_id=ticket.id or 0, stage=stage, file_id=file_id[:200], created_at=now
            )
        )


def create_draft(
    *,
    session: Session,
    site_id: int,
    reporter_id: int,
    description: str,
    location: str,
    category: str,
    urgency: str = Urgency.NORMAL,
    kind: TicketKind = TicketKind.REPAIR,
    photo_file_ids: Sequence[str] = (),
    source_chat_id: int | None = None,
    zone_id: int | None = None,
    now: datetime,
) -> Ticket:
    """A report waiting for its author's confirmation (not numbered, not due yet).

    Plain INSERTs on the Core connection and one commit: the ticket, its photos, its history.
    The returned ticket is not attached to the session (load it to change it)."""
    values = _draft_values(
        site_id=site_id,
        reporter_id=reporter_id,
        kind=kind,
        description=description,
        location=location,
        category=category,
        urgency=urgency,
        now=now,
        source_chat_id=source_chat_id,
        zone_id=zone_id,
    )
    ticket_id = _insert_draft(session, values, photo_file_ids)
    return Ticket(id=ticket_id, **values)


def _insert_draft(session: Session, values: dict[str, Any], photo_file_ids: Sequence[str]) -> int:
    connection = session.connection()
    ticket_id: int = connection.execute(_INSERT_TICKET, values).scalar_one()
    now = values["created_at"]
    photos = [
        {
            "ticket_id": ticket_id,
            "stage": str(PhotoStage.BEFORE),
            "file_id": file_id[:200],
            "created_at": now,
        }
        for file_id in list(photo_file_ids)[:MAX_PHOTOS]
    ]
    if photos:
        connection.execute(_INSERT_PHOTO, photos)
    event = {
        "ticket_id": ticket_id,
        "at": now,
        "person_id": values["reporter_id"],
        "action": "draft",
        "to_status": str(Status.DRAFT),
    }
    connection.execute(_INSERT_EVENT, event)
    session.commit()
    return ticket_id


def open_ticket(*, session: Session, now: datetime, **fields: Any) -> Ticket:
    """Report and confirm in one go (the private menu, a zone self-check): a numbered ticket."""
    ticket = create_draft(session=session, now=now, **fields)
    actor = Actor(ticket.reporter_id, frozenset())
    return confirm_draft(session=session, ticket=ticket, actor=actor, now=now)


def report_hazard(
    *,
    session: Session,
    site_id: int,
    reporter_id: int,
    description: str,
    location: str,
    zone_id: int | None,
    photo_file_ids: Sequence[str],
    now: datetime,
) -> Ticket:
    """A hazard found (e.g. in a zone self-check): kind hazard, status new, numbered and due."""
    return open_ticket(
        session=session,
        now=now,
        site_id=site_id,
        reporter_id=reporter_id,
        description=description,
        location=location,
        category=Category.OTHER,
        kind=TicketKind.HAZARD,
        zone_id=zone_id,
        photo_file_ids=photo_file_ids,
    )


def _next_number(session: Session, site_id: int, year: int) -> int:
    query = select(func.max(Ticket.number)).where(Ticket.site_id == site_id, Ticket.year == year)
    return int(session.exec(query).one() or 0) + 1


def confirm_draft(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    """The author's tap: the draft gets its number (#2026-0142) and its due time."""
    if actor.person_id != ticket.reporter_id:
        raise TicketError("not_author")
    site = session.get(Site, ticket.site_id)
    assert site is not None
    year = now.astimezone(ZoneInfo(site.timezone)).year
    for _attempt in range(5):
        number = _next_number(session, ticket.site_id, year)
        try:
            return transition(
                session,
                ticket,
                "confirm",
                actor.person_id,
                now,
                year=year,
                number=number,
                due_at=due_time(site, ticket.urgency, now),
            )
        except IntegrityError:
            session.rollback()  # another ticket took this number meanwhile: take the next
    raise TicketError("changed")


def update_draft(
    *, session: Session, ticket: Ticket, actor: Actor, now: datetime, **changes: str
) -> Ticket:
    """Correct the guessed location, category or urgency before confirming."""
    if actor.person_id != ticket.reporter_id:
        raise TicketError("not_author")
    if ticket.status != Status.DRAFT:
        raise TicketError("bad_transition", status=ticket.status)
    allowed = {"location", "category", "urgency"}
    if not changes.keys() <= allowed:
        raise TicketError("bad_field")
    if "category" in changes and changes["category"] not in set(Category):
        raise TicketError("bad_category")
    if "urgency" in changes and changes["urgency"] not in set(Urgency):
        raise TicketError("bad_urgency")
    for name, value in changes.items():
        setattr(ticket, name, value[:100])
    ticket.updated_at = now
    session.add(ticket)
    session.commit()
    return ticket


def mark_escalated(*, session: Session, ticket: Ticket, level: int) -> None:
    """Remember how far an overdue ticket was escalated (the messages are keyed anyway)."""
    session.connection().execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.escalation_level) < level)
        .values(escalation_level=level)
    )
    session.commit()
    set_committed_value(ticket, "escalation_level", level)


def withdraw_draft(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    """The author drops a draft they do not want to submit."""
    if actor.person_id != ticket.reporter_id:
        raise TicketError("not_author")
    if ticket.status != Status.DRAFT:
        raise TicketError("bad_transition", action="cancel", status=ticket.status)
    return transition(session, ticket, "cancel", actor.person_id, now, closed_at=now)


def place_names(*, session: Session, site: Site) -> list[str]:
    """What reporters pick from: the site's classes, then its other places."""
    classes = session.exec(
        select(SchoolClass.name)
        .where(SchoolClass.site_id == site.id, col(SchoolClass.active))
        .order_by(col(SchoolClass.position), col(SchoolClass.id))
    ).all()
    return [*classes, *get_site_settings(site).repair_places]
