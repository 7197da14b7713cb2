"""Ending or aborting a running UV session (the 结束 / 中止 buttons)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.parsing import require_id
from bot.views import disinfection as views
from handlers.disinfection import rooms
from jobs.disinfection import request_board_refresh
from storage.disinfection import DisinfectionError, abort_uv, end_uv, get_record, may_disinfect

END = ConversationHandler.END


async def step_uv_end(update: Update, context: BotContext, args: list[str]) -> int:
    return await _finish_uv(update, context, require_id(args[0]), abort=False)


async def step_uv_abort(update: Update, context: BotContext, args: list[str]) -> int:
    return await _finish_uv(update, context, require_id(args[0]), abort=True)


async def _finish_uv(update: Update, context: BotContext, record_id: int, *, abort: bool) -> int:
    _ = context._
    query = update.callback_query
    assert query is not None
    record = get_record(session=context.db, record_id=record_id)
    if record is None:
        return await rooms.refuse(
            update, context, _("This UV session was cancelled; nothing to end.")
        )
    room = rooms.load(context, record.area_id, record.day)
    site = room.site
    if not may_disinfect(context.roles, room.area):
        return await rooms.refuse(update, context, _(views.NOT_ALLOWED))
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
        return await rooms.refuse(update, context, views.error_text(_, error))
    await query.answer()
    title = rooms.title(context, room)
    if abort:
        await rooms.show(
            update, _("{room}: UV session aborted; the room is still to do.").format(room=title)
        )
    else:
        operator = context.person.display_name
        await rooms.show(
            update, views.recorded(_, title, record, operator, ZoneInfo(site.timezone))
        )
    request_board_refresh(context.app, site.id or 0, record.day)
    return END
