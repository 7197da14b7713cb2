"""消毒打卡: pick the room → the method → (concentration / UV start and end) → recorded.

The state of a confirmation travels in the buttons' callback data; only typed answers
(an unusual concentration, the reason of a late entry) use the persistent conversation.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.error import Forbidden
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
from bot.i18n import format_clock
from bot.labels import area_label
from bot.menu import any_menu_button
from handlers import disinfection_views as views
from handlers.common import reply
from jobs.disinfection import request_board_refresh, schedule_uv_reminder
from storage.disinfection import (
    DisinfectionError,
    Entry,
    Method,
    Room,
    abort_uv,
    attach_photo,
    check_concentration,
    check_day,
    deadline_at,
    end_uv,
    get_record,
    is_late,
    load_room,
    local_today,
    may_disinfect,
    may_disinfect_at,
    record_disinfection,
)
from storage.disinfection_status import pending_for
from storage.models import Site
from storage.site_settings import get_site_settings
from storage.sites import get_site

ASK_CONCENTRATION, ASK_REASON = range(2)
END = ConversationHandler.END
PENDING = "disinfection"  # user_data key of a confirmation waiting for typed input


async def cmd_disinfect(update: Update, context: BotContext) -> int:
    """Show the rooms this person may confirm today that are still to do."""
    _ = context._
    sites = _sites(context)
    if not sites:
        await reply(update, _(views.NOT_ALLOWED))
        return END
    today = local_today(sites[0], context.app.clock())
    await _show_picker(update, context, sites, today)
    return END


def _sites(context: BotContext) -> list[Site]:
    site_ids = dict.fromkeys(r.site_id for r in context.roles)
    sites = [get_site(session=context.db, site_id=s) for s in site_ids]
    return [s for s in sites if s is not None and may_disinfect_at(context.roles, s.id or 0)]


async def _show_picker(update: Update, context: BotContext, sites: list[Site], day: Any) -> None:
    now = context.app.clock()
    pending = pending_for(session=context.db, sites=sites, roles=context.roles, day=day, now=now)
    text, markup = views.room_picker(
        context._, context.language, day, local_today(sites[0], now), pending
    )
    await _show(update, text, markup)


async def _show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
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


async def on_button(update: Update, context: BotContext) -> int:
    """Every disinfection button; each re-checks who pressed it."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    known = step in _STEPS or step in _ROOM_STEPS
    if not known or (context.person is None and step != "b"):
        await query.answer(context._("This button has expired. Please open the menu again."))
        return END
    try:
        if step in _STEPS:
            return await _STEPS[step](update, context, args)
        # Room steps: "<step>:<area>:<day>[:…]"; who may, and which day, checked here once.
        room = await _checked(update, context, args[0], args[1])
        if room is None:
            return END
        await query.answer()
        return await _ROOM_STEPS[step](update, context, room, args[2:])
    except (ValueError, IndexError):
        await query.answer(context._("This button has expired. Please open the menu again."))
        return END


def _load(context: BotContext, area_id: int | str, day: date | str) -> Room:
    """The room of a button or a pending entry, with that day's records (ValueError if gone)."""
    day = views.parse_day(day) if isinstance(day, str) else day
    room = load_room(session=context.db, area_id=int(area_id), day=day)
    if room is None:
        raise ValueError("no such area")
    return room


def _title(context: BotContext, room: Room) -> str:
    return area_label(context._, room.class_name, room.area.kind, room.area.name)


async def _refuse(update: Update, context: BotContext, text: str) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer(text, show_alert=True)
    return END


async def _checked(update: Update, context: BotContext, area_id: str, day_code: str) -> Room | None:
    """Load the room and day of a button; refuse (toast) who may not or a day out of range."""
    room = _load(context, area_id, day_code)
    if not may_disinfect(context.roles, room.area):
        await _refuse(update, context, context._(views.NOT_ALLOWED))
        return None
    try:
        check_day(room.site, room.day, context.app.clock())
    except DisinfectionError as error:
        await _refuse(update, context, views.error_text(context._, error))
        return None
    return room


async def _step_picker(update: Update, context: BotContext, args: list[str]) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _show_picker(update, context, _sites(context), views.parse_day(args[0]))
    return END


async def _step_area(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    settings = get_site_settings(room.site)
    await _show(update, *views.method_picker(context._, _title(context, room), room, settings))
    return END


async def _step_method(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    method = Method(args[0])
    title = _title(context, room)
    if method == Method.CHLORINE:
        await _show(update, *views.concentration_picker(context._, title, room))
        return END
    if method == Method.UV_LAMP and room.day == local_today(room.site, context.app.clock()):
        minutes = get_site_settings(room.site).uv_minutes
        await _show(update, *views.uv_prompt(context._, title, room, minutes))
        return END
    return await _confirm(update, context, room, {"method": method})


async def _step_concentration(
    update: Update, context: BotContext, room: Room, args: list[str]
) -> int:
    return await _confirm(update, context, room, {"method": Method.CHLORINE, "mg": int(args[0])})


async def _step_other_concentration(
    update: Update, context: BotContext, room: Room, args: list[str]
) -> int:
    _remember(context, room, {"method": Method.CHLORINE})
    await _show(update, context._("Type the concentration in mg/L, e.g. 500:"))
    return ASK_CONCENTRATION


async def _step_uv_start(update: Update, context: BotContext, room: Room, args: list[str]) -> int:
    return await _confirm(update, context, room, {"method": Method.UV_LAMP, "uv": True})


async def on_concentration_text(update: Update, context: BotContext) -> int:
    _ = context._
    pending = context.user_data.get(PENDING) if context.user_data else None
    message = update.effective_message
    if not pending or message is None or not message.text:
        return END
    room = _load(context, pending["area"], pending["day"])
    settings = get_site_settings(room.site)
    match = re.search(r"\d+", message.text.translate(_FULL_WIDTH_DIGITS))
    try:
        if match is None:
            raise DisinfectionError(
                "concentration_range",
                low=settings.chlorine_min_mg_l,
                high=settings.chlorine_max_mg_l,
            )
        check_concentration(settings, int(match.group()))
    except DisinfectionError as error:
        await reply(update, views.error_text(_, error) + "\n" + _("Or send /cancel to stop."))
        return ASK_CONCENTRATION
    return await _confirm(update, context, room, {**pending, "mg": int(match.group())})


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


async def on_reason_text(update: Update, context: BotContext) -> int:
    pending = context.user_data.get(PENDING) if context.user_data else None
    message = update.effective_message
    if not pending or message is None or not (message.text or "").strip():
        return END
    room = _load(context, pending["area"], pending["day"])
    return await _confirm(update, context, room, {**pending, "reason": message.text})


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
        await _show(
            update,
            _(
                "It is past the {deadline} deadline, so this will be a late entry (补录). Please type the reason:"
            ).format(deadline=deadline),
        )
        return ASK_REASON
    entry = Entry(room, Method(params["method"]), person.id, params.get("mg"), params.get("reason"))
    try:
        record = record_disinfection(
            session=context.db, entry=entry, now=now, start_uv=bool(params.get("uv"))
        )
    except DisinfectionError as error:
        context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
        await _show(update, views.error_text(_, error))
        return END
    context.user_data.pop(PENDING, None)  # type: ignore[union-attr]
    zone = ZoneInfo(site.timezone)
    minutes = get_site_settings(site).uv_minutes
    if record.running:
        schedule_uv_reminder(context.app, record, minutes)
        await _show(update, *views.uv_running(_, _title(context, room), record, minutes, zone))
    else:
        await _show(
            update, views.recorded(_, _title(context, room), record, person.display_name, zone)
        )
    request_board_refresh(context.app, site.id or 0, day)
    return END


async def _step_uv_end(update: Update, context: BotContext, args: list[str]) -> int:
    return await _finish_uv(update, context, int(args[0]), abort=False)


async def _step_uv_abort(update: Update, context: BotContext, args: list[str]) -> int:
    return await _finish_uv(update, context, int(args[0]), abort=True)


async def _finish_uv(update: Update, context: BotContext, record_id: int, *, abort: bool) -> int:
    _ = context._
    query = update.callback_query
    assert query is not None
    record = get_record(session=context.db, record_id=record_id)
    if record is None:
        return await _refuse(update, context, _("This UV session was cancelled; nothing to end."))
    room = _load(context, record.area_id, record.day)
    site = room.site
    if not may_disinfect(context.roles, room.area):
        return await _refuse(update, context, _(views.NOT_ALLOWED))
    assert context.person is not None and context.person.id is not None
    try:
        if abort:
            abort_uv(session=context.db, record=record, person_id=context.person.id)
        else:
            end_uv(
                session=context.db,
                site=site,
                record=record,
                person_id=context.person.id,
                now=context.app.clock(),
            )
    except DisinfectionError as error:
        return await _refuse(update, context, views.error_text(_, error))
    await query.answer()
    title = _title(context, room)
    if abort:
        await _show(
            update, _("{room}: UV session aborted; the room is still to do.").format(room=title)
        )
    else:
        operator = context.person.display_name
        await _show(update, views.recorded(_, title, record, operator, ZoneInfo(site.timezone)))
    request_board_refresh(context.app, site.id or 0, record.day)
    return END


async def _step_board(update: Update, context: BotContext, args: list[str]) -> int:
    """A tap on the group's board: continue privately with the method picker."""
    _ = context._
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    room = _load(context, args[1], args[0])
    if context.person is None or not may_disinfect(context.roles, room.area):
        return await _refuse(update, context, _(views.NOT_ALLOWED))
    if room.day != local_today(room.site, context.app.clock()):
        return await _refuse(
            update,
            context,
            _(
                "This board is from an earlier day. For a late entry, use 🧴 Disinfection in our private chat."
            ),
        )
    text, markup = views.method_picker(_, _title(context, room), room, get_site_settings(room.site))
    try:
        await context.bot.send_message(update.effective_user.id, text, reply_markup=markup)
    except Forbidden:
        return await _refuse(
            update, context, _("Please open a private chat with me and send /start first.")
        )
    await query.answer(_("I sent you the next step in our private chat."))
    return END


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo sent shortly after a confirmation is attached to that record."""
    message = update.effective_message
    person = context.person
    if message is None or not message.photo or person is None or person.id is None:
        return
    record = attach_photo(
        session=context.db,
        person_id=person.id,
        file_id=message.photo[-1].file_id,
        now=context.app.clock(),
    )
    if record is None:
        await reply(
            update, context._("There is no recent disinfection record to attach this photo to.")
        )
        return
    room = _load(context, record.area_id, record.day)
    await reply(
        update, context._("📷 Photo attached to {room}.").format(room=_title(context, room))
    )


async def cmd_cancel(update: Update, context: BotContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    await reply(update, context._("Cancelled."))
    return END


_STEPS = {"p": _step_picker, "e": _step_uv_end, "x": _step_uv_abort, "b": _step_board}
_ROOM_STEPS = {
    "a": _step_area,
    "m": _step_method,
    "c": _step_concentration,
    "o": _step_other_concentration,
    "u": _step_uv_start,
}


def conversation() -> ConversationHandler[BotContext]:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    # Buttons carry their own state, so tracking per message is not needed; PTB warns anyway.
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return ConversationHandler(
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
