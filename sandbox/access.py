"""Which chats the bot may see and write to, with Telegram's refusals."""

from __future__ import annotations

from sandbox.errors import bad_request, forbidden
from sandbox.state import ACTIVE_STATUSES, ADMIN_STATUSES, SUPERGROUP, Chat, World


def known_chat(world: World, chat_id: int | str) -> Chat:
    """A chat the bot has ever been in (private chats: the user started the bot)."""
    if isinstance(chat_id, str):
        chat = world.find_chat_by_username(chat_id)
    else:
        chat = world.chats.get(chat_id)
    if chat is None:
        user = world.users.get(chat_id) if isinstance(chat_id, int) else None
        if user is not None and not user.is_bot:
            raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    if chat.is_group and world.bot.id not in chat.members:
        raise bad_request("chat not found")
    if chat.user_id is not None and not world.users[chat.user_id].started:
        raise forbidden("bot can't initiate conversation with a user")
    return chat


def writable_chat(world: World, chat_id: int | str) -> Chat:
    """A chat the bot may post to right now, or Telegram's 403."""
    chat = known_chat(world, chat_id)
    if chat.user_id is not None:
        user = world.users[chat.user_id]
        if user.blocked_bot:
            raise forbidden("bot was blocked by the user")
        return chat
    status = chat.status_of(world.bot.id)
    if status in ACTIVE_STATUSES:
        return chat
    kind = "supergroup chat" if chat.type == SUPERGROUP else "group chat"
    if status == "kicked":
        raise forbidden(f"bot was kicked from the {kind}")
    raise forbidden(f"bot is not a member of the {kind}")


def bot_is_admin(world: World, chat: Chat) -> bool:
    return chat.status_of(world.bot.id) in ADMIN_STATUSES
