"""The webhook server (PTB's tornado server, as `houqin run --webhook` starts it): the secret
is checked before the body is read, bodies are capped, and what is not an update is a 400."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.webhook import MAX_BODY
from tests.support.telegram import Telegram, User, text_message

SECRET = "s3cret-webhook-token"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
JSON = {"Content-Type": "application/json"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def hook(telegram: Telegram) -> AsyncIterator[str]:
    port = _free_port()
    assert telegram.app.updater is not None
    await telegram.app.updater.start_webhook(
        listen="127.0.0.1", port=port, url_path="hook", secret_token=SECRET
    )
    yield f"http://127.0.0.1:{port}/hook"
    await telegram.app.updater.stop()


async def _post(url: str, body: bytes, secret: str | None = SECRET) -> int:
    headers = {**JSON, **({HEADER: secret} if secret else {})}
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as r:
        return r.status


async def test_no_secret_is_refused_before_a_huge_body_is_sent(hook: str) -> None:
    host, port = "127.0.0.1", int(hook.split(":")[2].split("/")[0])
    reader, writer = await asyncio.open_connection(host, port)
    # Headers promising 60 MB, then only a few bytes: the answer must not wait for the rest.
    writer.write(
        b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 60000000\r\n\r\n{"update_id":'
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()

    assert status_line.startswith(b"HTTP/1.1 403")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"", 400),
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'{"hello": 1}', 400),
        (b"{" + b" " * (MAX_BODY + 1) + b"}", 413),
    ],
)
async def test_what_is_not_an_update_is_refused_plainly(
    hook: str, body: bytes, status: int
) -> None:
    assert await _post(hook, body) == status


async def test_a_wrong_secret_is_refused_and_a_right_one_is_answered(
    hook: str, telegram: Telegram
) -> None:
    update = {"update_id": 91, "message": text_message(User(5301, "路人"), "/start")}
    body = json.dumps(update).encode()

    assert await _post(hook, body, secret="wrong") == 403
    assert await _post(hook, body) == 200
    for _ in range(200):
        if telegram.request.sent(5301):
            break
        await asyncio.sleep(0.02)
    assert "邀请链接" in telegram.request.last(5301).text
