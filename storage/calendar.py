"""The safety calendar's rules: occurrences from rules, their state, who is responsible, completion.

Due and overdue are read from the clock (the stored status says only upcoming, done or
skipped), so a restart or a changed clock never leaves a stale state behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.calendar_models import TaskOccurrence, TaskRule, TaskStatus
from storage.calendar_rules import due_dates, period_start
from storage.models import Membership, Person, Site
from storage.people import RoleAtSite, list_people_with_action
from storage.permissions import Action, can

# Occurrences are kept this far ahead (the month's card, the longest lead time) and behind.
HORIZON_AHEAD = timedelta(days=62)
HORIZON_BEHIND = timedelta(days=92)
MAX_NOTE = 1000
MAX_REASON = 500
OPEN = (TaskStatus.UPCOMING, TaskStatus.DUE, TaskStatus.OVERDUE)


class TaskError(ValueError):
    """A calendar request that cannot be carried out; ``code`` names the reason."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


def local_now(site: Site, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(site.timezone))


def due_at(site: Site, rule: TaskRule, occurrence: TaskOccurrence) -> datetime:
    return datetime.combine(occurrence.due_date, rule.due_time, ZoneInfo(site.timezone))


def state_of(site: Site, rule: TaskRule, occurrence: TaskOccurrence, now: datetime) -> TaskStatus:
    """upcoming → due (from the lead time) → overdue (after the due time); or done / skipped."""
    if occurrence.status in (TaskStatus.DONE, TaskStatus.SKIPPED):
        return TaskStatus(occurrence.status)
    if now > due_at(site, rule, occurrence):
        return TaskStatus.OVERDUE
    if local_now(site, now).date() >= occurrence.due_date - timedelta(days=rule.lead_days):
        return TaskStatus.DUE
    return TaskStatus.UPCOMING


def list_rules(*, session: Session, site_id: int, active_only: bool = False) -> list[TaskRule]:
    query = select(TaskRule).where(TaskRule.site_id == site_id)
    if active_only:
        query = query.where(col(TaskRule.active))
    return list(session.exec(query.order_by(col(TaskRule.id))))


def ensure_occurrences(*, session: Session, site: Site, today: date) -> int:
    """Create the occurrences of every active rule around today (idempotent); returns how many."""
    assert site.id is not None
    rules = list_rules(session=session, site_id=site.id, active_only=True)
    have = {
        (o.rule_id, o.due_date)
        for o in session.exec(
            select(TaskOccurrence).where(
                TaskOccurrence.site_id == site.id,
                col(TaskOccurrence.due_date) >= today - HORIZON_BEHIND,
            )
        )
    }
    added = 0
    for rule in rules:
        for due in due_dates(rule, today - HORIZON_BEHIND, today + HORIZON_AHEAD):
            if (rule.id, due) in have:
                continue
            assert rule.id is not None
            session.add(
                TaskOccurrence(
                    rule_id=rule.id,
                    site_id=site.id,
                    period_start=period_start(rule, due),
                    due_date=due,
                )
            )
            added += 1
    session.commit()
    return added


@dataclass(frozen=True)
class Task:
    """An occurrence with its rule, read together."""

    rule: TaskRule
    occurrence: TaskOccurrence

    @property
    def id(self) -> int:
        assert self.occurrence.id is not None
        return self.occurrence.id


def list_tasks(
    *, session: Session, site_id: int, start: date, end: date, active_only: bool = True
) -> list[Task]:
    """Occurrences due in [start, end], by due date."""
    query = (
        select(TaskOccurrence, TaskRule)
        .join(TaskRule, col(TaskRule.id) == col(TaskOccurrence.rule_id))
        .where(
            TaskOccurrence.site_id == site_id,
            col(TaskOccurrence.due_date) >= start,
            col(TaskOccurrence.due_date) <= end,
        )
        .order_by(col(TaskOccurrence.due_date), col(TaskRule.id))
    )
    if active_only:
        query = query.where(col(TaskRule.active))
    return [Task(rule, occurrence) for occurrence, rule in session.exec(query)]


def get_task(*, session: Session, occurrence_id: int) -> Task | None:
    occurrence = session.get(TaskOccurrence, occurrence_id)
    if occurrence is None:
        return None
    rule = session.get(TaskRule, occurrence.rule_id)
    return Task(rule, occurrence) if rule is not None else None


def is_manager(roles: Iterable[RoleAtSite], site_id: int) -> bool:
    return can([r.role for r in roles if r.site_id == site_id], Action.MANAGE_CALENDAR)


def is_responsible(roles: Iterable[RoleAtSite], person_id: int, rule: TaskRule) -> bool:
    """The named person, or anyone holding the rule's role at its site."""
    if rule.person_id is not None:
        return rule.person_id == person_id
    return rule.role is not None and any(
        r.site_id == rule.site_id and r.role == rule.role for r in roles
    )


def may_complete(roles: list[RoleAtSite], person_id: int, rule: TaskRule) -> bool:
    return is_manager(roles, rule.site_id) or is_responsible(roles, person_id, rule)


def responsible_people(*, session: Session, rule: TaskRule) -> list[Person]:
    """Who is reminded: the named person, the role's holders, else the calendar's managers."""
    if rule.person_id is not None:
        person = session.get(Person, rule.person_id)
        return [person] if person is not None else []
    if rule.role is not None:
        query = (
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(
                Membership.site_id == rule.site_id,
                Membership.role == rule.role,
                col(Membership.active),
            )
            .order_by(col(Person.id))
        )
        people = list({p.id: p for p in session.exec(query)}.values())
        if people:
            return people
    return list_people_with_action(
        session=session, site_id=rule.site_id, action=Action.MANAGE_CALENDAR
    )


def complete_task(
    *,
    session: Session,
    site: Site,
    task: Task,
    person_id: int,
    now: datetime,
    details: dict[str, object] | None = None,
) -> TaskOccurrence:
    """Mark done (once: a second tap is refused); late when after the due time."""
    occurrence = task.occurrence
    if occurrence.status == TaskStatus.DONE:
        raise TaskError("already_done")
    if occurrence.status == TaskStatus.SKIPPED:
        raise TaskError("skipped")
    occurrence.status = TaskStatus.DONE
    occurrence.completed_by = person_id
    occurrence.completed_at = now
    occurrence.late = now > due_at(site, task.rule, occurrence)
    occurrence.details = {**occurrence.details, **(details or {})}
    session.add(occurrence)
    record_event(
        session=session,
        action="task.done",
        site_id=site.id,
        person_id=person_id,
        occurrence=occurrence.id,
        title=task.rule.title,
    )
    session.commit()
    return occurrence


def check_text(text: str, limit: int) -> str:
    """A typed note or reason: one that says nothing (empty, a digit, a dot) or is too long is
    refused (never silently cut)."""
    text = text.strip()
    if len(text) < 2 or text.strip("。.,，!！?？0123456789 ") == "":
        raise TaskError("empty_note")
    if len(text) > limit:
        raise TaskError("note_too_long", length=len(text), limit=limit)
    return text


def add_note(*, session: Session, occurrence: TaskOccurrence, note: str, person_id: int) -> None:
    """A typed note after completion."""
    text = check_text(note, MAX_NOTE)
    occurrence.note = text
    session.add(occurrence)
    record_event(session=session, action="task.note", person_id=person_id, occurrence=occurrence.id)
    session.commit()


def add_photo(*, session: Session, occurrence: TaskOccurrence, file_id: str) -> None:
    occurrence.photos = [*occurrence.photos, file_id]
    session.add(occurrence)
    session.commit()


def skip_task(*, session: Session, task: Task, person_id: int, reason: str, now: datetime) -> None:
    text = check_text(reason, MAX_REASON)
    task.occurrence.status = TaskStatus.SKIPPED
    task.occurrence.skip_reason = text
    task.occurrence.completed_by = person_id
    task.occurrence.completed_at = now
    session.add(task.occurrence)
    record_event(
        session=session, action="task.skip", person_id=person_id, occurrence=task.occurrence.id
    )
    session.commit()


def update_rule(*, session: Session, rule: TaskRule, by: int | None, **changes: object) -> TaskRule:
    """Edit a rule (active, role, lead_days…), keeping the change in the audit trail."""
    before = {key: getattr(rule, key) for key in changes}
    for key, value in changes.items():
        setattr(rule, key, value)
    session.add(rule)
    record_event(
        session=session,
        action="task_rule.update",
        site_id=rule.site_id,
        person_id=by,
        rule=rule.id,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in changes.items()},
    )
    session.commit()
    return rule
