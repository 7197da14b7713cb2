"""A photo sent right after a confirmation is attached to it; anyone else is told plainly."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers import hints
from handlers.common import reply
from handlers.disinfection import rooms
from storage.disinfection import attach_photo


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo sent shortly after a confirmation is attached to that record."""
    message = update.effective_message
    person = context.person
    if message is None or not message.photo:
        return
    if person is None or person.id is None or not rooms.disinfecting_sites(context):
        await hints.on_stray_photo(update, context)
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
    room = rooms.load(context, record.area_id, record.day)
    await reply(
        update, context._("📷 Photo attached to {room}.").format(room=rooms.title(context, room))
    )
