"""t.me deep links: `https://t.me/<bot>?start=<code>` opens the bot with `/start <code>`."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# Telegram allows A-Z, a-z, 0-9, _ and - in a start parameter, up to 64 characters.
START_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def start_link(bot_username: str, code: str) -> str:
    if not START_CODE.match(code):
        raise ValueError(f"invalid start parameter: {code!r}")
    return f"https://t.me/{bot_username}?start={code}"


def parse_start_link(link: str, bot_username: str) -> str | None:
    """The start code of a deep link to this bot, '' for a plain link, None otherwise."""
    link = link.strip()
    if not link.startswith(("http://", "https://")):
        link = "https://" + link
    parts = urlsplit(link)
    if parts.hostname not in ("t.me", "telegram.me", "www.t.me"):
        return None
    if parts.path.strip("/").lower() != bot_username.lower():
        return None
    codes = parse_qs(parts.query).get("start")
    if not codes:
        return ""
    code = codes[0]
    return code if START_CODE.match(code) else None
