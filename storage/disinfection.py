"""Disinfection records and the rules for making them: who, which round, late or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Index, UniqueConstraint, and_, bindparam, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel, col, select

from storage.audit import record_event
from storage.db import read_only
from storage.models import Area, SchoolClass, Site
from storage.people import RoleAtSite
from storage.permissions import Action, can
from storage.site_settings import SiteSettings, get_site_settings
from storage.types import UTCDateTime, utcnow

# How many days back a late entry (补录) may go.
LATE_ENTRY_DAYS = 7
# The longest reason a late entry may give (longer is refused, never cut).
REASON_LIMIT = 500
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
    __table_args__ = (
        UniqueConstraint("area_id", "day", "round"),
        # A site's day: the board, the reminders and the summary all start from it.
        Index("ix_disinfection_record_site_day", "site_id", "day"),
    )

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
class Room:
    """An area with its site, its class's name and its records of one day: one query."""

    site: Site
    area: Area
    class_name: str
    day: date
    records: list[DisinfectionRecord]


# Built once and run on the Core connection (every tap of the flow loads its room); the rows
# come back as read-only copies, without the ORM's identity map and instrumented objects.
_A, _S, _C = (t.__table__ for t in (Area, Site, SchoolClass))  # type: ignore[union-attr]
_R = DisinfectionRecord.__table__  # type: ignore[attr-defined]
_ROOM = (
    sa_select(
        *(c.label(f"a_{c.name}") for c in _A.c),
        *(c.label(f"s_{c.name}") for c in _S.c),
        _C.c.name.label("class_name"),
        *(c.label(f"r_{c.name}") for c in _R.c),
    )
    .select_from(
        _A.join(_S, _S.c.id == _A.c.site_id)
        .outerjoin(_C, _C.c.id == _A.c.class_id)
        .outerjoin(_R, and_(_R.c.area_id == _A.c.id, _R.c.day == bindparam("day")))
    )
    .where(_A.c.id == bindparam("area_id"))
)


def load_room(*, session: Session, area_id: int, day: date) -> Room | None:
    rows = session.connection().execute(_ROOM, {"area_id": area_id, "day": day}).all()
    if not rows:
        return None
    first = rows[0]._mapping
    area = read_only(Area, {c.name: first[f"a_{c.name}"] for c in _A.c})
    site = read_only(Site, {c.name: first[f"s_{c.name}"] for c in _S.c})
    records = [
        read_only(DisinfectionRecord, {c.name: row._mapping[f"r_{c.name}"] for c in _R.c})
        for row in rows
        if row._mapping["r_id"] is not None
    ]
    records.sort(key=lambda r: r.round)
    return Room(site, area, first["class_name"] or "", day, records)


@dataclass(frozen=True)
class Entry:
    """What the user asked to record; the rules decide round and lateness."""

    room: Room
    method: Method
    person_id: int
    concentration_mg_l: int | None = None
    late_reason: str | None = None
    # The round the button showed; None (older buttons): the first round not yet taken.
    round: int | None = None


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


def clean_reason(text: str | None) -> str:
    """A late entry's reason: it must say something (not "0" or "."), within REASON_LIMIT."""
    value = (text or "").strip()
    if not any(char.isalpha() for char in value):
        raise DisinfectionError("reason_required")
    if len(value) > REASON_LIMIT:
        raise DisinfectionError("reason_too_long", count=len(value), limit=REASON_LIMIT)
    return value


def check_concentration(settings: SiteSettings, value: int) -> None:
    if not settings.chlorine_min_mg_l <= value <= settings.chlorine_max_mg_l:
        raise DisinfectionError(
            "concentration_range", low=settings.chlorine_min_mg_l, high=settings.chlorine_max_mg_l
        )


def next_round(room: Room) -> int:
    """The first round of the day not yet taken; refuses when all rounds are done or running."""
    rounds = get_site_settings(room.site).rounds_today
    taken = {r.round: r for r in room.records}
    for number in range(1, rounds + 1):
        if number not in taken:
            return number
    running = [r for r in taken.values() if r.running]
    if running:
        raise DisinfectionError("uv_running", record_id=running[0].id)
    raise DisinfectionError("already_done", rounds=rounds)


def planned_round(room: Room) -> int | None:
    """The round a confirmation of this room would record now; None when none is left."""
    try:
        return next_round(room)
    except DisinfectionError:
        return None


def chosen_round(room: Room, wanted: int | None) -> int:
    """The round to record: the one the button carried, refused when it is taken already."""
    if wanted is None:
        return next_round(room)
    rounds = get_site_settings(room.site).rounds_today
    taken = {r.round: r for r in room.records}
    if wanted in taken and taken[wanted].running:
        raise DisinfectionError("uv_running", record_id=taken[wanted].id)
    if wanted in taken or not 1 <= wanted <= rounds:
        raise DisinfectionError("already_done", rounds=rounds)
    return wanted


def record_disinfection(
    *, session: Session, entry: Entry, now: datetime, start_uv: bool = False
) -> DisinfectionRecord:
    """Store a confirmation (or the start of a UV session); refuse duplicates and bad input."""
    room, site = entry.room, entry.room.site
    settings = get_site_settings(site)
    check_day(site, room.day, now)
    if entry.method not in settings.disinfection_methods:
        raise DisinfectionError("method_not_allowed")
    if entry.method == Method.CHLORINE:
        if entry.concentration_mg_l is None:
            raise DisinfectionError("concentration_missing")
        check_concentration(settings, entry.concentration_mg_l)
    late = now >= deadline_at(site, room.day, settings)
    reason = clean_reason(entry.late_reason) if late else None
    live_uv = start_uv and entry.method == Method.UV_LAMP and room.day == local_today(site, now)
    values: dict[str, Any] = {
        "site_id": site.id or 0,
        "area_id": room.area.id or 0,
        "class_id": room.area.class_id,
        "day": room.day,
        "round": chosen_round(room, entry.round),
        "method": str(entry.method),
        "concentration_mg_l": entry.concentration_mg_l if entry.method == Method.CHLORINE else None,
        "started_at": now if live_uv else None,
        "ended_at": None if live_uv else now,
        "operator_id": entry.person_id,
        "confirmed_by_id": entry.person_id,
        "late": late,
        "late_reason": reason,
        "photo_file_id": None,
        "created_at": now,
    }
    return _insert(session, values)


_TABLE = DisinfectionRecord.__table__  # type: ignore[attr-defined]
# Built once; the values are bound per call (building the statement costs more than running it).
_INSERT = insert(_TABLE).returning(_TABLE.c.id)


def _insert(session: Session, values: dict[str, Any]) -> DisinfectionRecord:
    """One INSERT and one commit; the record is its own audit trail (who, what, when, late).

    A plain INSERT … RETURNING: the busiest write of the day skips the ORM's unit of work.
    """
    try:
        # Core execution: the values are bound to the prebuilt statement as they are.
        record_id = session.connection().execute(_INSERT, values).scalar_one()
        session.commit()
    except IntegrityError:
        # Someone else took this round between our check and our insert.
        session.rollback()
        raise DisinfectionError("already_done", rounds=values["round"]) from None
    return read_only(DisinfectionRecord, {"id": record_id, **values})


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
    settings = get_site_settings(site).model_copy(update={"epidemic_mode": on})
    site.settings = settings.model_dump(mode="json")
    session.add(site)
    record_event(
        session=session, action="disinfection.epidemic", site_id=site.id, person_id=person_id, on=on
    )
    session.commit()
    return settings
