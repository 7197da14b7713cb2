"""The one error handler: log with the update, tell the user plainly, leak nothing."""

from __future__ import annotations

import json
import logging

from telegram import Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import N_, translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in error.message:
        return  # a harmless double tap or a card that was already up to date
    update_text = (
        json.dumps(update.to_dict(), ensure_ascii=False)
        if isinstance(update, Update)
        else str(update)
    )
    log.error("Error while handling update %s", update_text, exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        language = context.language
    except Exception:  # the database itself may be what failed
        language = context.app.settings.default_language
    _ = translator(language)
    text = _("Sorry, something went wrong. Please try again in a moment.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


EXPIRED = N_("This button has expired. Please open the menu again.")


async def on_expired_button(update: Update, context: BotContext) -> None:
    """A button from an old message, an old version of the bot, or with data we cannot read."""
    if update.callback_query is not None:
        await update.callback_query.answer(context._(EXPIRED), show_alert=True)
