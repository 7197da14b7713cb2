"""Safe HTML for the browser page from a message's text and entities."""

from __future__ import annotations

from html import escape
from typing import Any

from sandbox.deeplink import parse_start_link
from sandbox.entities import utf16_len, utf16_slice

JsonDict = dict[str, Any]

_WRAPPERS = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre>", "</pre>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ("<blockquote>", "</blockquote>"),
    "mention": ('<span class="mention">', "</span>"),
    "bot_command": ('<span class="command">', "</span>"),
}


def entities_to_html(text: str, entities: list[JsonDict], bot_username: str) -> str:
    """Entities nest properly in Telegram, so opening longer-first and closing
    later-opened-first at each boundary yields well-formed HTML."""
    opens: dict[int, list[JsonDict]] = {}
    closes: dict[int, list[JsonDict]] = {}
    for entity in entities:
        opens.setdefault(entity["offset"], []).append(entity)
        closes.setdefault(entity["offset"] + entity["length"], []).append(entity)
    out: list[str] = []
    position = 0
    for char in text:
        out.extend(_boundary(text, position, opens, closes, bot_username))
        out.append("<br>" if char == "\n" else escape(char))
        position += utf16_len(char)
    out.extend(_boundary(text, position, opens, closes, bot_username))
    return "".join(out)


def _boundary(
    text: str,
    position: int,
    opens: dict[int, list[JsonDict]],
    closes: dict[int, list[JsonDict]],
    bot_username: str,
) -> list[str]:
    parts = []
    for entity in sorted(closes.get(position, []), key=lambda e: -e["offset"]):
        parts.append(_tags(text, entity, bot_username)[1])
    for entity in sorted(opens.get(position, []), key=lambda e: -e["length"]):
        parts.append(_tags(text, entity, bot_username)[0])
    return parts


def _tags(text: str, entity: JsonDict, bot_username: str) -> tuple[str, str]:
    kind = entity["type"]
    if kind in ("url", "text_link"):
        url = entity.get("url") or utf16_slice(text, entity["offset"], entity["length"])
        return link_tag(url, bot_username), "</a>"
    return _WRAPPERS.get(kind, ("", ""))


def link_tag(url: str, bot_username: str) -> str:
    """Deep links to the bot become in-page actions; other links open normally."""
    code = parse_start_link(url, bot_username)
    if code is not None:
        return (
            f'<a href="{escape(url)}" class="deeplink" data-testid="deeplink" '
            f'data-start="{escape(code)}">'
        )
    href = url if url.startswith(("http://", "https://", "tg://")) else f"https://{url}"
    return f'<a href="{escape(href)}" target="_blank" rel="noopener noreferrer">'
