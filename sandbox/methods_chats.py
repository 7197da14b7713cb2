"""getMe, chats and members, leaveChat, menu button, files, bot profile."""

from __future__ import annotations

from typing import Any

from sandbox.access import known_chat
from sandbox.backend import Backend, Method
from sandbox.errors import bad_request
from sandbox.params import Params
from sandbox.serialize import (
    chat_full_info_json,
    chat_member_json,
    chat_member_update,
    get_me_json,
)
from sandbox.state import ADMIN_STATUSES

JsonDict = dict[str, Any]


async def get_me(b: Backend, p: Params) -> JsonDict:
    return get_me_json(b.world)


async def get_chat(b: Backend, p: Params) -> JsonDict:
    return chat_full_info_json(b.world, known_chat(b.world, p.chat_id()))


async def get_chat_member(b: Backend, p: Params) -> JsonDict:
    chat = known_chat(b.world, p.chat_id())
    user_id = p.integer("user_id")
    if user_id is None or user_id not in b.world.users:
        raise bad_request("user not found")
    if chat.user_id is not None and user_id not in (chat.user_id, b.world.bot.id):
        raise bad_request("user not found")
    return chat_member_json(b.world, chat, user_id)


async def get_chat_administrators(b: Backend, p: Params) -> list[JsonDict]:
    chat = known_chat(b.world, p.chat_id())
    if not chat.is_group:
        raise bad_request("there are no administrators in the private chat")
    admins = [uid for uid, status in chat.members.items() if status in ADMIN_STATUSES]
    return [chat_member_json(b.world, chat, uid) for uid in admins]


async def get_chat_member_count(b: Backend, p: Params) -> int:
    chat = known_chat(b.world, p.chat_id())
    if not chat.is_group:
        return 2
    return sum(1 for uid in chat.members if chat.is_member(uid))


async def leave_chat(b: Backend, p: Params) -> bool:
    chat = known_chat(b.world, p.chat_id())
    if not chat.is_group:
        raise bad_request("chat member status can't be changed in private chats")
    old = chat.status_of(b.world.bot.id)
    if old not in ADMIN_STATUSES and old != "member":
        raise bad_request("chat not found")
    chat.members[b.world.bot.id] = "left"
    update = chat_member_update(b.world, chat, b.world.bot, b.world.bot.id, old, "left")
    b.updates.push("my_chat_member", update)
    b.world.changed()
    return True


async def set_chat_menu_button(b: Backend, p: Params) -> bool:
    button = p.json("menu_button") or {"type": "default"}
    if p.has("chat_id"):
        known_chat(b.world, p.chat_id()).menu_button = button
    else:
        b.world.profile["menu_button"] = button
    return True


async def get_chat_menu_button(b: Backend, p: Params) -> JsonDict:
    if p.has("chat_id"):
        button = known_chat(b.world, p.chat_id()).menu_button
        if button is not None:
            return button
    default = b.world.profile.get("menu_button")
    return default if isinstance(default, dict) else {"type": "commands"}


async def get_file(b: Backend, p: Params) -> JsonDict:
    stored = b.world.files.get(p.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.to_file_json()


def _profile_setter(key: str, limit: int) -> Method:
    async def setter(b: Backend, p: Params) -> bool:
        value = p.text(key) or ""
        if len(value) > limit:
            raise bad_request(f"{key} is too long")
        language = p.text("language_code") or ""
        b.world.profile[f"{key}:{language}"] = value
        return True

    return setter


def _profile_getter(key: str) -> Method:
    async def getter(b: Backend, p: Params) -> JsonDict:
        language = p.text("language_code") or ""
        return {key: b.world.profile.get(f"{key}:{language}", "")}

    return getter


async def accept(b: Backend, p: Params) -> bool:
    """Methods that only change things the sandbox does not model (logOut, close)."""
    return True


METHODS: dict[str, Method] = {
    "getme": get_me,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatadministrators": get_chat_administrators,
    "getchatmembercount": get_chat_member_count,
    "leavechat": leave_chat,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "getfile": get_file,
    "setmyname": _profile_setter("name", 64),
    "getmyname": _profile_getter("name"),
    "setmydescription": _profile_setter("description", 512),
    "getmydescription": _profile_getter("description"),
    "setmyshortdescription": _profile_setter("short_description", 120),
    "getmyshortdescription": _profile_getter("short_description"),
    "logout": accept,
    "close": accept,
}
