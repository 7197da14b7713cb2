"""Typed answers parsed strictly: a number is a whole number (or a decimal where one is meant)
in a named range; anything else is refused with a reason the views can put into words.

Full-width digits, signs and points (a Chinese keyboard's) are accepted; units after the number
(`500 mg/L`, `125克`, `3.5℃`) are allowed; "500.9", "🧴500", "-500" and "1e3" are not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# At most this many digits: longer input is refused before any conversion (no overflow).
MAX_DIGITS = 12
_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<digits>\d+)(?:\.(?P<fraction>\d+))?\s*(?P<unit>\D*)$")


@dataclass(frozen=True)
class NumberError(Exception):
    """Why a typed number was refused: `not_a_number`, `not_whole`, `out_of_range`."""

    reason: str
    low: Decimal | int | None = None
    high: Decimal | int | None = None


def _normalize(text: str) -> str:
    # NFKC turns full-width digits, "．" and "－" into their ASCII forms.
    return unicodedata.normalize("NFKC", text).strip().replace("−", "-")


def _match(text: str, units: tuple[str, ...]) -> re.Match[str]:
    match = _NUMBER.match(_normalize(text))
    if match is None or len(match["digits"]) + len(match["fraction"] or "") > MAX_DIGITS:
        raise NumberError("not_a_number")
    unit = match["unit"].strip().lower()
    if unit and unit not in units:
        raise NumberError("not_a_number")
    return match


def parse_int(text: str, *, low: int, high: int, units: tuple[str, ...] = ()) -> int:
    """A whole number in [low, high], e.g. `parse_int("５００", low=100, high=2000)` → 500."""
    match = _match(text, units)
    if match["fraction"] is not None:
        raise NumberError("not_whole", low, high)
    value = int(match["sign"] + match["digits"])
    if not low <= value <= high:
        raise NumberError("out_of_range", low, high)
    return value


def parse_decimal(
    text: str, *, low: Decimal, high: Decimal, places: int = 1, units: tuple[str, ...] = ()
) -> Decimal:
    """A decimal in [low, high] with at most `places` decimals, e.g. a fridge's 3.5 °C."""
    match = _match(text, units)
    fraction = match["fraction"] or ""
    if len(fraction) > places:
        raise NumberError("not_a_number", low, high)
    try:
        value = Decimal(f"{match['sign']}{match['digits']}.{fraction or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise NumberError("not_a_number") from error
    if not low <= value <= high:
        raise NumberError("out_of_range", low, high)
    return value


def parse_id(text: str) -> int | None:
    """An id from callback data or a command argument: a positive int64, else None."""
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def require_id(text: str) -> int:
    """`parse_id` for button handlers: ValueError (→ "this button has expired") when not an id."""
    value = parse_id(text)
    if value is None:
        raise ValueError(f"not an id: {text[:20]!r}")
    return value
