"""The demo's morning in headless Chromium: 李芳 reports 小一班 in the page, the card follows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from bot.config import Settings
from bot.context import HouqinApplication
from sandbox.checkins_demo import seed_checkins
from sandbox.launch import SITE_NAME, show_todays_boards, start_bot, stop_bot
from tests.e2e.kindergarten import LI_FANG, Kindergarten
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium

SCREEN_TIMEOUT = 10_000
pytestmark = needs_chromium


@pytest_asyncio.fixture
async def demo_morning(kindergarten: Kindergarten) -> AsyncIterator[Kindergarten]:
    """`houqin sandbox` in miniature, with the demo's morning of answers and gaps."""
    seed_checkins(kindergarten.engine, SITE_NAME)
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": kindergarten.server.token,
        "TELEGRAM_API_URL": kindergarten.server.url,
        "DATABASE_URL": kindergarten.database_url,
        "HOUQIN_DEFAULT_LANGUAGE": "zh",
        "_env_file": None,
    }
    app: HouqinApplication = await start_bot(Settings(**values), kindergarten.engine)
    try:
        show_todays_boards(app)
        kindergarten.users.start(kindergarten.person(LI_FANG))  # as the sandbox does: the menu
        yield kindergarten
    finally:
        await stop_bot(app)


async def test_a_caregiver_reports_attendance_in_the_page_and_the_card_shows_it(
    demo_morning: Kindergarten,
) -> None:
    from playwright.async_api import async_playwright, expect

    kindergarten = demo_morning
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(SCREEN_TIMEOUT)
            await page.goto(f"{kindergarten.server.url}/")
            bot_messages = page.locator("[data-testid=message][data-from-bot='1']")

            await page.select_option("[data-testid=user-select]", label="小一班保育员 李芳")
            await page.locator("[data-testid=chat-item]", has_text="后勤助手").first.click()
            await page.locator("[data-testid=reply-button]", has_text="🩺 晨检").click()
            await expect(bot_messages.last).to_contain_text("🩺 小一班 晨检")
            screen_id = await bot_messages.last.get_attribute("data-message-id")
            screen = page.locator(f"[data-testid=message][data-message-id='{screen_id}']")
            await screen.locator("[data-testid=inline-button]", has_text="全到").click()
            await expect(screen).to_contain_text("✅ 已记录：小一班 · 应到 25 · 实到 25 · 缺勤 0")

            await page.select_option("[data-testid=user-select]", label="园长 王丽")
            await page.locator("[data-testid=chat-item]", has_text="第一幼儿园 教职工群").click()
            card = bot_messages.filter(has_text="🩺 今日晨检")
            await expect(card).to_have_count(1)
            await expect(card).to_contain_text("✅ 小一班：应到 25 · 实到 25 · 缺勤 0 · 李芳")
            await expect(card).to_contain_text("✅ 小二班：应到 26 · 实到 23")
            await expect(card).to_contain_text("未报：中二班、大一班、大二班")
        finally:
            await browser.close()
