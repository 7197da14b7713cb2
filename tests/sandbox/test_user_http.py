"""The page's JSON API: pick a person, write, tap buttons, open links, see updates live."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
)

from sandbox import SandboxServer
from tests.sandbox.test_units import tiny_png


async def call(http: aiohttp.ClientSession, url: str, body: dict[str, Any] | None = None) -> Any:
    if body is None:
        async with http.get(url) as reply:
            return await reply.json()
    async with http.post(url, json=body) as reply:
        return await reply.json()


@pytest.mark.asyncio
async def test_person_opens_an_invitation_and_sees_keyboards(
    server: SandboxServer, bot: Bot
) -> None:
    api = f"{server.url}/sandbox/api"
    async with aiohttp.ClientSession() as http:
        created = await call(http, f"{api}/users", {"first_name": "王丽", "label": "园长"})
        me = created["user"]["id"]
        boot = await call(http, f"{api}/bootstrap")
        assert [u["name"] for u in boot["users"]] == ["园长 王丽"]
        link = "https://t.me/houqin_bot?start=INV7"
        opened = await call(http, f"{api}/open_link", {"user_id": me, "link": link})
        assert server.users.messages(me)[-1].text == "/start INV7"
        assert opened["chat_id"] == me

        buttons = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
        await bot.send_message(me, "菜单", reply_markup=ReplyKeyboardMarkup([["今日概况"]]))
        await bot.send_message(me, f"<b>卡片</b> {link}", parse_mode="HTML", reply_markup=buttons)
        view = await call(http, f"{api}/view?user_id={me}&chat_id={me}&since=-1")
        assert view["reply_keyboard"] == [["今日概况"]]
        shown = view["messages"][-1]
        assert shown["buttons"] == [[{"text": "好", "data": "ok", "url": None}]]
        assert 'data-start="INV7"' in shown["html"]
        tapped = await call(http, f"{api}/tap", {"user_id": me, "chat_id": me, "text": "今日概况"})
        assert tapped["ok"] and server.users.messages(me)[-1].text == "今日概况"
        bad = await call(http, f"{api}/tap", {"user_id": me, "chat_id": me, "text": "不存在"})
        assert bad["ok"] is False and "no reply keyboard button" in bad["error"]


@pytest.mark.asyncio
async def test_waiting_page_sees_the_edit_and_the_alert(server: SandboxServer, bot: Bot) -> None:
    api = f"{server.url}/sandbox/api"
    me = server.users.create_user("李芳").id
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="ok")]])
    card = await bot.send_message(me, "卡片", reply_markup=buttons)
    async with aiohttp.ClientSession() as http:
        pressed = await call(
            http,
            f"{api}/press",
            {"user_id": me, "chat_id": me, "message_id": card.message_id, "data": "ok"},
        )
        await bot.answer_callback_query(pressed["callback_query_id"], "好的", show_alert=True)
        # A long poll that started before the edit ends with the edited card.
        version = server.state.version
        waiting = asyncio.create_task(
            call(http, f"{api}/view?user_id={me}&chat_id={me}&since={version}&wait=5")
        )
        await asyncio.sleep(0.1)
        await bot.edit_message_text("卡片（已处理）", me, card.message_id)
        after = await waiting
        edited = next(m for m in after["messages"] if m["id"] == card.message_id)
        assert (edited["text"], edited["edit_count"]) == ("卡片（已处理）", 1)
        toasts = (await call(http, f"{api}/view?user_id={me}&since=-1"))["toasts"]
        assert toasts[0]["text"] == "好的" and toasts[0]["show_alert"] is True


@pytest.mark.asyncio
async def test_page_photo_upload_reaches_the_bot(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("赵强", label="维修工")
    form = aiohttp.FormData()
    form.add_field("user_id", str(user.id))
    form.add_field("chat_id", str(user.id))
    form.add_field("photo", tiny_png(), filename="broken.png", content_type="image/png")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/sandbox/api/send_photo", data=form) as reply:
            assert (await reply.json())["ok"]
        [update] = await bot.get_updates()
        assert update.message is not None
        file = await update.message.photo[-1].get_file()
        assert bytes(await file.download_as_bytearray()) == tiny_png()
        async with http.get(f"{server.url}/") as page:
            assert "选择身份" in await page.text()


@pytest.mark.asyncio
async def test_force_reply_makes_the_page_answer_that_message(
    server: SandboxServer, bot: Bot
) -> None:
    user = server.users.create_user("李芳")
    question = await bot.send_message(user.id, "请输入温度", reply_markup=ForceReply())
    async with aiohttp.ClientSession() as http:
        view = await call(
            http, f"{server.url}/sandbox/api/view?user_id={user.id}&chat_id={user.id}"
        )
        assert view["force_reply_to"] == question.message_id
    answer = server.users.send_text(user, "36.5", reply_to=view["force_reply_to"])
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.message_id == question.message_id
    assert answer.reply_to_message_id == question.message_id
