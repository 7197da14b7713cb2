"""The summary's sections for repairs, the kitchen, the calendar and missed jobs.

Each builder reads the flow's own tables or query functions for one site's local day and
returns plain figures, with the names of whom to ask where something is missing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.calendar_queries import (
    GapRow,
    TaskRow,
    compliance_gaps,
    overdue_tasks,
    tasks_done_on,
    tasks_due_this_week,
)
from storage.checkins import TEMPLATES, Template
from storage.checkins_ledger import attendance_by_class, sick_followup_list
from storage.checkins_status import morning_day, zone_day
from storage.missed import JobRun, list_missed
from storage.models import Membership, Person, Site
from storage.notice_figures import (
    ClassShare,
    NoticeShare,
    acknowledged_shares,
    class_teachers,
    classes_behind,
)
from storage.permissions import Role
from storage.repairs_models import OPEN, Status, Ticket, TicketEvent
from storage.repairs_queries import list_overdue, names_of
from storage.samples_ledger import disposals, meals_of_day
from storage.samples_models import Delivery, DeliveryItem, SampleDish, SampleLog
from storage.site_settings import get_site_settings


def day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), ZoneInfo(site.timezone))
    return start, start + timedelta(days=1)


_NAMES_IN_ROLE = (
    sa_select(col(Person.display_name))
    .join(Membership, col(Membership.person_id) == col(Person.id))
    .where(
        col(Membership.site_id) == bindparam("site_id"),
        col(Membership.role) == bindparam("role"),
        col(Membership.active),
    )
    .order_by(col(Person.id))
)


def names_in_role(session: Session, site_id: int, role: Role) -> tuple[str, ...]:
    rows = session.execute(_NAMES_IN_ROLE, {"site_id": site_id, "role": str(role)})
    return tuple(name for (name,) in rows)


@dataclass(frozen=True)
class OverdueTicket:
    code: str
    location: str
    description: str
    hours_overdue: int
    ask: tuple[str, ...]

    @property
    def days_overdue(self) -> int:
        return self.hours_overdue // 24


@dataclass(frozen=True)
class RepairsSection:
    new_today: int
    closed_today: int
    reopened_today: int
    open: int
    overdue: list[OverdueTicket]


def _between(column: Any) -> Any:
    return (column >= bindparam("start")) & (column < bindparam("end"))


# Built once (the summary runs for every site): a site's ticket figures of a day, one query.
_TICKET_COUNTS = sa_select(
    func.coalesce(func.sum(case((_between(col(Ticket.created_at)), 1), else_=0)), 0),
    func.coalesce(func.sum(case((_between(col(Ticket.closed_at)), 1), else_=0)), 0),
    func.coalesce(func.sum(case((col(Ticket.status).in_(OPEN), 1), else_=0)), 0),
).where(col(Ticket.site_id) == bindparam("site_id"), col(Ticket.status) != Status.DRAFT)
_REOPENED = (
    sa_select(func.count())
    .select_from(TicketEvent)
    .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
    .where(
        col(Ticket.site_id) == bindparam("site_id"),
        col(TicketEvent.to_status) == Status.REOPENED,
        _between(col(TicketEvent.at)),
    )
)


def repairs_section(*, session: Session, site: Site, day: date, now: datetime) -> RepairsSection:
    assert site.id is not None
    start, end = day_bounds(site, day)
    params = {"site_id": site.id, "start": start, "end": end}
    new, closed, still_open = session.execute(_TICKET_COUNTS, params).one()
    reopened = session.execute(_REOPENED, params).scalar_one()
    late = list_overdue(session=session, site_id=site.id, now=now)
    assignees = names_of(session=session, person_ids=[t.assignee_id for t in late])
    leads = names_in_role(session, site.id, Role.LOGISTICS_LEAD) if late else ()
    overdue = [
        OverdueTicket(
            t.code,
            t.location,
            t.description,
            max(0, int((now - t.due_at).total_seconds() // 3600)) if t.due_at else 0,
            (assignees[t.assignee_id],) if t.assignee_id in assignees else leads,
        )
        for t in late
    ]
    return RepairsSection(int(new), int(closed), int(reopened), int(still_open), overdue)


@dataclass(frozen=True)
class SamplesSection:
    logged: int
    expected: int
    missing_meals: list[str]  # meal keys not logged (yet)
    below_minimum: int
    disposals_due: int
    disposals_done: int
    held: int
    rejected_items: int
    ask: tuple[str, ...]  # the kitchen staff


_BELOW_MINIMUM = (
    sa_select(func.count())
    .select_from(SampleDish)
    .join(SampleLog, col(SampleLog.id) == col(SampleDish.log_id))
    .where(
        col(SampleLog.site_id) == bindparam("site_id"),
        col(SampleLog.day) == bindparam("day"),
        col(SampleDish.grams) < bindparam("minimum"),
    )
)
_REJECTED = (
    sa_select(func.count())
    .select_from(DeliveryItem)
    .join(Delivery, col(Delivery.id) == col(DeliveryItem.delivery_id))
    .where(
        col(Delivery.site_id) == bindparam("site_id"),
        _between(col(Delivery.received_at)),
        col(DeliveryItem.accepted).is_(False),
    )
)


def samples_section(*, session: Session, site: Site, day: date) -> SamplesSection:
    assert site.id is not None
    meals = meals_of_day(session=session, site=site, day=day)
    done = disposals(session=session, site=site, day=day)
    start, end = day_bounds(site, day)
    minimum = get_site_settings(site).sample_min_grams
    params = {"site_id": site.id, "day": day, "minimum": minimum, "start": start, "end": end}
    missing = [m.meal.key for m in meals if m.log is None]
    return SamplesSection(
        logged=len(meals) - len(missing),
        expected=len(meals),
        missing_meals=missing,
        below_minimum=int(session.execute(_BELOW_MINIMUM, params).scalar_one()),
        disposals_due=len(done.due),
        disposals_done=len(done.done),
        held=len(done.held),
        rejected_items=int(session.execute(_REJECTED, params).scalar_one()),
        ask=names_in_role(session, site.id, Role.KITCHEN) if missing or done.due else (),
    )


@dataclass(frozen=True)
class TasksSection:
    done_today: list[TaskRow]
    due_this_week: list[TaskRow]
    overdue: list[TaskRow]
    gaps: list[GapRow]


def tasks_section(*, session: Session, site: Site, day: date, now: datetime) -> TasksSection:
    return TasksSection(
        done_today=tasks_done_on(session=session, site=site, day=day, now=now),
        due_this_week=tasks_due_this_week(session=session, site=site, now=now),
        overdue=overdue_tasks(session=session, site=site, now=now),
        gaps=compliance_gaps(session=session, site=site, now=now),
    )


# Parent notices sent over this many days (the summary's day included) are counted.
NOTICE_DAYS = 7


@dataclass(frozen=True)
class NoticesSection:
    notices: list[NoticeShare]  # sent over the last NOTICE_DAYS days, oldest first
    # Classes still short of acknowledgements once the parents' reminder was due, worst first,
    # with their class teachers to ask.
    behind: list[tuple[ClassShare, tuple[str, ...]]]

    @property
    def delivered(self) -> int:
        return sum(n.delivered for n in self.notices)

    @property
    def acknowledged(self) -> int:
        return sum(n.acknowledged for n in self.notices)


def notices_section(*, session: Session, site: Site, day: date) -> NoticesSection:
    """Acknowledged shares of the week's notices; a class counts as behind only when its
    parents have had the reminder window (notice_reminder_hours) to acknowledge."""
    first, end = day_bounds(site, day)
    start = first - timedelta(days=NOTICE_DAYS - 1)
    shares = acknowledged_shares(session=session, site_id=site.id or 0, start=start, end=end)
    waited = end - timedelta(hours=get_site_settings(site).notice_reminder_hours)
    behind = (
        classes_behind(session=session, site_id=site.id or 0, start=start, end=waited)
        if shares and waited > start
        else []
    )
    return NoticesSection(
        notices=shares,
        behind=[
            (c, tuple(p.display_name for p in class_teachers(session=session, class_id=c.class_id)))
            for c in behind
        ],
    )


def missed_section(*, session: Session, site: Site, day: date) -> list[JobRun]:
    """What was due while the bot was down and no longer worth sending."""
    return list_missed(session=session, site_id=site.id, day=day)


def open_tickets_by_day(*, session: Session, site: Site, days: list[date]) -> list[int]:
    """How many tickets were open at the end of each day (one query over the period)."""
    if not days:
        return []
    first, _ = day_bounds(site, days[0])
    _, last = day_bounds(site, days[-1])
    query = sa_select(col(Ticket.created_at), col(Ticket.closed_at)).where(
        col(Ticket.site_id) == site.id,
        col(Ticket.status) != Status.DRAFT,
        col(Ticket.created_at) < last,
        col(Ticket.closed_at).is_(None) | (col(Ticket.closed_at) >= first),
    )
    spans = [(opened, closed) for opened, closed in session.execute(query)]
    counts = []
    for day in days:
        _, end = day_bounds(site, day)
        counts.append(
            sum(1 for o, c in spans if _aware(o) < end and (c is None or _aware(c) >= end))
        )
    return counts


def attendance_by_day(*, session: Session, site: Site, days: list[date]) -> list[float | None]:
    """Present over expected for each day (one query); None on a day no class reported."""
    if not days:
        return []
    expected: Counter[date] = Counter()
    present: Counter[date] = Counter()
    rows = attendance_by_class(session=session, site_id=site.id or 0, start=days[0], end=days[-1])
    for row in rows:
        expected[row.day] += row.expected
        present[row.day] += row.present
    return [present[day] / expected[day] if expected[day] else None for day in days]


def _aware(moment: datetime) -> datetime:
    # Core selects skip the column type on some drivers: SQLite's values come back naive UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class MorningSection:
    school_day: bool
    reported: int
    classes: int
    expected: int
    present: int
    absences: dict[str, int]
    sick_followed: int  # children away through illness and still followed up
    sent_home: int
    missing_classes: list[tuple[str, tuple[str, ...]]]  # class, whom to ask
    zones_missing: list[tuple[str, str, str | None]]  # window, zone, person

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


def morning_section(*, session: Session, site: Site, day: date) -> MorningSection:
    """The morning check from one reading of the day's answers; zones from another."""
    assert site.id is not None
    morning = morning_day(session=session, site=site, day=day)
    if not morning.school_day:
        return MorningSection(False, 0, len(morning.classes), 0, 0, {}, 0, 0, [], [])
    reports = [(line, line.report) for line in morning.classes]
    absences: Counter[str] = Counter({"sick": 0, "personal": 0, "other": 0})
    for _line, report in reports:
        if report is not None:
            absences.update(sick=len(report.sick), personal=report.personal, other=report.other)
    zones = zone_day(session=session, site=site, day=day)
    in_use = morning.in_use
    staff = class_staff_names(session, site.id) if in_use and morning.missing else {}
    return MorningSection(
        school_day=True,
        reported=sum(1 for _line, report in reports if report is not None),
        classes=len(morning.classes),
        expected=sum(report.expected for _line, report in reports if report is not None),
        present=sum(report.present for _line, report in reports if report is not None),
        absences=dict(absences),
        sick_followed=len(sick_followup_list(session=session, site_id=site.id, day=day))
        if in_use
        else 0,
        sent_home=sum(
            1 for _line, report in reports if report for child in report.unwell if child.sent_home
        ),
        missing_classes=[(c.class_name, staff.get(c.class_id, ())) for c in morning.missing]
        if in_use
        else [],
        zones_missing=[
            (window.name, line.duty.zone.name, line.person_name)
            for window in TEMPLATES[Template.ZONE].windows
            for line in zones.missing(window.name)
        ],
    )


def class_staff_names(session: Session, site_id: int) -> dict[int, tuple[str, ...]]:
    """Each class's teachers and caregivers, for "ask …" lines."""
    query = (
        select(Membership.class_id, Person.display_name)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            Membership.site_id == site_id,
            col(Membership.active),
            col(Membership.role).in_([Role.CLASS_TEACHER, Role.CAREGIVER]),
        )
        .order_by(col(Person.id))
    )
    found: dict[int, tuple[str, ...]] = {}
    for class_id, name in session.exec(query):
        found[class_id or 0] = (*found.get(class_id or 0, ()), name)
    return found
