"""The one error handler: log with the update, tell the user plainly, leak nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.i18n import N_, translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if isinstance(error, BadRequest) and "message is not modified" in error.message:
        return  # a harmless double tap or a card that was already up to date
    log.error("Error while handling %s", describe_update(update), exc_info=error)
    if not isinstance(update, Update):
        return
    try:
        language = context.language
    except Exception:  # the database itself may be what failed
        language = context.app.settings.default_language
    _ = translator(language)
    text = _("Sorry, something went wrong. Please try again in a moment.")
    try:
        await _tell(update, context, text)
    except TelegramError as failed:
        log.warning("Could not tell the user about the error: %s", failed)


async def _tell(update: Update, context: BotContext, text: str) -> None:
    """A toast if the tap is still unanswered; otherwise (the handler had answered it, so
    Telegram says "query is too old") a message in private chat, where it cannot be missed."""
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=True)
            return
        except BadRequest:
            chat = update.effective_chat
            private = chat is not None and chat.type == "private"
            await context.bot.send_message(
                chat.id if private and chat else query.from_user.id, text
            )
            return
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, text)


def describe_update(update: object) -> str:
    """What the log may say about an update: ids and the command, never typed text or
    invitation codes (`/start <code>` joins a site; a logged code could be used by anyone)."""
    if not isinstance(update, Update):
        return type(update).__name__
    parts = [f"update {update.update_id}"]
    if update.effective_user is not None:
        parts.append(f"from user {update.effective_user.id}")
    if update.effective_chat is not None:
        parts.append(f"in chat {update.effective_chat.id} ({update.effective_chat.type})")
    message = update.effective_message
    if update.callback_query is not None:
        parts.append(f"button {update.callback_query.data!r}")
    elif message is not None and message.text and message.text.startswith("/"):
        command, _sep, rest = message.text.partition(" ")
        parts.append(f"command {command[:40]}" + (" …" if rest else ""))
    elif message is not None:
        parts.append(f"text of {len(message.text or message.caption or '')} characters")
    return " ".join(parts)


async def refuse_chatless_buttons(update: Update, context: BotContext) -> None:
    """Every button of this bot is on a message in a chat; one without (inline mode, which
    the bot does not use) is forged or stale: answered as expired, and handled no further."""
    query = update.callback_query
    if query is not None and query.message is None:
        await on_expired_button(update, context)
        raise ApplicationHandlerStop


async def ignore_edits(update: Update, context: BotContext) -> None:
    """An edited message is old text written again: running it would repeat a command
    (`/epidemic off`, `/start <code>`) or answer a question asked long ago."""
    raise ApplicationHandlerStop


EXPIRED = N_("This button has expired. Please open the menu again.")


async def on_expired_button(update: Update, context: BotContext) -> None:
    """A button from an old message, an old version of the bot, or with data we cannot read."""
    if update.callback_query is not None:
        await update.callback_query.answer(context._(EXPIRED), show_alert=True)
