"""A live group card in place: posted once (claimed in `outbound_message`), then edited
when what it shows changes. Every flow's card goes through `show_card`."""

from __future__ import annotations

import logging

from sqlmodel import Session
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.context import HouqinApplication
from jobs.outbox import Kind, send_once
from storage.outbox import get_outbound, release_claim

log = logging.getLogger(__name__)


async def show_card(
    app: HouqinApplication,
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    post: bool = True,
) -> None:
    """Post the card (when `post`: an earlier day's card is only edited), or edit it when its
    text or buttons changed; a card Telegram will no longer edit is posted again."""
    rows = markup.inline_keyboard if markup else ()
    # What the card shows: its text and which buttons it has (cheaper than serialising).
    content = text + repr([b.callback_data for row in rows for b in row])
    posted = get_outbound(session=session, key=key)
    if posted is None or posted.message_id is None:
        # Not posted yet, or its claim was left by a crash: send_once decides.
        if post:
            await send_once(
                app, session, key=key, chat_id=chat_id, text=text, reply_markup=markup,
                kind=Kind.CARD,
            )  # fmt: skip
            app.card_editor.shown(key, content)
        return
    if not app.card_editor.changed(key, content):
        return
    try:
        await app.bot.edit_message_text(text, chat_id, posted.message_id, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:
            log.warning("Card %s could not be edited (%s); posting it again", key, error)
            release_claim(session=session, claim=posted)
            await send_once(
                app, session, key=key, chat_id=chat_id, text=text, reply_markup=markup,
                kind=Kind.CARD,
            )  # fmt: skip
    except Forbidden as error:
        log.warning("Card %s: the bot is no longer in the group: %s", key, error)
    app.card_editor.shown(key, content)
