"""Shared by the disinfection handlers: load a room from a button, name it, answer."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import format_day
from bot.labels import area_label
from bot.parsing import require_id
from bot.views import disinfection as views
from handlers.common import reply
from storage.disinfection import (
    DisinfectionError,
    Room,
    check_day,
    load_room,
    local_today,
    may_disinfect,
    may_disinfect_at,
    next_round,
)
from storage.models import Site
from storage.outbox import claim_outbound, mark_sent
from storage.site_settings import get_site_settings
from storage.sites import get_site

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
        next_round(room)
    except DisinfectionError as error:
        if not await shown_own_lamp(update, context, room, error, answered=False):
            await refuse(update, context, _room_error(context, room, error))
        return None
    return room


async def shown_own_lamp(
    update: Update, context: BotContext, room: Room, error: DisinfectionError, *, answered: bool
) -> bool:
    """Refused because the presser's own UV lamp is running in that room (most often: the
    answer to their 开始 was lost in a crash, and they tap again): show it, with its 结束 /
    中止 buttons, instead of the refusal. True when shown."""
    person = context.person
    if error.code != "uv_running" or person is None or update.callback_query is None:
        return False
    record = next(
        (
            r
            for r in room.records
            if r.id == error.detail.get("record_id") and r.operator_id == person.id and r.running
        ),
        None,
    )
    if record is None:
        return False
    if not answered:
        await update.callback_query.answer()
    minutes = get_site_settings(room.site).uv_minutes
    zone = ZoneInfo(room.site.timezone)
    await show(update, *views.uv_running(context._, title(context, room), record, minutes, zone))
    remember_running_message(context, record.id or 0, update.callback_query.message)
    return True


def running_message_keys(record_id: int) -> tuple[str, str]:
    # The ⏳ message with 结束 / 中止, and the switch-off reminder with 结束 (jobs.disinfection).
    return f"disinfection-uv-running:{record_id}", f"disinfection-uv:{record_id}"


def remember_running_message(context: BotContext, record_id: int, message: object) -> None:
    """Keep where the ⏳ message is, so its buttons can be taken away once the session ends."""
    if not isinstance(message, Message):
        return
    key = running_message_keys(record_id)[0]
    claim = claim_outbound(session=context.db, key=key, chat_id=message.chat.id)
    if claim is not None:
        mark_sent(session=context.db, claim=claim, message_id=message.message_id)


def _room_error(context: BotContext, room: Room, error: DisinfectionError) -> str:
    """Name the room when it is already done (an older picker may still offer it)."""
    _ = context._
    if error.code != "already_done":
        return views.error_text(_, error)
    if room.day == local_today(room.site, context.app.clock()):
        return _(views.ALREADY_DONE_TODAY).format(room=title(context, room))
    day = format_day(room.day, context.language)
    return _(views.ALREADY_DONE_ON).format(room=title(context, room), day=day)


def disinfecting_sites(context: BotContext) -> list[Site]:
    """The sites at which this person confirms any room."""
    site_ids = dict.fromkeys(r.site_id for r in context.roles)
    sites = [get_site(session=context.db, site_id=s) for s in site_ids]
    return [s for s in sites if s is not None and may_disinfect_at(context.roles, s.id or 0)]
