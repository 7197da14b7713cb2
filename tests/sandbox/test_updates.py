"""Updates reach the bot like from Telegram: long polling, privacy mode, callbacks, webhooks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict

from sandbox import SandboxError, SandboxServer
from tests.sandbox.conftest import TOKEN, free_port


async def confirm_all(bot: Bot) -> tuple[Update, ...]:
    """Read every pending update and confirm it, as a polling bot does."""
    updates = await bot.get_updates()
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1)
    return updates


@pytest.mark.asyncio
async def test_long_poll_returns_as_soon_as_a_user_writes(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("王丽")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    server.users.send_text(user, "/start INV42")
    updates = await poll
    assert time.monotonic() - started < 2
    message = updates[0].message
    assert message is not None
    assert message.text == "/start INV42"
    assert message.entities[0].type == "bot_command"
    # Confirming by offset removes it; the next poll waits for new ones only.
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


@pytest.mark.asyncio
async def test_a_second_poller_ends_the_first_with_conflict(
    server: SandboxServer, bot: Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with server.make_bot() as another_instance:
        second = asyncio.create_task(another_instance.get_updates(timeout=0))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await first
        assert await second == ()


@pytest.mark.asyncio
async def test_privacy_mode_lets_only_commands_mentions_and_replies_through(
    server: SandboxServer, bot: Bot
) -> None:
    director = server.users.create_user("王丽")
    caregiver = server.users.create_user("李芳")
    group = server.users.create_group("后勤群", [director, caregiver])
    await confirm_all(bot)  # the bot's own join updates
    card = await bot.send_message(group.id, "今日消毒")
    server.users.send_text(caregiver, "大家好", chat=group)
    server.users.send_text(caregiver, "/today", chat=group)
    server.users.send_text(caregiver, "/today@other_bot", chat=group)
    server.users.send_text(caregiver, "请 @houqin_bot 看看", chat=group)
    server.users.send_text(director, "收到", chat=group, reply_to=card.message_id)
    seen = [u.message.text for u in await confirm_all(bot) if u.message]
    assert seen == ["/today", "请 @houqin_bot 看看", "收到"]
    server.users.set_privacy(group, False)
    server.users.send_text(caregiver, "闲聊", chat=group)
    [latest] = await confirm_all(bot)
    assert latest.message is not None
    assert latest.message.text == "闲聊"
    assert len(server.users.messages(group)) >= 8  # everyone still sees every message


@pytest.mark.asyncio
async def test_adding_the_bot_to_a_group_sends_my_chat_member(
    server: SandboxServer, bot: Bot
) -> None:
    director = server.users.create_user("王丽")
    group = server.users.create_group("后勤群", [director], bot_member=False)
    server.users.add_member(group, server.bot_user, by=director)
    updates = await bot.get_updates()
    kinds = [u.my_chat_member or u.message for u in updates]
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "member"
    assert updates[0].my_chat_member.from_user.id == director.id
    assert updates[1].message is not None
    assert updates[1].message.new_chat_members[0].id == server.bot_user.id
    assert len(kinds) == 2


@pytest.mark.asyncio
async def test_button_press_round_trip_shows_the_toast(server: SandboxServer, bot: Bot) -> None:
    caregiver = server.users.create_user("李芳")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("已消毒", callback_data="dis:v1:1")]])
    card = await bot.send_message(caregiver.id, "活动室消毒", reply_markup=markup)
    query = server.users.press_button(caregiver, card.message_id, data="dis:v1:1")
    [update] = await bot.get_updates()
    callback = update.callback_query
    assert callback is not None
    assert (callback.data, callback.from_user.id, callback.id) == (
        "dis:v1:1",
        caregiver.id,
        query.id,
    )
    assert callback.message is not None
    assert callback.message.message_id == card.message_id
    assert await callback.answer("已记录 ✅")
    assert query.answer == {"text": "已记录 ✅", "show_alert": False, "url": None, "cache_time": 0}
    assert server.users.answers_for(caregiver) == [query]
    with pytest.raises(BadRequest, match="Query is too old"):
        await callback.answer("again")


@pytest.mark.asyncio
async def test_pressing_a_button_that_is_not_there_fails_clearly(
    server: SandboxServer, bot: Bot
) -> None:
    caregiver = server.users.create_user("李芳")
    card = await bot.send_message(caregiver.id, "没有按钮")
    with pytest.raises(SandboxError, match="has no button"):
        server.users.press_button(caregiver, card.message_id, data="x")


@asynccontextmanager
async def webhook_receiver(port: int, status: list[int]) -> AsyncIterator[list[dict[str, Any]]]:
    """A tiny bot-side web server; answers with the next status code in `status`."""
    received: list[dict[str, Any]] = []

    async def handle(request: web.Request) -> web.Response:
        code = status.pop(0) if status else 200
        if code == 200:
            received.append(
                {
                    "secret": request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                    "update": await request.json(),
                }
            )
        return web.Response(status=code)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield received
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_webhook_gets_updates_with_the_secret_and_retries_failures(
    server: SandboxServer, bot: Bot
) -> None:
    port = free_port()
    user = server.users.create_user("王丽")
    async with webhook_receiver(port, status=[500]) as received:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        server.users.send_text(user, "/start")
        await server.users.wait_until(lambda: bool(received), timeout=5)
        info = await bot.get_webhook_info()
    assert received[0]["secret"] == "s3cret"
    assert received[0]["update"]["message"]["text"] == "/start"
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


@pytest.mark.asyncio
async def test_form_and_json_bodies_are_both_accepted(server: SandboxServer) -> None:
    user = server.users.create_user("王丽")
    url = f"{server.url}/bot{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": user.id, "text": "json"}) as reply:
            assert (await reply.json())["result"]["text"] == "json"
        async with http.post(url, data={"chat_id": str(user.id), "text": "form"}) as reply:
            assert (await reply.json())["result"]["text"] == "form"
        async with http.get(url, params={"chat_id": str(user.id), "text": "query"}) as reply:
            assert (await reply.json())["result"]["text"] == "query"


@pytest.mark.asyncio
async def test_allowed_updates_filters_new_updates(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("王丽")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    card = await bot.send_message(user.id, "卡片", reply_markup=markup)
    await bot.get_updates(allowed_updates=["message"])
    server.users.press_button(user, card, data="ok")
    server.users.send_text(user, "你好")
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["你好"]
    assert all(u.callback_query is None for u in updates)
