"""Shared by the check-in handlers: the draft in user_data, showing a screen, refusing."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import BotContext
from handlers.common import reply

END = ConversationHandler.END
ASK_NAME, ASK_EXPECTED, ASK_REASON, ASK_HAZARD, ASK_PHOTO, ASK_ZONE_REASON = range(6)
DRAFT = "checkin"  # user_data key of the morning check being filled in
ZONE_DRAFT = "checkin_zone"  # user_data key of a zone self-check waiting for typed input


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message whose button was tapped (private chat); else answer with a new one."""
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and query.message is not None and chat and chat.type == "private":
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)


async def toast(update: Update, text: str) -> int:
    """Answer a button with an alert (a refusal), or a typed message with a reply."""
    if update.callback_query is not None:
        # The tap answered already (BadRequest): say it in the chat instead.
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer(text, show_alert=True)
            return END
    await reply(update, text)
    return END


def draft(context: BotContext) -> dict[str, Any] | None:
    return context.user_data.get(DRAFT) if context.user_data is not None else None


def set_draft(context: BotContext, key: str, value: dict[str, Any] | None) -> None:
    assert context.user_data is not None
    if value is None:
        context.user_data.pop(key, None)
    else:
        context.user_data[key] = value
