"""Housekeeping: handled updates leave the inbox once no redelivery can need them."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from jobs.schedule import replace_job
from storage.inbox import KEEP_DONE, purge_done

log = logging.getLogger(__name__)
PURGE_SECONDS = 6 * 3600


def start_housekeeping(app: HouqinApplication) -> None:
    """Purge the inbox a minute after the start, then every six hours."""
    replace_job(
        app, "inbox-purge", method="run_repeating", callback=purge_inbox,
        interval=PURGE_SECONDS, first=60,
    )  # fmt: skip


async def purge_inbox(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Delete updates handled more than KEEP_DONE ago (Telegram redelivers within 24 h)."""
    app = context.application
    assert isinstance(app, HouqinApplication)
    removed = await asyncio.to_thread(purge_done, engine=app.engine, now=app.clock())
    if removed:
        log.debug("Inbox: %d update(s) handled over %s ago removed", removed, KEEP_DONE)
