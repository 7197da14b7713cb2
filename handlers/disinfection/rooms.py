"""Shared by the disinfection handlers: load a room from a button, name it, answer."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.labels import area_label
from bot.parsing import require_id
from bot.views import disinfection as views
from handlers.common import reply
from storage.disinfection import DisinfectionError, Room, check_day, load_room, may_disinfect

END = ConversationHandler.END


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message whose button was tapped; answer a typed message with a new one."""
    query = update.callback_query
    if (
        query is not None
        and query.message is not None
        and update.effective_chat
        and update.effective_chat.type == "private"
    ):
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)


def load(context: BotContext, area_id: int | str, day: date | str) -> Room:
    """The room of a button or a pending entry, with that day's records (ValueError if gone)."""
    day = views.parse_day(day) if isinstance(day, str) else day
    room = load_room(session=context.db, area_id=require_id(str(area_id)), day=day)
    if room is None:
        raise ValueError("no such area")
    return room


def title(context: BotContext, room: Room) -> str:
    return area_label(context._, room.class_name, room.area.kind, room.area.name)


async def refuse(update: Update, context: BotContext, text: str) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer(text, show_alert=True)
    return END


async def checked(update: Update, context: BotContext, area_id: str, day_code: str) -> Room | None:
    """Load the room and day of a button; refuse (toast) who may not or a day out of range."""
    room = load(context, area_id, day_code)
    if not may_disinfect(context.roles, room.area):
        await refuse(update, context, context._(views.NOT_ALLOWED))
        return None
    try:
        check_day(room.site, room.day, context.app.clock())
    except DisinfectionError as error:
        await refuse(update, context, views.error_text(context._, error))
        return None
    return room
