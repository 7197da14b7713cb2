"""The 🥡 留样 conversation: every samples button, and the typed answers it waits for."""

from __future__ import annotations

import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern, unpack
from bot.context import BotContext
from bot.conversations import Conversation
from bot.errors import on_expired_button
from bot.menu import any_menu_button
from bot.parsing import parse_id
from bot.views import samples as views
from handlers.common import reply
from handlers.samples import disposal, entry
from handlers.samples.entry import ASK_GRAMS, ASK_HOLD_REASON, ASK_PHOTO, ASK_TEMP, END, PICK_DISHES

_STEPS = {
    "m": entry.step_meal,
    "t": entry.step_tick,
    "n": entry.step_next,
    "c": disposal.step_check,
    "d": disposal.step_dispose,
    "w": disposal.step_witness,
    "h": disposal.step_hold,
    "r": disposal.step_release,
}
# Steps whose first argument is a record's or site's id; each is checked before use.
_ID_STEPS = {"m", "t", "c", "d", "w", "h", "r"}


async def on_button(update: Update, context: BotContext) -> int:
    """Every samples button; each step re-checks who pressed it."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    valid = step in _STEPS and (step not in _ID_STEPS or (args and parse_id(args[0]) is not None))
    if not valid or context.person is None:
        await on_expired_button(update, context)
        return END
    try:
        return await _STEPS[step](update, context, args)
    except (ValueError, IndexError, LookupError):
        await on_expired_button(update, context)
        return END


async def cmd_cancel(update: Update, context: BotContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(entry.PENDING, None)
    await reply(update, context._("Cancelled."))
    return END


def conversation() -> Conversation:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    buttons: Any = CallbackQueryHandler(on_button, pattern=pattern(views.PREFIX))
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[buttons],
        states={
            PICK_DISHES: [MessageHandler(typed, entry.on_dish_text)],
            ASK_GRAMS: [MessageHandler(typed, entry.on_grams_text)],
            ASK_TEMP: [MessageHandler(typed, entry.on_temperature_text)],
            ASK_PHOTO: [
                MessageHandler(filters.ChatType.PRIVATE & filters.PHOTO, entry.on_photo),
                MessageHandler(typed, entry.on_not_a_photo),
            ],
            ASK_HOLD_REASON: [MessageHandler(typed, disposal.on_hold_reason)],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="samples",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=1800,
    )
