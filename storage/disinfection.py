"""Disinfection records and the rules for making them: who, which round, late or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.audit import record_event
from storage.models import Area, Site
from storage.people import RoleAtSite
from storage.permissions import Action, can
from storage.site_settings import SiteSettings, get_site_settings
from storage.types import UTCDateTime, utcnow

# How many days back a late entry (补录) may go.
LATE_ENTRY_DAYS = 7
# A photo sent this long after a confirmation is attached to it.
PHOTO_WINDOW = timedelta(minutes=30)


class Method(StrEnum):
    UV_LAMP = "uv_lamp"
    CABINET = "cabinet"
    CHLORINE = "chlorine"
    VENTILATION = "ventilation"


class DisinfectionRecord(SQLModel, table=True):
    """One round of disinfection of one area on one local day."""

    __tablename__ = "disinfection_record"
    __table_args__ = (UniqueConstraint("area_id", "day", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    area_id: int = Field(foreign_key="area.id")
    class_id: int | None = Field(default=None, foreign_key="school_class.id")
    day: date = Field(index=True)
    round: int = 1
    method: str = Field(max_length=20)
    concentration_mg_l: int | None = None
    # A UV session is running while started_at is set and ended_at is not.
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    operator_id: int = Field(foreign_key="person.id")
    confirmed_by_id: int = Field(foreign_key="person.id")
    late: bool = False
    late_reason: str | None = Field(default=None, max_length=500)
    photo_file_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)

    @property
    def running(self) -> bool:
        return self.ended_at is None


class DisinfectionError(ValueError):
    """Why a disinfection step was refused; ``code`` is shown to the user translated."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Entry:
    """What the user asked to record; the rules decide round and lateness."""

    area: Area
    day: date
    method: Method
    person_id: int
    concentration_mg_l: int | None = None
    late_reason: str | None = None


def local_today(site: Site, now: datetime) -> date:
    return now.astimezone(ZoneInfo(site.timezone)).date()


def deadline_at(site: Site, day: date, settings: SiteSettings | None = None) -> datetime:
    """The moment (aware) a day's disinfection is due at this site."""
    settings = settings or get_site_settings(site)
    return datetime.combine(day, settings.disinfection_deadline, ZoneInfo(site.timezone))


def is_late(site: Site, day: date, now: datetime) -> bool:
    """After the day's deadline, or for an earlier day: a late entry (补录)."""
    return now >= deadline_at(site, day)


def check_day(site: Site, day: date, now: datetime) -> None:
    today = local_today(site, now)
    if day > today:
        raise DisinfectionError("future_day")
    if day < today - timedelta(days=LATE_ENTRY_DAYS):
        raise DisinfectionError("too_old", days=LATE_ENTRY_DAYS)


def may_disinfect(roles: list[RoleAtSite], area: Area) -> bool:
    """Class staff for their own class; caregiver leads, health teachers and leaders for any."""
    here = [r for r in roles if r.site_id == area.site_id]
    if can([r.role for r in here], Action.DISINFECT_ANY_CLASS):
        return True
    own = [r.role for r in here if r.class_id is not None and r.class_id == area.class_id]
    return can(own, Action.DISINFECT_OWN_CLASS)


def may_disinfect_at(roles: list[RoleAtSite], site_id: int) -> bool:
    """Whether the person confirms any room at all at this site (for the menu and /disinfect)."""
    here = [r for r in roles if r.site_id == site_id]
    return can([r.role for r in here], Action.DISINFECT_ANY_CLASS) or can(
        [r.role for r in here if r.class_id is not None], Action.DISINFECT_OWN_CLASS
    )


def check_concentration(settings: SiteSettings, value: int) -> None:
    if not settings.chlorine_min_mg_l <= value <= settings.chlorine_max_mg_l:
        raise DisinfectionError(
            "concentration_range", low=settings.chlorine_min_mg_l, high=settings.chlorine_max_mg_l
        )


def records_of_area(*, session: Session, area_id: int, day: date) -> list[DisinfectionRecord]:
    query = (
        select(DisinfectionRecord)
        .where(DisinfectionRecord.area_id == area_id, DisinfectionRecord.day == day)
        .order_by(col(DisinfectionRecord.round))
    )
    return list(session.exec(query))


def next_round(*, session: Session, site: Site, area_id: int, day: date) -> int:
    """The first round of the day not yet taken; refuses when all rounds are done or running."""
    rounds = get_site_settings(site).rounds_today
    taken = {r.round: r for r in records_of_area(session=session, area_id=area_id, day=day)}
    for number in range(1, rounds + 1):
        if number not in taken:
            return number
    running = [r for r in taken.values() if r.running]
    if running:
        raise DisinfectionError("uv_running", record_id=running[0].id)
    raise DisinfectionError("already_done", rounds=rounds)


def record_disinfection(
    *, session: Session, site: Site, entry: Entry, now: datetime, start_uv: bool = False
) -> DisinfectionRecord:
    """Store a confirmation (or the start of a UV session); refuse duplicates and bad input."""
    settings = get_site_settings(site)
    check_day(site, entry.day, now)
    if entry.method not in settings.disinfection_methods:
        raise DisinfectionError("method_not_allowed")
    if entry.method == Method.CHLORINE:
        if entry.concentration_mg_l is None:
            raise DisinfectionError("concentration_missing")
        check_concentration(settings, entry.concentration_mg_l)
    late = is_late(site, entry.day, now)
    if late and not (entry.late_reason or "").strip():
        raise DisinfectionError("reason_required")
    live_uv = start_uv and entry.method == Method.UV_LAMP and entry.day == local_today(site, now)
    record = DisinfectionRecord(
        site_id=site.id or 0,
        area_id=entry.area.id or 0,
        class_id=entry.area.class_id,
        day=entry.day,
        round=next_round(session=session, site=site, area_id=entry.area.id or 0, day=entry.day),
        method=entry.method,
        concentration_mg_l=entry.concentration_mg_l if entry.method == Method.CHLORINE else None,
        started_at=now if live_uv else None,
        ended_at=None if live_uv else now,
        operator_id=entry.person_id,
        confirmed_by_id=entry.person_id,
        late=late,
        late_reason=(entry.late_reason or "").strip()[:500] or None,
    )
    return _insert(session, record, "disinfection.start" if live_uv else "disinfection.confirm")


def _insert(session: Session, record: DisinfectionRecord, action: str) -> DisinfectionRecord:
    session.add(record)
    try:
        session.flush()
    except IntegrityError:
        # Someone else took this round between our check and our insert.
        session.rollback()
        raise DisinfectionError("already_done", rounds=record.round) from None
    record_event(
        session=session,
        action=action,
        site_id=record.site_id,
        person_id=record.operator_id,
        record_id=record.id,
        area_id=record.area_id,
        day=record.day.isoformat(),
        round=record.round,
        method=record.method,
        late=record.late,
    )
    session.commit()
    return record


def get_record(*, session: Session, record_id: int) -> DisinfectionRecord | None:
    return session.get(DisinfectionRecord, record_id)


def end_uv(
    *, session: Session, site: Site, record: DisinfectionRecord, person_id: int, now: datetime
) -> DisinfectionRecord:
    """Stop a UV session; before the required minutes it is refused (use abort instead)."""
    if record.method != Method.UV_LAMP or record.started_at is None:
        raise DisinfectionError("not_started")
    if not record.running:
        raise DisinfectionError("already_ended")
    minutes = get_site_settings(site).uv_minutes
    elapsed = now - record.started_at
    if elapsed < timedelta(minutes=minutes):
        left = minutes - int(elapsed.total_seconds() // 60)
        raise DisinfectionError("uv_too_short", left=left, minutes=minutes)
    record.ended_at = now
    record.confirmed_by_id = person_id
    record_event(
        session=session,
        action="disinfection.end",
        site_id=record.site_id,
        person_id=person_id,
        record_id=record.id,
        minutes=int(elapsed.total_seconds() // 60),
    )
    session.commit()
    return record


def abort_uv(*, session: Session, record: DisinfectionRecord, person_id: int) -> None:
    """Cancel a running UV session (lamp switched off early): the round is free again."""
    if not record.running:
        raise DisinfectionError("already_ended")
    record_event(
        session=session,
        action="disinfection.abort",
        site_id=record.site_id,
        person_id=person_id,
        record_id=record.id,
        area_id=record.area_id,
        started_at=str(record.started_at),
    )
    session.delete(record)
    session.commit()


def attach_photo(
    *, session: Session, person_id: int, file_id: str, now: datetime
) -> DisinfectionRecord | None:
    """Attach a photo to the person's latest confirmation of the last half hour."""
    query = (
        select(DisinfectionRecord)
        .where(
            DisinfectionRecord.operator_id == person_id,
            col(DisinfectionRecord.created_at) >= now - PHOTO_WINDOW,
            col(DisinfectionRecord.photo_file_id).is_(None),
        )
        .order_by(col(DisinfectionRecord.created_at).desc())
    )
    record = session.exec(query).first()
    if record is not None:
        record.photo_file_id = file_id[:200]
        session.commit()
    return record


def set_epidemic_mode(
    *, session: Session, site: Site, on: bool, person_id: int | None
) -> SiteSettings:
    settings = get_site_settings(site)
    settings.epidemic_mode = on
    site.settings = settings.model_dump(mode="json")
    session.add(site)
    record_event(
        session=session, action="disinfection.epidemic", site_id=site.id, person_id=person_id, on=on
    )
    session.commit()
    return settings
