"""Message entities: Telegram's HTML parse mode and its automatic detection.

Offsets and lengths are in UTF-16 code units, as in the Bot API; Chinese characters count
one, most emoji two.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

JsonDict = dict[str, Any]

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "a": "text_link",
    "span": "spoiler",
}
_AUTO_PATTERNS = (
    ("url", re.compile(r"(?<![\w@/])(?:https?://|t\.me/)[^\s<>\"'，。）]+")),
    (
        "bot_command",
        re.compile(
            r"(?<![A-Za-z0-9_/@.:])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/])"
        ),
    ),
    ("mention", re.compile(r"(?<![A-Za-z0-9_@/])@[A-Za-z0-9_]{5,32}(?![A-Za-z0-9_])")),
)


class EntityParseError(ValueError):
    """Text in a parse mode that Telegram would refuse; str() is Telegram's reason."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le")


def detect_entities(text: str) -> list[JsonDict]:
    """The entities Telegram adds by itself: links, /commands, @mentions."""
    found: list[JsonDict] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[:start]),
                    "length": utf16_len(match.group()),
                }
            )
    return sorted(found, key=lambda e: (e["offset"], -e["length"]))


def merge_entities(explicit: list[JsonDict], detected: list[JsonDict]) -> list[JsonDict]:
    """Explicit entities win; detected ones are kept where they do not overlap."""

    def overlaps(e: JsonDict, f: JsonDict) -> bool:
        return bool(
            e["offset"] < f["offset"] + f["length"] and f["offset"] < e["offset"] + e["length"]
        )

    extra = [d for d in detected if not any(overlaps(d, e) for e in explicit)]
    return sorted(explicit + extra, key=lambda e: (e["offset"], -e["length"]))


def parse_html(source: str) -> tuple[str, list[JsonDict]]:
    """Plain text and entities for `parse_mode=HTML`, or EntityParseError."""
    parser = _HtmlEntityParser(source)
    parser.feed(source)
    parser.close()
    if parser.stack:
        tag = parser.stack[-1][0]
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
    text = "".join(parser.parts)
    return text, sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))


class _HtmlEntityParser(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.utf16_pos = 0  # not "offset": HTMLParser uses that name itself
        self.stack: list[tuple[str, JsonDict | None, int]] = []
        self.entities: list[JsonDict] = []

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        lines = self.source.split("\n")
        index = sum(len(x) + 1 for x in lines[: line - 1]) + column
        return len(self.source[:index].encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        entity = self._entity_for(tag, dict(attrs))
        self.stack.append((tag, entity, self.utf16_pos))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
        )

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            expected = f'expected "</{self.stack[-1][0]}>", ' if self.stack else ""
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'{expected}found "</{tag}>"'
            )
        _, entity, start = self.stack.pop()
        if entity is not None and self.utf16_pos > start:
            self.entities.append({**entity, "offset": start, "length": self.utf16_pos - start})

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.utf16_pos += utf16_len(data)

    def _entity_for(self, tag: str, attrs: dict[str, str | None]) -> JsonDict | None:
        kind = _SIMPLE_TAGS.get(tag)
        if kind is None or (tag == "span" and attrs.get("class") != "tg-spoiler"):
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}'
            )
        if tag == "a":
            return {"type": kind, "url": attrs.get("href") or ""}
        if tag == "tg-emoji":
            return {"type": kind, "custom_emoji_id": attrs.get("emoji-id") or ""}
        if tag == "blockquote" and "expandable" in attrs:
            return {"type": "expandable_blockquote"}
        language = (attrs.get("class") or "").removeprefix("language-")
        if tag == "code" and language and self.stack and self.stack[-1][0] == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            outer = self.stack[-1][1]
            if outer is not None:
                outer["language"] = language
            return None
        return {"type": kind}
