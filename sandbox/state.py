"""The emulator's in-memory world: people, chats, messages, callback queries.

Plain Python on purpose (no aiohttp, no asyncio), so the rules can be unit-tested and
both the Bot API side and the user side share one source of truth.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.files import FileStore

JsonDict = dict[str, Any]

PRIVATE = "private"
GROUP = "group"
SUPERGROUP = "supergroup"
# Statuses under which a user (or the bot) can read and write in a group.
ACTIVE_STATUSES = frozenset({"creator", "administrator", "member"})
ADMIN_STATUSES = frozenset({"creator", "administrator"})


@dataclass
class User:
    id: int
    first_name: str
    is_bot: bool = False
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None
    label: str = ""  # role shown in the page only, e.g. "园长"; never sent to the bot
    blocked_bot: bool = False
    started: bool = True  # False: the user never opened the bot, so it cannot write first

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"{self.label} {name}".strip()


@dataclass
class Edit:
    """A version of a message as it was before an edit."""

    date: int
    text: str | None
    caption: str | None
    reply_markup: JsonDict | None


@dataclass
class Message:
    chat_id: int
    message_id: int
    from_id: int
    date: int
    text: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    source_text: str | None = None  # the bot's text before parse_mode was applied
    parse_mode: str | None = None
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    photo: list[JsonDict] | None = None
    document: JsonDict | None = None
    reply_markup: JsonDict | None = None  # as sent: inline, reply keyboard, remove, force
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    history: list[Edit] = field(default_factory=list)
    deleted: bool = False
    service: JsonDict = field(default_factory=dict)  # new_chat_members, left_chat_member…
    forward_origin: JsonDict | None = None

    @property
    def edit_count(self) -> int:
        return len(self.history)

    @property
    def inline_keyboard(self) -> list[list[JsonDict]] | None:
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            rows: list[list[JsonDict]] = self.reply_markup["inline_keyboard"]
            return rows
        return None

    def inline_buttons(self) -> list[JsonDict]:
        return [button for row in self.inline_keyboard or [] for button in row]


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    user_id: int | None = None  # the person in a private chat
    username: str | None = None
    members: dict[int, str] = field(default_factory=dict)  # user id → member status
    privacy: bool = True  # Telegram's default for new bots
    messages: list[Message] = field(default_factory=list)
    next_message_id: int = 1
    reply_keyboards: dict[int, JsonDict] = field(default_factory=dict)  # user id → markup
    menu_button: JsonDict | None = None
    pinned_message_id: int | None = None
    last_action: str | None = None

    @property
    def is_group(self) -> bool:
        return self.type in (GROUP, SUPERGROUP)

    def status_of(self, user_id: int) -> str:
        if self.type == PRIVATE:
            return "member"
        return self.members.get(user_id, "left")

    def is_member(self, user_id: int) -> bool:
        return self.status_of(user_id) in ACTIVE_STATUSES

    def visible_messages(self) -> list[Message]:
        return [m for m in self.messages if not m.deleted]


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: JsonDict | None = None  # text, show_alert, url once the bot answered
    answered_version: int = 0  # world version at the answer, so the page can show new toasts


class World:
    """Everything the emulated Telegram knows. Mutations call `changed()`."""

    def __init__(self, bot: User, *, wall_clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.wall_clock = wall_clock
        self.users: dict[int, User] = {bot.id: bot}
        self.chats: dict[int, Chat] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.profile: dict[str, Any] = {}  # setMyName, setMyDescription, menu button
        self.version = 0
        self.listeners: list[Callable[[], None]] = []
        self._user_ids = itertools.count(100_001)
        self._group_ids = itertools.count(1)
        self._query_ids = itertools.count(4_400_000_000_000_001)

    def changed(self) -> None:
        self.version += 1
        for listener in list(self.listeners):
            listener()

    def now(self) -> int:
        return int(self.wall_clock())

    def add_user(self, first_name: str, **fields: Any) -> User:
        user_id = fields.pop("id", None) or next(self._user_ids)
        if user_id in self.users:
            raise ValueError(f"user {user_id} exists")
        user = User(id=user_id, first_name=first_name, **fields)
        self.users[user.id] = user
        if user.started:
            self.private_chat(user.id)
        self.changed()
        return user

    def private_chat(self, user_id: int) -> Chat:
        """The user's private chat with the bot; in Telegram its id is the user id."""
        chat = self.chats.get(user_id)
        if chat is None:
            chat = Chat(id=user_id, type=PRIVATE, user_id=user_id)
            self.chats[user_id] = chat
        return chat

    def add_group(self, title: str, *, supergroup: bool = True, privacy: bool = True) -> Chat:
        n = next(self._group_ids)
        # Telegram's shapes: basic groups are small negatives, supergroups -100….
        chat_id = -(1_000_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        chat = Chat(
            id=chat_id,
            type=SUPERGROUP if supergroup else GROUP,
            title=title,
            privacy=privacy,
        )
        self.chats[chat_id] = chat
        self.changed()
        return chat

    def add_message(self, chat: Chat, from_id: int, **fields: Any) -> Message:
        message = Message(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            from_id=from_id,
            date=self.now(),
            **fields,
        )
        chat.next_message_id += 1
        chat.messages.append(message)
        self.changed()
        return message

    def find_message(self, chat_id: int, message_id: int) -> Message | None:
        chat = self.chats.get(chat_id)
        if chat is None:
            return None
        for message in chat.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def add_callback_query(self, user_id: int, message: Message, data: str) -> CallbackQuery:
        query = CallbackQuery(
            id=str(next(self._query_ids)),
            user_id=user_id,
            chat_id=message.chat_id,
            message_id=message.message_id,
            data=data,
        )
        self.callback_queries[query.id] = query
        self.changed()
        return query

    def groups_of(self, user_id: int) -> list[Chat]:
        return [c for c in self.chats.values() if c.is_group and c.is_member(user_id)]

    def find_chat_by_username(self, username: str) -> Chat | None:
        name = username.lstrip("@").lower()
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None


def chat_instance(chat_id: int) -> str:
    """A stable opaque id per chat, as Telegram sends in callback queries."""
    return str(abs(chat_id) * 7_919 + 1_234_567_890_123)
