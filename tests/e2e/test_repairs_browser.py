"""维修工 赵强 in headless Chromium works the demo tickets posted in the maintenance group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlmodel import select

from bot.config import Settings
from bot.context import HouqinApplication
from sandbox.demo_repairs import seed_demo_tickets, show_demo_tickets
from sandbox.launch import start_bot, stop_bot
from storage.repairs_models import Status, Ticket
from tests.e2e.kindergarten import Kindergarten
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium

SCREEN_TIMEOUT = 10_000
pytestmark = needs_chromium


@pytest_asyncio.fixture
async def sandbox_with_tickets(kindergarten: Kindergarten) -> AsyncIterator[Kindergarten]:
    """`houqin sandbox` in miniature: the demo tickets seeded and posted, the bot in-process."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": kindergarten.server.token,
        "TELEGRAM_API_URL": kindergarten.server.url,
        "DATABASE_URL": kindergarten.database_url,
        "HOUQIN_DEFAULT_LANGUAGE": "zh",
        "_env_file": None,
    }
    seed_demo_tickets(kindergarten.engine)
    app: HouqinApplication = await start_bot(Settings(**values), kindergarten.engine)
    try:
        await show_demo_tickets(app)
        yield kindergarten
    finally:
        await stop_bot(app)


async def test_zhao_qiang_takes_and_starts_tickets_in_the_maintenance_group(
    sandbox_with_tickets: Kindergarten,
) -> None:
    from playwright.async_api import async_playwright, expect

    kindergarten = sandbox_with_tickets
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(SCREEN_TIMEOUT)
            await page.goto(f"{kindergarten.server.url}/")
            await page.select_option("[data-testid=user-select]", label="维修工 赵强")
            await page.locator("[data-testid=chat-item]", has_text="第一幼儿园 维修群").click()
            posts = page.locator("[data-testid=message][data-from-bot='1']")

            hazard = posts.filter(has_text="⚠️ 隐患 #").filter(has_text="滑梯一颗螺丝松动")
            await hazard.locator("[data-testid=inline-button]", has_text="接单").click()
            await expect(hazard).to_contain_text("维修人：赵强")
            taken = posts.filter(has_text="🔧 报修 #").filter(has_text="水龙头漏水")
            await taken.locator("[data-testid=inline-button]", has_text="开始").click()
            await expect(taken).to_contain_text("状态：维修中")
        finally:
            await browser.close()

    with kindergarten.session() as session:
        statuses = {t.description: t.status for t in session.exec(select(Ticket))}
    assert statuses["滑梯一颗螺丝松动"] == Status.ACCEPTED
    assert statuses["水龙头漏水"] == Status.IN_PROGRESS
