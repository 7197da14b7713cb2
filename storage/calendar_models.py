"""Tables of the safety calendar: recurring task rules, their occurrences, drill records."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Recurrence(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"  # every `interval` weeks on the start date's weekday
    MONTHLY = "monthly"  # every `interval` months on `day_of_month` (-1: the last day)
    FIRST_SCHOOL_DAY = "first_school_day"  # the first weekday of every `interval` months
    QUARTERLY = "quarterly"  # by the last day of each quarter
    TERM = "term"  # by the end of each term (mid-January, mid-July)


class TaskKind(StrEnum):
    TASK = "task"
    DRILL = "drill"


class TaskStatus(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    SKIPPED = "skipped"


class DrillType(StrEnum):
    EVACUATION = "evacuation"
    FIRE = "fire"
    EARTHQUAKE = "earthquake"
    ANTI_TERROR = "anti_terror"
    OTHER = "other"


class TaskRule(SQLModel, table=True):
    """A duty that comes back (or happens once): who does it, when, how early to remind."""

    __tablename__ = "task_rule"
    __table_args__ = (UniqueConstraint("site_id", "default_key"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    kind: str = Field(default=TaskKind.TASK, max_length=10)
    drill_type: str | None = Field(default=None, max_length=20)
    role: str | None = Field(default=None, max_length=30)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    recurrence: str = Field(default=Recurrence.ONCE, max_length=20)
    interval: int = 1
    day_of_month: int | None = None
    start: date
    until: date | None = None
    lead_days: int = 3
    due_time: time = time(17, 0)
    # The compliance default this rule was seeded from (None for imported or added tasks).
    default_key: str | None = Field(default=None, max_length=40)
    source: str = Field(default="manual", max_length=20)  # default / plan / manual
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class TaskOccurrence(SQLModel, table=True):
    """One time a rule falls due, and how it ended: done (by whom, note, photos) or skipped."""

    __tablename__ = "task_occurrence"
    __table_args__ = (UniqueConstraint("rule_id", "due_date"),)

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int = Field(foreign_key="task_rule.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    period_start: date
    due_date: date = Field(index=True)
    # upcoming / done / skipped as stored; due and overdue are read from the clock.
    status: str = Field(default=TaskStatus.UPCOMING, max_length=12)
    skip_reason: str | None = Field(default=None, max_length=500)
    completed_by: int | None = Field(default=None, foreign_key="person.id")
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, max_length=1000)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    late: bool = False


class DrillRecord(SQLModel, table=True):
    """What happened at a drill: the ledger inspectors ask for."""

    __tablename__ = "drill_record"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    occurrence_id: int | None = Field(default=None, foreign_key="task_occurrence.id", unique=True)
    drill_type: str = Field(max_length=20)
    held_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    children: int = 0
    staff: int = 0
    evacuation_seconds: int | None = None
    slow: bool = False
    problems: str = Field(default="", max_length=1000)
    photos: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recorded_by: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
