"""Send a message at most once, keyed in the database, whatever restarts happen."""

from __future__ import annotations

import logging
from enum import Enum
from typing import Any

from sqlmodel import Session
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from storage.outbox import claim_outbound, mark_sent, release_claim

log = logging.getLogger(__name__)


class Outcome(Enum):
    SENT = "sent"
    DONE_BEFORE = "done_before"  # sent by an earlier run, or undeliverable for good
    FAILED = "failed"  # a passing failure: the key is free again, a later run retries


async def send_once(
    app: Application[Any, Any, Any, Any, Any, Any],
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    **kwargs: Any,
) -> Outcome:
    """Send unless this key was sent before; never raises, so one failure stops no one else."""
    claim = claim_outbound(session=session, key=key, chat_id=chat_id)
    if claim is None:
        return Outcome.DONE_BEFORE
    try:
        message = await app.bot.send_message(chat_id, text, **kwargs)
    except Forbidden as error:
        # Blocked by the user or removed from the group: retrying cannot help.
        log.warning("Cannot deliver %s to %s: %s", key, chat_id, error)
        mark_sent(session=session, claim=claim, message_id=None)
        return Outcome.DONE_BEFORE
    except TelegramError as error:
        log.warning("Sending %s to %s failed, will retry: %s", key, chat_id, error)
        release_claim(session=session, claim=claim)
        return Outcome.FAILED
    mark_sent(session=session, claim=claim, message_id=message.message_id)
    return Outcome.SENT


async def send_photo_once(
    app: Application[Any, Any, Any, Any, Any, Any],
    session: Session,
    *,
    key: str,
    chat_id: int,
    photo: str,
    caption: str,
    **kwargs: Any,
) -> Outcome:
    """`send_once` for a photo with its caption (a ticket's evidence)."""
    claim = claim_outbound(session=session, key=key, chat_id=chat_id)
    if claim is None:
        return Outcome.DONE_BEFORE
    try:
        message = await app.bot.send_photo(chat_id, photo, caption=caption, **kwargs)
    except Forbidden as error:
        log.warning("Cannot deliver %s to %s: %s", key, chat_id, error)
        mark_sent(session=session, claim=claim, message_id=None)
        return Outcome.DONE_BEFORE
    except TelegramError as error:
        log.warning("Sending %s to %s failed, will retry: %s", key, chat_id, error)
        release_claim(session=session, claim=claim)
        return Outcome.FAILED
    mark_sent(session=session, claim=claim, message_id=message.message_id)
    return Outcome.SENT
