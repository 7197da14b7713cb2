"""Tables of parent notices (告家长书): parents' children, subscriptions, notices, deliveries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by the sender; a crash leaves it here (see jobs.notices)
    SENT = "sent"
    FAILED = "failed"  # gave up after every retry
    BLOCKED = "blocked"  # the parent blocked the bot (403): never retried


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ParentChild(SQLModel, table=True):
    """A child a parent named when joining a class; one parent may have several."""

    __tablename__ = "parent_child"
    __table_args__ = (UniqueConstraint("person_id", "class_id", "child_name"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    site_id: int = Field(foreign_key="site.id")
    class_id: int = Field(foreign_key="school_class.id", index=True)
    child_name: str = Field(max_length=50)
    created_at: datetime = _created()


class NoticeSubscription(SQLModel, table=True):
    """A parent's choice: /stop unsubscribes from notices, /start subscribes again."""

    __tablename__ = "notice_subscription"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    subscribed: bool = True
    changed_at: datetime = _created()


class NoticeTemplate(SQLModel, table=True):
    """A site's own wording of a shipped template (drowning, traffic…), per language."""

    __tablename__ = "notice_template"
    __table_args__ = (UniqueConstraint("site_id", "key", "language"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    key: str = Field(max_length=30)
    language: str = Field(max_length=8)
    title: str = Field(max_length=100)
    body: str = Field(max_length=12000)
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = _created()


class Notice(SQLModel, table=True):
    """One notice as confirmed by its sender; its text never changes after that."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    author_id: int = Field(foreign_key="person.id")
    title: str = Field(max_length=100)
    # The body as sent, split into the parts a parent receives (one message each).
    parts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attachment_kind: str | None = Field(default=None, max_length=10)  # "photo" | "document"
    attachment_file_id: str | None = Field(default=None, max_length=200)
    # Class ids the sender chose; empty means the whole site.
    class_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created()
    reminder_due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    reminders_done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class NoticeDelivery(SQLModel, table=True):
    """The outbox: one row per (notice, parent), drained by jobs.notices at Telegram's pace."""

    __tablename__ = "notice_delivery"
    __table_args__ = (
        UniqueConstraint("notice_id", "person_id"),
        Index("ix_notice_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # "notice:<notice id>:<person id>": what makes a second send of the same thing impossible.
    idempotency_key: str = Field(max_length=80, unique=True)
    notice_id: int = Field(foreign_key="notice.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The class the parent received it for (the first of theirs in the audience), for figures.
    class_id: int = Field(foreign_key="school_class.id")
    language: str = Field(default="zh", max_length=8)
    status: str = Field(default=DeliveryStatus.QUEUED, max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = _created()
    # Parts already delivered: a split notice resumes at the next part after a restart.
    parts_sent: int = 0
    message_id: int | None = None
    error: str | None = Field(default=None, max_length=200)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
