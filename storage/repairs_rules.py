"""The rules of tickets: the status machine, who acts, what a text must say.

Each change is one transition of the status machine below, made with a conditional UPDATE
(`… WHERE status = <what we read>`), so a double tap or two people at once change a ticket
once; the change and its history row are committed together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from storage.permissions import Action, can
from storage.repairs_models import (
    Status,
    Ticket,
    TicketEvent,
)

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


# The status machine ----------------------------------------------------------------------


def transition(
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


def need(actor: Actor, action: Action) -> None:
    if not actor.can(action):
        raise TicketError("not_allowed", action=action)


def need_assignee(ticket: Ticket, actor: Actor) -> None:
    if ticket.assignee_id != actor.person_id:
        raise TicketError("not_assignee")
