"""The dates of a term plan's items: a school year runs September to July, across the new year."""

from __future__ import annotations

import calendar
from datetime import date

from storage.plan_import import ParsedPlan


def school_month_order(month: int) -> int:
    """Position of a month in a school year that starts in September (Sep → 0, Aug → 11)."""
    return (month - 9) % 12


def default_first_year(months: list[int], today: date) -> int:
    """The calendar year of a plan's first month: this school year's autumn or spring term,
    or next year's when the whole plan would already be over (an autumn plan in July)."""
    school_year = today.year if today.month >= 8 else today.year - 1
    first = months[0]
    year = school_year if first >= 8 else school_year + 1
    return year + 1 if due_date(months[-1], first, year) < today else year


def month_year(month: int, first_month: int, first_year: int) -> int:
    """Months of a plan run from its first month onwards, across the turn of the year."""
    return first_year + (1 if month < first_month else 0)


def due_date(month: int, first_month: int, first_year: int) -> date:
    """An item is due by the last day of its month."""
    year = month_year(month, first_month, first_year)
    return date(year, month, calendar.monthrange(year, month)[1])


def past_months(plan: ParsedPlan, first_year: int, today: date) -> list[int]:
    """The plan's months that ended before today."""
    if not plan.months:
        return []
    first = plan.months[0]
    return [m for m in plan.months if due_date(m, first, first_year) < today]
