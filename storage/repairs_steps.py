"""The steps of a ticket after it is opened: take, assign, start, finish, check, close."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import Membership, Person
from storage.permissions import Action, Role
from storage.repairs import add_photos
from storage.repairs_models import (
    PhotoStage,
    Status,
    Ticket,
    TicketKind,
)
from storage.repairs_rules import (
    MAX_DESCRIPTION,
    MAX_REASON,
    TRANSITIONS,
    Actor,
    TicketError,
    clean_text,
    need,
    need_assignee,
    transition,
)

S = Status


def accept(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    """接单: a maintenance worker takes the ticket."""
    need(actor, Action.ACCEPT_REPAIR)
    return transition(session, ticket, "accept", actor.person_id, now, assignee_id=actor.person_id)


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
    need(actor, Action.ASSIGN_REPAIR)
    worker = session.get(Person, assignee_id)
    if worker is None or not is_maintenance(session, ticket.site_id, assignee_id):
        raise TicketError("not_maintenance")
    return transition(
        session,
        ticket,
        "assign",
        actor.person_id,
        now,
        note=worker.display_name,
        assignee_id=assignee_id,
    )


def start(*, session: Session, ticket: Ticket, actor: Actor, now: datetime) -> Ticket:
    need_assignee(ticket, actor)
    return transition(session, ticket, "start", actor.person_id, now)


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
    need_assignee(ticket, actor)
    text = clean_text(note, MAX_DESCRIPTION)
    if ticket.kind == TicketKind.HAZARD and not photo_file_ids:
        raise TicketError("photo_required")
    if ticket.status not in TRANSITIONS["complete"][0]:
        raise TicketError("bad_transition", action="complete", status=ticket.status)
    add_photos(session, ticket, photo_file_ids, PhotoStage.AFTER, now)
    return transition(
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
    return transition(
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
    return transition(session, ticket, "verify", actor.person_id, now, closed_at=now)


def reject(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """❌ 没修好: reopened with the reason; the assignee stays on it."""
    _need_verifier(ticket, actor)
    text = clean_text(reason, MAX_REASON)
    return transition(
        session, ticket, "reject", actor.person_id, now, note=text, reason=text, done_at=None
    )


def cancel(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """Withdrawn with a reason: by the lead, or by the reporter before anyone took it."""
    own_new = actor.person_id == ticket.reporter_id and ticket.status in {S.DRAFT, S.NEW}
    if not own_new:
        need(actor, Action.ASSIGN_REPAIR)
    text = clean_text(reason, MAX_REASON)
    return transition(
        session, ticket, "cancel", actor.person_id, now, note=text, reason=text, closed_at=now
    )


def reopen(*, session: Session, ticket: Ticket, actor: Actor, reason: str, now: datetime) -> Ticket:
    """The lead takes a 'cannot fix' back up (the part arrived, the contractor came)."""
    need(actor, Action.ASSIGN_REPAIR)
    text = clean_text(reason, MAX_REASON)
    return transition(session, ticket, "reopen", actor.person_id, now, note=text, closed_at=None)
