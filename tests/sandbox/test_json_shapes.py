"""Every JSON shape the sandbox produces parses with python-telegram-bot's de_json,
with no unknown fields left over (a typo in a field name would land in api_kwargs)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import (
    Bot,
    CallbackQuery,
    ChatFullInfo,
    ChatMember,
    ChatMemberUpdated,
    File,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    TelegramObject,
    Update,
    User,
    WebhookInfo,
)

from sandbox import SandboxServer
from sandbox.serialize import (
    chat_full_info_json,
    chat_member_json,
    chat_member_update,
    get_me_json,
    message_json,
)
from tests.sandbox.test_units import tiny_png


def assert_parses(cls: type[TelegramObject], data: dict[str, Any], bot: Bot) -> TelegramObject:
    parsed = cls.de_json(data, bot)
    leftovers = [o for o in _walk(parsed) if o.api_kwargs]
    assert not leftovers, f"unknown fields: {[o.api_kwargs for o in leftovers]}"
    return parsed


def _walk(obj: object) -> list[TelegramObject]:
    if isinstance(obj, TelegramObject):
        found = [obj]
        slots = {s for cls in type(obj).__mro__ for s in getattr(cls, "__slots__", ())}
        for slot in slots - {"_bot", "_frozen", "api_kwargs"}:
            found.extend(_walk(getattr(obj, slot, None)))
        return found
    if isinstance(obj, tuple | list):
        return [x for item in obj for x in _walk(item)]
    return []


@pytest.mark.asyncio
async def test_all_shapes_parse_cleanly(server: SandboxServer, bot: Bot) -> None:
    world, users = server.state, server.users
    director = users.create_user("王丽", label="园长", username="wangli", last_name="王")
    group = users.create_group("后勤群", [director], bot_admin=True)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("已消毒", callback_data="d:1")]])
    card = await bot.send_message(
        group.id, "<b>卡片</b> @wangli", parse_mode="HTML", reply_markup=markup
    )
    await bot.edit_message_text("卡片 v2", group.id, card.message_id, reply_markup=markup)
    photo = await bot.send_photo(
        group.id, tiny_png(), caption="图", reply_to_message_id=card.message_id
    )
    doc = await bot.send_document(director.id, b"x", filename="a.txt")
    assert doc.document is not None
    users.press_button(director, card.message_id, chat=group, data="d:1")
    users.block_bot(director)

    stored_photo = world.find_message(group.id, photo.message_id)
    assert stored_photo is not None
    assert_parses(Message, message_json(world, stored_photo), bot)
    assert_parses(User, get_me_json(world), bot)
    assert_parses(ChatFullInfo, chat_full_info_json(world, group), bot)
    assert_parses(ChatFullInfo, chat_full_info_json(world, world.private_chat(director.id)), bot)
    for status in ("creator", "administrator", "member", "left", "kicked"):
        member = assert_parses(ChatMember, chat_member_json(world, group, director.id, status), bot)
        assert isinstance(member, ChatMember) and member.status == status
    update = chat_member_update(world, group, director, world.bot.id, "left", "administrator")
    assert_parses(ChatMemberUpdated, update, bot)
    for queued in server.updates.history:
        assert_parses(Update, queued, bot)
    callback = next(u for u in server.updates.history if "callback_query" in u)
    assert_parses(CallbackQuery, callback["callback_query"], bot)
    assert_parses(PhotoSize, photo.photo[-1].to_dict(), bot)
    assert_parses(File, (await bot.get_file(doc.document.file_id)).to_dict(), bot)
    assert_parses(WebhookInfo, (await bot.get_webhook_info()).to_dict(), bot)
    assert {next(k for k in u if k != "update_id") for u in server.updates.history} == {
        "message",
        "my_chat_member",
        "callback_query",
    }
