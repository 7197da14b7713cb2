"""Typed numbers: strict, in range, full-width accepted, never an overflow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from telegram import InlineKeyboardButton

from bot.keyboards import in_rows, inline_keyboard
from bot.parsing import NumberError, parse_decimal, parse_id, parse_int


@pytest.mark.parametrize(
    ("text", "value"),
    [("500", 500), ("５００", 500), (" 500 mg/L", 500), ("250mg/l", 250), ("+300", 300)],
)
def test_whole_numbers_are_read_with_their_unit(text: str, value: int) -> None:
    assert parse_int(text, low=100, high=2000, units=("mg/l",)) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("500.9", "not_whole"),
        ("🧴500", "not_a_number"),
        ("-500", "out_of_range"),
        ("1e3", "not_a_number"),
        ("9" * 10_000, "not_a_number"),
        ("", "not_a_number"),
        ("五百", "not_a_number"),
        ("500 kg", "not_a_number"),
        ("50", "out_of_range"),
    ],
)
def test_loose_numbers_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(NumberError) as refused:
        parse_int(text, low=100, high=2000, units=("mg/l",))
    assert refused.value.reason == reason


def test_decimals_keep_their_places_and_range() -> None:
    assert parse_decimal("３．５℃", low=Decimal(-30), high=Decimal(30), units=("℃", "°c")) == (
        Decimal("3.5")
    )
    with pytest.raises(NumberError):
        parse_decimal("3.55", low=Decimal(-30), high=Decimal(30))
    with pytest.raises(NumberError):
        parse_decimal("80", low=Decimal(-30), high=Decimal(30))


def test_ids_from_buttons_are_bounded() -> None:
    assert parse_id("42") == 42
    assert parse_id("9" * 40) is None
    assert parse_id("-1") is None
    assert parse_id("４２") is None


def test_a_keyboard_without_buttons_is_no_keyboard() -> None:
    button = InlineKeyboardButton("a", callback_data="x")
    assert inline_keyboard([]) is None
    assert inline_keyboard([[], []]) is None
    markup = inline_keyboard([[button], []])
    assert markup is not None and len(markup.inline_keyboard) == 1
    assert [len(row) for row in in_rows([button] * 5, 2)] == [2, 2, 1]
