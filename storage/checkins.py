"""The check-in engine: templates (who answers, when, what is asked) and storing answers.

Two templates ship: the morning health check and attendance per class (晨检), and the zone
self-check per zone at the start and end of the day (责任区自查). An answer is stored per
subject ("class:3", "zone:7"), day and window; after the due time it is a late entry (补录)
with a reason; a second answer is a new version after a confirmation, the first is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.checkin_models import CalendarDay, CheckinAnswer
from storage.db import read_only
from storage.models import Site
from storage.permissions import Action, Role
from storage.school_days import is_school_day_given
from storage.site_settings import SiteSettings, get_site_settings

# How many days back a late entry (补录) may go.
LATE_ENTRY_DAYS = 7
MAX_REASON = 200


class Template(StrEnum):
    MORNING = "morning"
    ZONE = "zone"


class QuestionKind(StrEnum):
    NUMBER = "number"
    YES_NO = "yes_no"
    CHOICE = "choice"
    TEXT = "text"
    PHOTO = "photo"


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Window:
    """A named window of a template; its times are the site settings `<setting>_opens` etc."""

    name: str
    setting: str


@dataclass(frozen=True)
class CheckinTemplate:
    name: Template
    per: str  # "class" or "zone": one answer per class, or per zone
    answered_by: frozenset[Role]  # for a zone: its responsible person, whatever the role
    windows: tuple[Window, ...]
    questions: tuple[Question, ...]
    escalate_to: Action


SYMPTOMS = ("fever", "cough", "diarrhoea", "rash", "other")
ABSENCE_REASONS = ("sick", "personal", "other")
# Symptoms that count towards the health teacher's alert.
ALERT_SYMPTOMS = frozenset({"fever", "rash"})

TEMPLATES: dict[Template, CheckinTemplate] = {
    Template.MORNING: CheckinTemplate(
        Template.MORNING,
        per="class",
        answered_by=frozenset({Role.CLASS_TEACHER, Role.CAREGIVER}),
        windows=(Window("morning", "morning"),),
        questions=(
            Question("expected", QuestionKind.NUMBER),
            Question("present", QuestionKind.NUMBER),
            Question("absent", QuestionKind.CHOICE, ABSENCE_REASONS),
            Question("sick", QuestionKind.TEXT),
            Question("symptom", QuestionKind.CHOICE, SYMPTOMS),
            Question("unwell", QuestionKind.TEXT),
            Question("sent_home", QuestionKind.YES_NO),
        ),
        escalate_to=Action.RECEIVE_HEALTH_ALERTS,
    ),
    Template.ZONE: CheckinTemplate(
        Template.ZONE,
        per="zone",
        answered_by=frozenset(),
        windows=(Window("start", "zone_start"), Window("end", "zone_end")),
        questions=(
            Question("ok", QuestionKind.YES_NO),
            Question("hazard", QuestionKind.TEXT),
            Question("photo", QuestionKind.PHOTO),
        ),
        escalate_to=Action.RECEIVE_ZONE_ESCALATION,
    ),
}


class CheckinError(ValueError):
    """Why an answer was refused; ``code`` is shown to the user translated."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class WindowTimes:
    opens: datetime
    due: datetime
    escalate: datetime


def window_times(
    site: Site, window: Window, day: date, settings: SiteSettings | None = None
) -> WindowTimes:
    """When a window opens, is due and escalates on a day, as aware datetimes."""
    settings = settings or get_site_settings(site)
    zone = ZoneInfo(site.timezone)

    def at(suffix: str) -> datetime:
        moment: time = getattr(settings, f"{window.setting}_{suffix}")
        return datetime.combine(day, moment, zone)

    return WindowTimes(at("opens"), at("due"), at("escalate"))


def window_named(template: Template, name: str) -> Window:
    for window in TEMPLATES[template].windows:
        if window.name == name:
            return window
    raise CheckinError("no_window")


def local_today(site: Site, now: datetime) -> date:
    return now.astimezone(ZoneInfo(site.timezone)).date()


def class_subject(class_id: int) -> str:
    return f"class:{class_id}"


def zone_subject(zone_id: int) -> str:
    return f"zone:{zone_id}"


def clean_reason(raw: str | None) -> str:
    """A reason that says something: not empty, not a digit or a dot; refused when too long."""
    reason = " ".join((raw or "").split())
    if not any(ch.isalpha() for ch in reason):
        raise CheckinError("reason_required")
    if len(reason) > MAX_REASON:
        raise CheckinError("reason_long", count=len(reason), limit=MAX_REASON)
    return reason


def current_answer(
    *, session: Session, site_id: int, template: Template, window: str, subject: str, day: date
) -> CheckinAnswer | None:
    """The latest version of the answer for this subject, day and window."""
    query = (
        select(CheckinAnswer)
        .where(
            CheckinAnswer.site_id == site_id,
            CheckinAnswer.template == template,
            CheckinAnswer.window == window,
            CheckinAnswer.subject == subject,
            CheckinAnswer.day == day,
        )
        .order_by(col(CheckinAnswer.version).desc())
    )
    return session.exec(query).first()


def answer_history(
    *, session: Session, site_id: int, template: Template, window: str, subject: str, day: date
) -> list[CheckinAnswer]:
    """Every version of an answer, the first first."""
    query = (
        select(CheckinAnswer)
        .where(
            CheckinAnswer.site_id == site_id,
            CheckinAnswer.template == template,
            CheckinAnswer.window == window,
            CheckinAnswer.subject == subject,
            CheckinAnswer.day == day,
        )
        .order_by(col(CheckinAnswer.version))
    )
    return list(session.exec(query))


def check_day_range(site: Site, day: date, now: datetime) -> None:
    """Today or up to a week back; otherwise refused."""
    today = local_today(site, now)
    if day > today:
        raise CheckinError("future_day")
    if day < today - timedelta(days=LATE_ENTRY_DAYS):
        raise CheckinError("too_old", days=LATE_ENTRY_DAYS)


def is_late(site: Site, template: Template, window: str, day: date, now: datetime) -> bool:
    return now >= window_times(site, window_named(template, window), day).due


@dataclass(frozen=True)
class NewAnswer:
    """What is to be stored; the engine adds the version, lateness and time."""

    site: Site
    template: Template
    window: str
    subject: str
    day: date
    person_id: int
    data: dict[str, Any]
    class_id: int | None = None
    zone_id: int | None = None
    late_reason: str | None = None
    replace: bool = False


_ANSWERS = CheckinAnswer.__table__  # type: ignore[attr-defined]
_DAYS = CalendarDay.__table__  # type: ignore[attr-defined]
# Built once, bound per call: whether the day is marked closed/open, and the latest version.
_STATE = sa_select(
    sa_select(_DAYS.c.closed)
    .where(_DAYS.c.site_id == bindparam("site_id"), _DAYS.c.day == bindparam("day"))
    .scalar_subquery()
    .label("closed"),
    sa_select(func.max(_ANSWERS.c.version))
    .where(
        _ANSWERS.c.site_id == bindparam("site_id"),
        _ANSWERS.c.template == bindparam("template"),
        _ANSWERS.c.window == bindparam("window"),
        _ANSWERS.c.subject == bindparam("subject"),
        _ANSWERS.c.day == bindparam("day"),
    )
    .scalar_subquery()
    .label("version"),
)
_INSERT = insert(_ANSWERS).returning(_ANSWERS.c.id)


def store_answer(*, session: Session, answer: NewAnswer, now: datetime) -> CheckinAnswer:
    """Check the day, lateness and replacement rules, then add the answer (uncommitted).

    Raises `closed_day`, `already_answered` unless `replace` was confirmed, and
    `reason_required` for a late entry without a reason. One query and one INSERT: the
    busiest write of the morning skips the ORM's unit of work.
    """
    site = answer.site
    assert site.id is not None
    check_day_range(site, answer.day, now)
    late = is_late(site, answer.template, answer.window, answer.day, now)
    reason = clean_reason(answer.late_reason) if late else None
    values: dict[str, Any] = {
        "site_id": site.id,
        "template": str(answer.template),
        "window": answer.window,
        "subject": answer.subject,
        "day": answer.day,
    }
    connection = session.connection()
    state = connection.execute(_STATE, values).one()
    if not is_school_day_given(
        site, answer.day, {} if state.closed is None else {(site.id, answer.day): state.closed}
    ):
        raise CheckinError("closed_day")
    if state.version is not None and not answer.replace:
        raise CheckinError("already_answered")
    values.update(
        version=(state.version or 0) + 1,
        class_id=answer.class_id,
        zone_id=answer.zone_id,
        person_id=answer.person_id,
        data=answer.data,
        late=late,
        late_reason=reason,
        created_at=now,
    )
    try:
        answer_id = connection.execute(_INSERT, values).scalar_one()
    except IntegrityError:
        # Somebody else answered between our look and our insert.
        session.rollback()
        raise CheckinError("already_answered") from None
    return read_only(CheckinAnswer, {"id": answer_id, **values})
