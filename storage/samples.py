"""Food samples (留样): the meals of a site, logging, checking, disposal and holds.

Every rule lives here (no `telegram` import): the minimum weight, the fridge range, the
disposal time counted from the END of the meal, who may check, dispose, witness or release.
The query functions at the end feed the daily summary and the ledgers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import read_only
from storage.meals import dispose_due_at, get_meal, meal_end_at
from storage.models import Site
from storage.people import RoleAtSite
from storage.permissions import Action, can
from storage.samples_models import SampleDish, SampleLog, SampleState
from storage.site_settings import SiteSettings, get_site_settings

MAX_DISHES = 12
DISH_NAME_LENGTH = 30
REASON_LENGTH = 200
# Weights and fridge temperatures outside these are typing mistakes, not samples.
GRAMS_LIMIT = 2000
FRIDGE_LOW, FRIDGE_HIGH = Decimal(-30), Decimal(30)


class SampleError(ValueError):
    """Why a sample step was refused; ``code`` is shown to the user translated."""

    def __init__(self, code: str, **detail: object) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def check_grams(settings: SiteSettings, grams: int) -> None:
    if grams < settings.sample_min_grams:
        raise SampleError("below_minimum", grams=grams, minimum=settings.sample_min_grams)


def fridge_in_range(settings: SiteSettings, celsius: Decimal) -> bool:
    return settings.sample_fridge_min_c <= celsius <= settings.sample_fridge_max_c


def check_dish_name(name: str) -> str:
    """A dish's name: something that names a dish, within the length limit."""
    cleaned = " ".join(name.split())
    if len(cleaned) > DISH_NAME_LENGTH:
        raise SampleError("name_too_long", length=len(cleaned), limit=DISH_NAME_LENGTH)
    if not meaningful(cleaned):
        raise SampleError("name_empty")
    return cleaned


def check_reason(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > REASON_LENGTH:
        raise SampleError("reason_too_long", length=len(cleaned), limit=REASON_LENGTH)
    if not meaningful(cleaned):
        raise SampleError("reason_empty")
    return cleaned


def meaningful(text: str) -> bool:
    """Says something: not empty, not only digits or punctuation."""
    return any(ch.isalpha() for ch in text)


def may(roles: list[RoleAtSite], site_id: int, action: Action) -> bool:
    return can([r.role for r in roles if r.site_id == site_id], action)


@dataclass(frozen=True)
class NewLog:
    """A meal's samples as the kitchen entered them, before they are stored."""

    site: Site
    day: date
    meal: str
    dishes: list[tuple[str, int]]
    fridge_temp_c: Decimal
    photo_file_id: str | None
    taken_by_id: int


def get_log(*, session: Session, log_id: int) -> SampleLog | None:
    return session.get(SampleLog, log_id)


def find_log(*, session: Session, site_id: int, day: date, meal: str) -> SampleLog | None:
    query = select(SampleLog).where(
        SampleLog.site_id == site_id, SampleLog.day == day, SampleLog.meal == meal
    )
    return session.exec(query).first()


def create_log(
    *, session: Session, entry: NewLog, now: datetime
) -> tuple[SampleLog, list[SampleDish]]:
    """Store the meal's samples, or refuse (twice, below the minimum, no dishes)."""
    site, settings = entry.site, get_site_settings(entry.site)
    assert site.id is not None
    try:
        meal = get_meal(site, entry.meal)
    except LookupError as error:
        raise SampleError("unknown_meal") from error
    if not entry.dishes:
        raise SampleError("no_dishes")
    for _name, grams in entry.dishes:
        check_grams(settings, grams)
    values: dict[str, Any] = {
        "site_id": site.id,
        "day": entry.day,
        "meal": meal.key,
        "meal_end_at": meal_end_at(site, entry.day, meal),
        "taken_by_id": entry.taken_by_id,
        "taken_at": now,
        "fridge_temp_c": entry.fridge_temp_c,
        "photo_file_id": entry.photo_file_id,
        "dispose_due_at": dispose_due_at(site, entry.day, meal),
        "state": SampleState.KEPT,
    }
    connection = session.connection()
    try:
        # Core statements built once: the log is its own audit trail (who, what, when).
        log_id = connection.execute(_INSERT_LOG, values).scalar_one()
    except IntegrityError as error:  # one meal is logged once: (site, day, meal) is unique
        session.rollback()
        raise SampleError("already_logged") from error
    rows = [
        {"log_id": log_id, "site_id": site.id, "dish": name, "grams": grams}
        for name, grams in entry.dishes
    ]
    connection.execute(_INSERT_DISH, rows)
    session.commit()
    return read_only(SampleLog, {"id": log_id, **values}), [
        read_only(SampleDish, row) for row in rows
    ]


_INSERT_LOG = insert(SampleLog.__table__).returning(SampleLog.__table__.c.id)  # type: ignore[attr-defined]
_INSERT_DISH = insert(SampleDish.__table__)  # type: ignore[attr-defined]


def list_dishes(*, session: Session, log_id: int) -> list[SampleDish]:
    query = select(SampleDish).where(SampleDish.log_id == log_id).order_by(col(SampleDish.id))
    return list(session.exec(query))


def known_dishes(*, session: Session, site_id: int, limit: int = 16) -> list[str]:
    """Dishes this kitchen logged before, most recent first, offered as buttons."""
    query = (
        select(SampleDish.dish)
        .where(SampleDish.site_id == site_id)
        .order_by(col(SampleDish.id).desc())
        .limit(200)
    )
    return list(dict.fromkeys(session.exec(query)))[:limit]


# The questions the daily summary and the ledgers ask, in one place for their callers.
from storage.deliveries import delivery_ledger, rejected_deliveries  # noqa: E402
from storage.samples_ledger import (  # noqa: E402
    Disposals,
    MealDay,
    SampleLedgerRow,
    below_minimum,
    disposals,
    held_samples,
    meals_of_day,
    sample_ledger,
)

__all__ = [
    "Disposals",
    "MealDay",
    "SampleLedgerRow",
    "below_minimum",
    "delivery_ledger",
    "disposals",
    "held_samples",
    "meals_of_day",
    "rejected_deliveries",
    "sample_ledger",
]
