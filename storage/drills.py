"""Drills: the record of one (type, participants, evacuation time, problems, photos) and gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.calendar import Task, TaskError, complete_task, list_tasks, local_now, state_of
from storage.calendar_models import DrillRecord, DrillType, TaskKind, TaskStatus
from storage.models import Site
from storage.site_settings import get_site_settings

# Evacuation times outside this are typing mistakes (a minus sign, hours for minutes).
MIN_SECONDS, MAX_SECONDS = 5, 1800
MAX_PEOPLE = 5000
MAX_PROBLEMS = 1000


@dataclass(frozen=True)
class DrillEntry:
    drill_type: DrillType
    children: int
    staff: int
    evacuation_seconds: int | None
    problems: str
    photos: tuple[str, ...] = ()


def check_seconds(seconds: int) -> int:
    if not MIN_SECONDS <= seconds <= MAX_SECONDS:
        raise TaskError("seconds_range", low=MIN_SECONDS, high=MAX_SECONDS)
    return seconds


def is_slow(site: Site, seconds: int | None) -> bool:
    """Slower than the site's evacuation target (2 minutes by default)."""
    return seconds is not None and seconds > get_site_settings(site).evacuation_target_seconds


def record_drill(
    *, session: Session, site: Site, task: Task, person_id: int, entry: DrillEntry, now: datetime
) -> DrillRecord:
    """Store the drill and complete its calendar task, in one step."""
    assert site.id is not None
    if entry.evacuation_seconds is not None:
        check_seconds(entry.evacuation_seconds)
    if len(entry.problems) > MAX_PROBLEMS:
        raise TaskError("problems_too_long", length=len(entry.problems), limit=MAX_PROBLEMS)
    record = DrillRecord(
        site_id=site.id,
        occurrence_id=task.occurrence.id,
        drill_type=entry.drill_type,
        held_at=now,
        children=entry.children,
        staff=entry.staff,
        evacuation_seconds=entry.evacuation_seconds,
        slow=is_slow(site, entry.evacuation_seconds),
        problems=entry.problems.strip(),
        photos=list(entry.photos),
        recorded_by=person_id,
    )
    session.add(record)
    session.flush()
    record_event(
        session=session, action="drill.record", site_id=site.id, person_id=person_id,
        drill=record.id, seconds=entry.evacuation_seconds,
    )  # fmt: skip
    complete_task(
        session=session, site=site, task=task, person_id=person_id, now=now,
        details={"drill_record": record.id},
    )  # fmt: skip
    return record


def drill_for(*, session: Session, occurrence_id: int) -> DrillRecord | None:
    return session.exec(
        select(DrillRecord).where(DrillRecord.occurrence_id == occurrence_id)
    ).first()


def add_drill_photo(*, session: Session, record: DrillRecord, file_id: str) -> None:
    record.photos = [*record.photos, file_id]
    session.add(record)
    session.commit()


@dataclass(frozen=True)
class Gap:
    """A drill not (yet) done in its period: days_left < 0 once the period has ended."""

    task: Task
    days_left: int


def compliance_gaps(*, session: Session, site: Site, now: datetime) -> list[Gap]:
    """Drills whose current period is not done, and overdue drills of earlier periods."""
    assert site.id is not None
    today = local_now(site, now).date()
    gaps = []
    for task in list_tasks(
        session=session, site_id=site.id, start=date(today.year - 1, 1, 1), end=date(9999, 1, 1)
    ):
        if task.rule.kind != TaskKind.DRILL:
            continue
        state = state_of(site, task.rule, task.occurrence, now)
        in_period = task.occurrence.period_start <= today <= task.occurrence.due_date
        if state == TaskStatus.OVERDUE or (
            in_period and state in (TaskStatus.UPCOMING, TaskStatus.DUE)
        ):
            gaps.append(Gap(task, (task.occurrence.due_date - today).days))
    return gaps


def latest_drill(*, session: Session, site_id: int) -> DrillRecord | None:
    query = (
        select(DrillRecord)
        .where(DrillRecord.site_id == site_id)
        .order_by(col(DrillRecord.held_at).desc())
    )
    return session.exec(query).first()


def list_drills(
    *, session: Session, site_id: int, start: datetime, end: datetime
) -> list[DrillRecord]:
    query = (
        select(DrillRecord)
        .where(
            DrillRecord.site_id == site_id,
            col(DrillRecord.held_at) >= start,
            col(DrillRecord.held_at) < end,
        )
        .order_by(col(DrillRecord.held_at))
    )
    return list(session.exec(query))
