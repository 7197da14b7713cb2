"""Who has answered and who has not: the queries behind the boards, reminders and escalations.

The reminder lists are built for many sites at once with a fixed number of queries (the
09:00 run of a large deployment builds one list, whatever the number of sites).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.checkin_models import CheckinAnswer, ClassHeadcount, StaffLeave
from storage.checkins import TEMPLATES, Template, WindowTimes, window_named, window_times
from storage.checkins_morning import MorningReport, report_from_data
from storage.models import Membership, Person, SchoolClass, Site, Zone
from storage.permissions import Role
from storage.school_days import calendar_overrides, is_school_day_given, leaves_on
from storage.zones import ZoneDuty, zone_duties

CLASS_STAFF = (Role.CLASS_TEACHER, Role.CAREGIVER)


def current_answers(
    *, session: Session, site_ids: Iterable[int], template: Template, day: date
) -> dict[tuple[str, str], CheckinAnswer]:
    """(window, subject) → the latest version of each answer of a day (one query)."""
    query = (
        select(CheckinAnswer)
        .where(
            col(CheckinAnswer.site_id).in_(list(site_ids)),
            CheckinAnswer.template == template,
            CheckinAnswer.day == day,
        )
        .order_by(col(CheckinAnswer.version))
    )
    return {(a.window, a.subject): a for a in session.exec(query)}


def _names(session: Session, person_ids: Iterable[int]) -> dict[int, Person]:
    ids = list(set(person_ids))
    if not ids:
        return {}
    return {p.id or 0: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}


@dataclass(frozen=True)
class ClassLine:
    class_id: int
    class_name: str
    answer: CheckinAnswer | None
    answered_by: str | None

    @property
    def report(self) -> MorningReport | None:
        return report_from_data(self.answer.data) if self.answer else None


def sites_using_morning_check(*, session: Session, site_ids: Iterable[int]) -> set[int]:
    """Sites where the morning check has started: a class has told its headcount (the
    first 🩺 晨检 asks for it). Before that nobody is asked, reminded or escalated to."""
    query = (
        select(SchoolClass.site_id)
        .join(ClassHeadcount, col(ClassHeadcount.class_id) == col(SchoolClass.id))
        .where(col(SchoolClass.site_id).in_(list(site_ids)))
        .distinct()
    )
    return set(session.exec(query))


@dataclass(frozen=True)
class MorningDay:
    """The morning check of one site on one day, class by class."""

    site: Site
    day: date
    school_day: bool
    times: WindowTimes
    classes: list[ClassLine]
    in_use: bool = True

    @property
    def missing(self) -> list[ClassLine]:
        return [c for c in self.classes if c.answer is None]


def morning_day(*, session: Session, site: Site, day: date) -> MorningDay:
    """Every class of the site with its current answer of the day (four queries)."""
    assert site.id is not None
    overrides = calendar_overrides(session=session, site_ids=[site.id], start=day, end=day)
    classes = session.exec(
        select(SchoolClass)
        .where(SchoolClass.site_id == site.id, col(SchoolClass.active))
        .order_by(col(SchoolClass.position), col(SchoolClass.id))
    ).all()
    answers = current_answers(
        session=session, site_ids=[site.id], template=Template.MORNING, day=day
    )
    people = _names(session, (a.person_id for a in answers.values()))
    lines = []
    for school_class in classes:
        answer = answers.get(("morning", f"class:{school_class.id}"))
        who = people.get(answer.person_id) if answer else None
        lines.append(
            ClassLine(
                school_class.id or 0, school_class.name, answer, who.display_name if who else None
            )
        )
    window = window_named(Template.MORNING, "morning")
    return MorningDay(
        site,
        day,
        is_school_day_given(site, day, overrides),
        window_times(site, window, day),
        lines,
        bool(sites_using_morning_check(session=session, site_ids=[site.id])),
    )


@dataclass(frozen=True)
class ZoneLine:
    duty: ZoneDuty
    person_name: str | None
    answers: dict[str, CheckinAnswer | None]


@dataclass(frozen=True)
class ZoneDay:
    site: Site
    day: date
    school_day: bool
    zones: list[ZoneLine]

    def missing(self, window: str) -> list[ZoneLine]:
        return [z for z in self.zones if z.answers.get(window) is None]


def zone_day(*, session: Session, site: Site, day: date) -> ZoneDay:
    """Every zone of the site, who answers for it today, and its answers per window."""
    assert site.id is not None
    overrides = calendar_overrides(session=session, site_ids=[site.id], start=day, end=day)
    zones = session.exec(
        select(Zone).where(Zone.site_id == site.id, col(Zone.active)).order_by(col(Zone.id))
    ).all()
    duties = zone_duties(zones, leaves_on(session=session, site_ids=[site.id], day=day), day)
    answers = current_answers(session=session, site_ids=[site.id], template=Template.ZONE, day=day)
    people = _names(session, (d.person_id for d in duties if d.person_id))
    lines = []
    for duty in duties:
        person = people.get(duty.person_id or 0)
        per_window = {
            w.name: answers.get((w.name, f"zone:{duty.zone.id}"))
            for w in TEMPLATES[Template.ZONE].windows
        }
        lines.append(ZoneLine(duty, person.display_name if person else None, per_window))
    return ZoneDay(site, day, is_school_day_given(site, day, overrides), lines)


@dataclass(frozen=True)
class Reminder:
    """One private reminder: to whom, at which site, about which classes or zones."""

    site_id: int
    person_id: int
    telegram_user_id: int
    language: str | None
    subjects: tuple[str, ...]


_M, _P, _C = (t.__table__ for t in (Membership, Person, SchoolClass))  # type: ignore[union-attr]
_A, _L, _H = (t.__table__ for t in (CheckinAnswer, StaffLeave, ClassHeadcount))  # type: ignore[union-attr]
# Built once: class staff of the classes without a morning answer, minus those on leave, at
# sites where some class has a headcount. The site ids and the day are bound per call.
_TO_REMIND = (
    sa_select(_M.c.site_id, _P.c.id, _P.c.telegram_user_id, _P.c.language, _C.c.name)
    .select_from(_M.join(_P, _P.c.id == _M.c.person_id).join(_C, _C.c.id == _M.c.class_id))
    .where(
        _M.c.site_id.in_(bindparam("site_ids", expanding=True)),
        _M.c.active,
        _C.c.active,
        _M.c.role.in_([str(r) for r in CLASS_STAFF]),
        _M.c.site_id.in_(
            sa_select(_C.c.site_id).join(_H, _H.c.class_id == _C.c.id).scalar_subquery()
        ),
        ~exists().where(
            _A.c.class_id == _C.c.id,
            _A.c.day == bindparam("day"),
            _A.c.template == str(Template.MORNING),
        ),
        ~exists().where(
            _L.c.person_id == _P.c.id,
            _L.c.site_id == _M.c.site_id,
            _L.c.start <= bindparam("day"),
            _L.c.end >= bindparam("day"),
            _L.c.cancelled.is_(False),
        ),
    )
    .order_by(_M.c.site_id, _C.c.position, _C.c.id, _P.c.id)
)


def morning_reminders(*, session: Session, sites: list[Site], day: date) -> list[Reminder]:
    """The 09:00 list: class staff (not on leave) of every class not yet reported, at the
    sites where `day` is a school day and the morning check is in use (a class has given its
    headcount). Two queries, however many sites."""
    overrides = calendar_overrides(
        session=session, site_ids=[s.id or 0 for s in sites], start=day, end=day
    )
    open_ids = [s.id or 0 for s in sites if is_school_day_given(s, day, overrides)]
    if not open_ids:
        return []
    rows = session.connection().execute(_TO_REMIND, {"site_ids": open_ids, "day": day})
    targets: dict[tuple[int, int], tuple[int, str | None, list[str]]] = {}
    for site_id, person_id, telegram_user_id, language, class_name in rows:
        entry = targets.setdefault((site_id, person_id), (telegram_user_id, language, []))
        if class_name not in entry[2]:
            entry[2].append(class_name)
    return [
        Reminder(site_id, person_id, user, language, tuple(names))
        for (site_id, person_id), (user, language, names) in targets.items()
    ]


def zone_reminders(*, session: Session, site: Site, day: date, window: str) -> list[Reminder]:
    """The zone answerers of the day (stand-ins for people on leave) who have not answered."""
    status = zone_day(session=session, site=site, day=day)
    if not status.school_day:
        return []
    by_person: dict[int, list[str]] = {}
    for line in status.missing(window):
        if line.duty.person_id is not None:
            by_person.setdefault(line.duty.person_id, []).append(line.duty.zone.name)
    people = _names(session, by_person)
    return [
        Reminder(
            site.id or 0, pid, people[pid].telegram_user_id, people[pid].language, tuple(zones)
        )
        for pid, zones in by_person.items()
        if pid in people
    ]
