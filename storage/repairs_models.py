"""Tables of repairs and hazards: tickets, their photos and their append-only history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class TicketKind(StrEnum):
    REPAIR = "repair"
    HAZARD = "hazard"


class Category(StrEnum):
    ELECTRIC = "electric"
    PLUMBING = "plumbing"
    DOORS = "doors"
    FURNITURE = "furniture"
    TOYS = "toys"
    AV = "av"
    IT = "it"
    OTHER = "other"


class Urgency(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class Status(StrEnum):
    # A report typed in a group waits for its author's tap before it becomes a ticket.
    DRAFT = "draft"
    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"
    REOPENED = "reopened"
    CANNOT_FIX = "cannot_fix"
    CANCELLED = "cancelled"


# Someone still has to act: shown in the lists and on the maintenance card.
OPEN = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED, Status.DONE)
# Still to be fixed: these can be overdue (a done ticket only waits for its check).
UNFIXED = (Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)


class PhotoStage(StrEnum):
    BEFORE = "before"
    AFTER = "after"


def _at() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Ticket(SQLModel, table=True):
    """A repair request or a hazard, numbered per site and year (#2026-0142) once opened."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("site_id", "year", "number"),
        # The open list and the overdue check: site, then status, then due time.
        Index("ix_ticket_site_status_due", "site_id", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    year: int | None = None
    number: int | None = None
    kind: str = Field(default=TicketKind.REPAIR, max_length=10)
    category: str = Field(default=Category.OTHER, max_length=20)
    location: str = Field(default="", max_length=100)
    zone_id: int | None = Field(default=None, foreign_key="zone.id")
    description: str = Field(max_length=1000)
    urgency: str = Field(default=Urgency.NORMAL, max_length=10)
    status: str = Field(default=Status.NEW, max_length=20)
    reporter_id: int = Field(foreign_key="person.id", index=True)
    assignee_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Who marked it done last: a hazard is never verified by the person who fixed it.
    fixed_by_id: int | None = Field(default=None, foreign_key="person.id")
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last reason given: cannot fix, cancelled, or why the reporter says it is not fixed.
    reason: str | None = Field(default=None, max_length=500)
    done_note: str | None = Field(default=None, max_length=1000)
    # 0: not escalated; 1: the logistics lead was told it is overdue; 2: the director too.
    escalation_level: int = 0
    # Where a group draft was posted, so its card can be edited when confirmed.
    source_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = _at()
    updated_at: datetime = _at()

    @property
    def code(self) -> str:
        return f"#{self.year}-{self.number:04d}" if self.number is not None else "#—"


class TicketPhoto(SQLModel, table=True):
    """A photo of a ticket: Telegram's file id, and the file on disk once downloaded."""

    __tablename__ = "ticket_photo"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    stage: str = Field(default=PhotoStage.BEFORE, max_length=10)
    file_id: str = Field(max_length=200)
    path: str | None = Field(default=None, max_length=300)
    created_at: datetime = _at()


class TicketEvent(SQLModel, table=True):
    """One change of a ticket: who, when, from which status to which, with a note."""

    __tablename__ = "ticket_event"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    at: datetime = _at()
    person_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=1000)
