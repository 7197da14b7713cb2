"""Chats and members as the bot sees them: getChat*, leaveChat, pins, actions, menu button."""

from __future__ import annotations

import pytest
from telegram import Bot, MenuButtonCommands, MenuButtonDefault
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden

from sandbox import SandboxServer
from tests.sandbox.test_units import tiny_png


@pytest.mark.asyncio
async def test_group_members_and_admins(server: SandboxServer, bot: Bot) -> None:
    director = server.users.create_user("王丽", label="园长")
    caregiver = server.users.create_user("李芳")
    outsider = server.users.create_user("陈明")
    group = server.users.create_group("后勤群", [director, caregiver], bot_admin=True)
    chat = await bot.get_chat(group.id)
    assert (chat.title, chat.type) == ("后勤群", "supergroup")
    assert (await bot.get_chat_member(group.id, director.id)).status == "creator"
    assert (await bot.get_chat_member(group.id, caregiver.id)).status == "member"
    assert (await bot.get_chat_member(group.id, outsider.id)).status == "left"
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {director.id, server.bot_user.id}
    assert await bot.get_chat_member_count(group.id) == 3
    private = await bot.get_chat(director.id)
    assert (private.type, private.first_name) == ("private", "王丽")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(-100999)


@pytest.mark.asyncio
async def test_bot_leaving_a_group_can_no_longer_post(server: SandboxServer, bot: Bot) -> None:
    director = server.users.create_user("王丽")
    group = server.users.create_group("后勤群", [director])
    assert await bot.leave_chat(group.id)
    last = server.updates.history[-1]["my_chat_member"]
    assert last["new_chat_member"]["status"] == "left"
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.send_message(group.id, "hi")


@pytest.mark.asyncio
async def test_rights_in_groups_without_admin(server: SandboxServer, bot: Bot) -> None:
    director = server.users.create_user("王丽")
    group = server.users.create_group("后勤群", [director])
    said = server.users.send_text(director, "/today", chat=group)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(group.id, said.message_id)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("x", group.id, said.message_id)
    card = await bot.send_message(group.id, "今日卡片")
    with pytest.raises(BadRequest, match="Not enough rights to manage pinned messages"):
        await bot.pin_chat_message(group.id, card.message_id)
    server.users.promote(group, server.bot_user)
    assert await bot.pin_chat_message(group.id, card.message_id)
    assert group.pinned_message_id == card.message_id
    assert await bot.delete_message(group.id, said.message_id)
    assert said.deleted


@pytest.mark.asyncio
async def test_chat_action_and_menu_button(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("赵强")
    assert await bot.send_chat_action(user.id, ChatAction.UPLOAD_PHOTO)
    assert server.users.private_chat(user).last_action == "upload_photo"
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert await bot.set_chat_menu_button(user.id, MenuButtonDefault())
    assert isinstance(await bot.get_chat_menu_button(user.id), MenuButtonDefault)


@pytest.mark.asyncio
async def test_hazard_photo_forwarded_and_copied_to_the_group(
    server: SandboxServer, bot: Bot
) -> None:
    guard = server.users.create_user("门卫 老张")
    maintenance = server.users.create_user("赵强")
    group = server.users.create_group("维修群", [maintenance])
    photo = server.users.send_photo(guard, tiny_png(), caption="门口台阶破损")
    forwarded = await bot.forward_message(group.id, guard.id, photo.message_id)
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.sender_user.id == guard.id  # type: ignore[attr-defined]
    assert forwarded.caption == "门口台阶破损"
    copied = await bot.copy_message(group.id, guard.id, photo.message_id, caption="报修 #12")
    stored = server.state.find_message(group.id, copied.message_id)
    assert stored is not None and stored.caption == "报修 #12" and stored.photo == photo.photo
    assert await bot.delete_messages(group.id, [forwarded.message_id, copied.message_id])
    assert server.users.bot_messages(group) == []
