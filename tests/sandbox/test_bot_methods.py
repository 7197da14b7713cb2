"""A real python-telegram-bot `Bot` against the sandbox: answers and errors as Telegram's."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, RetryAfter

from sandbox import ManualClock, SandboxServer
from tests.sandbox.conftest import TOKEN
from tests.sandbox.test_units import tiny_png


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


@pytest.mark.asyncio
async def test_get_me_is_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "houqin_bot", True)


@pytest.mark.asyncio
async def test_director_sees_the_message_and_then_its_edit(server: SandboxServer, bot: Bot) -> None:
    director = server.users.create_user("王丽", label="园长")
    sent = await bot.send_message(
        director.id, "<b>今日消毒</b>：0/3", parse_mode="HTML", reply_markup=keyboard(("刷新", "r"))
    )
    assert sent.text == "今日消毒：0/3"
    edited = await bot.edit_message_text("今日消毒：1/3", director.id, sent.message_id)
    assert isinstance(edited, Message) and edited.edit_date is not None
    card = server.users.last_bot_message(director)
    assert card is not None
    assert (card.text, card.edit_count, card.inline_keyboard) == ("今日消毒：1/3", 1, None)
    assert card.history[0].text == "今日消毒：0/3"


@pytest.mark.asyncio
async def test_same_edit_twice_is_not_modified(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("李芳")
    markup = keyboard(("已消毒", "dis:v1:done:1"))
    sent = await bot.send_message(user.id, "活动室", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("活动室", user.id, sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=markup)


@pytest.mark.asyncio
async def test_refusals_carry_telegrams_descriptions(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("赵强")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "长" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=keyboard(("a", "d" * 65)))
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(987654321, "hello")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", user.id, 999)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(user.id, 999)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, tiny_png(), caption="字" * 1025)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(user.id, "<div>x</div>", parse_mode="HTML")


@pytest.mark.asyncio
async def test_blocked_user_is_forbidden(server: SandboxServer, bot: Bot) -> None:
    parent = server.users.create_user("陈明", label="家长")
    server.users.block_bot(parent)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(parent.id, "告家长书")
    server.users.unblock_bot(parent)
    assert (await bot.send_message(parent.id, "告家长书")).text == "告家长书"


@pytest.mark.asyncio
async def test_user_who_never_started_the_bot_cannot_be_written_to(
    server: SandboxServer, bot: Bot
) -> None:
    stranger = server.users.create_user("路人", started=False)
    server.users.private_chat(stranger)  # the page lists it; still not started
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(stranger.id, "hi")


@pytest.mark.asyncio
async def test_kicked_bot_is_forbidden_in_the_group(server: SandboxServer, bot: Bot) -> None:
    director = server.users.create_user("王丽")
    group = server.users.create_group("后勤群", [director])
    await bot.send_message(group.id, "早上好")
    server.users.remove_member(group, server.bot_user, by=director)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(group.id, "还在吗")


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_limit_raises_retry_after_with_telegrams_seconds(
    server: SandboxServer, bot: Bot, clock: ManualClock
) -> None:
    director = server.users.create_user("王丽")
    group = server.users.create_group("后勤群", [director])
    card = await bot.send_message(group.id, "0")
    for n in range(1, 20):
        clock.advance(1.0)
        await bot.edit_message_text(str(n), group.id, card.message_id)
    with pytest.raises(RetryAfter) as caught:
        await bot.edit_message_text("20", group.id, card.message_id)
    retry_after = caught.value.retry_after  # int or timedelta, depending on PTB_TIMEDELTA
    seconds = retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
    assert seconds == 41  # the first of the 20 calls leaves the window at t+60
    assert server.limits.max_in_window(group.id, 60.0) == 20


@pytest.mark.asyncio
async def test_switched_off_limits_never_answer_429(server: SandboxServer, bot: Bot) -> None:
    server.limits.enabled = False
    user = server.users.create_user("王丽")
    for n in range(40):
        await bot.send_message(user.id, f"第{n}条")
    assert len(server.users.bot_messages(user)) == 40


@pytest.mark.asyncio
async def test_reply_keyboard_is_shown_to_the_user_until_removed(
    server: SandboxServer, bot: Bot
) -> None:
    user = server.users.create_user("李芳")
    menu = ReplyKeyboardMarkup([[KeyboardButton("消毒打卡"), KeyboardButton("报修")]])
    await bot.send_message(user.id, "菜单", reply_markup=menu)
    assert server.users.reply_keyboard(user) == [["消毒打卡", "报修"]]
    tapped = server.users.tap_reply_button(user, "报修")
    assert tapped.text == "报修"
    await bot.send_message(user.id, "好", reply_markup=ReplyKeyboardRemove())
    assert server.users.reply_keyboard(user) == []


@pytest.mark.asyncio
async def test_photo_upload_getfile_and_download_round_trip(
    server: SandboxServer, bot: Bot
) -> None:
    user = server.users.create_user("赵强")
    photo_bytes = tiny_png(4, 3)
    sent = await bot.send_photo(user.id, photo_bytes, caption="<i>维修前</i>", parse_mode="HTML")
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.caption) == (4, 3, "维修前")
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    assert file.file_path.startswith(f"{server.url}/file/bot{TOKEN}/photos/")
    assert bytes(await file.download_as_bytearray()) == photo_bytes
    again = await bot.send_photo(user.id, sent.photo[-1].file_id)
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id


@pytest.mark.asyncio
async def test_document_upload_keeps_name_and_bytes(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("王丽")
    sent = await bot.send_document(user.id, b"date,room\n", filename="台账.csv")
    assert sent.document is not None
    assert sent.document.file_name == "台账.csv"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"date,room\n"


@pytest.mark.asyncio
async def test_commands_are_stored_per_scope_and_language(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("王丽")
    await bot.set_my_commands([BotCommand("start", "开始")])
    await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
    await bot.set_my_commands(
        [BotCommand("today", "今日概况")], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands([BotCommand("admin", "管理")], scope=BotCommandScopeChat(user.id))
    assert [c.description for c in await bot.get_my_commands()] == ["开始"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    groups = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())
    assert [c.command for c in groups] == ["today"]
    mine = await bot.get_my_commands(scope=BotCommandScopeChat(user.id))
    assert [c.command for c in mine] == ["admin"]
    await bot.delete_my_commands(language_code="en")
    assert await bot.get_my_commands(language_code="en") == ()


@pytest.mark.asyncio
async def test_unknown_method_and_wrong_token(server: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/bot{TOKEN}/sendTelepathy") as reply:
            assert reply.status == 404
            assert await reply.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with http.get(f"{server.url}/bot1:wrong/getMe") as reply:
            assert reply.status == 401
            assert (await reply.json())["description"] == "Unauthorized"
        async with http.get(f"{server.url}/bot{TOKEN}/GETME") as reply:
            assert (await reply.json())["result"]["username"] == "houqin_bot"
