"""What the browser page shows one person: their chats, a chat's messages, toasts."""

from __future__ import annotations

from typing import Any

from sandbox.render import entities_to_html
from sandbox.state import Chat, Message, User, World

JsonDict = dict[str, Any]


def user_view(user: User) -> JsonDict:
    return {
        "id": user.id,
        "name": user.display_name,
        "first_name": user.first_name,
        "label": user.label,
        "username": user.username,
        "blocked_bot": user.blocked_bot,
        "started": user.started,
    }


def chat_title(world: World, chat: Chat) -> str:
    if chat.user_id is not None:
        return world.bot.first_name
    return chat.title or str(chat.id)


def chats_of(world: World, user: User) -> list[JsonDict]:
    chats = [world.private_chat(user.id), *world.groups_of(user.id)]
    return [
        {"id": c.id, "type": c.type, "title": chat_title(world, c), "privacy": c.privacy}
        for c in chats
    ]


def _service_text(world: World, message: Message) -> str | None:
    actor = world.users[message.from_id].display_name
    if "new_chat_members" in message.service:
        names = "、".join(u["first_name"] for u in message.service["new_chat_members"])
        return f"{actor} 邀请 {names} 加入了群组"
    if "left_chat_member" in message.service:
        return f"{message.service['left_chat_member']['first_name']} 离开了群组"
    return None


def _buttons(message: Message) -> list[list[JsonDict]]:
    rows = []
    for row in message.inline_keyboard or []:
        rows.append(
            [{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
        )
    return rows


def message_view(world: World, message: Message, viewer_id: int) -> JsonDict:
    sender = world.users[message.from_id]
    bot_name = world.bot.username or ""
    view: JsonDict = {
        "id": message.message_id,
        "from_id": sender.id,
        "from_name": sender.display_name,
        "is_bot": sender.is_bot,
        "outgoing": sender.id == viewer_id,
        "date": message.date,
        "text": message.text,
        "html": entities_to_html(message.text, message.entities, bot_name)
        if message.text is not None
        else None,
        "caption_html": entities_to_html(message.caption, message.caption_entities, bot_name)
        if message.caption is not None
        else None,
        "buttons": _buttons(message),
        "edit_count": message.edit_count,
        "service": _service_text(world, message),
        "reply_to": message.reply_to_message_id,
    }
    if message.photo:
        view["photo_url"] = f"/sandbox/api/files/{message.photo[-1]['file_id']}"
    if message.document:
        doc = message.document
        view["document"] = {
            "name": doc.get("file_name") or "file",
            "url": f"/sandbox/api/files/{doc['file_id']}",
        }
    return view


def _force_reply_to(chat: Chat, user_id: int, bot_id: int) -> int | None:
    for message in reversed(chat.visible_messages()):
        if message.from_id == bot_id:
            markup = message.reply_markup or {}
            return message.message_id if markup.get("force_reply") else None
        if message.from_id == user_id:
            return None
    return None


def snapshot(world: World, user: User, chat: Chat | None, since: int) -> JsonDict:
    """Everything the page needs after a change; cheap enough to send whole."""
    data: JsonDict = {
        "version": world.version,
        "user": user_view(user),
        "chats": chats_of(world, user),
        "toasts": [
            {"id": q.id, **(q.answer or {})}
            for q in world.callback_queries.values()
            if q.user_id == user.id and q.answer is not None and q.answered_version > since
        ],
    }
    if chat is not None:
        keyboard = chat.reply_keyboards.get(user.id) or {}
        data["chat"] = {"id": chat.id, "type": chat.type, "title": chat_title(world, chat)}
        data["messages"] = [message_view(world, m, user.id) for m in chat.visible_messages()]
        data["reply_keyboard"] = [[b["text"] for b in row] for row in keyboard.get("keyboard", [])]
        data["keyboard_placeholder"] = keyboard.get("input_field_placeholder")
        data["force_reply_to"] = _force_reply_to(chat, user.id, world.bot.id)
    return data
