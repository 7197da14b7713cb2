"""sendMessage, sendPhoto, sendDocument, sendChatAction."""

from __future__ import annotations

from typing import Any

from sandbox.access import writable_chat
from sandbox.backend import Backend, Method
from sandbox.entities import (
    EntityParseError,
    detect_entities,
    merge_entities,
    parse_html,
    utf16_len,
)
from sandbox.errors import bad_request
from sandbox.files import StoredFile
from sandbox.markup import apply_reply_keyboard, validate_markup
from sandbox.params import Params, UploadedFile
from sandbox.serialize import message_json
from sandbox.state import Chat, Message, World

JsonDict = dict[str, Any]
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def render_text(p: Params, name: str, entities_name: str) -> tuple[str, list[JsonDict]]:
    """Plain text and entities after parse_mode, as Telegram stores a message."""
    source = p.text(name) or ""
    mode = (p.text("parse_mode") or "").lower()
    if mode == "html":
        try:
            plain, entities = parse_html(source)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    else:
        # Markdown modes are passed through unparsed; the project's bot uses HTML.
        plain = source
        entities = list(p.json(entities_name) or [])
    return plain, merge_entities(entities, detect_entities(plain))


def render_caption(p: Params) -> tuple[str | None, list[JsonDict]]:
    if not p.has("caption"):
        return None, []
    caption, entities = render_text(p, "caption", "caption_entities")
    if utf16_len(caption) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return caption, entities


def reply_target(world: World, chat: Chat, p: Params) -> int | None:
    reply = p.json("reply_parameters") or {}
    message_id = reply.get("message_id") or p.integer("reply_to_message_id")
    if not message_id:
        return None
    if world.find_message(chat.id, int(message_id)) is not None:
        return int(message_id)
    if reply.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


def read_markup(p: Params) -> JsonDict | None:
    return validate_markup(p.json("reply_markup", "can't parse reply keyboard markup JSON object"))


def post_message(b: Backend, chat: Chat, method: str, **fields: Any) -> JsonDict:
    """Apply the flood limit, store the bot's message, return its JSON."""
    b.check_limit(method, chat)
    message = b.world.add_message(chat, b.world.bot.id, **fields)
    apply_reply_keyboard(chat, message, mentioned_users(b.world, message))
    return message_json(b.world, message)


def mentioned_users(world: World, message: Message) -> set[int]:
    text = message.text or message.caption or ""
    names = {w[1:].lower() for w in text.split() if w.startswith("@")}
    return {u.id for u in world.users.values() if u.username and u.username.lower() in names}


async def send_message(b: Backend, p: Params) -> JsonDict:
    chat = writable_chat(b.world, p.chat_id())
    text, entities = render_text(p, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    fields = dict(
        text=text,
        entities=entities,
        source_text=p.text("text"),
        parse_mode=p.text("parse_mode"),
        reply_markup=read_markup(p),
        reply_to_message_id=reply_target(b.world, chat, p),
    )
    return post_message(b, chat, "sendMessage", **fields)


def stored_upload(world: World, value: UploadedFile | str | None, kind: str) -> StoredFile:
    """The file behind a multipart upload or an existing file_id."""
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, UploadedFile):
        return world.files.add(
            value.data, kind=kind, file_name=value.filename, mime_type=value.content_type
        )
    stored = world.files.get(value)
    if stored is not None:
        return stored
    if value.startswith(("http://", "https://")):
        # The sandbox has no internet to fetch from, so URLs fail like unreachable ones.
        raise bad_request("failed to get HTTP URL content")
    raise bad_request("wrong file identifier/HTTP URL specified")


async def _send_file(b: Backend, p: Params, kind: str, method: str) -> JsonDict:
    chat = writable_chat(b.world, p.chat_id())
    stored = stored_upload(b.world, p.file(kind), kind)
    caption, caption_entities = render_caption(p)
    media: JsonDict = (
        {"photo": stored.to_photo_sizes()}
        if kind == "photo"
        else {"document": stored.to_document()}
    )
    fields = dict(
        caption=caption,
        caption_entities=caption_entities,
        source_text=p.text("caption"),
        parse_mode=p.text("parse_mode"),
        reply_markup=read_markup(p),
        reply_to_message_id=reply_target(b.world, chat, p),
        **media,
    )
    return post_message(b, chat, method, **fields)


async def send_photo(b: Backend, p: Params) -> JsonDict:
    return await _send_file(b, p, "photo", "sendPhoto")


async def send_document(b: Backend, p: Params) -> JsonDict:
    return await _send_file(b, p, "document", "sendDocument")


async def send_chat_action(b: Backend, p: Params) -> bool:
    chat = writable_chat(b.world, p.chat_id())
    action = p.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.last_action = action
    return True


METHODS: dict[str, Method] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "sendchataction": send_chat_action,
}
