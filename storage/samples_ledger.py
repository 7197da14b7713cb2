"""Read-only questions about samples, for jobs, the daily summary and the ledger (台账)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.meals import site_meals
from storage.models import Membership, Person, Site
from storage.samples_models import SampleDish, SampleLog, SampleState
from storage.site_settings import MealSetting, get_site_settings


@dataclass(frozen=True)
class MealDay:
    """One expected meal of a day and its samples, if logged."""

    meal: MealSetting
    log: SampleLog | None


def meals_of_day(*, session: Session, site: Site, day: date) -> list[MealDay]:
    """Every meal the site expects that day, logged or not (logged/expected = the figure)."""
    logs = {
        log.meal: log
        for log in session.exec(
            select(SampleLog).where(SampleLog.site_id == site.id, SampleLog.day == day)
        )
    }
    return [MealDay(meal, logs.get(meal.key)) for meal in site_meals(site)]


def below_minimum(*, session: Session, site: Site, start: date, end: date) -> list[SampleDish]:
    """Dishes lighter than the site's current minimum (it may have been raised since)."""
    minimum = get_site_settings(site).sample_min_grams
    query = (
        select(SampleDish)
        .join(SampleLog, col(SampleLog.id) == col(SampleDish.log_id))
        .where(
            SampleLog.site_id == site.id,
            col(SampleLog.day) >= start,
            col(SampleLog.day) <= end,
            col(SampleDish.grams) < minimum,
        )
        .order_by(col(SampleDish.id))
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class Disposals:
    """A day's disposals: due and not done, done that day, and held samples."""

    due: list[SampleLog]
    done: list[SampleLog]
    held: list[SampleLog]


def _day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(site.timezone)
    start = datetime.combine(day, time(0), zone)
    return start, start + timedelta(days=1)


def disposals(*, session: Session, site: Site, day: date) -> Disposals:
    start, end = _day_bounds(site, day)
    logs = list(
        session.exec(
            select(SampleLog)
            .where(
                SampleLog.site_id == site.id,
                col(SampleLog.dispose_due_at) < end + timedelta(days=30),
            )
            .where(
                (col(SampleLog.state) != SampleState.DISPOSED)
                | (col(SampleLog.disposed_at) >= start)
            )
            .order_by(col(SampleLog.dispose_due_at))
        )
    )
    due = [g for g in logs if g.state == SampleState.KEPT and g.dispose_due_at < end]
    done = [
        g for g in logs if g.state == SampleState.DISPOSED and g.disposed_at and g.disposed_at < end
    ]
    held = [g for g in logs if g.state == SampleState.HELD]
    return Disposals(due, done, held)


def held_samples(*, session: Session, site_id: int) -> list[SampleLog]:
    query = select(SampleLog).where(
        SampleLog.site_id == site_id, SampleLog.state == SampleState.HELD
    )
    return list(session.exec(query.order_by(col(SampleLog.day), col(SampleLog.meal_end_at))))


def kept_samples(*, session: Session, site_ids: Iterable[int]) -> list[SampleLog]:
    """Samples waiting for disposal (not held, not disposed) at these sites: one query."""
    ids = list(site_ids)
    query = select(SampleLog).where(
        col(SampleLog.site_id).in_(ids), SampleLog.state == SampleState.KEPT
    )
    return list(session.exec(query))


@dataclass(frozen=True)
class SampleLedgerRow:
    """One dish of one meal, as the inspectors' ledger lists it."""

    day: date
    meal: str
    dish: str
    grams: int
    taken_at: datetime
    taken_by: str
    checked_by: str | None
    fridge_temp_c: Decimal
    dispose_due_at: datetime
    state: str
    disposed_at: datetime | None
    disposed_by: str | None
    witness: str | None
    hold_reason: str | None
    photo: bool


def sample_ledger(
    *, session: Session, site_id: int, start: date, end: date
) -> list[SampleLedgerRow]:
    """Every sampled dish of the days start..end (inclusive), in order."""
    taker, checker, disposer, witness = (aliased(Person) for _ in range(4))
    query = (
        select(  # type: ignore[call-overload]
            SampleLog,
            SampleDish,
            taker.display_name,
            checker.display_name,
            disposer.display_name,
            witness.display_name,
        )
        .join(SampleDish, col(SampleDish.log_id) == col(SampleLog.id))
        .join(taker, taker.id == SampleLog.taken_by_id)
        .outerjoin(checker, checker.id == SampleLog.checked_by_id)
        .outerjoin(disposer, disposer.id == SampleLog.disposed_by_id)
        .outerjoin(witness, witness.id == SampleLog.witness_id)
        .where(SampleLog.site_id == site_id, col(SampleLog.day) >= start, col(SampleLog.day) <= end)
        .order_by(col(SampleLog.day), col(SampleLog.meal_end_at), col(SampleDish.id))
    )
    return [
        SampleLedgerRow(
            log.day,
            log.meal,
            dish.dish,
            dish.grams,
            log.taken_at,
            taken,
            checked,
            log.fridge_temp_c,
            log.dispose_due_at,
            log.state,
            log.disposed_at,
            disposed,
            witnessed,
            log.hold_reason,
            log.photo_file_id is not None,
        )
        for log, dish, taken, checked, disposed, witnessed in session.exec(query)
    ]


def people_with_role(*, session: Session, site_id: int, role: str) -> list[Person]:
    """Active people holding a role at a site (e.g. the kitchen, for reminders)."""
    query = (
        select(Person)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.site_id == site_id, Membership.role == role, col(Membership.active))
        .order_by(col(Person.id))
    )
    return list({person.id: person for person in session.exec(query)}.values())
