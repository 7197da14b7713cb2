"""Reading tickets: one ticket, the lists, what is overdue, photos and history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, or_
from sqlmodel import Session, col, func, select

from storage.models import Membership, Person
from storage.permissions import Role
from storage.repairs_models import (
    OPEN,
    UNFIXED,
    PhotoStage,
    Status,
    Ticket,
    TicketEvent,
    TicketPhoto,
)

PAGE_SIZE = 8


def get_ticket(*, session: Session, ticket_id: int) -> Ticket | None:
    return session.get(Ticket, ticket_id)


def find_ticket(
    *, session: Session, site_ids: Sequence[int], year: int, number: int
) -> Ticket | None:
    """A ticket by its number at one of these sites (another site's is not found)."""
    query = select(Ticket).where(
        col(Ticket.site_id).in_(list(site_ids)), Ticket.year == year, Ticket.number == number
    )
    return session.exec(query).first()


def _overdue_first(now: datetime) -> object:
    late = case(
        (col(Ticket.status).in_(UNFIXED) & (col(Ticket.due_at) < now), 0),
        else_=1,
    )
    return late


def list_open(
    *, session: Session, site_id: int, now: datetime, page: int = 0, size: int = PAGE_SIZE
) -> list[Ticket]:
    """A site's open tickets, overdue first, then by due time."""
    query = (
        select(Ticket)
        .where(Ticket.site_id == site_id, col(Ticket.status).in_(OPEN))
        .order_by(_overdue_first(now), col(Ticket.due_at), col(Ticket.id))  # type: ignore[arg-type]
        .offset(page * size)
        .limit(size)
    )
    return list(session.exec(query))


def count_open(*, session: Session, site_id: int) -> int:
    query = select(func.count()).where(Ticket.site_id == site_id, col(Ticket.status).in_(OPEN))
    return int(session.exec(query).one())


def list_mine(
    *, session: Session, person_id: int, now: datetime, page: int = 0, size: int = PAGE_SIZE
) -> list[Ticket]:
    """Open tickets the person reported or is fixing, overdue first."""
    mine = or_(col(Ticket.reporter_id) == person_id, col(Ticket.assignee_id) == person_id)
    query = (
        select(Ticket)
        .where(mine, col(Ticket.status).in_(OPEN))
        .order_by(_overdue_first(now), col(Ticket.due_at), col(Ticket.id))  # type: ignore[arg-type]
        .offset(page * size)
        .limit(size + 1)
    )
    return list(session.exec(query))


def list_overdue(
    *, session: Session, site_id: int, now: datetime, below_level: int | None = None
) -> list[Ticket]:
    """Tickets still to be fixed whose due time has passed, most overdue first (optionally
    only those not yet escalated to `below_level`)."""
    query = (
        select(Ticket)
        .where(
            Ticket.site_id == site_id,
            col(Ticket.status).in_(UNFIXED),
            col(Ticket.due_at) < now,
        )
        .order_by(col(Ticket.due_at))
    )
    if below_level is not None:
        query = query.where(col(Ticket.escalation_level) < below_level)
    return list(session.exec(query))


def list_unverified(*, session: Session, site_id: int, done_before: datetime) -> list[Ticket]:
    """Done tickets nobody has checked since before this moment."""
    query = select(Ticket).where(
        Ticket.site_id == site_id,
        Ticket.status == Status.DONE,
        col(Ticket.done_at) < done_before,
    )
    return list(session.exec(query))


def list_photos(
    *, session: Session, ticket_id: int, stage: PhotoStage | None = None
) -> list[TicketPhoto]:
    query = select(TicketPhoto).where(TicketPhoto.ticket_id == ticket_id)
    if stage is not None:
        query = query.where(TicketPhoto.stage == stage)
    return list(session.exec(query.order_by(col(TicketPhoto.id))))


def list_history(*, session: Session, ticket_id: int) -> list[TicketEvent]:
    query = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    )
    return list(session.exec(query))


def list_maintenance(*, session: Session, site_id: int) -> list[Person]:
    """The site's maintenance workers, for 指派."""
    return list_people_in_role(session=session, site_id=site_id, role=Role.MAINTENANCE)


def list_people_in_role(*, session: Session, site_id: int, role: Role) -> list[Person]:
    query = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.site_id == site_id, Membership.role == role, col(Membership.active))
        .order_by(col(Person.id))
        .distinct()
    )
    return list(session.exec(query))


def names_of(*, session: Session, person_ids: Sequence[int | None]) -> dict[int, str]:
    ids = {p for p in person_ids if p is not None}
    if not ids:
        return {}
    query = select(Person.id, Person.display_name).where(col(Person.id).in_(ids))
    return {pid: name for pid, name in session.exec(query) if pid is not None}
