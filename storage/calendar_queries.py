"""Read-only views of the calendar for summaries and ledgers (the daily summary, 台账 exports).

Every function takes a site and a period and returns plain rows: no ORM objects escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.calendar import Task, list_tasks, local_now, state_of
from storage.calendar_models import TaskStatus
from storage.drills import compliance_gaps as drill_gaps
from storage.drills import list_drills
from storage.models import Person, Site

__all__ = [
    "DrillLedgerRow",
    "GapRow",
    "TaskRow",
    "compliance_gaps",
    "drill_ledger",
    "overdue_tasks",
    "task_ledger",
    "tasks_done_on",
    "tasks_due_this_week",
]


@dataclass(frozen=True)
class TaskRow:
    occurrence_id: int
    title: str
    kind: str  # task / drill
    role: str | None
    due_date: date
    status: TaskStatus  # as of the `now` the row was read at
    completed_by: str | None
    completed_at: datetime | None
    late: bool
    note: str | None
    photos: int
    skip_reason: str | None


@dataclass(frozen=True)
class DrillLedgerRow:
    held_at: datetime  # site-local
    drill_type: str
    children: int
    staff: int
    evacuation_seconds: int | None
    slow: bool
    problems: str
    photos: int
    recorded_by: str


@dataclass(frozen=True)
class GapRow:
    """A drill not done in its period ("本季度疏散演练未完成，剩余12天"); overdue when < 0."""

    title: str
    drill_type: str | None
    recurrence: str  # quarterly → 本季度, monthly → 本月, term → 本学期
    period_start: date
    due_date: date
    days_left: int


def compliance_gaps(*, session: Session, site: Site, now: datetime) -> list[GapRow]:
    """Drills whose current period is not done yet, and overdue drills of earlier periods."""
    return [
        GapRow(
            title=gap.task.rule.title,
            drill_type=gap.task.rule.drill_type,
            recurrence=gap.task.rule.recurrence,
            period_start=gap.task.occurrence.period_start,
            due_date=gap.task.occurrence.due_date,
            days_left=gap.days_left,
        )
        for gap in drill_gaps(session=session, site=site, now=now)
    ]


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    return {i: p.display_name for i in ids if i and (p := session.get(Person, i)) is not None}


def _rows(session: Session, site: Site, tasks: list[Task], now: datetime) -> list[TaskRow]:
    names = _names(session, {t.occurrence.completed_by for t in tasks})
    return [
        TaskRow(
            occurrence_id=t.id,
            title=t.rule.title,
            kind=t.rule.kind,
            role=t.rule.role,
            due_date=t.occurrence.due_date,
            status=state_of(site, t.rule, t.occurrence, now),
            completed_by=names.get(t.occurrence.completed_by or 0),
            completed_at=t.occurrence.completed_at,
            late=t.occurrence.late,
            note=t.occurrence.note,
            photos=len(t.occurrence.photos),
            skip_reason=t.occurrence.skip_reason,
        )
        for t in tasks
    ]


def tasks_done_on(*, session: Session, site: Site, day: date, now: datetime) -> list[TaskRow]:
    """Tasks completed on a local day, whatever their due date."""
    assert site.id is not None
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time(), zone)
    tasks = list_tasks(session=session, site_id=site.id, start=day - timedelta(days=400),
                       end=day + timedelta(days=400))  # fmt: skip
    done = [
        t
        for t in tasks
        if t.occurrence.status == TaskStatus.DONE
        and t.occurrence.completed_at is not None
        and start <= t.occurrence.completed_at < start + timedelta(days=1)
    ]
    return _rows(session, site, done, now)


def tasks_due_this_week(*, session: Session, site: Site, now: datetime) -> list[TaskRow]:
    """Open tasks due from today to Sunday."""
    assert site.id is not None
    today = local_now(site, now).date()
    sunday = today + timedelta(days=6 - today.weekday())
    tasks = list_tasks(session=session, site_id=site.id, start=today, end=sunday)
    rows = _rows(session, site, tasks, now)
    return [r for r in rows if r.status in (TaskStatus.UPCOMING, TaskStatus.DUE)]


def overdue_tasks(*, session: Session, site: Site, now: datetime) -> list[TaskRow]:
    assert site.id is not None
    today = local_now(site, now).date()
    tasks = list_tasks(
        session=session, site_id=site.id, start=today - timedelta(days=92), end=today
    )
    return [r for r in _rows(session, site, tasks, now) if r.status == TaskStatus.OVERDUE]


def task_ledger(
    *, session: Session, site: Site, start: date, end: date, now: datetime
) -> list[TaskRow]:
    """Every task due in [start, end] with how it ended: the monthly-task ledger."""
    assert site.id is not None
    return _rows(
        session, site, list_tasks(session=session, site_id=site.id, start=start, end=end), now
    )


def drill_ledger(*, session: Session, site: Site, start: date, end: date) -> list[DrillLedgerRow]:
    """Drills held on local days [start, end]: the drill ledger."""
    assert site.id is not None
    zone = ZoneInfo(site.timezone)
    records = list_drills(
        session=session,
        site_id=site.id,
        start=datetime.combine(start, time(), zone),
        end=datetime.combine(end + timedelta(days=1), time(), zone),
    )
    names = _names(session, {r.recorded_by for r in records})
    return [
        DrillLedgerRow(
            held_at=r.held_at.astimezone(zone),
            drill_type=r.drill_type,
            children=r.children,
            staff=r.staff,
            evacuation_seconds=r.evacuation_seconds,
            slow=r.slow,
            problems=r.problems,
            photos=len(r.photos),
            recorded_by=names.get(r.recorded_by, ""),
        )
        for r in records
    ]
