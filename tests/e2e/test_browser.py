"""A newcomer in headless Chromium joins, confirms a room; the director sees the card turn ✅."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from bot.config import Settings
from bot.context import HouqinApplication
from sandbox.launch import SANDBOX_BOT, show_todays_boards, start_bot, stop_bot
from tests.e2e.kindergarten import NEWCOMER, Kindergarten, person_id_of, records_of_room
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium

# In milliseconds, as Playwright counts; a card edit may wait out the 3 s edit interval.
SCREEN_TIMEOUT = 10_000
pytestmark = needs_chromium


@pytest_asyncio.fixture
async def sandbox_with_bot(kindergarten: Kindergarten) -> AsyncIterator[Kindergarten]:
    """`houqin sandbox` in miniature: the real bot in this process, today's card posted."""
    # Only what the story sets: no .env, and the settings a reader of the page expects.
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": kindergarten.server.token,
        "TELEGRAM_API_URL": kindergarten.server.url,
        "DATABASE_URL": kindergarten.database_url,
        "HOUQIN_DEFAULT_LANGUAGE": "zh",
        "_env_file": None,
    }
    settings = Settings(**values)
    app: HouqinApplication = await start_bot(settings, kindergarten.engine)
    try:
        show_todays_boards(app)
        yield kindergarten
    finally:
        await stop_bot(app)


async def test_newcomer_joins_in_the_page_and_confirms_a_room_that_the_director_sees_done(
    sandbox_with_bot: Kindergarten,
) -> None:
    from playwright.async_api import async_playwright, expect

    kindergarten = sandbox_with_bot
    link = f"https://t.me/{SANDBOX_BOT}?start={kindergarten.invite_code}"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(SCREEN_TIMEOUT)
            await page.goto(f"{kindergarten.server.url}/")
            bot_messages = page.locator("[data-testid=message][data-from-bot='1']")

            await page.select_option("[data-testid=user-select]", label="新保育员 张敏")
            await page.click("[data-testid=tools-toggle]")
            await page.fill("[data-testid=link-input]", link)
            await page.click("[data-testid=open-link-button]")
            await expect(bot_messages.last).to_contain_text("张敏，欢迎加入第一幼儿园！")

            await page.locator("[data-testid=reply-button]", has_text="🧴 消毒打卡").click()
            await expect(bot_messages.last).to_contain_text("消毒了哪个场所？")
            picker_id = await bot_messages.last.get_attribute("data-message-id")
            picker = page.locator(f"[data-testid=message][data-message-id='{picker_id}']")
            await picker.locator("[data-testid=inline-button]", has_text="中二班 活动室").click()
            await expect(picker).to_contain_text("中二班 活动室：用什么方式消毒？")
            await picker.locator("[data-testid=inline-button]", has_text="消毒柜").click()
            await expect(picker).to_contain_text("✅ 已记录：中二班 活动室 · 消毒柜")
            await expect(picker).to_have_attribute("data-edit-count", "2")

            await page.select_option("[data-testid=user-select]", label="园长 王丽")
            await page.locator("[data-testid=chat-item]", has_text="第一幼儿园 教职工群").click()
            card = bot_messages.filter(has_text="🧴 今日消毒")
            await expect(card).to_have_count(1)
            await expect(card).to_contain_text("✅")
            await expect(card).to_contain_text("中二班：活动室 ✅")
            await expect(card).to_contain_text("张敏")
        finally:
            await browser.close()

    with kindergarten.session() as session:
        [record] = records_of_room(session, "中二班")
        assert record.operator_id == person_id_of(session, NEWCOMER)
        assert record.method == "cabinet"
