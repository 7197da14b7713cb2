"""The user side as Python calls: what a person does in a Telegram client, and what
they see. Tests and the page's HTTP endpoints both go through this class."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sandbox.deeplink import parse_start_link
from sandbox.delivery import deliver_message
from sandbox.entities import detect_entities
from sandbox.faults import FaultInjector, FaultSettings
from sandbox.people import ChatRef, PeopleApi, SandboxError, UserRef
from sandbox.serialize import message_json, user_json
from sandbox.state import CallbackQuery, Chat, Message, User, World, chat_instance
from sandbox.updates import UpdateQueue
from sandbox.waiting import ChangeWaiter

JsonDict = dict[str, Any]


class MessageLike(Protocol):
    """Our Message or python-telegram-bot's: anything with these two ids."""

    @property
    def message_id(self) -> int: ...

    @property
    def chat_id(self) -> int: ...


MessageRef = MessageLike | int

__all__ = ["SandboxError", "UserApi"]


class UserApi(PeopleApi):
    def __init__(
        self, world: World, updates: UpdateQueue, faults: FaultInjector | None = None
    ) -> None:
        super().__init__(world, updates)
        self.waiter = ChangeWaiter(world)
        self.faults = faults or FaultInjector()

    # --- Telegram having a bad day --------------------------------------------------------

    def set_faults(self, **settings: Any) -> FaultSettings:
        """Make the Bot API fail, e.g. `set_faults(error_500=0.3, seed=7)`; see sandbox.faults."""
        return self.faults.configure(**settings)

    def clear_faults(self) -> None:
        self.faults.clear()

    # --- acting -------------------------------------------------------------------------

    def send_text(
        self,
        user: UserRef,
        text: str,
        *,
        chat: ChatRef | None = None,
        reply_to: MessageRef | None = None,
    ) -> Message:
        """Type and send `text`; /commands and @mentions get entities like in Telegram."""
        if not text.strip():
            raise SandboxError("message text is empty")
        sender, target = self._writer(user, chat)
        message = self.world.add_message(
            target,
            sender.id,
            text=text,
            entities=detect_entities(text),
            reply_to_message_id=self._reply_id(target, reply_to),
        )
        deliver_message(self.world, self.updates, target, message)
        return message

    def send_photo(
        self,
        user: UserRef,
        data: bytes,
        *,
        chat: ChatRef | None = None,
        caption: str | None = None,
        filename: str = "photo.jpg",
    ) -> Message:
        stored = self.world.files.add(data, kind="photo", file_name=filename)
        return self._send_media(user, chat, caption, photo=stored.to_photo_sizes())

    def send_document(
        self,
        user: UserRef,
        data: bytes,
        *,
        filename: str,
        chat: ChatRef | None = None,
        caption: str | None = None,
        mime_type: str = "application/octet-stream",
    ) -> Message:
        stored = self.world.files.add(
            data, kind="document", file_name=filename, mime_type=mime_type
        )
        return self._send_media(user, chat, caption, document=stored.to_document())

    def start(self, user: UserRef, code: str | None = None) -> Message:
        """Press START in the bot's private chat, optionally from a deep link."""
        person = self.user(user)
        person.started = True
        return self.send_text(person, f"/start {code}" if code else "/start")

    def open_link(self, user: UserRef, link: str) -> Message:
        """Open a `t.me/<bot>?start=<code>` link as this user."""
        code = parse_start_link(link, self.bot.username or "")
        if code is None:
            raise SandboxError(f"not a link to @{self.bot.username}: {link}")
        return self.start(user, code or None)

    def press_button(
        self,
        user: UserRef,
        message: MessageRef,
        *,
        data: str | None = None,
        text: str | None = None,
        chat: ChatRef | None = None,
    ) -> CallbackQuery:
        """Tap an inline button (found by callback_data or by label)."""
        presser = self.user(user)
        target = self._message(presser, message, chat)
        button = self._find_button(target, data, text)
        query = self.world.add_callback_query(presser.id, target, button["callback_data"])
        self.updates.push(
            "callback_query",
            {
                "id": query.id,
                "from": user_json(presser),
                "message": message_json(self.world, target),
                "chat_instance": chat_instance(target.chat_id),
                "data": query.data,
            },
        )
        return query

    def tap_reply_button(self, user: UserRef, text: str, *, chat: ChatRef | None = None) -> Message:
        """Tap a button of the reply keyboard under the input field (sends its text)."""
        person = self.user(user)
        target = self.chat(chat) if chat is not None else self.private_chat(person)
        markup = target.reply_keyboards.get(person.id)
        labels = [b["text"] for row in (markup or {}).get("keyboard", []) for b in row]
        if text not in labels:
            raise SandboxError(f"no reply keyboard button {text!r}; shown: {labels}")
        if markup and markup.get("one_time_keyboard"):
            target.reply_keyboards.pop(person.id, None)
        return self.send_text(person, text, chat=target)

    # --- reading ------------------------------------------------------------------------

    def messages(self, chat: ChatRef) -> list[Message]:
        return self.chat(chat).visible_messages()

    def bot_messages(self, chat: ChatRef, *, include_deleted: bool = False) -> list[Message]:
        group = self.chat(chat)
        shown = group.messages if include_deleted else group.visible_messages()
        return [m for m in shown if m.from_id == self.bot.id]

    def last_bot_message(self, chat: ChatRef) -> Message | None:
        sent = self.bot_messages(chat)
        return sent[-1] if sent else None

    def reply_keyboard(self, user: UserRef, chat: ChatRef | None = None) -> list[list[str]]:
        """Labels of the reply keyboard this user sees now ([] when none)."""
        person = self.user(user)
        target = self.chat(chat) if chat is not None else self.private_chat(person)
        markup = target.reply_keyboards.get(person.id) or {}
        return [[b["text"] for b in row] for row in markup.get("keyboard", [])]

    def answers_for(self, user: UserRef) -> list[CallbackQuery]:
        """The user's button presses that the bot answered, oldest first."""
        person = self.user(user)
        return [
            q
            for q in self.world.callback_queries.values()
            if q.user_id == person.id and q.answer is not None
        ]

    # --- waiting (the bot works concurrently) ----------------------------------------

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        await self.waiter.wait_until(predicate, timeout, what)

    async def wait_for_bot_message(
        self, chat: ChatRef, *, after: MessageRef = 0, timeout: float = 5.0
    ) -> Message:
        """The first bot message in `chat` newer than message `after`."""
        floor = after if isinstance(after, int) else after.message_id

        def newer() -> list[Message]:
            return [m for m in self.bot_messages(chat) if m.message_id > floor]

        await self.wait_until(lambda: bool(newer()), timeout, "a new bot message")
        return newer()[0]

    async def wait_for_answer(self, query: CallbackQuery, timeout: float = 5.0) -> JsonDict:
        await self.wait_until(lambda: query.answer is not None, timeout, "a callback answer")
        assert query.answer is not None
        return query.answer

    async def wait_for_edit(
        self, message: Message, *, count: int | None = None, timeout: float = 5.0
    ) -> Message:
        """Wait until `message` was edited `count` times in all (default: once more)."""
        target = message.edit_count + 1 if count is None else count
        await self.wait_until(lambda: message.edit_count >= target, timeout, "an edit")
        return message

    # --- helpers ------------------------------------------------------------------------

    def _writer(self, user: UserRef, chat: ChatRef | None) -> tuple[User, Chat]:
        person = self.user(user)
        target = self.private_chat(person) if chat is None else self.chat(chat)
        if target.user_id is None:
            if not target.is_member(person.id):
                raise SandboxError(f"{person.display_name} is not a member of {target.title}")
            return person, target
        if target.user_id != person.id:
            raise SandboxError("that is someone else's private chat")
        if person.blocked_bot:
            raise SandboxError(f"{person.display_name} blocked the bot; unblock it first")
        person.started = True  # writing to a bot starts it, as pressing START does
        return person, target

    def _reply_id(self, chat: Chat, reply_to: MessageRef | None) -> int | None:
        if reply_to is None:
            return None
        message_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
        if self.world.find_message(chat.id, message_id) is None:
            raise SandboxError(f"no message {message_id} to reply to")
        return message_id

    def _send_media(
        self, user: UserRef, chat: ChatRef | None, caption: str | None, **media: Any
    ) -> Message:
        sender, target = self._writer(user, chat)
        message = self.world.add_message(
            target,
            sender.id,
            caption=caption,
            caption_entities=detect_entities(caption) if caption else [],
            **media,
        )
        deliver_message(self.world, self.updates, target, message)
        return message

    def _message(self, user: User, ref: MessageRef, chat: ChatRef | None) -> Message:
        if isinstance(ref, int):
            chat_id = self.chat(chat).id if chat is not None else user.id
            message_id = ref
        else:
            chat_id, message_id = ref.chat_id, ref.message_id
        found = self.world.find_message(chat_id, message_id)
        if found is None:
            raise SandboxError(f"message {message_id} is not in chat {chat_id} (deleted?)")
        where = self.world.chats[chat_id]
        sees = where.user_id == user.id if where.user_id is not None else where.is_member(user.id)
        if not sees:
            raise SandboxError(f"{user.display_name} cannot see chat {chat_id}")
        return found

    @staticmethod
    def _find_button(message: Message, data: str | None, text: str | None) -> JsonDict:
        for button in message.inline_buttons():
            if "callback_data" not in button:
                continue
            if (data is not None and button["callback_data"] == data) or (
                data is None and text is not None and button["text"] == text
            ):
                return button
        shown = [(b.get("text"), b.get("callback_data")) for b in message.inline_buttons()]
        raise SandboxError(
            f"message {message.message_id} has no button data={data!r} text={text!r}; "
            f"it has {shown}"
        )
