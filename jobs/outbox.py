"""Send a message at most once, keyed in the database, whatever restarts happen."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from storage.outbox import claim_outbound, mark_sent, release_claim

log = logging.getLogger(__name__)


async def send_once(
    app: Application[Any, Any, Any, Any, Any, Any],
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    **kwargs: Any,
) -> bool:
    """True when this call sent it; False when it was sent before or cannot be delivered."""
    claim = claim_outbound(session=session, key=key, chat_id=chat_id)
    if claim is None:
        return False
    try:
        message = await app.bot.send_message(chat_id, text, **kwargs)
    except Forbidden as error:
        # Blocked by the user or removed from the group: retrying cannot help.
        log.warning("Cannot deliver %s to %s: %s", key, chat_id, error)
        mark_sent(session=session, claim=claim, message_id=None)
        return False
    except TelegramError:
        release_claim(session=session, claim=claim)  # the next run tries again
        raise
    mark_sent(session=session, claim=claim, message_id=message.message_id)
    return True
