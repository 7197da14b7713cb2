"""forwardMessage, copyMessage, deleteMessages."""

from __future__ import annotations

from typing import Any

from sandbox.access import bot_is_admin, known_chat, writable_chat
from sandbox.backend import Backend, Method
from sandbox.errors import bad_request
from sandbox.methods_send import post_message, read_markup, render_caption, reply_target
from sandbox.params import Params
from sandbox.serialize import user_json
from sandbox.state import Message

JsonDict = dict[str, Any]
_CONTENT = ("text", "entities", "caption", "caption_entities", "photo", "document")


def _source(b: Backend, p: Params, missing: str) -> Message:
    from_chat = known_chat(b.world, p.chat_id_of("from_chat_id"))
    message_id = p.integer("message_id")
    message = b.world.find_message(from_chat.id, message_id) if message_id else None
    if message is None or message.service:
        raise bad_request(missing)
    return message


async def forward_message(b: Backend, p: Params) -> JsonDict:
    chat = writable_chat(b.world, p.chat_id())
    source = _source(b, p, "message to forward not found")
    origin = {
        "type": "user",
        "date": source.date,
        "sender_user": user_json(b.world.users[source.from_id]),
    }
    content = {key: getattr(source, key) for key in _CONTENT}
    return post_message(b, chat, "forwardMessage", forward_origin=origin, **content)


async def copy_message(b: Backend, p: Params) -> JsonDict:
    chat = writable_chat(b.world, p.chat_id())
    source = _source(b, p, "message to copy not found")
    content = {key: getattr(source, key) for key in _CONTENT}
    if p.has("caption") and (source.photo or source.document):
        content["caption"], content["caption_entities"] = render_caption(p)
    sent = post_message(
        b,
        chat,
        "copyMessage",
        reply_markup=read_markup(p),
        reply_to_message_id=reply_target(b.world, chat, p),
        **content,
    )
    return {"message_id": sent["message_id"]}


async def delete_messages(b: Backend, p: Params) -> bool:
    chat = known_chat(b.world, p.chat_id())
    ids = p.json("message_ids") or []
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must be a non-empty list of at most 100 ids")
    for message_id in ids:
        message = b.world.find_message(chat.id, int(message_id))
        if message is None:
            continue
        mine = message.from_id == b.world.bot.id
        if chat.is_group and not mine and not bot_is_admin(b.world, chat):
            continue
        message.deleted = True
    b.world.changed()
    return True


METHODS: dict[str, Method] = {
    "forwardmessage": forward_message,
    "copymessage": copy_message,
    "deletemessages": delete_messages,
}
