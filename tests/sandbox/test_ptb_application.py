"""The real PTB Application runs against the sandbox, by long polling and by webhook."""

from __future__ import annotations

import pytest

from sandbox import SandboxServer
from tests.sandbox.conftest import free_port
from tests.sandbox.echo_bot import build_echo_app


async def user_story(server: SandboxServer) -> None:
    """A parent opens an invitation link, writes, and confirms with the button."""
    parent = server.users.create_user("陈明", label="家长")
    opened = server.users.open_link(parent, "https://t.me/houqin_bot?start=INV42")
    welcome = await server.users.wait_for_bot_message(parent, after=opened)
    assert welcome.text == "欢迎！邀请码：INV42"
    said = server.users.send_text(parent, "孩子今天请假")
    echo = await server.users.wait_for_bot_message(parent, after=said)
    assert echo.text == "收到：孩子今天请假"
    query = server.users.press_button(parent, echo, text="确认")
    assert (await server.users.wait_for_answer(query))["text"] == "已确认 ✅"
    await server.users.wait_for_edit(echo)
    assert echo.text == "收到：孩子今天请假（已确认）"
    assert echo.inline_keyboard is None  # the edit dropped the button, as in Telegram


@pytest.mark.asyncio
async def test_polling_application_answers_and_edits(server: SandboxServer) -> None:
    app = build_echo_app(server)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            await user_story(server)
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.mark.asyncio
async def test_webhook_application_answers_and_edits(server: SandboxServer) -> None:
    app = build_echo_app(server)
    port = free_port()
    async with app:
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg-hook",
            webhook_url=f"http://127.0.0.1:{port}/tg-hook",
            secret_token="sandbox-secret",
        )
        await app.start()
        try:
            await user_story(server)
            assert server.updates.webhook.secret_token == "sandbox-secret"
            assert server.updates.webhook.delivered >= 3
        finally:
            await app.updater.stop()
            await app.stop()
