"""Repair and hazard tickets: opening them, numbering, due times and every checked change.

Each change is one transition of the status machine below, made with a conditional UPDATE
(`… WHERE status = <what we read>`), so a double tap or two people at once change a ticket
once; the change and its history row are committed together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.models import Membership, Person, Site
from storage.permissions import Action, Role, can
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
from storage.site_settings import get_site_settings

MAX_DESCRIPTION = 1000
MAX_REASON = 500
MAX_PHOTOS = 5

S = Status
# action → (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "confirm": (frozenset({S.DRAFT}), S.NEW),
    "accept": (frozenset({S.NEW, S.REOPENED}), S.ACCEPTED),
    "assign": (frozenset({S.NEW, S.REOPENED, S.ACCEPTED, S.IN_PROGRESS}), S.ACCEPTED),
    "start": (frozenset({S.ACCEPTED, S.REOPENED}), S.IN_PROGRESS),
    "complete": (frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REOPENED}), S.DONE),
    "cannot_fix": (frozenset({S.NEW, S.ACCEPTED, S.IN_PROGRESS, S.REOPENED}), S.CANNOT_FIX),
    "verify": (frozenset({S.DONE}), S.VERIFIED),
    "reject": (frozenset({S.DONE}), S.REOPENED),
    "cancel": (
        frozenset({S.DRAFT, S.NEW, S.ACCEPTED, S.IN_PROGRESS, S.REOPENED, S.CANNOT_FIX}),
        S.CANCELLED,
    ),
    "reopen": (frozenset({S.CANNOT_FIX}), S.REOPENED),
}


class TicketError(ValueError):
    """Why a ticket change was refused; ``code`` is shown to the user translated."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Actor:
    """Who acts, with their roles at the ticket's site."""

    person_id: int
    roles: frozenset[str]

    def can(self, action: Action) -> bool:
        return can(self.roles, action)


def clean_text(text: str | None, limit: int) -> str:
    """A description or reason that says something; too long is refused with the count."""
    value = (text or "").strip()
    if not any(ch.isalpha() for ch in value):
        raise TicketError("empty_text")
    if len(value) > limit:
        raise TicketError("too_long", count=len(value), limit=limit)
    return value


# Opening -------------------------------------------------------------------------------


def due_time(site: Site, urgency: str, now: datetime) -> datetime:
    """Urgent: in hours; normal: the same local time some school days (Mon–Fri) later."""
    settings = get_site_settings(site)
    if urgency == Urgency.URGENT:
        return now + timedelta(hours=settings.repair_urgent_hours)
    local = now.astimezone(ZoneInfo(site.timezone))
    days = settings.repair_normal_school_days
    while days:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local


def _new_ticket(
    *,
    site_id: int,
    reporter_id: int,
    kind: TicketKind,
    description: str,
    location: str,
    category: str,
    urgency: str,
    now: datetime,
    **extra: Any,
) -> Ticket:
    if category not in set(Category):
        raise TicketError("bad_category")
    if urgency not in set(Urgency):
        raise TicketError("bad_urgency")
    return Ticket(
        site_id=site_id,
        reporter_id=reporter_id,
        kind=kind,
        description=clean_text(description, MAX_DESCRIPTION),
        location=location.strip()[:100],
        category=category,
        urgency=urgency,
        status=Status.DRAFT,
        created_at=now,
        updated_at=now,
        **extra,
    )


def _add_photos(
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
    """A report waiting for its author's confirmation (not numbered, not due yet)."""
    ticket = _new_ticket(
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
    session.add(ticket)
    session.flush()
    _add_photos(session, ticket, photo_file_ids, PhotoStage.BEFORE, now)
    session.add(
        TicketEvent(
            ticket_id=ticket.id or 0,
            at=now,
            person_id=reporter_id,
            action="draft",
            to_status=Status.DRAFT,
        )
    )
    session.commit()
    return ticket


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
            return _transition(
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


# The status machine ----------------------------------------------------------------------


def _transition(
    session: Session,
    ticket: Ticket,
    action: str,
    person_id: int | None,
    now: datetime,
    note: str | None = None,
    **changes: Any,
) -> Ticket:
    """Move the ticket if it is still in the status we read; one commit with its history."""
    allowed, target = TRANSITIONS[action]
    if ticket.status not in allowed:
        raise TicketError("bad_transition", action=action, status=ticket.status)
    values = {"status": target, "updated_at": now, **changes}
    result = session.connection().execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == ticket.status)
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        raise TicketError("changed")
    session.add(
        TicketEvent(
            ticket_id=ticket.id or 0,
            at=now,
            person_id=person_id,
            action=action,
            from_status=ticket.status,
            to_status=target,
            note=note,
        )
    )
    session.commit()
    for name, value in values.items():
        # Already in the database: set without marking the object dirty again.
        set_committed_value(ticket, name, value)
    return ticket


def _need(actor: Actor, action: Action) -> None:
    if not actor.can(action):
        raise TicketError("not_allowed", action=action)


def _need_assignee(ticket: Ticket, actor: Actor) -> None:
    if ticket.assignee_id != actor.person_id:
        raise TicketError("not_assignee")


def accept(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    """接单: a maintenance worker takes the ticket."""
    _need(actor, Action.ACCEPT_REPAIR)
    return _transition(session, ticket, "accept", actor.person_id, now, assignee_id=actor.person_id)


def is_maintenance(session: Session, site_id: int, person_id: int) -> bool:
    query = select(Membership.id).where(
        Membership.site_id == site_id,
        Membership.person_id == person_id,
        Membership.role == Role.MAINTENANCE,
        col(Membership.active),
    )
    return session.exec(query).first() is not None


def assign(
    *, session: Session, ticket: Ticket, actor: Actor, assignee_id: int, now: datetime
) -> Ticket:
    """指派: the logistics lead gives the ticket to a named maintenance worker."""
    _need(actor, Action.ASSIGN_REPAIR)
    worker = session.get(Person, assignee_id)
    if worker is None or not is_maintenance(session, ticket.site_id, assignee_id):
        raise TicketError("not_maintenance")
    return _transition(
        session,
        ticket,
        "assign",
        actor.person_id,
        now,
        note=worker.display_name,
        assignee_id=assignee_id,
    )


def start(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    _need_assignee(ticket, actor)
    return _transition(session, ticket, "start", actor.person_id, now)


def complete(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    note: str,
    photo_file_ids: Sequence[str],
    now: datetime,
) -> Ticket:
    """完成 with a note and the after photo (a hazard's fix needs its photo)."""
    _need_assignee(ticket, actor)
    text = clean_text(note, MAX_DESCRIPTION)
    if ticket.kind == TicketKind.HAZARD and not photo_file_ids:
        raise TicketError("photo_required")
    if ticket.status not in TRANSITIONS["complete"][0]:
        raise TicketError("bad_transition", action="complete", status=ticket.status)
    _add_photos(session, ticket, photo_file_ids, PhotoStage.AFTER, now)
    return _transition(
        session,
        ticket,
        "complete",
        actor.person_id,
        now,
        note=text,
        done_note=text,
        done_at=now,
        fixed_by_id=actor.person_id,
    )


def cannot_fix(
    *, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime
) -> Ticket:
    """无法处理, with the reason (needs purchase, outside contractor…)."""
    if ticket.assignee_id != actor.person_id and not actor.can(Action.ASSIGN_REPAIR):
        raise TicketError("not_assignee")
    text = clean_text(reason, MAX_REASON)
    return _transition(
        session, ticket, "cannot_fix", actor.person_id, now, note=text, reason=text, closed_at=now
    )


def may_verify(ticket: Ticket, actor: Actor) -> bool:
    """A repair: its reporter or the logistics lead. A hazard: the logistics lead or the
    health teacher, never the person who fixed it."""
    if ticket.kind == TicketKind.HAZARD:
        return actor.can(Action.VERIFY_HAZARD) and actor.person_id != ticket.fixed_by_id
    return actor.person_id == ticket.reporter_id or actor.can(Action.ASSIGN_REPAIR)


def _need_verifier(ticket: Ticket, actor: Actor) -> None:
    if ticket.kind == TicketKind.HAZARD and actor.person_id == ticket.fixed_by_id:
        raise TicketError("fixer_cannot_verify")
    if not may_verify(ticket, actor):
        raise TicketError("not_verifier", kind=ticket.kind)


def verify(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    """✅ 已修好: closes the loop."""
    _need_verifier(ticket, actor)
    return _transition(session, ticket, "verify", actor.person_id, now, closed_at=now)


def reject(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """❌ 没修好: reopened with the reason; the assignee stays on it."""
    _need_verifier(ticket, actor)
    text = clean_text(reason, MAX_REASON)
    return _transition(
        session, ticket, "reject", actor.person_id, now, note=text, reason=text, done_at=None
    )


def cancel(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """Withdrawn with a reason: by the lead, or by the reporter before anyone took it."""
    own_new = actor.person_id == ticket.reporter_id and ticket.status in {S.DRAFT, S.NEW}
    if not own_new:
        _need(actor, Action.ASSIGN_REPAIR)
    text = clean_text(reason, MAX_REASON)
    return _transition(
        session, ticket, "cancel", actor.person_id, now, note=text, reason=text, closed_at=now
    )


def reopen(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """The lead takes a 'cannot fix' back up (the part arrived, the contractor came)."""
    _need(actor, Action.ASSIGN_REPAIR)
    text = clean_text(reason, MAX_REASON)
    return _transition(session, ticket, "reopen", actor.person_id, now, note=text, closed_at=None)


def mark_escalated(*, session: Session, ticket: Ticket, level: int) -> None:
    """Remember how far an overdue ticket was escalated (the messages are keyed anyway)."""
    session.connection().execute(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.escalation_level) < level)
        .values(escalation_level=level)
    )
    session.commit()
    set_committed_value(ticket, "escalation_level", level)
