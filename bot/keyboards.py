"""Inline keyboards that Telegram accepts: no buttons means no keyboard at all.

`InlineKeyboardMarkup([])` serializes as `{}`, which Telegram rejects ("can't parse reply
keyboard markup JSON object"); every keyboard is built here so that can never be sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup


def inline_keyboard(
    rows: Sequence[Sequence[InlineKeyboardButton]],
) -> InlineKeyboardMarkup | None:
    """The keyboard of these rows, leaving out empty rows; None when no button is left."""
    kept = [list(row) for row in rows if row]
    return InlineKeyboardMarkup(kept) if kept else None


def in_rows(
    buttons: Sequence[InlineKeyboardButton], per_row: int
) -> list[list[InlineKeyboardButton]]:
    """Lay buttons out `per_row` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
