"""Ending or aborting a running UV session (the 结束 / 中止 buttons)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.parsing import require_id
from bot.views import disinfection as views
from handlers.disinfection import rooms
from jobs.disinfection import request_board_refresh
from storage.disinfection import DisinfectionError, abort_uv, end_uv, get_record, may_disinfect
from storage.outbox import get_outbound

END = ConversationHandler.END
log = logging.getLogger(__name__)


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
        text = _("{room}: UV session aborted; the room is still to do.").format(room=title)
    else:
        operator = context.person.display_name
        zone = ZoneInfo(site.timezone)
        text = views.recorded(_, title, record, operator, zone, context.language)
    await rooms.show(update, text)
    await _retire_other_messages(context, record_id, text, query.message)
    request_board_refresh(context.app, site.id or 0, record.day)
    return END


async def _retire_other_messages(
    context: BotContext, record_id: int, text: str, pressed: object
) -> None:
    """The session is over: the other messages about it lose their spent buttons."""
    pressed_id = pressed.message_id if isinstance(pressed, Message) else None
    for key in rooms.running_message_keys(record_id):
        posted = get_outbound(session=context.db, key=key)
        if posted is None or posted.message_id is None or posted.message_id == pressed_id:
            continue
        try:
            await context.bot.edit_message_text(text, posted.chat_id, posted.message_id)
        except BadRequest as error:  # deleted by the user, or already showing this
            log.info("UV message %s not edited: %s", key, error)
