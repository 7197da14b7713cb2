"""Small helpers every flow uses to answer the user."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.context import BotContext
from bot.labels import needed_roles
from bot.menu import menu_keyboard
from storage.permissions import Action


async def reply(update: Update, text: str, **kwargs: Any) -> Message | None:
    """Answer in the chat the update came from."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(text, **kwargs)


async def reply_with_menu(update: Update, context: BotContext, text: str) -> None:
    """Answer with the sender's menu keyboard (private chats only show it)."""
    chat = update.effective_chat
    markup = menu_keyboard(context._, context.roles) if chat and chat.type == "private" else None
    await reply(update, text, reply_markup=markup)


def refusal_text(context: BotContext, action: Action) -> str:
    _ = context._
    return _("Only {roles} can do this.").format(roles=needed_roles(_, action))


async def refuse(update: Update, context: BotContext, action: Action) -> None:
    """Say who may do it; a button press gets a toast instead of a chat message."""
    text = refusal_text(context, action)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)
