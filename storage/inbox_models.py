"""The durable inbox: every update from Telegram, stored before Telegram is told we have it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class InboxUpdate(SQLModel, table=True):
    """One update by Telegram's `update_id`; `done_at` is set in the transaction of its effects.

    `payload` is the update's JSON as received; it is NULL for updates handed to the
    application directly (tests, benchmarks), which are recorded only once done.
    """

    __tablename__ = "inbox_update"

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    attempts: int = Field(default=0)
