"""消毒打卡: pick the room → the method → (concentration / UV start and end) → recorded.

The state of a confirmation travels in the buttons' callback data; only typed answers
(an unusual concentration, the reason of a late entry) use the persistent conversation.
"""

from __future__ import annotations

import warnings
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern, unpack
from bot.context import BotContext
from bot.conversations import Conversation
from bot.errors import on_expired_button
from bot.i18n import format_clock
from bot.menu import any_menu_button
from bot.parsing import NumberError, parse_id, parse_int
from bot.views import disinfection as views
from handlers import hints
from handlers.common import reply
from handlers.disinfection import board, rooms, uv
from jobs.disinfection import request_board_refresh, schedule_uv_reminder
from storage.disinfection import (
    DisinfectionError,
    Entry,
    Method,
    Room,
    clean_reason,
    deadline_at,
    is_late,
    local_today,
    record_disinfection,
)
from storage.disinfection_status import pending_for
from storage.models import Site
from storage.site_settings import get_site_settings

ASK_CONCENTRATION, ASK_REASON = range(2)
END = ConversationHandler.END
PENDING = "disinfection"  # user_data key of a confirmation waiting for typed input


async def cmd_disinfect(update: Update, context: BotContext) -> int:
    """Show the rooms this person may confirm today that are still to do."""
    _ = context._
    sites = rooms.disinfecting_sites(context)
    if not sites:
        await reply(update, _(views.NOT_YOURS) + "\n" + hints.what_you_can_do(context))
        return END
    today = local_today(sites[0], context.app.clock())
    await _show_picker(update, context, sites, today)
    return END


async def _show_picker(update: Update, context: BotContext, sites: list[Site], day: Any) -> None:
    now = context.app.clock()
    pending = pending_for(session=context.db, sites=sites, roles=context.roles, day=day, now=now)
    text, markup = views.room_picker(
        context._, context.language, day, local_today(sites[0], now), pending
    )
    await rooms.show(update, text, markup)


async def on_button(update: Update, context: BotContext) -> int:
    """Every disinfection button; each re-checks who pressed it."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    known = step in _STEPS or step in _ROOM_STEPS
    if not known or (context.person is None and step != "b"):
        await on_expired_button(update, context)
        return END
    try:
        if step in _STEPS:
            return await _STEPS[step](update, context, args)
        # Room steps: "<step>:<area>:<day>[:…]"; who may, and which day, checked here once.
        room = await rooms.checked(update, context, args[0], args[1])
        if room is None:
            return END
        await query.answer()
        return await _ROOM_STEPS[step](update, context, room, args[2:])
    except (ValueError, IndexError):
        await on_expired_button(update, context)
        return END


async def _step_picker(update: Update, context: BotContext, args: list[str]) -> int:
    assert update.callback_query is not None
    sites, day = rooms.disinfecting_sites(context), views.parse_day(args[0])
    if not sites:
        return await rooms.refuse(update, context, context._(views.NOT_ALLOWED))
    await update.callback_query.answer()
    await _show_picker(update, context, sites, day)
    return END


async def _step_area(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    settings = get_site_settings(room.site)
    await rooms.show(
        update, *views.method_picker(context._, rooms.title(context, room), room, settings)
    )
    return END


def _carried(args: list[str]) -> dict[str, Any]:
    """The round a button carries (its last part), if it carries one."""
    if not args:
        return {}
    number = parse_id(args[-1])
    if number is None:
        raise ValueError("bad round")
    return {"round": number}


async def _step_method(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    method = Method(args[0])
    title = rooms.title(context, room)
    if method == Method.CHLORINE:
        # The buttons offer the usual strengths; a typed value is taken as well.
        _remember(context, room, {"method": Method.CHLORINE, **_carried(args[1:])})
        await rooms.show(update, *views.concentration_picker(context._, title, room))
        return ASK_CONCENTRATION
    if method == Method.UV_LAMP and room.day == local_today(room.site, context.app.clock()):
        minutes = get_site_settings(room.site).uv_minutes
        await rooms.show(update, *views.uv_prompt(context._, title, room, minutes))
        return END
    return await _confirm(update, context, room, {"method": method, **_carried(args[1:])})


async def _step_concentration(
    update: Update, context: BotContext, room: Room, args: list[str]
) -> int:
    params = {"method": Method.CHLORINE, "mg": int(args[0]), **_carried(args[1:])}
    return await _confirm(update, context, room, params)


async def _step_other_concentration(
    update: Update, context: BotContext, room: Room, args: list[str]
) -> int:
    _remember(context, room, {"method": Method.CHLORINE, **_carried(args)})
    await rooms.show(update, context._("Type the concentration in mg/L, e.g. 500:"))
    return ASK_CONCENTRATION


async def _step_uv_start(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    params = {"method": Method.UV_LAMP, "uv": True, **_carried(args)}
    return await _confirm(update, context, room, params)


async def on_concentration_text(update: Update, context: BotContext) -> int:
    _ = context._
    pending = context.user_data.get(PENDING) if context.user_data else None
    message = update.effective_message
    if not pending or message is None or not message.text:
        return END
    room = rooms.load(context, pending["area"], pending["day"])
    settings = get_site_settings(room.site)
    low, high = settings.chlorine_min_mg_l, settings.chlorine_max_mg_l
    try:
        mg = parse_int(message.text, low=low, high=high, units=MG_PER_LITRE)
    except NumberError:
        error = DisinfectionError("concentration_range", low=low, high=high)
        await reply(update, views.error_text(_, error) + "\n" + _("Or send /cancel to stop."))
        return ASK_CONCENTRATION
    return await _confirm(update, context, room, {**pending, "mg": mg})


MG_PER_LITRE = ("mg/l", "毫克/升", "毫克每升")


async def on_reason_text(update: Update, context: BotContext) -> int:
    pending = context.user_data.get(PENDING) if context.user_data else None
    message = update.effective_message
    if not pending or message is None:
        return END
    try:
        reason = clean_reason(message.text)
    except DisinfectionError as error:  # says nothing, or too long: ask again
        text = views.error_text(context._, error) + "\n" + context._("Or send /cancel to stop.")
        await reply(update, text)
        return ASK_REASON
    room = rooms.load(context, pending["area"], pending["day"])
    return await _confirm(update, context, room, {**pending, "reason": reason})


def _remember(context: BotContext, room: Room, params: dict[str, Any]) -> None:
    """Keep a half-done entry (plain ids, persisted) while we wait for typed input."""
    assert context.user_data is not None
    context.user_data[PENDING] = {**params, "area": room.area.id, "day": views.day_code(room.day)}


async def _confirm(update: Update, context: BotContext, room: Room, params: dict[str, Any]) -> int:
    """Record it, or ask for what is missing (a late entry's reason)."""
    _ = context._
    site, day = room.site, room.day
    now = context.app.clock()
    person = context.person
    assert person is not None and person.id is not None
    if is_late(site, day, now) and not params.get("reason"):
        _remember(context, room, params)
        deadline = format_clock(deadline_at(site, day), ZoneInfo(site.timezone))
        method = views.method_label(_, params["method"], params.get("mg"))
        title = rooms.title(context, room)
        today = local_today(site, now)
        await rooms.show(
            update,
            views.reason_prompt(_, context.language, title, method, day, today, deadline),
        )
        return ASK_REASON
    entry = Entry(
        room,
        Method(params["method"]),
        person.id,
        params.get("mg"),
        params.get("reason"),
        params.get("round"),
    )
    # Dropped before the commit: the record and the emptied draft are stored together.
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    try:
        record = record_disinfection(
            session=context.db, entry=entry, now=now, start_uv=bool(params.get("uv"))
        )
    except DisinfectionError as error:
        if not await rooms.shown_own_lamp(update, context, room, error, answered=True):
            await rooms.show(update, views.error_text(_, error))
        return END
    zone = ZoneInfo(site.timezone)
    minutes = get_site_settings(site).uv_minutes
    if record.running:
        schedule_uv_reminder(context.app, record)
        await rooms.show(
            update, *views.uv_running(_, rooms.title(context, room), record, minutes, zone)
        )
        message = update.callback_query.message if update.callback_query else None
        rooms.remember_running_message(context, record.id or 0, message)
    else:
        await rooms.show(
            update,
            views.recorded(
                _, rooms.title(context, room), record, person.display_name, zone, context.language
            ),
        )
    request_board_refresh(context.app, site.id or 0, day)
    return END


async def cmd_cancel(update: Update, context: BotContext) -> int:
    pending = context.user_data.pop(PENDING, None) if context.user_data is not None else None
    if pending is None:
        await reply(update, context._("Nothing is in progress, so there is nothing to cancel."))
        return END
    await reply(update, context._("Cancelled."))
    return END


_STEPS = {
    "p": _step_picker,
    "e": uv.step_uv_end,
    "x": uv.step_uv_abort,
    "b": board.step_board,
    "k": board.step_board_class,
}
_ROOM_STEPS = {
    "a": _step_area,
    "m": _step_method,
    "c": _step_concentration,
    "o": _step_other_concentration,
    "u": _step_uv_start,
}


def conversation() -> Conversation:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    # Buttons carry their own state, so tracking per message is not needed; PTB warns anyway.
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[CallbackQueryHandler(on_button, pattern=pattern(views.PREFIX))],
        states={
            ASK_CONCENTRATION: [MessageHandler(typed, on_concentration_text)],
            ASK_REASON: [MessageHandler(typed, on_reason_text)],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="disinfection",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=600,
    )
