"""School days and who is away: the per-site calendar of closed days and staff leave.

A day is a school day unless it is a weekend (boarding sites: never) or marked closed;
a weekend marked open (a make-up day, 调休) is a school day. Check-ins ask nobody on a
day that is not a school day, and nobody who is on leave.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.checkin_models import CalendarDay, StaffLeave
from storage.models import Site

# A calendar change or a leave may not span more than this many days, nor start further ahead.
MAX_RANGE_DAYS = 366
MAX_AHEAD_DAYS = 366
LEAVE_REASONS = ("病假", "事假", "公假", "其他")


class CalendarError(ValueError):
    """A calendar or leave request that was refused; ``code`` names why."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def check_range(start: date, end: date, today: date) -> None:
    """Refuse a range that ends before it starts, is too long, or lies too far ahead."""
    if end < start:
        raise CalendarError("range_backwards")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise CalendarError("range_too_long", days=MAX_RANGE_DAYS)
    if start > today + timedelta(days=MAX_AHEAD_DAYS):
        raise CalendarError("range_too_far", days=MAX_AHEAD_DAYS)


def _days(start: date, end: date) -> Iterable[date]:
    return (start + timedelta(days=n) for n in range((end - start).days + 1))


def set_days(
    *,
    session: Session,
    site: Site,
    start: date,
    end: date,
    closed: bool,
    reason: str,
    person_id: int | None,
    today: date,
) -> int:
    """Mark every day from start to end closed (or open); returns how many days were set."""
    check_range(start, end, today)
    assert site.id is not None
    existing = {
        row.day: row
        for row in session.exec(
            select(CalendarDay).where(
                CalendarDay.site_id == site.id,
                col(CalendarDay.day) >= start,
                col(CalendarDay.day) <= end,
            )
        )
    }
    count = 0
    for day in _days(start, end):
        row = existing.get(day) or CalendarDay(site_id=site.id, day=day)
        row.closed, row.reason, row.created_by = closed, reason.strip()[:100], person_id
        session.add(row)
        count += 1
    record_event(
        session=session,
        action="calendar.close" if closed else "calendar.open",
        site_id=site.id,
        person_id=person_id,
        start=start.isoformat(),
        end=end.isoformat(),
        reason=reason,
    )
    session.commit()
    return count


_CALENDAR = CalendarDay.__table__  # type: ignore[attr-defined]
# Built once and run on the Core connection: the 09:00 list reads it for every site at once.
_OVERRIDES = sa_select(_CALENDAR.c.site_id, _CALENDAR.c.day, _CALENDAR.c.closed).where(
    _CALENDAR.c.site_id.in_(bindparam("site_ids", expanding=True)),
    _CALENDAR.c.day >= bindparam("start"),
    _CALENDAR.c.day <= bindparam("end"),
)


def calendar_overrides(
    *, session: Session, site_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, date], bool]:
    """(site, day) → closed, for the days that differ from the usual week (one query)."""
    params = {"site_ids": list(site_ids), "start": start, "end": end}
    rows = session.connection().execute(_OVERRIDES, params)
    return {(site_id, day): closed for site_id, day, closed in rows}


def is_school_day_given(site: Site, day: date, overrides: dict[tuple[int, date], bool]) -> bool:
    """The rule, with the overrides already loaded (see `calendar_overrides`)."""
    closed = overrides.get((site.id or 0, day))
    if closed is not None:
        return not closed
    return site.boarding or day.weekday() < 5


def is_school_day(*, session: Session, site: Site, day: date) -> bool:
    """True when check-ins happen at this site on this day."""
    assert site.id is not None
    overrides = calendar_overrides(session=session, site_ids=[site.id], start=day, end=day)
    return is_school_day_given(site, day, overrides)


def closed_reason(*, session: Session, site_id: int, day: date) -> str | None:
    row = session.exec(
        select(CalendarDay).where(CalendarDay.site_id == site_id, CalendarDay.day == day)
    ).first()
    return row.reason if row is not None and row.closed else None


def list_closed_days(
    *, session: Session, site_id: int, start: date, end: date
) -> list[CalendarDay]:
    """Closed days from start to end, in order (weekends are not listed)."""
    query = (
        select(CalendarDay)
        .where(
            CalendarDay.site_id == site_id,
            col(CalendarDay.closed),
            col(CalendarDay.day) >= start,
            col(CalendarDay.day) <= end,
        )
        .order_by(col(CalendarDay.day))
    )
    return list(session.exec(query))


def previous_school_day(*, session: Session, site: Site, day: date) -> date | None:
    """The last school day before `day`, looking back at most 30 days."""
    assert site.id is not None
    start = day - timedelta(days=30)
    overrides = calendar_overrides(session=session, site_ids=[site.id], start=start, end=day)
    for back in range(1, 31):
        earlier = day - timedelta(days=back)
        if is_school_day_given(site, earlier, overrides):
            return earlier
    return None


# Leave ----------------------------------------------------------------------------------


def add_leave(
    *,
    session: Session,
    site_id: int,
    person_id: int,
    start: date,
    end: date,
    reason: str,
    today: date,
) -> StaffLeave:
    """Record a leave; refused when the range is backwards, too long or too far ahead."""
    check_range(start, end, today)
    if end < today:
        raise CalendarError("leave_past")
    reason = reason.strip()
    if not reason or reason.isdigit() or len(reason) > 100:
        raise CalendarError("leave_reason")
    leave = StaffLeave(site_id=site_id, person_id=person_id, start=start, end=end, reason=reason)
    session.add(leave)
    session.flush()
    record_event(
        session=session,
        action="leave.add",
        site_id=site_id,
        person_id=person_id,
        leave_id=leave.id,
        start=start.isoformat(),
        end=end.isoformat(),
        reason=reason,
    )
    session.commit()
    return leave


def set_stand_in(
    *, session: Session, leave: StaffLeave, stand_in_id: int | None, person_id: int
) -> None:
    leave.stand_in_id = stand_in_id
    session.add(leave)
    record_event(
        session=session,
        action="leave.stand_in",
        site_id=leave.site_id,
        person_id=person_id,
        leave_id=leave.id,
        stand_in_id=stand_in_id,
    )
    session.commit()


def get_leave(*, session: Session, leave_id: int) -> StaffLeave | None:
    return session.get(StaffLeave, leave_id)


def leaves_on(*, session: Session, site_ids: Iterable[int], day: date) -> dict[int, StaffLeave]:
    """person id → their leave covering `day` at these sites (one query)."""
    query = select(StaffLeave).where(
        col(StaffLeave.site_id).in_(list(site_ids)),
        col(StaffLeave.start) <= day,
        col(StaffLeave.end) >= day,
        col(StaffLeave.cancelled).is_(False),
    )
    return {leave.person_id: leave for leave in session.exec(query)}


def list_leaves(*, session: Session, person_id: int, today: date) -> list[StaffLeave]:
    """A person's current and coming leaves."""
    query = (
        select(StaffLeave)
        .where(
            StaffLeave.person_id == person_id,
            col(StaffLeave.end) >= today,
            col(StaffLeave.cancelled).is_(False),
        )
        .order_by(col(StaffLeave.start))
    )
    return list(session.exec(query))


# Typed days ------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CHINESE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$")
_SEPARATORS = re.compile(r"\s*(?:\.\.|—|–|~|～|至|到|-(?=\d{1,2}月)|-(?=\d{4}-))\s*")


def parse_day(text: str, today: date) -> date:
    """2026-10-01, 10月1日, 2026年10月1日; a day without a year is the one nearest today."""
    raw = unicodedata.normalize("NFKC", text).strip()
    match = _ISO.match(raw)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _CHINESE.match(raw)
        if match is None:
            raise CalendarError("bad_day", text=text)
        day = date(int(match[1] or today.year), int(match[2]), int(match[3]))
    except CalendarError:
        raise
    except ValueError:
        raise CalendarError("bad_day", text=text) from None
    if match[1] is None and day < today - timedelta(days=183):
        day = day.replace(year=day.year + 1)
    return day


def parse_day_range(text: str, today: date) -> tuple[date, date]:
    """`11月25日-11月27日`, `2026-10-01..2026-10-07`, or one day."""
    raw = unicodedata.normalize("NFKC", text).strip()
    parts = _SEPARATORS.split(raw, maxsplit=1)
    start = parse_day(parts[0], today)
    end = parse_day(parts[1], today) if len(parts) > 1 else start
    return start, end
