"""editMessage*, deleteMessage, pin/unpin, answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from sandbox.access import bot_is_admin, known_chat, writable_chat
from sandbox.backend import Backend, Method
from sandbox.entities import utf16_len
from sandbox.errors import NOT_MODIFIED, QUERY_TOO_OLD, bad_request
from sandbox.methods_send import TEXT_LIMIT, read_markup, render_caption, render_text
from sandbox.params import Params
from sandbox.serialize import message_json
from sandbox.state import Chat, Edit, Message

JsonDict = dict[str, Any]
CALLBACK_ANSWER_LIMIT = 200


def _message_to_edit(b: Backend, p: Params) -> tuple[Chat, Message]:
    if p.has("inline_message_id"):
        # The sandbox has no inline mode, so no inline message can exist.
        raise bad_request("MESSAGE_ID_INVALID")
    chat = writable_chat(b.world, p.chat_id())
    message_id = p.integer("message_id")
    message = b.world.find_message(chat.id, message_id) if message_id else None
    if message is None:
        raise bad_request("message to edit not found")
    if message.from_id != b.world.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _inline_markup(p: Params) -> JsonDict | None:
    markup = read_markup(p)
    if markup is not None and "inline_keyboard" not in markup:
        raise bad_request("inline keyboard expected")
    return markup


def _apply_edit(b: Backend, chat: Chat, message: Message, method: str, **new: Any) -> JsonDict:
    """Refuse no-op edits like Telegram, rate-limit, keep the old version, apply."""
    # Telegram compares the result, not the request: the same text written with other
    # HTML tags is still "not modified".
    content = [k for k in new if k not in ("reply_markup", "source_text")]
    if _inline(message.reply_markup) == _inline(new.get("reply_markup")) and all(
        getattr(message, k) == new[k] for k in content
    ):
        raise bad_request(NOT_MODIFIED)
    b.check_limit(method, chat)
    message.history.append(
        Edit(
            date=message.edit_date or message.date,
            text=message.text,
            caption=message.caption,
            reply_markup=message.reply_markup,
        )
    )
    for key, value in new.items():
        setattr(message, key, value)
    message.edit_date = b.world.now()
    b.world.changed()
    return message_json(b.world, message)


def _inline(markup: JsonDict | None) -> Any:
    return (markup or {}).get("inline_keyboard")


async def edit_message_text(b: Backend, p: Params) -> JsonDict:
    chat, message = _message_to_edit(b, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, entities = render_text(p, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    # Like Telegram: an edit without reply_markup removes the inline keyboard.
    return _apply_edit(
        b,
        chat,
        message,
        "editMessageText",
        text=text,
        entities=entities,
        reply_markup=_inline_markup(p),
        source_text=p.text("text"),
    )


async def edit_message_caption(b: Backend, p: Params) -> JsonDict:
    chat, message = _message_to_edit(b, p)
    if message.photo is None and message.document is None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = render_caption(p)
    return _apply_edit(
        b,
        chat,
        message,
        "editMessageCaption",
        caption=caption,
        caption_entities=entities,
        reply_markup=_inline_markup(p),
    )


async def edit_message_reply_markup(b: Backend, p: Params) -> JsonDict:
    chat, message = _message_to_edit(b, p)
    return _apply_edit(b, chat, message, "editMessageReplyMarkup", reply_markup=_inline_markup(p))


async def delete_message(b: Backend, p: Params) -> bool:
    chat = known_chat(b.world, p.chat_id())
    message_id = p.integer("message_id")
    message = b.world.find_message(chat.id, message_id) if message_id else None
    if message is None:
        raise bad_request("message to delete not found")
    mine = message.from_id == b.world.bot.id
    if chat.is_group and not mine and not bot_is_admin(b.world, chat):
        raise bad_request("message can't be deleted")
    message.deleted = True
    b.world.changed()
    return True


async def pin_chat_message(b: Backend, p: Params) -> bool:
    chat = writable_chat(b.world, p.chat_id())
    if chat.is_group and not bot_is_admin(b.world, chat):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    message_id = p.integer("message_id")
    if not message_id or b.world.find_message(chat.id, message_id) is None:
        raise bad_request("message to pin not found")
    chat.pinned_message_id = message_id
    b.world.changed()
    return True


async def unpin_chat_message(b: Backend, p: Params) -> bool:
    chat = writable_chat(b.world, p.chat_id())
    if chat.is_group and not bot_is_admin(b.world, chat):
        raise bad_request("not enough rights to manage pinned messages in the chat")
    chat.pinned_message_id = None
    b.world.changed()
    return True


async def answer_callback_query(b: Backend, p: Params) -> bool:
    query = b.world.callback_queries.get(p.text("callback_query_id") or "")
    if query is None or query.answer is not None:
        raise bad_request(QUERY_TOO_OLD)
    text = p.text("text") or ""
    if utf16_len(text) > CALLBACK_ANSWER_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": p.flag("show_alert"),
        "url": p.text("url"),
        "cache_time": p.integer("cache_time", 0),
    }
    query.answered_version = b.world.version + 1
    b.world.changed()
    return True


METHODS: dict[str, Method] = {
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "pinchatmessage": pin_chat_message,
    "unpinchatmessage": unpin_chat_message,
    "answercallbackquery": answer_callback_query,
}
