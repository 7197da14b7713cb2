"""Every text a user sees is in both catalogs, translated."""

from __future__ import annotations

from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR, format_day, translator
from tools.update_catalogs import extract


def _catalog(locale: str) -> dict[str, str]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def test_every_message_in_the_code_is_translated_in_chinese_and_english() -> None:
    in_code = {str(m.id) for m in extract() if m.id}
    assert len(in_code) > 50
    for locale in ("zh_CN", "en"):
        catalog = _catalog(locale)
        missing = sorted(in_code - catalog.keys())
        untranslated = sorted(msgid for msgid in in_code & catalog.keys() if not catalog[msgid])
        assert not missing, f"{locale}: not in the catalog (run make i18n): {missing}"
        assert not untranslated, f"{locale}: untranslated: {untranslated}"


def test_placeholders_survive_translation() -> None:
    for locale in ("zh_CN", "en"):
        for msgid, msgstr in _catalog(locale).items():
            fields = sorted(part.split("}")[0] for part in msgid.split("{")[1:])
            translated = sorted(part.split("}")[0] for part in msgstr.split("{")[1:])
            assert fields == translated, f"{locale}: {msgid!r} → {msgstr!r}"


def test_chinese_is_the_default_and_unknown_languages_fall_back_to_it() -> None:
    assert translator(None)("Director") == "园长"
    assert translator("fr")("Director") == "园长"
    assert translator("en")("Director") == "Director"


def test_dates_are_shown_the_way_users_write_them() -> None:
    from datetime import date

    assert format_day(date(2026, 11, 22), "zh") == "11月22日（周日）"
    assert format_day(date(2026, 11, 22), "en") == "Sun 22 Nov"
