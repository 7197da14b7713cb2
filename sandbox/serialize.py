"""Bot API JSON shapes (User, Chat, Message, ChatMember…) built from the world."""

from __future__ import annotations

from typing import Any

from sandbox.state import PRIVATE, Chat, Message, User, World

JsonDict = dict[str, Any]

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


def user_json(user: User) -> JsonDict:
    data: JsonDict = {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        value = getattr(user, key)
        if value and not (user.is_bot and key == "language_code"):
            data[key] = value
    return data


def chat_json(world: World, chat: Chat) -> JsonDict:
    data: JsonDict = {"id": chat.id, "type": chat.type}
    if chat.type == PRIVATE and chat.user_id is not None:
        user = world.users[chat.user_id]
        data["first_name"] = user.first_name
        if user.last_name:
            data["last_name"] = user.last_name
        if user.username:
            data["username"] = user.username
    else:
        data["title"] = chat.title or ""
        if chat.username:
            data["username"] = chat.username
    return data


def chat_full_info_json(world: World, chat: Chat) -> JsonDict:
    data = chat_json(world, chat)
    data.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    if chat.pinned_message_id is not None:
        pinned = world.find_message(chat.id, chat.pinned_message_id)
        if pinned is not None:
            data["pinned_message"] = message_json(world, pinned)
    return data


def message_json(world: World, message: Message, *, with_reply: bool = True) -> JsonDict:
    chat = world.chats[message.chat_id]
    data: JsonDict = {
        "message_id": message.message_id,
        "from": user_json(world.users[message.from_id]),
        "chat": chat_json(world, chat),
        "date": message.date,
    }
    if message.text is not None:
        data["text"] = message.text
        if message.entities:
            data["entities"] = message.entities
    if message.caption is not None:
        data["caption"] = message.caption
        if message.caption_entities:
            data["caption_entities"] = message.caption_entities
    if message.photo is not None:
        data["photo"] = message.photo
    if message.document is not None:
        data["document"] = message.document
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    # Only inline keyboards are part of a Message; reply keyboards live in the client.
    if message.inline_keyboard is not None:
        data["reply_markup"] = {"inline_keyboard": message.inline_keyboard}
    data.update(message.service)
    if message.forward_origin is not None:
        data["forward_origin"] = message.forward_origin
    if with_reply and message.reply_to_message_id is not None:
        replied = world.find_message(chat.id, message.reply_to_message_id)
        if replied is not None:
            data["reply_to_message"] = message_json(world, replied, with_reply=False)
    return data


def chat_member_json(world: World, chat: Chat, user_id: int, status: str | None = None) -> JsonDict:
    user = world.users[user_id]
    status = status or chat.status_of(user_id)
    data: JsonDict = {"status": status, "user": user_json(user)}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(can_be_edited=False, is_anonymous=False)
        data.update({right: True for right in _ADMIN_RIGHTS})
    elif status == "kicked":
        data["until_date"] = 0
    return data


def chat_member_update(
    world: World, chat: Chat, actor: User, user_id: int, old_status: str, new_status: str
) -> JsonDict:
    """ChatMemberUpdated: the body of `my_chat_member` and `chat_member` updates."""
    return {
        "chat": chat_json(world, chat),
        "from": user_json(actor),
        "date": world.now(),
        "old_chat_member": chat_member_json(world, chat, user_id, old_status),
        "new_chat_member": chat_member_json(world, chat, user_id, new_status),
    }


def get_me_json(world: World) -> JsonDict:
    data = user_json(world.bot)
    data.update(
        can_join_groups=True,
        can_read_all_group_messages=False,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return data
