"""Typography shared by every view: the separator and marks that must not break on a phone.

The convention is written down in docs/STYLE.md ("Writing for users").
"""

from __future__ import annotations

SEP = " · "
WORD_JOINER = "\u2060"
NBSP = "\u00a0"
# Never put a joiner before these: they belong to the character before (emoji sequences).
_COMBINING = {"\ufe0f", "\ufe0e", "\u200d", "\u20e3"}


def keep_whole(mark: str) -> str:
    """ "（补录）" → the same characters joined by U+2060, spaces made non-breaking: a phone
    wraps the line before or after the mark, never inside it ("（补 / 录）")."""
    out: list[str] = []
    for char in mark.replace(" ", NBSP):
        if out and char not in _COMBINING and out[-1] != "\u200d":
            out.append(WORD_JOINER)
        out.append(char)
    return "".join(out)


def plain(text: str) -> str:
    """What a reader sees: joiners dropped, non-breaking spaces as spaces (for tests, logs)."""
    return text.replace(WORD_JOINER, "").replace(NBSP, " ")


def utf16_length(text: str) -> int:
    """Telegram's length: message limits count UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
