"""People and groups on the user side: create, join, leave, block the bot."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.delivery import deliver_message
from sandbox.serialize import chat_member_update, user_json
from sandbox.state import ADMIN_STATUSES, Chat, User, World
from sandbox.updates import UpdateQueue

UserRef = User | int
# A User stands for their private chat with the bot (its id is the user's id).
ChatRef = Chat | User | int


class SandboxError(Exception):
    """Something a real Telegram client would not let this user do."""


class PeopleApi:
    def __init__(self, world: World, updates: UpdateQueue) -> None:
        self.world = world
        self.updates = updates

    @property
    def bot(self) -> User:
        return self.world.bot

    def user(self, ref: UserRef) -> User:
        user = self.world.users.get(ref if isinstance(ref, int) else ref.id)
        if user is None:
            raise SandboxError(f"no such user: {ref!r}")
        return user

    def chat(self, ref: ChatRef) -> Chat:
        if isinstance(ref, User):
            return self.world.private_chat(ref.id)
        chat = self.world.chats.get(ref if isinstance(ref, int) else ref.id)
        if chat is None:
            raise SandboxError(f"no such chat: {ref!r}")
        return chat

    def create_user(
        self,
        first_name: str,
        *,
        label: str = "",
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "zh-hans",
        user_id: int | None = None,
        started: bool = True,
    ) -> User:
        """A person; `started=False` means they never opened the bot (it cannot write)."""
        fields: dict[str, Any] = dict(
            label=label,
            username=username,
            last_name=last_name,
            language_code=language_code,
            started=started,
        )
        if user_id is not None:
            fields["id"] = user_id
        return self.world.add_user(first_name, **fields)

    def private_chat(self, user: UserRef) -> Chat:
        return self.world.private_chat(self.user(user).id)

    def create_group(
        self,
        title: str,
        members: Iterable[UserRef] = (),
        *,
        creator: UserRef | None = None,
        admins: Iterable[UserRef] = (),
        bot_member: bool = True,
        bot_admin: bool = False,
        privacy: bool = True,
        supergroup: bool = True,
        username: str | None = None,
    ) -> Chat:
        """A group; adding the bot sends it `my_chat_member` and a join message."""
        people = [self.user(m) for m in members]
        owner = self.user(creator) if creator is not None else (people[0] if people else None)
        chat = self.world.add_group(title, supergroup=supergroup, privacy=privacy)
        chat.username = username
        for person in people:
            chat.members[person.id] = "member"
        for admin in admins:
            chat.members[self.user(admin).id] = "administrator"
        if owner is not None:
            chat.members[owner.id] = "creator"
        if bot_member:
            self.add_member(chat, self.bot, by=owner, as_admin=bot_admin)
        return chat

    def set_privacy(self, chat: ChatRef, enabled: bool) -> None:
        """Like /setprivacy in @BotFather, for one group."""
        self.chat(chat).privacy = enabled
        self.world.changed()

    def add_member(
        self,
        chat: ChatRef,
        user: UserRef,
        *,
        by: UserRef | None = None,
        as_admin: bool = False,
    ) -> None:
        group, person = self.chat(chat), self.user(user)
        actor = self.user(by) if by is not None else person
        old = group.status_of(person.id)
        new = "administrator" if as_admin else "member"
        group.members[person.id] = new
        self._member_changed(group, actor, person, old, new)
        self._service_message(group, actor, {"new_chat_members": [user_json(person)]})

    def remove_member(self, chat: ChatRef, user: UserRef, *, by: UserRef | None = None) -> None:
        """Removed by someone else means banned ("kicked"); by oneself means "left"."""
        group, person = self.chat(chat), self.user(user)
        actor = self.user(by) if by is not None else person
        old = group.status_of(person.id)
        new = "left" if actor.id == person.id else "kicked"
        group.members[person.id] = new
        self._member_changed(group, actor, person, old, new)
        self._service_message(group, actor, {"left_chat_member": user_json(person)})

    def promote(self, chat: ChatRef, user: UserRef, *, admin: bool = True) -> None:
        group, person = self.chat(chat), self.user(user)
        old = group.status_of(person.id)
        new = "administrator" if admin else "member"
        group.members[person.id] = new
        self._member_changed(group, person, person, old, new)
        self.world.changed()

    def block_bot(self, user: UserRef) -> None:
        self._set_blocked(self.user(user), True)

    def unblock_bot(self, user: UserRef) -> None:
        self._set_blocked(self.user(user), False)

    def _set_blocked(self, person: User, blocked: bool) -> None:
        if person.blocked_bot == blocked:
            return
        person.blocked_bot = blocked
        chat = self.world.private_chat(person.id)
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        update = chat_member_update(self.world, chat, person, self.bot.id, old, new)
        self.updates.push("my_chat_member", update)
        self.world.changed()

    def _member_changed(self, chat: Chat, actor: User, person: User, old: str, new: str) -> None:
        if old == new:
            return
        update = chat_member_update(self.world, chat, actor, person.id, old, new)
        if person.id == self.bot.id:
            self.updates.push("my_chat_member", update)
        elif chat.status_of(self.bot.id) in ADMIN_STATUSES:
            # Only admins get chat_member, and only when they ask for it by name.
            self.updates.push("chat_member", update)

    def _service_message(self, chat: Chat, actor: User, service: dict[str, Any]) -> None:
        message = self.world.add_message(chat, actor.id, service=service)
        deliver_message(self.world, self.updates, chat, message)
