"""A git merge driver for the .po catalogs: the union of both sides' entries.

Two branches that each add messages touch neighbouring lines of the sorted catalog, which
a line merge reports as a conflict. Configure once per clone:
    git config merge.po-union.driver ".venv/bin/python tools/merge_po.py %O %A %B"
(.gitattributes names the driver). Afterwards run `make i18n` to drop unused entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def _read(path: str) -> Catalog:
    with Path(path).open("rb") as po_file:
        return read_po(po_file)


def merge(base_path: str, ours_path: str, theirs_path: str) -> None:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id)
        if mine is None:
            ours[message.id] = message
            continue
        before = base.get(message.id)
        # Take their translation where ours is empty or unchanged since the common base.
        if message.string and (not mine.string or (before and mine.string == before.string)):
            mine.string = message.string
    with Path(ours_path).open("wb") as po_file:
        write_po(po_file, ours, sort_output=True, omit_header=False, no_location=True, width=0)


if __name__ == "__main__":
    merge(*sys.argv[1:4])
