"""Scheduling a reviewed term plan: one task per kept item, due by the end of its month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from storage.audit import record_event
from storage.calendar_models import Recurrence, TaskKind, TaskRule
from storage.calendar_rules import month_start
from storage.plan_import import guess_drill_type

MAX_TITLE = 200


@dataclass(frozen=True)
class PlannedTask:
    title: str
    role: str | None
    drill: bool
    due: date


def schedule_plan(
    *, session: Session, site_id: int, tasks: list[PlannedTask], person_id: int | None
) -> list[TaskRule]:
    """One rule per task; the first reminder on the first of its month (committed)."""
    rules = []
    for task in tasks:
        # A long item keeps its whole text as the description; the title is its start.
        title = task.title if len(task.title) <= MAX_TITLE else task.title[: MAX_TITLE - 1] + "…"
        rule = TaskRule(
            site_id=site_id,
            title=title,
            description=task.title,
            kind=TaskKind.DRILL if task.drill else TaskKind.TASK,
            drill_type=guess_drill_type(task.title) if task.drill else None,
            role=task.role,
            recurrence=Recurrence.ONCE,
            start=task.due,
            lead_days=(task.due - month_start(task.due)).days,
            source="plan",
        )
        session.add(rule)
        rules.append(rule)
    session.flush()
    record_event(
        session=session, action="plan.import", site_id=site_id, person_id=person_id,
        tasks=len(tasks),
    )  # fmt: skip
    session.commit()
    return rules
