"""Extract every message from the code and merge it into the zh_CN and en catalogs.

English message ids are the English texts, so the en catalog is filled in automatically;
new Chinese entries are left empty and listed, and the test suite fails until they are translated.
Run: make i18n
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "bot" / "locale"
KEYWORDS = {"_": None, "N_": None}
SOURCES = ("bot", "handlers", "jobs", "storage")


def extract() -> Catalog:
    template = Catalog()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            template.add(message)
    return template


def update(locale: str, template: Catalog) -> list[str]:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with path.open("rb") as po_file:
            catalog = read_po(po_file, locale=locale)
    else:
        catalog = Catalog(locale=locale, project="houqin")
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if locale == "en" and not message.string:
            message.string = message.id
        if not message.string:
            missing.append(str(message.id))
    with path.open("wb") as po_file:
        write_po(po_file, catalog, sort_output=True, omit_header=False, no_location=True, width=0)
    return missing


def main() -> int:
    template = extract()
    for locale in ("zh_CN", "en"):
        missing = update(locale, template)
        for msgid in missing:
            print(f"{locale}: untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
