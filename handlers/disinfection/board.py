"""A tap on the staff group's board: check who it is, then continue in private chat."""

from __future__ import annotations

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import N_
from bot.views import disinfection as views
from handlers.disinfection import rooms
from storage.disinfection import local_today, may_disinfect
from storage.disinfection_status import pending_for
from storage.site_settings import get_site_settings
from storage.sites import get_class, get_site

END = ConversationHandler.END
EARLIER_BOARD = N_(
    "This board is from an earlier day. For a late entry, use 🧴 Disinfection in our private chat."
)
OPEN_PRIVATE_CHAT = N_("Please open a private chat with me and send /start first.")


async def step_board(update: Update, context: BotContext, args: list[str]) -> int:
    """A tap on the group's board: continue privately with the method picker."""
    _ = context._
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    room = rooms.load(context, args[1], args[0])
    if context.person is None or not may_disinfect(context.roles, room.area):
        return await rooms.refuse(update, context, _(views.NOT_ALLOWED))
    if room.day != local_today(room.site, context.app.clock()):
        return await rooms.refuse(
            update,
            context,
            _(EARLIER_BOARD),
        )
    text, markup = views.method_picker(
        _, rooms.title(context, room), room, get_site_settings(room.site)
    )
    try:
        await context.bot.send_message(update.effective_user.id, text, reply_markup=markup)
    except Forbidden:
        return await rooms.refuse(update, context, _(OPEN_PRIVATE_CHAT))
    await query.answer(_("I sent you the next step in our private chat."))
    return END


async def step_board_class(update: Update, context: BotContext, args: list[str]) -> int:
    """A class button of a large school's board: that class's rooms, in private chat."""
    _ = context._
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    day, class_id = views.parse_day(args[0]), int(args[1])
    school_class = get_class(session=context.db, class_id=class_id)
    site = get_site(session=context.db, site_id=school_class.site_id) if school_class else None
    if site is None or context.person is None:
        return await rooms.refuse(update, context, _(views.NOT_ALLOWED))
    now = context.app.clock()
    if day != local_today(site, now):
        return await rooms.refuse(update, context, _(EARLIER_BOARD))
    pending = pending_for(session=context.db, sites=[site], roles=context.roles, day=day, now=now)
    mine = [a for a in pending if a.area.class_id == class_id]
    if not mine:
        return await rooms.refuse(update, context, _(views.NOT_ALLOWED))
    text, markup = views.room_picker(_, context.language, day, day, mine)
    try:
        await context.bot.send_message(update.effective_user.id, text, reply_markup=markup)
    except Forbidden:
        return await rooms.refuse(update, context, _(OPEN_PRIVATE_CHAT))
    await query.answer(_("I sent you the next step in our private chat."))
    return END
