"""The director's daily summary: the day's figures of every flow, as plain data.

Each section is built from the flow's own queries; the views put them into words and the
chart draws their history. A section a site has nothing for is still there, with zeros, so
the text can say "nothing to report" in one line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from storage.disinfection import DisinfectionRecord, Method
from storage.disinfection_status import State, disinfection_status, responsible_people
from storage.missed import JobRun
from storage.models import Site
from storage.permissions import Role
from storage.school_days import calendar_overrides, is_school_day, is_school_day_given
from storage.site_settings import get_site_settings
from storage.sites import list_class_areas, list_classes
from storage.summary_sections import (
    MorningSection,
    NoticesSection,
    RepairsSection,
    SamplesSection,
    TasksSection,
    missed_section,
    morning_section,
    names_in_role,
    notices_section,
    repairs_section,
    samples_section,
    tasks_section,
)

# How many days the chart looks back.
HISTORY_DAYS = 14


@dataclass(frozen=True)
class MissingRoom:
    class_name: str
    area_kind: str
    area_name: str
    ask: tuple[str, ...] = ()  # who is responsible: the class's caregivers, else teachers


@dataclass(frozen=True)
class DisinfectionSection:
    done: int
    expected: int
    missing: list[MissingRoom]
    late_entries: int
    uv_left_open: int

    @property
    def missing_by_class(self) -> dict[str, list[MissingRoom]]:
        grouped: dict[str, list[MissingRoom]] = {}
        for room in self.missing:
            grouped.setdefault(room.class_name, []).append(room)
        return grouped


@dataclass(frozen=True)
class DaySummary:
    site: Site
    day: date
    disinfection: DisinfectionSection
    morning: MorningSection
    repairs: RepairsSection
    samples: SamplesSection
    tasks: TasksSection
    notices: NoticesSection
    missed: list[JobRun] = field(default_factory=list)


def build_summary(*, session: Session, site: Site, day: date, now: datetime) -> DaySummary:
    """Every figure of one site's day (a handful of indexed queries per section)."""
    return DaySummary(
        site=site,
        day=day,
        disinfection=disinfection_section(session=session, site=site, day=day, now=now),
        morning=morning_section(session=session, site=site, day=day),
        repairs=repairs_section(session=session, site=site, day=day, now=now),
        samples=samples_section(session=session, site=site, day=day),
        tasks=tasks_section(session=session, site=site, day=day, now=now),
        notices=notices_section(session=session, site=site, day=day),
        missed=missed_section(session=session, site=site, day=day),
    )


def disinfection_section(
    *, session: Session, site: Site, day: date, now: datetime
) -> DisinfectionSection:
    status = disinfection_status(session=session, site=site, day=day, now=now)
    records = [r.record for a in status.areas for r in a.rounds if r.record is not None]
    responsible = (
        responsible_people(session=session, site_id=site.id or 0, pending=status.pending)
        if status.pending
        else {}
    )
    asked: dict[int, list[str]] = {}
    for person, areas in responsible.values():
        for area_status in areas:
            asked.setdefault(area_status.area.id or 0, []).append(person.display_name)
    # A class with no caregiver or teacher yet: the caregiver lead answers for it.
    unasked = any(a.area.id not in asked for a in status.pending)
    leads = names_in_role(session, site.id or 0, Role.CAREGIVER_LEAD) if unasked else ()
    return DisinfectionSection(
        done=status.done_count,
        expected=len(status.areas),
        missing=[
            MissingRoom(
                a.class_name,
                a.area.kind,
                a.area.name,
                tuple(sorted(asked.get(a.area.id or 0, []))) or leads,
            )
            for a in status.pending
        ],
        late_entries=sum(1 for r in records if r.late),
        uv_left_open=sum(1 for a in status.areas for r in a.rounds if r.state in {State.FORGOTTEN}),
    )


@dataclass(frozen=True)
class DayPoint:
    day: date
    disinfection_rate: float | None  # done / expected, None on a day nothing was expected


def disinfection_history(
    *, session: Session, site: Site, end: date, days: int = HISTORY_DAYS
) -> list[DayPoint]:
    """Completion of each of the last `days` days, from one grouped query."""
    assert site.id is not None
    start = end - timedelta(days=days - 1)
    settings = get_site_settings(site)
    areas = len(
        list_class_areas(session=session, site_id=site.id, kinds=settings.disinfection_areas)
    )
    query = (
        sa_select(
            col(DisinfectionRecord.day),
            func.count(),
            func.max(col(DisinfectionRecord.round)),
        )
        .where(
            col(DisinfectionRecord.site_id) == site.id,
            col(DisinfectionRecord.day) >= start,
            col(DisinfectionRecord.day) <= end,
            _finished(),
        )
        .group_by(col(DisinfectionRecord.day))
    )
    overrides = calendar_overrides(session=session, site_ids=[site.id], start=start, end=end)
    done: Counter[date] = Counter()
    rounds: dict[date, int] = {}
    for day, count, top_round in session.execute(query):
        done[day] = count
        rounds[day] = top_round or 1
    points = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        expected = areas * max(settings.disinfection_rounds, rounds.get(day, 1))
        expected_today = done[day] or is_school_day_given(site, day, overrides)
        rate = min(1.0, done[day] / expected) if expected and expected_today else None
        points.append(DayPoint(day, rate))
    return points


def _finished() -> Any:
    """A record that counts as done: anything but a UV session still running."""
    return (col(DisinfectionRecord.method) != Method.UV_LAMP) | col(
        DisinfectionRecord.ended_at
    ).is_not(None)


@dataclass(frozen=True)
class WeekSummary:
    site: Site
    start: date
    end: date
    days: list[DayPoint]
    classes: list[tuple[str, float]]  # class name, disinfection completion over the week


def week_summary(*, session: Session, site: Site, start: date, end: date) -> WeekSummary:
    """Completion per day and per class over a week (two grouped queries)."""
    assert site.id is not None
    settings = get_site_settings(site)
    days = disinfection_history(session=session, site=site, end=end, days=(end - start).days + 1)
    school_days = sum(1 for d in days if d.disinfection_rate is not None)
    areas = list_class_areas(session=session, site_id=site.id, kinds=settings.disinfection_areas)
    per_class: Counter[int] = Counter(a.class_id for a in areas if a.class_id is not None)
    query = (
        sa_select(col(DisinfectionRecord.class_id), func.count())
        .where(
            col(DisinfectionRecord.site_id) == site.id,
            col(DisinfectionRecord.day) >= start,
            col(DisinfectionRecord.day) <= end,
            _finished(),
        )
        .group_by(col(DisinfectionRecord.class_id))
    )
    done = {class_id: count for class_id, count in session.execute(query)}
    names = {c.id: c.name for c in list_classes(session=session, site_id=site.id)}
    classes = []
    for class_id, area_count in per_class.items():
        expected = area_count * school_days * settings.disinfection_rounds
        rate = min(1.0, done.get(class_id, 0) / expected) if expected else 0.0
        classes.append((names.get(class_id, ""), rate))
    return WeekSummary(site, start, end, days, classes)


def is_summary_day(*, session: Session, site: Site, day: date) -> bool:
    """School days get a summary (the site's calendar: closed days, 调休; boarding sites
    every day)."""
    return is_school_day(session=session, site=site, day=day)
