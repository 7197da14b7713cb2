"""Tables of the core: sites, people, roles, groups, invitations, audit and outbox.

Enumerations are stored as short strings, so adding a value never needs a migration.
Every datetime is timezone-aware and stored in UTC.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class SiteKind(StrEnum):
    KINDERGARTEN = "kindergarten"
    PRIMARY = "primary"
    MIDDLE = "middle"


class GroupPurpose(StrEnum):
    STAFF = "staff"
    MAINTENANCE = "maintenance"
    KITCHEN = "kitchen"


class AreaKind(StrEnum):
    ACTIVITY_ROOM = "activity_room"
    NAP_ROOM = "nap_room"
    TOILET = "toilet"
    TOYS = "toys"
    TABLEWARE = "tableware"
    KITCHEN = "kitchen"
    CORRIDOR = "corridor"
    PLAYGROUND = "playground"
    GATE = "gate"
    OTHER = "other"


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Site(SQLModel, table=True):
    """One kindergarten or school."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    kind: str = Field(default=SiteKind.KINDERGARTEN, max_length=20)
    boarding: bool = False
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    language: str = Field(default="zh", max_length=8)
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _created()


class Person(SQLModel, table=True):
    """Somebody who talks to the bot; the Telegram id is the identity."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str = Field(max_length=200)
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = _created()


class SchoolClass(SQLModel, table=True):
    """A class (班级) such as 小一班."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=50)
    position: int = 0
    active: bool = True


class Membership(SQLModel, table=True):
    """A role a person holds at a site, optionally tied to one class."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    role: str = Field(max_length=30)
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    active: bool = True
    created_at: datetime = _created()
    # A removed membership is kept (inactive) for the audit trail, never deleted.
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by: int | None = None


class Area(SQLModel, table=True):
    """A room or area (场所): a class's activity room, a nap room, the kitchen, the gate…"""

    __table_args__ = (UniqueConstraint("site_id", "class_id", "kind", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_class.id", index=True)
    kind: str = Field(max_length=30)
    name: str = Field(default="", max_length=100)
    active: bool = True


class Zone(SQLModel, table=True):
    """A responsibility zone (责任区) that one staff member self-checks daily."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    area_id: int | None = Field(default=None, foreign_key="area.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    active: bool = True


class StaffGroup(SQLModel, table=True):
    """A Telegram group bound to a site for a purpose; one binding per chat."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    chat_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    purpose: str = Field(default=GroupPurpose.STAFF, max_length=20)
    title: str = Field(default="", max_length=200)
    bound_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()


class Invite(SQLModel, table=True):
    """An invitation: an opaque code that grants a role (and class) at a site."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    role: str = Field(max_length=30)
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    created_by: int | None = Field(default=None, foreign_key="person.id")
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    max_uses: int = 1
    uses: int = 0
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    """Append-only record of who did what and when."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class OutboundMessage(SQLModel, table=True):
    """A message the bot sends at most once (reminders) or keeps editing (live cards).

    The key names the purpose, e.g. ``disinfection-reminder:3:2026-11-23:17``; claiming
    it before sending is what makes scheduled messages idempotent across restarts.
    """

    __tablename__ = "outbound_message"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int | None = None
    created_at: datetime = _created()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # What the message is (jobs.outbox.Kind), which decides what a lost answer means.
    kind: str = Field(default="message", max_length=20)
    # While unsent: who claimed it and until when; an expired claim may be taken over.
    claimed_by: str | None = Field(default=None, max_length=40)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    # Once finished: "sent", "undeliverable" (blocked, removed) or "unknown" (answer lost).
    outcome: str | None = Field(default=None, max_length=20)


class ConversationState(SQLModel, table=True):
    """Persisted state of chat conversations and per-user scratch data, so restarts lose nothing."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("kind", "name", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    name: str = Field(default="", max_length=60)
    key: str = Field(max_length=60)
    data: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
