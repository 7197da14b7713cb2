"""The morning health check and attendance (晨检): headcounts, absences, sick children, follow-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.checkin_models import CheckinAnswer, ClassHeadcount, SickChild, SickFollowUp
from storage.checkins import (
    ALERT_SYMPTOMS,
    SYMPTOMS,
    CheckinError,
    NewAnswer,
    Template,
    class_subject,
    store_answer,
)
from storage.db import read_only
from storage.models import SchoolClass, Site
from storage.people import RoleAtSite
from storage.permissions import Action, can
from storage.site_settings import get_site_settings

MAX_CHILD_NAME = 20


@dataclass(frozen=True)
class Child:
    """A named child in a report: absent sick, or found unwell at the check."""

    name: str
    symptom: str
    sent_home: bool = False


@dataclass(frozen=True)
class MorningReport:
    """What a class reports: present is what remains of expected after the absences."""

    expected: int
    sick: tuple[Child, ...] = ()
    personal: int = 0
    other: int = 0
    unwell: tuple[Child, ...] = field(default_factory=tuple)

    @property
    def absent(self) -> int:
        return len(self.sick) + self.personal + self.other

    @property
    def present(self) -> int:
        return self.expected - self.absent

    def alert_count(self) -> int:
        """Children with fever or a rash: absent sick or found unwell."""
        return sum(1 for c in (*self.sick, *self.unwell) if c.symptom in ALERT_SYMPTOMS)

    def to_data(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "present": self.present,
            "absent": {"sick": len(self.sick), "personal": self.personal, "other": self.other},
            "sick": [{"name": c.name, "symptom": c.symptom} for c in self.sick],
            "unwell": [
                {"name": c.name, "symptom": c.symptom, "sent_home": c.sent_home}
                for c in self.unwell
            ],
        }


def report_from_data(data: dict[str, Any]) -> MorningReport:
    absent = data.get("absent", {})
    return MorningReport(
        expected=int(data["expected"]),
        sick=tuple(Child(c["name"], c["symptom"]) for c in data.get("sick", [])),
        personal=int(absent.get("personal", 0)),
        other=int(absent.get("other", 0)),
        unwell=tuple(
            Child(c["name"], c["symptom"], bool(c.get("sent_home"))) for c in data.get("unwell", [])
        ),
    )


def clean_child_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not any(ch.isalpha() for ch in name):
        raise CheckinError("name_empty")
    if len(name) > MAX_CHILD_NAME:
        raise CheckinError("name_long", count=len(name), limit=MAX_CHILD_NAME)
    return name


def validate_report(report: MorningReport, class_size_max: int) -> None:
    """present + absent = expected; no negative or absurd number; every child named."""
    if not 0 <= report.expected <= class_size_max:
        raise CheckinError("expected_range", low=0, high=class_size_max)
    if min(report.personal, report.other) < 0:
        raise CheckinError("negative")
    if report.absent > report.expected:
        raise CheckinError("too_many_absent", absent=report.absent, expected=report.expected)
    if len(report.unwell) > report.present:
        raise CheckinError("too_many_unwell", present=report.present)
    for child in (*report.sick, *report.unwell):
        clean_child_name(child.name)
        if child.symptom not in SYMPTOMS:
            raise CheckinError("symptom")


def may_check_class(roles: list[RoleAtSite], site_id: int, class_id: int) -> bool:
    """Only the class teacher or caregiver of this very class."""
    own = [r.role for r in roles if r.site_id == site_id and r.class_id == class_id]
    return can(own, Action.MORNING_CHECK_OWN_CLASS)


def checkable_classes(roles: list[RoleAtSite]) -> list[tuple[int, int, str]]:
    """(site id, class id, class name) of every class this person reports for."""
    found = [
        (r.site_id, r.class_id, r.class_name or "")
        for r in roles
        if r.class_id is not None and can([r.role], Action.MORNING_CHECK_OWN_CLASS)
    ]
    return list(dict.fromkeys(found))


_CLASS, _SITE = SchoolClass.__table__, Site.__table__  # type: ignore[attr-defined]
# Built once and run on the Core connection: every morning-check tap loads its class.
_CLASS_AND_SITE = (
    sa_select(*(c.label(f"c_{c.name}") for c in _CLASS.c), *_SITE.c)
    .select_from(_CLASS.join(_SITE, _SITE.c.id == _CLASS.c.site_id))
    .where(_CLASS.c.id == bindparam("class_id"), _CLASS.c.active)
)


def load_class_and_site(*, session: Session, class_id: int) -> tuple[Site, SchoolClass] | None:
    """An active class and its site, in one query (read-only copies, not in the session)."""
    row = session.connection().execute(_CLASS_AND_SITE, {"class_id": class_id}).first()
    if row is None:
        return None
    values = row._mapping
    school_class = read_only(SchoolClass, {c.name: values[f"c_{c.name}"] for c in _CLASS.c})
    return read_only(Site, {c.name: values[c] for c in _SITE.c}), school_class


def get_expected(*, session: Session, class_id: int) -> int | None:
    row = session.get(ClassHeadcount, class_id)
    return row.expected if row else None


def set_expected(
    *, session: Session, site: Site, class_id: int, expected: int, person_id: int, now: datetime
) -> None:
    """Change the class's remembered headcount (after the user confirmed it)."""
    high = get_site_settings(site).class_size_max
    if not 1 <= expected <= high:
        raise CheckinError("expected_range", low=1, high=high)
    row = session.get(ClassHeadcount, class_id) or ClassHeadcount(class_id=class_id, expected=0)
    before = row.expected
    row.expected, row.updated_by, row.updated_at = expected, person_id, now
    session.add(row)
    record_event(
        session=session,
        action="checkin.expected",
        site_id=site.id,
        person_id=person_id,
        class_id=class_id,
        before=before,
        after=expected,
    )
    session.commit()


def record_morning_check(
    *,
    session: Session,
    site: Site,
    school_class: SchoolClass,
    day: date,
    person_id: int,
    report: MorningReport,
    now: datetime,
    late_reason: str | None = None,
    replace: bool = False,
) -> CheckinAnswer:
    """Store a class's morning check and open a follow-up for every child absent sick."""
    assert school_class.id is not None and site.id is not None
    validate_report(report, get_site_settings(site).class_size_max)
    answer = store_answer(
        session=session,
        answer=NewAnswer(
            site=site,
            template=Template.MORNING,
            window="morning",
            subject=class_subject(school_class.id),
            day=day,
            person_id=person_id,
            data=report.to_data(),
            class_id=school_class.id,
            late_reason=late_reason,
            replace=replace,
        ),
        now=now,
    )
    _open_sick_children(session, site.id, school_class.id, day, answer, report, person_id)
    session.commit()
    return answer


def _open_sick_children(
    session: Session,
    site_id: int,
    class_id: int,
    day: date,
    answer: CheckinAnswer,
    report: MorningReport,
    person_id: int,
) -> None:
    """New sick children get a record; ones already followed up are noted as still away."""
    if not report.sick and answer.version == 1:
        return  # the usual morning: nothing to open, nothing replaced
    opened_today = session.exec(
        select(SickChild).where(SickChild.class_id == class_id, SickChild.first_day == day)
    ).all()
    for row in opened_today:  # a replaced answer's list is replaced too
        session.delete(row)
    session.flush()
    still_open = {
        c.name: c for c in open_sick_children(session=session, class_ids=[class_id], day=day)
    }
    for child in report.sick:
        earlier = still_open.get(child.name)
        if earlier is None:
            session.add(
                SickChild(
                    site_id=site_id,
                    class_id=class_id,
                    name=child.name,
                    symptom=child.symptom,
                    first_day=day,
                    answer_id=answer.id,
                )
            )
        elif not _followed_up(session, earlier, day):
            session.add(
                SickFollowUp(
                    sick_child_id=earlier.id or 0,
                    day=day,
                    back=False,
                    reason="sick",
                    person_id=person_id,
                )
            )
    session.flush()


def _followed_up(session: Session, child: SickChild, day: date) -> bool:
    query = select(SickFollowUp).where(
        SickFollowUp.sick_child_id == child.id, SickFollowUp.day == day
    )
    return session.exec(query).first() is not None


def open_sick_children(*, session: Session, class_ids: list[int], day: date) -> list[SickChild]:
    """Children of these classes reported sick before `day` and not back yet, oldest first."""
    query = (
        select(SickChild)
        .where(
            col(SickChild.class_id).in_(class_ids),
            col(SickChild.first_day) < day,
            col(SickChild.returned_on).is_(None),
        )
        .order_by(col(SickChild.first_day), col(SickChild.id))
    )
    return list(session.exec(query))


def known_child_names(*, session: Session, class_id: int) -> list[str]:
    """Names typed before in this class, most recent first: offered as buttons."""
    query = (
        select(SickChild.name)
        .where(SickChild.class_id == class_id)
        .order_by(col(SickChild.id).desc())
        .limit(30)
    )
    return list(dict.fromkeys(session.exec(query)))[:8]


def record_followup(
    *, session: Session, child: SickChild, day: date, back: bool, reason: str, person_id: int
) -> SickFollowUp:
    """The class says whether a sick child is back today; back closes the follow-up."""
    if child.returned_on is not None:
        raise CheckinError("already_back")
    existing = session.exec(
        select(SickFollowUp).where(SickFollowUp.sick_child_id == child.id, SickFollowUp.day == day)
    ).first()
    row = existing or SickFollowUp(
        sick_child_id=child.id or 0, day=day, back=back, person_id=person_id
    )
    row.back, row.reason, row.person_id = back, reason[:100], person_id
    session.add(row)
    if back:
        child.returned_on = day
        session.add(child)
    record_event(
        session=session,
        action="checkin.followup",
        site_id=child.site_id,
        person_id=person_id,
        sick_child_id=child.id,
        back=back,
        reason=reason,
    )
    session.commit()
    return row


def get_sick_child(*, session: Session, sick_child_id: int) -> SickChild | None:
    return session.get(SickChild, sick_child_id)
