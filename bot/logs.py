"""What the terminal shows an operator: start-up, errors and failed sends, secrets masked.

Alembic's two INFO lines on every command and APScheduler's line per job run are kept at
DEBUG level (not shown), so the sandbox's URL and invitation stay in view.
"""

from __future__ import annotations

import logging

from bot import masking
from bot.config import Settings
from bot.startup import CONFLICT_LINE

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Chatty libraries: only their warnings and errors reach the terminal.
QUIET = ("httpx", "httpcore", "alembic", "apscheduler", "tornado.access")


class OneConflictLine(logging.Filter):
    """PTB reports a 409 Conflict on every poll and again at Ctrl-C, with a traceback:
    the operator gets one line saying what to do, once."""

    said = False

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        text = f"{record.getMessage()} {error or ''}"
        if "only one bot instance" not in text:
            return True
        if OneConflictLine.said:
            return False
        OneConflictLine.said = True
        record.msg, record.args, record.exc_info, record.exc_text = CONFLICT_LINE, (), None, None
        record.levelno, record.levelname = logging.ERROR, "ERROR"
        return True


def configure_logging(settings: Settings) -> None:
    masking.remember(
        settings.token,
        settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
        masking.database_password(settings.database_url),
    )
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    if not any(getattr(h, "houqin", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.houqin = True  # type: ignore[attr-defined]
        handler.setFormatter(masking.MaskingFormatter(FORMAT))
        handler.addFilter(OneConflictLine())
        root.addHandler(handler)
    masking.install_excepthook()
