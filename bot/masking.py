"""Secrets never reach the terminal or a log: bot tokens become `123456:***`, the webhook
secret and database passwords `***` — in log lines, tracebacks and one-line errors alike.

PTB puts the token into every request URL and into its InvalidToken message; a traceback
of a failed start-up would show it. Everything printed passes through `mask`.
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from types import TracebackType

from sqlalchemy.engine import make_url

# Any bot token, even one we were not told about: digits, a colon, 20+ token characters.
_ANY_TOKEN = re.compile(r"(?<![0-9])([0-9]{3,20}):[A-Za-z0-9_-]{20,}")
_known: set[str] = set()


def remember(*secrets: str | None) -> None:
    """Mask these exact strings too (the configured token, webhook secret, DB password)."""
    _known.update(s for s in secrets if s and len(s) >= 3)


def mask(text: str) -> str:
    for secret in sorted(_known, key=len, reverse=True):
        bot_id, colon, _rest = secret.partition(":")
        shown = f"{bot_id}:***" if colon and bot_id.isdigit() else "***"
        text = text.replace(secret, shown)
    return _ANY_TOKEN.sub(r"\1:***", text)


def database_password(url: str) -> str | None:
    try:
        return make_url(url).password
    except Exception:  # not a URL at all: the start-up check says so in its own words
        return None


class MaskingFormatter(logging.Formatter):
    """Formats as usual (traceback included), then masks the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def install_excepthook() -> None:
    """Mask a traceback that reaches the top (a bug: start-up failures are one line)."""
    sys.excepthook = _masked_excepthook


def _masked_excepthook(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    sys.stderr.write(mask("".join(traceback.format_exception(kind, error, tb))))
