"""A site's meals and their end times: what samples are counted from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.models import Site
from storage.site_settings import MealSetting, get_site_settings

# The rules' default meals; dinner only where children board.
DEFAULT_MEALS = (
    MealSetting(key="breakfast", end=time(8, 30)),
    MealSetting(key="lunch", end=time(12, 0)),
    MealSetting(key="snack", end=time(15, 0)),
)
DINNER = MealSetting(key="dinner", end=time(18, 0))


def site_meals(site: Site) -> list[MealSetting]:
    """The site's meals in order of their end time."""
    meals = get_site_settings(site).meals
    if meals is None:
        meals = [*DEFAULT_MEALS, DINNER] if site.boarding else list(DEFAULT_MEALS)
    return sorted(meals, key=lambda m: m.end)


def get_meal(site: Site, key: str) -> MealSetting:
    for meal in site_meals(site):
        if meal.key == key:
            return meal
    raise LookupError(key)


def local_today(site: Site, now: datetime) -> date:
    return now.astimezone(ZoneInfo(site.timezone)).date()


def meal_end_at(site: Site, day: date, meal: MealSetting) -> datetime:
    return datetime.combine(day, meal.end, ZoneInfo(site.timezone))


def dispose_due_at(site: Site, day: date, meal: MealSetting) -> datetime:
    """Counted from the end of the meal, not from when the samples were logged."""
    hours = get_site_settings(site).sample_keep_hours
    return meal_end_at(site, day, meal) + timedelta(hours=hours)
