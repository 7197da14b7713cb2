"""Translations (gettext catalogs read from .po with Babel) and local date/time formatting."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# Our short language codes → gettext/Babel locales.
LOCALES = {"zh": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message


@cache
def _catalog(language: str) -> Translations:
    locale = LOCALES.get(language, LOCALES[DEFAULT_LANGUAGE])
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translator(language: str | None) -> Translate:
    """The gettext function of a language (unknown or missing → the default language)."""
    return _catalog(language if language in LOCALES else DEFAULT_LANGUAGE).gettext


def normalize_language(code: str | None) -> str | None:
    """Map user input such as 'zh-hans', 'EN', '中文' to a supported code, or None."""
    if not code:
        return None
    lowered = code.strip().lower()
    if lowered in {"中文", "简体中文", "chinese"} or lowered.startswith("zh"):
        return "zh"
    if lowered in {"english", "英文", "英语"} or lowered.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=4096)
def format_day(day: date, language: str) -> str:
    """11月22日（周日） in Chinese (full-width brackets), Sun 22 Nov in English."""
    if language == "en":
        return format_date(day, "EEE d MMM", locale="en")
    return format_date(day, "M月d日（EEE）", locale="zh_CN")


def format_clock(moment: datetime, zone: tzinfo) -> str:
    """24-hour local time, e.g. 16:05."""
    return moment.astimezone(zone).strftime("%H:%M")
