"""Due dates come from dateutil's rrule for every kind of recurrence."""

from __future__ import annotations

from datetime import date

import pytest

from storage.calendar_models import Recurrence, TaskRule
from storage.calendar_rules import due_dates, period_start


def rule(recurrence: Recurrence, start: date, **fields: object) -> TaskRule:
    return TaskRule(site_id=1, title="t", recurrence=recurrence, start=start, **fields)


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (rule(Recurrence.ONCE, date(2027, 3, 31)), [date(2027, 3, 31)]),
        (rule(Recurrence.WEEKLY, date(2027, 3, 5)),
         [date(2027, 3, 5), date(2027, 3, 12), date(2027, 3, 19), date(2027, 3, 26)]),
        (rule(Recurrence.WEEKLY, date(2027, 3, 3), interval=2), [date(2027, 3, 3), date(2027, 3, 17), date(2027, 3, 31)]),
        (rule(Recurrence.MONTHLY, date(2027, 1, 20), day_of_month=25),
         [date(2027, 1, 25), date(2027, 2, 25), date(2027, 3, 25)]),
        (rule(Recurrence.MONTHLY, date(2027, 1, 1), day_of_month=-1),
         [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]),
        (rule(Recurrence.MONTHLY, date(2027, 1, 1), interval=2, day_of_month=20), [date(2027, 1, 20), date(2027, 3, 20)]),
        (rule(Recurrence.FIRST_SCHOOL_DAY, date(2027, 1, 1)),
         [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]),
        (rule(Recurrence.QUARTERLY, date(2027, 1, 10)), [date(2027, 3, 31)]),
        (rule(Recurrence.TERM, date(2026, 9, 1)), [date(2027, 1, 15)]),
        (rule(Recurrence.MONTHLY, date(2027, 1, 1), day_of_month=-1, until=date(2027, 2, 1)), [date(2027, 1, 31)]),
    ],
)  # fmt: skip
def test_due_dates_of_each_recurrence(made: TaskRule, expected: list[date]) -> None:
    assert due_dates(made, date(2026, 12, 1), date(2027, 3, 31)) == expected


def test_first_school_day_skips_the_weekend() -> None:
    made = rule(Recurrence.FIRST_SCHOOL_DAY, date(2027, 5, 1))

    assert due_dates(made, date(2027, 5, 1), date(2027, 5, 31)) == [date(2027, 5, 3)]  # Monday


def test_a_drill_period_is_its_quarter() -> None:
    made = rule(Recurrence.QUARTERLY, date(2026, 1, 1))

    assert period_start(made, date(2027, 6, 30)) == date(2027, 4, 1)
