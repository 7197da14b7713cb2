"""Queries for the daily summary and the ledgers (台账) of the check-ins.

Every function is read-only, keyword-only, and counts only the current version of each
answer (a replaced answer stays in the history but is not counted twice).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from storage.checkin_models import CheckinAnswer, SickChild, SickFollowUp
from storage.checkins import TEMPLATES, Template
from storage.checkins_morning import report_from_data
from storage.checkins_status import morning_day, zone_day
from storage.models import SchoolClass, Site


def _current_morning_answers(
    session: Session, site_id: int, start: date, end: date
) -> list[CheckinAnswer]:
    query = (
        select(CheckinAnswer)
        .where(
            CheckinAnswer.site_id == site_id,
            CheckinAnswer.template == Template.MORNING,
            col(CheckinAnswer.day) >= start,
            col(CheckinAnswer.day) <= end,
        )
        .order_by(col(CheckinAnswer.day), col(CheckinAnswer.version))
    )
    latest = {(a.day, a.subject): a for a in session.exec(query)}
    return list(latest.values())


def _class_names(session: Session, site_id: int) -> dict[int, str]:
    rows = session.exec(select(SchoolClass).where(SchoolClass.site_id == site_id))
    return {c.id or 0: c.name for c in rows}


@dataclass(frozen=True)
class AttendanceRow:
    """One class on one day: the attendance ledger's row."""

    day: date
    class_id: int
    class_name: str
    expected: int
    present: int
    absent_sick: int
    absent_personal: int
    absent_other: int
    late: bool

    @property
    def rate(self) -> float:
        """Present over expected (1.0 for a class that expected nobody)."""
        return self.present / self.expected if self.expected else 1.0


def attendance_by_class(
    *, session: Session, site_id: int, start: date, end: date
) -> list[AttendanceRow]:
    """Attendance per class and day from start to end (inclusive), by day then class order."""
    names = _class_names(session, site_id)
    rows = []
    for answer in _current_morning_answers(session, site_id, start, end):
        report = report_from_data(answer.data)
        rows.append(
            AttendanceRow(
                answer.day,
                answer.class_id or 0,
                names.get(answer.class_id or 0, ""),
                report.expected,
                report.present,
                len(report.sick),
                report.personal,
                report.other,
                answer.late,
            )
        )
    return sorted(rows, key=lambda r: (r.day, r.class_id))


def attendance_rate(*, session: Session, site_id: int, start: date, end: date) -> float | None:
    """Present over expected for the whole site over the days reported; None if none."""
    rows = attendance_by_class(session=session, site_id=site_id, start=start, end=end)
    expected = sum(r.expected for r in rows)
    return sum(r.present for r in rows) / expected if expected else None


def absences_by_reason(*, session: Session, site_id: int, start: date, end: date) -> dict[str, int]:
    """{"sick": n, "personal": n, "other": n} summed over the days and classes reported."""
    totals: Counter[str] = Counter({"sick": 0, "personal": 0, "other": 0})
    for row in attendance_by_class(session=session, site_id=site_id, start=start, end=end):
        totals.update(sick=row.absent_sick, personal=row.absent_personal, other=row.absent_other)
    return dict(totals)


@dataclass(frozen=True)
class FollowUpRow:
    """A child absent through illness and still followed up (因病缺勤追踪)."""

    child: SickChild
    class_name: str
    days_away: int  # school days reported away so far, the first included
    last: SickFollowUp | None
    answered_today: bool


def sick_followup_list(*, session: Session, site_id: int, day: date) -> list[FollowUpRow]:
    """Children reported sick before or on `day` who were not back by then, oldest first,
    with their latest follow-up and whether today's was answered."""
    names = _class_names(session, site_id)
    children = session.exec(
        select(SickChild)
        .where(
            SickChild.site_id == site_id,
            col(SickChild.first_day) <= day,
            (col(SickChild.returned_on).is_(None)) | (col(SickChild.returned_on) > day),
        )
        .order_by(col(SickChild.first_day), col(SickChild.id))
    ).all()
    ids = [c.id or 0 for c in children]
    followups: dict[int, list[SickFollowUp]] = {}
    query = (
        select(SickFollowUp)
        .where(col(SickFollowUp.sick_child_id).in_(ids), col(SickFollowUp.day) <= day)
        .order_by(col(SickFollowUp.day))
    )
    for row in session.exec(query):
        followups.setdefault(row.sick_child_id, []).append(row)
    rows = []
    for child in children:
        seen = followups.get(child.id or 0, [])
        away = 1 + sum(1 for f in seen if not f.back)
        today = any(f.day == day for f in seen) or child.first_day == day
        rows.append(
            FollowUpRow(
                child, names.get(child.class_id, ""), away, seen[-1] if seen else None, today
            )
        )
    return rows


@dataclass(frozen=True)
class SentHomeRow:
    day: date
    class_name: str
    name: str
    symptom: str


def children_sent_home(
    *, session: Session, site_id: int, start: date, end: date
) -> list[SentHomeRow]:
    """Children found unwell at the morning check and sent home, by day then class."""
    names = _class_names(session, site_id)
    rows = []
    for answer in _current_morning_answers(session, site_id, start, end):
        for child in report_from_data(answer.data).unwell:
            if child.sent_home:
                rows.append(
                    SentHomeRow(
                        answer.day, names.get(answer.class_id or 0, ""), child.name, child.symptom
                    )
                )
    return sorted(rows, key=lambda r: (r.day, r.class_name))


@dataclass(frozen=True)
class MissingCheckin:
    """A check-in not answered: which template and window, for what, and who should answer."""

    template: Template
    window: str
    subject_name: str
    responsible: str | None


def missing_checkins(*, session: Session, site: Site, day: date) -> list[MissingCheckin]:
    """Every class without a morning check and every zone without a self-check per window
    on `day` (empty on a day that is not a school day)."""
    morning = morning_day(session=session, site=site, day=day)
    if not morning.school_day:
        return []
    missing = [
        MissingCheckin(Template.MORNING, "morning", line.class_name, None)
        for line in morning.missing
    ]
    zones = zone_day(session=session, site=site, day=day)
    for window in TEMPLATES[Template.ZONE].windows:
        missing += [
            MissingCheckin(Template.ZONE, window.name, line.duty.zone.name, line.person_name)
            for line in zones.missing(window.name)
        ]
    return missing
