"""Reading tickets: one ticket, the lists, what is overdue, photos and history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from storage.models import Membership, Person, SchoolClass, Site, StaffGroup
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


@dataclass(frozen=True)
class ReportTarget:
    """A group a report was typed in: its site, purpose, settings and class names."""

    site_id: int
    purpose: str
    settings: dict[str, Any]
    class_names: list[str]


_G, _S, _C = (t.__table__ for t in (StaffGroup, Site, SchoolClass))  # type: ignore[union-attr]
# Built once and run on the Core connection: every report typed in a group reads it.
_REPORT_TARGET = (
    sa_select(_G.c.site_id, _G.c.purpose, _S.c.settings, _C.c.name)
    .select_from(
        _G.join(_S, _S.c.id == _G.c.site_id).outerjoin(
            _C, and_(_C.c.site_id == _G.c.site_id, _C.c.active)
        )
    )
    .where(_G.c.chat_id == bindparam("chat_id"))
    .order_by(_C.c.position, _C.c.id)
)


def load_report_target(*, session: Session, chat_id: int) -> ReportTarget | None:
    rows = session.connection().execute(_REPORT_TARGET, {"chat_id": chat_id}).all()
    if not rows:
        return None
    first = rows[0]
    names = [row.name for row in rows if row.name is not None]
    return ReportTarget(first.site_id, first.purpose, first.settings or {}, names)


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


# Prebuilt (values bound per call): the lists are read on every /tickets, card and check.
_LATE_FIRST = case(
    (col(Ticket.status).in_(UNFIXED) & (col(Ticket.due_at) < bindparam("now")), 0), else_=1
)
_BY_URGENCY = (_LATE_FIRST, col(Ticket.due_at), col(Ticket.id))
_OPEN = (
    select(Ticket)
    .where(Ticket.site_id == bindparam("site_id"), col(Ticket.status).in_(OPEN))
    .order_by(*_BY_URGENCY)
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)
_MINE = (
    select(Ticket)
    .where(
        or_(
            col(Ticket.reporter_id) == bindparam("person_id"),
            col(Ticket.assignee_id) == bindparam("person_id"),
        ),
        col(Ticket.status).in_(OPEN),
    )
    .order_by(*_BY_URGENCY)
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)
_OVERDUE = (
    select(Ticket)
    .where(
        Ticket.site_id == bindparam("site_id"),
        col(Ticket.status).in_(UNFIXED),
        col(Ticket.due_at) < bindparam("now"),
        col(Ticket.escalation_level) < bindparam("below_level"),
    )
    .order_by(col(Ticket.due_at))
)


def list_open(
    *, session: Session, site_id: int, now: datetime, page: int = 0, size: int = PAGE_SIZE
) -> list[Ticket]:
    """A site's open tickets, overdue first, then by due time (one more than a page, so
    the caller knows whether there is a next page)."""
    params = {"site_id": site_id, "now": now, "offset": page * size, "limit": size + 1}
    return list(session.exec(_OPEN, params=params))


def count_open(*, session: Session, site_id: int) -> int:
    query = select(func.count()).where(Ticket.site_id == site_id, col(Ticket.status).in_(OPEN))
    return int(session.exec(query).one())


def list_mine(
    *, session: Session, person_id: int, now: datetime, page: int = 0, size: int = PAGE_SIZE
) -> list[Ticket]:
    """Open tickets the person reported or is fixing, overdue first (one more than a page)."""
    params = {"person_id": person_id, "now": now, "offset": page * size, "limit": size + 1}
    return list(session.exec(_MINE, params=params))


def list_overdue(
    *, session: Session, site_id: int, now: datetime, below_level: int = 99
) -> list[Ticket]:
    """Tickets still to be fixed whose due time has passed, most overdue first (optionally
    only those not yet escalated to `below_level`)."""
    params = {"site_id": site_id, "now": now, "below_level": below_level}
    return list(session.exec(_OVERDUE, params=params))


def list_new(*, session: Session, site_id: int) -> list[Ticket]:
    """Opened tickets nobody has taken yet (their post may still be owed to maintenance)."""
    query = select(Ticket).where(Ticket.site_id == site_id, Ticket.status == Status.NEW)
    return list(session.exec(query.order_by(col(Ticket.id))))


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


def tickets_with_missing_files(*, session: Session, site_id: int) -> list[Ticket]:
    """Tickets with a photo whose file could not be downloaded yet (Telegram was down)."""
    query = (
        select(Ticket)
        .join(TicketPhoto, col(TicketPhoto.ticket_id) == col(Ticket.id))
        .where(Ticket.site_id == site_id, col(TicketPhoto.path).is_(None))
        .distinct()
    )
    return list(session.exec(query))
