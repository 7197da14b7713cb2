"""In the sandbox page: the director sends a notice to 小一班; 家长 陈明 reads and acknowledges it;
the director's figures show it."""

from __future__ import annotations

from sqlmodel import select

from storage.notice_models import NoticeDelivery
from tests.e2e.kindergarten import DIRECTOR, WAIT, Kindergarten
from tests.e2e.test_browser import SCREEN_TIMEOUT, sandbox_with_bot  # noqa: F401  (fixture)
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium
CHEN_MING = 100013


async def test_parent_receives_a_notice_in_the_page_and_acknowledges_it(
    sandbox_with_bot: Kindergarten,  # noqa: F811
) -> None:
    from playwright.async_api import async_playwright, expect

    kindergarten = sandbox_with_bot
    # Both opened the bot once, as members do after joining: each has the menu.
    for user_id in (DIRECTOR, CHEN_MING):
        person = kindergarten.person(user_id)
        opened = kindergarten.users.start(person)
        await kindergarten.users.wait_for_bot_message(person, after=opened, timeout=WAIT)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            page.set_default_timeout(SCREEN_TIMEOUT)
            await page.goto(f"{kindergarten.server.url}/")
            bot_messages = page.locator("[data-testid=message][data-from-bot='1']")

            await page.select_option("[data-testid=user-select]", label="园长 王丽")
            await page.locator("[data-testid=reply-button]", has_text="📢 告家长书").click()
            await expect(bot_messages.last).to_contain_text("选择一个模板，或写新通知")
            screen_id = await bot_messages.last.get_attribute("data-message-id")
            screen = page.locator(f"[data-testid=message][data-message-id='{screen_id}']")
            for label, shows in (
                ("防溺水安全", "📝 草稿"),
                ("➡️ 下一步", "PDF"),
                ("跳过", "发给谁？"),
                ("小一班", "✅ 小一班"),
            ):
                await screen.locator("[data-testid=inline-button]", has_text=label).click()
                await expect(screen).to_contain_text(shows)
            await screen.locator("[data-testid=inline-button]", has_text="👀 预览").click()
            await expect(bot_messages.last).to_contain_text("👆 以上是家长将看到的样子。")
            confirm_id = await bot_messages.last.get_attribute("data-message-id")
            confirm = page.locator(f"[data-testid=message][data-message-id='{confirm_id}']")
            await confirm.locator("[data-testid=inline-button]", has_text="✅ 确认发送").click()
            await expect(confirm).to_contain_text("📤 正在发送「防溺水安全」")

            await page.select_option("[data-testid=user-select]", label="家长 陈明")
            notice = bot_messages.filter(has_text="📢 防溺水安全")
            await expect(notice).to_have_count(1)
            await expect(notice).to_contain_text("尊敬的家长：")
            await notice.locator("[data-testid=inline-button]", has_text="✅ 已阅知晓").click()
            await expect(notice).to_contain_text("✅ 已阅 · ")

            await page.select_option("[data-testid=user-select]", label="园长 王丽")
            await confirm.locator("[data-testid=inline-button]", has_text="📊 查看回执").click()
            await expect(confirm).to_contain_text("📊 防溺水安全")
            await expect(confirm).to_contain_text("已阅 1/1 · 已送达 1/1")
        finally:
            await browser.close()

    with kindergarten.session() as session:
        [delivery] = session.exec(select(NoticeDelivery)).all()
        assert delivery.chat_id == CHEN_MING and delivery.acknowledged_at is not None
