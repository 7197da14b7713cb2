"""A person in headless Chromium: picks who they are, writes, taps, sees the edit live."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sandbox import SandboxServer
from sandbox.demo import seed_demo_people
from tests.sandbox.echo_bot import build_echo_app
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium


@pytest_asyncio.fixture
async def running_bot(server: SandboxServer) -> AsyncIterator[SandboxServer]:
    app = build_echo_app(server)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            yield server
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.mark.asyncio
async def test_person_chats_with_the_bot_in_the_page(running_bot: SandboxServer) -> None:
    from playwright.async_api import async_playwright, expect

    server = running_bot
    people = seed_demo_people(server.users)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            await page.goto(f"{server.url}/")
            await page.select_option("[data-testid=user-select]", label="小一班保育员 李芳")
            await page.fill("[data-testid=text-input]", "活动室已通风")
            await page.click("[data-testid=send-button]")
            reply = page.locator("[data-testid=message][data-from-bot='1']").last
            await expect(reply.locator("[data-testid=message-text]")).to_have_text(
                "收到：活动室已通风"
            )
            await reply.locator("[data-testid=inline-button]", has_text="确认").click()
            await expect(page.get_by_test_id("toast")).to_have_text("已确认 ✅")
            await expect(reply.locator("[data-testid=message-text]")).to_have_text(
                "收到：活动室已通风（已确认）"
            )
            await expect(reply).to_have_attribute("data-edit-count", "1")
            assert await reply.locator("[data-testid=inline-button]").count() == 0

            # An invitation link in a bot message opens the bot with /start <code>.
            async with server.make_bot() as bot:
                link = "https://t.me/houqin_bot?start=INV42"
                await bot.send_message(people.caregiver.id, f"加入链接：{link}")
            await page.locator("[data-testid=deeplink]").last.click()
            await expect(page.get_by_text("欢迎！邀请码：INV42")).to_be_visible()
        finally:
            await browser.close()
