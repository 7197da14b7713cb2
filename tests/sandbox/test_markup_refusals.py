"""The sandbox refuses reply markup as Telegram does, so an empty keyboard is caught early;
the offline Bot API of the other tests refuses the same with the same text."""

from __future__ import annotations

import json

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest

from sandbox import SandboxServer
from tests.sandbox.conftest import TOKEN
from tests.support.networking import OfflineRequest

UNPARSABLE = "Bad Request: can't parse reply keyboard markup JSON object"
NOT_MARKUP = ["{}", '{"inline": []}', '{"remove_keyboard": false}', "[1]", '"text"', "{"]


@pytest.mark.asyncio
@pytest.mark.parametrize("markup", NOT_MARKUP)
async def test_a_markup_of_none_of_the_four_kinds_is_refused(
    server: SandboxServer, markup: str
) -> None:
    user = server.users.create_user("李芳")
    async with aiohttp.ClientSession() as http:
        url = f"{server.url}/bot{TOKEN}/sendMessage"
        params = {"chat_id": user.id, "text": "卡片", "reply_markup": markup}
        async with http.post(url, data=params) as reply:
            body = await reply.json()

    assert (reply.status, body["description"]) == (400, UNPARSABLE)


@pytest.mark.asyncio
async def test_ptb_s_empty_inline_keyboard_is_refused_by_the_sandbox(
    server: SandboxServer, bot: Bot
) -> None:
    user = server.users.create_user("李芳")

    with pytest.raises(BadRequest, match="parse reply keyboard markup"):
        await bot.send_message(user.id, "全部完成", reply_markup=InlineKeyboardMarkup([]))

    sent = await bot.send_message(user.id, "全部完成")
    with pytest.raises(BadRequest, match="parse reply keyboard markup"):
        await bot.edit_message_text(
            "全部完成", user.id, sent.message_id, reply_markup=InlineKeyboardMarkup([])
        )


@pytest.mark.parametrize("markup", NOT_MARKUP)
async def test_the_offline_bot_api_refuses_the_same(markup: str) -> None:
    request = OfflineRequest()
    async with Bot(TOKEN, request=request) as bot:
        with pytest.raises(BadRequest, match="parse reply keyboard markup"):
            await bot.send_message(
                1, "卡片", reply_markup=json.loads(markup) if markup != "{" else markup
            )  # type: ignore[arg-type]
