"""The sandbox page as a newcomer sees it: the link box in view, bot text as Telegram shows it,
another person's toasts never replayed, and a favicon."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from sandbox import SandboxServer
from sandbox.demo import seed_demo_people
from tests.sandbox.echo_bot import build_echo_app
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium


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
async def test_the_favicon_is_served(server: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/favicon.ico") as reply:
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("image/svg+xml")
        assert "<svg" in await reply.text()


@needs_chromium
@pytest.mark.asyncio
async def test_the_page_shows_the_link_box_keeps_spaces_and_replays_no_toasts(
    running_bot: SandboxServer,
) -> None:
    from playwright.async_api import async_playwright, expect

    server = running_bot
    people = seed_demo_people(server.users)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 360, "height": 740})
            await page.goto(f"{server.url}/")
            await expect(page.get_by_test_id("link-input")).to_be_visible()  # no ⋯ needed

            await page.select_option("[data-testid=user-select]", label="小一班保育员 李芳")
            async with server.make_bot() as bot:
                await bot.send_message(people.caregiver.id, "【小一班】\n  活动室：✅")
            card = page.locator("[data-testid=message-text]", has_text="活动室")
            await expect(card).to_be_visible()
            assert await card.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
            assert "\n  活动室" in await card.inner_text()

            # 李芳 taps a button in another window, while this one shows 王丽.
            await page.select_option("[data-testid=user-select]", label="园长 王丽")
            other = await browser.new_page(viewport={"width": 360, "height": 740})
            await other.goto(f"{server.url}/?user={people.caregiver.id}")
            await other.fill("[data-testid=text-input]", "活动室已通风")
            await other.click("[data-testid=send-button]")
            reply = other.locator("[data-testid=message][data-from-bot='1']").last
            await reply.locator("[data-testid=inline-button]", has_text="确认").click()
            await expect(other.get_by_test_id("toast")).to_have_text("已确认 ✅")

            await page.select_option("[data-testid=user-select]", label="小一班保育员 李芳")

            # Her chat is drawn (the snapshot that carries her toasts has been rendered) ...
            await expect(page.get_by_text("收到：活动室已通风（已确认）")).to_be_visible()
            # ... and the toast of a tap made earlier is not shown again (checked now, not
            # awaited: a replayed toast would hide itself after 2.5 s).
            assert await page.get_by_test_id("toast").is_hidden()
            assert await page.get_by_test_id("alert").is_hidden()
        finally:
            await browser.close()
