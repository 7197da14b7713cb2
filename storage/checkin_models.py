"""Tables of the check-ins: the school calendar, leave, headcounts, answers and sick children.

Answers of every template share one table: a row per subject (a class, a zone) per day and
window, numbered by version. A replacement is a new version, so the history is the table.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CalendarDay(SQLModel, table=True):
    """A day that differs from the usual week: closed (holiday, break) or open (a make-up day)."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    day: date
    closed: bool = True
    reason: str = Field(default="", max_length=100)
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _created()


class StaffLeave(SQLModel, table=True):
    """A staff member away from `start` to `end` (inclusive); a stand-in takes their zones."""

    __tablename__ = "staff_leave"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    start: date
    end: date
    reason: str = Field(max_length=100)
    stand_in_id: int | None = Field(default=None, foreign_key="person.id")
    cancelled: bool = False
    created_at: datetime = _created()


class ClassHeadcount(SQLModel, table=True):
    """How many children a class expects each morning (remembered, changed with a confirmation)."""

    __tablename__ = "class_headcount"

    class_id: int = Field(foreign_key="school_class.id", primary_key=True)
    expected: int
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = _created()


class CheckinAnswer(SQLModel, table=True):
    """One answer to a check-in: template and window, subject ("class:3", "zone:7"), day."""

    __tablename__ = "checkin_answer"
    __table_args__ = (
        UniqueConstraint("site_id", "template", "window", "subject", "day", "version"),
        # The 09:00 list asks, class by class, whether a morning answer exists.
        Index("ix_checkin_answer_class_day", "class_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    template: str = Field(max_length=30)
    window: str = Field(max_length=20)
    subject: str = Field(max_length=40)
    day: date = Field(index=True)
    version: int = 1
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    zone_id: int | None = Field(default=None, foreign_key="zone.id")
    person_id: int = Field(foreign_key="person.id")
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    late: bool = False
    late_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()


class SickChild(SQLModel, table=True):
    """A child absent through illness, followed up each school day until back (因病缺勤追踪)."""

    __tablename__ = "sick_child"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    class_id: int = Field(foreign_key="school_class.id", index=True)
    name: str = Field(max_length=50)
    symptom: str = Field(max_length=20)
    first_day: date
    answer_id: int | None = Field(default=None, foreign_key="checkin_answer.id")
    returned_on: date | None = None
    created_at: datetime = _created()


class SickFollowUp(SQLModel, table=True):
    """What the class said about a sick child on one later school day."""

    __tablename__ = "sick_followup"
    __table_args__ = (UniqueConstraint("sick_child_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    sick_child_id: int = Field(foreign_key="sick_child.id", index=True)
    day: date
    back: bool
    reason: str = Field(default="", max_length=100)
    person_id: int = Field(foreign_key="person.id")
    created_at: datetime = _created()
