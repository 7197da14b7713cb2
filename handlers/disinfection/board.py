"""A tap on the staff group's board: check who it is, then continue in private chat."""

from __future__ import annotations

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.views import disinfection as views
from handlers.disinfection import rooms
from storage.disinfection import local_today, may_disinfect
from storage.site_settings import get_site_settings

END = ConversationHandler.END


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
            _(
                "This board is from an earlier day. For a late entry, use 🧴 Disinfection in our private chat."
            ),
        )
    text, markup = views.method_picker(
        _, rooms.title(context, room), room, get_site_settings(room.site)
    )
    try:
        await context.bot.send_message(update.effective_user.id, text, reply_markup=markup)
    except Forbidden:
        return await rooms.refuse(
            update, context, _("Please open a private chat with me and send /start first.")
        )
    await query.answer(_("I sent you the next step in our private chat."))
    return END
