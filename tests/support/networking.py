"""An offline Bot API: records every call the bot makes and answers like Telegram would."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from sandbox.errors import QUERY_TOO_OLD, ApiError, bad_request
from sandbox.markup import validate_markup

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "后勤助手",
    "username": "houqin_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": True,
    "supports_inline_queries": False,
}
TOKEN = "7000000001:TEST-token-not-real"
# What a downloaded photo contains: the JPEG start-of-image marker and a little data.
FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"offline-photo" + b"\xff\xd9"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)
    # Uploaded files (photos, documents) by field name: (file name, bytes, MIME type).
    files: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, row by row."""
        markup = _markup(self.params)
        rows = markup.get("inline_keyboard", []) if markup else []
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    def keyboard(self) -> list[str]:
        """Labels of a reply keyboard (the persistent menu)."""
        markup = _markup(self.params)
        rows = markup.get("keyboard", []) if markup else []
        return [b["text"] if isinstance(b, dict) else b for row in rows for b in row]


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = params.get("reply_markup")
    return json.loads(markup) if isinstance(markup, str) else markup


@dataclass
class OfflineRequest(BaseRequest):
    calls: list[Call] = field(default_factory=list)
    next_message_id: int = 100
    # Answers to return instead of success, by method: tests use this for Telegram errors.
    failures: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    # Answering a callback query twice is refused, as Telegram does ("query is too old").
    # Off by default: an update retried after a database outage answers its tap again.
    strict_answers: bool = False
    answered_queries: set[str] = field(default_factory=set)
    # Files users sent, by file id: served by getFile and the file download URL.
    files: dict[str, bytes] = field(default_factory=dict)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        if "/file/bot" in url:  # a download of a file that getFile gave the path of
            self.calls.append(Call("download", {"url": url}, None))
            return 200, self.files.get(api_method, FAKE_JPEG)
        params = dict(request_data.parameters) if request_data else {}
        if api_method in self.failures:
            status, body = self.failures[api_method]
            self.calls.append(Call(api_method, params, body))
            return status, json.dumps(body).encode()
        try:
            self._refuse_like_telegram(api_method, params)
        except ApiError as error:
            self.calls.append(Call(api_method, params, error.to_json()))
            return error.code, json.dumps(error.to_json()).encode()
        result = self._answer(api_method, params)
        files = dict(request_data.multipart_data or {}) if request_data else {}
        self.calls.append(Call(api_method, params, result, files=files))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _refuse_like_telegram(self, method: str, params: dict[str, Any]) -> None:
        """What real Telegram answers 400 to (the sandbox's rules, with its exact texts):
        a markup of none of the four kinds (an empty keyboard serialises as `{}`), a bad
        inline button, and (with `strict_answers`) a callback query answered twice."""
        if "reply_markup" in params:
            raw = params["reply_markup"]
            try:
                markup = validate_markup(json.loads(raw) if isinstance(raw, str) else raw)
            except ValueError:
                raise bad_request("can't parse reply keyboard markup JSON object") from None
            if method.startswith("editMessage") and markup and "inline_keyboard" not in markup:
                raise bad_request("inline keyboard expected")
        if method == "answerCallbackQuery" and self.strict_answers:
            query_id = str(params.get("callback_query_id"))
            if query_id in self.answered_queries:
                raise bad_request(QUERY_TOO_OLD)
            self.answered_queries.add(query_id)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return []
        if method in {"sendMessage", "sendPhoto", "sendDocument"}:
            self.next_message_id += 1
            return self.message(params, self.next_message_id)
        if method in {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}:
            edited = self.message(params, int(params.get("message_id", 0)))
            if method == "editMessageCaption":  # the photo stays; only its caption changed
                edited["photo"] = [
                    {"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}
                ]
                edited["caption"] = params.get("caption", "")
            return edited
        if method == "getFile":
            file_id = str(params.get("file_id", ""))
            if file_id in self.files:  # a document a test user sent
                return {"file_id": file_id, "file_unique_id": file_id,
                        "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}  # fmt: skip
            return {
                "file_id": file_id,
                "file_unique_id": f"u-{file_id}"[:32],
                "file_size": len(FAKE_JPEG),
                "file_path": f"photos/{file_id}.jpg",
            }
        if method == "getChatMember":
            return {"status": "administrator", "user": BOT_USER, "can_be_edited": False}
        return True

    def message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id < 0:
            chat["title"] = "Staff"
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
        }
        if "text" in params:
            message["text"] = params["text"]
        if "photo" in params:
            message["photo"] = [
                {"file_id": "photo-1", "file_unique_id": "p1", "width": 1, "height": 1}
            ]
            message["caption"] = params.get("caption", "")
        markup = _markup(params)
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    # Reading what the bot did, for assertions.
    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        wanted = {method} if method else {"sendMessage", "sendPhoto", "sendDocument"}
        return [
            c
            for c in self.calls
            if c.method in wanted and (chat_id is None or c.chat_id == chat_id)
        ]

    def last(self, chat_id: int | None = None, method: str | None = None) -> Call:
        found = self.sent(chat_id, method)
        assert found, f"the bot sent nothing ({method or 'messages'}) to {chat_id}"
        return found[-1]

    def clear(self) -> None:
        self.calls.clear()
