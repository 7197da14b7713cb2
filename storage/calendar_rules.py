"""When a task rule falls due: recurrences with dateutil's rrule, never hand-made date sums."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import FR, MO, MONTHLY, TH, TU, WE, WEEKLY, YEARLY, rrule, rruleset

from storage.calendar_models import Recurrence, TaskRule

WEEKDAYS = (MO, TU, WE, TH, FR)
# Terms end about mid-January (autumn) and early July (spring).
TERM_ENDS = ((1, 15), (7, 10))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def month_start(day: date) -> date:
    return day.replace(day=1)


def _schedule(rule: TaskRule) -> rrule | rruleset | None:
    interval = max(1, rule.interval)
    first_month = _at(month_start(rule.start))
    match Recurrence(rule.recurrence):
        case Recurrence.ONCE:
            return None
        case Recurrence.WEEKLY:
            return rrule(WEEKLY, interval=interval, dtstart=_at(rule.start))
        case Recurrence.MONTHLY:
            return rrule(
                MONTHLY, interval=interval, bymonthday=rule.day_of_month or -1, dtstart=first_month
            )
        case Recurrence.FIRST_SCHOOL_DAY:
            return rrule(
                MONTHLY, interval=interval, byweekday=WEEKDAYS, bysetpos=1, dtstart=first_month
            )
        case Recurrence.QUARTERLY:
            return rrule(MONTHLY, bymonth=(3, 6, 9, 12), bymonthday=-1, dtstart=first_month)
        case Recurrence.TERM:
            terms = rruleset()
            for month, day in TERM_ENDS:
                terms.rrule(
                    rrule(
                        YEARLY,
                        bymonth=month,
                        bymonthday=day,
                        dtstart=_at(date(rule.start.year, 1, 1)),
                    )
                )
            return terms
    return None  # pragma: no cover - every recurrence is matched above


def due_dates(rule: TaskRule, start: date, end: date) -> list[date]:
    """The rule's due dates in [start, end], never before the rule starts or after it ends."""
    low = max(start, rule.start)
    high = min(end, rule.until) if rule.until else end
    if low > high:
        return []
    schedule = _schedule(rule)
    if schedule is None:
        return [rule.start] if low <= rule.start <= high else []
    return [moment.date() for moment in schedule.between(_at(low), _at(high), inc=True)]


def period_start(rule: TaskRule, due: date) -> date:
    """The first day of the period an occurrence covers (a drill's quarter, a task's month)."""
    match Recurrence(rule.recurrence):
        case Recurrence.ONCE:
            natural = min(rule.start, month_start(due))
        case Recurrence.WEEKLY:
            natural = due - timedelta(weeks=max(1, rule.interval)) + timedelta(days=1)
        case Recurrence.QUARTERLY:
            natural = date(due.year, (due.month - 1) // 3 * 3 + 1, 1)
        case Recurrence.TERM:
            natural = date(due.year - 1, 9, 1) if due.month < 7 else date(due.year, 2, 1)
        case _:
            natural = month_start(due) - relativedelta(months=max(1, rule.interval) - 1)
    return max(natural, min(rule.start, due))


def first_weekday_on_or_after(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
