"""Reply markup: validation like Telegram's, and who sees which reply keyboard."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.state import Chat, Message

JsonDict = dict[str, Any]
CALLBACK_DATA_MAX_BYTES = 64
_TEXT_BUTTONS = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "web_app",
    "callback_game",
    "pay",
)


def validate_markup(markup: Any) -> JsonDict | None:
    """Normalised markup, or ApiError with Telegram's description."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return {**markup, "inline_keyboard": _inline_rows(markup["inline_keyboard"])}
    if "keyboard" in markup:
        return {**markup, "keyboard": _reply_rows(markup["keyboard"])}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _rows(rows: Any) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return rows


def _inline_rows(rows: Any) -> list[list[JsonDict]]:
    result = []
    for row in _rows(rows):
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request(_TEXT_BUTTONS)
            if not any(k in button for k in _INLINE_ACTIONS):
                raise bad_request(_TEXT_BUTTONS)
            data = button.get("callback_data")
            if data is not None:
                size = len(str(data).encode())
                if size < 1 or size > CALLBACK_DATA_MAX_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
        result.append(list(row))
    return result


def _reply_rows(rows: Any) -> list[list[JsonDict]]:
    result = []
    for row in _rows(rows):
        buttons = [b if isinstance(b, dict) else {"text": str(b)} for b in row]
        if any(not b.get("text") for b in buttons):
            raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
        result.append(buttons)
    return result


def reply_keyboard_audience(chat: Chat, message: Message, mentioned: set[int]) -> list[int]:
    """Users whose reply keyboard this message changes (`selective` narrows it)."""
    if chat.user_id is not None:
        return [chat.user_id]
    markup = message.reply_markup or {}
    if not markup.get("selective"):
        return [uid for uid in chat.members if chat.is_member(uid)]
    audience = set(mentioned)
    if message.reply_to_message_id is not None:
        for other in chat.messages:
            if other.message_id == message.reply_to_message_id:
                audience.add(other.from_id)
    return sorted(audience)


def apply_reply_keyboard(chat: Chat, message: Message, mentioned: set[int]) -> None:
    """Remember the reply keyboard (or its removal) each affected user now sees."""
    markup = message.reply_markup
    if not markup or "inline_keyboard" in markup:
        return
    for user_id in reply_keyboard_audience(chat, message, mentioned):
        if "keyboard" in markup:
            chat.reply_keyboards[user_id] = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboards.pop(user_id, None)
