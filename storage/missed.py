"""What the scheduler did with each planned item: run on time, caught up, or missed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.types import UTCDateTime, utcnow


class JobRun(SQLModel, table=True):
    """One planned item's fate, under its idempotency key: done, or missed (and why)."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=160, unique=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    kind: str = Field(max_length=40)
    due_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # Local day of the due time, so "what was missed on 11月26日" is one indexed query.
    day: date = Field(index=True)
    outcome: str = Field(max_length=10)  # "done" or "missed"
    what: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


DONE = "done"
MISSED = "missed"


def settled_keys(*, session: Session, keys: Iterable[str]) -> set[str]:
    """The keys among these that already ran or were recorded as missed."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.exec(select(JobRun.key).where(col(JobRun.key).in_(chunk))))
    return found


def record_run(*, session: Session, run: JobRun) -> bool:
    """Store an item's outcome once; False when its key was settled before."""
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def list_missed(
    *, session: Session, site_id: int | None = None, day: date | None = None
) -> list[JobRun]:
    """Missed items, newest first, for one site and/or one local day."""
    query = select(JobRun).where(JobRun.outcome == MISSED)
    if site_id is not None:
        query = query.where(JobRun.site_id == site_id)
    if day is not None:
        query = query.where(JobRun.day == day)
    return list(session.exec(query.order_by(col(JobRun.due_at).desc())))
