"""Which user messages reach the bot (group privacy mode) and the updates they become."""

from __future__ import annotations

from sandbox.access import bot_is_admin
from sandbox.entities import utf16_slice
from sandbox.serialize import JsonDict, message_json
from sandbox.state import Chat, Message, World
from sandbox.updates import UpdateQueue


def bot_receives(world: World, chat: Chat, message: Message) -> bool:
    """Telegram's privacy mode: in groups a bot sees commands, replies to it, mentions
    of it and service messages; an admin bot or one with privacy off sees everything."""
    if chat.user_id is not None:
        return not world.users[chat.user_id].blocked_bot
    if not chat.is_member(world.bot.id):
        return False
    if message.service or not chat.privacy or bot_is_admin(world, chat):
        return True
    if _addresses_bot(world, message):
        return True
    if message.reply_to_message_id is not None:
        replied = world.find_message(chat.id, message.reply_to_message_id)
        return replied is not None and replied.from_id == world.bot.id
    return False


def _addresses_bot(world: World, message: Message) -> bool:
    text = message.text if message.text is not None else message.caption or ""
    entities = message.entities if message.text is not None else message.caption_entities
    username = (world.bot.username or "").lower()
    for entity in entities:
        piece = utf16_slice(text, entity["offset"], entity["length"]).lower()
        if entity["type"] == "mention" and piece == f"@{username}":
            return True
        if entity["type"] == "bot_command" and entity["offset"] == 0:
            _, _, addressee = piece.partition("@")
            if addressee in ("", username):
                return True
    return False


def deliver_message(
    world: World, updates: UpdateQueue, chat: Chat, message: Message
) -> JsonDict | None:
    """Queue a `message` update if the bot would receive this message."""
    if not bot_receives(world, chat, message):
        return None
    return updates.push("message", message_json(world, message))
