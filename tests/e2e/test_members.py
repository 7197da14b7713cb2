"""Members with the real bot over HTTP: the director hears who joined, and removes them."""

from __future__ import annotations

from sandbox.launch import SANDBOX_BOT
from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import (
    DIRECTOR,
    NEWCOMER,
    WAIT,
    Kindergarten,
    buttons_of,
    roles_of,
    text_of,
)


async def test_the_director_hears_who_joined_and_removes_them_at_once(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users = kindergarten.users
    wang, zhang = kindergarten.person(DIRECTOR), kindergarten.person(NEWCOMER)
    before = users.last_bot_message(wang)

    users.open_link(zhang, f"https://t.me/{SANDBOX_BOT}?start={kindergarten.invite_code}")

    notice = await users.wait_for_bot_message(wang, after=before or 0, timeout=WAIT)
    assert text_of(notice) == "🆕 张敏 通过邀请加入第一幼儿园：中二班 · 保育员。"

    asked = users.send_text(wang, "/members")
    listing = await users.wait_for_bot_message(wang, after=asked, timeout=WAIT)
    assert text_of(listing).startswith(
        "👥 第一幼儿园：共 15 人 · 第 1/2 页\n【全园】\n• 王丽 · 园长"
    )
    for step, label in enumerate(("下一页 ›", "张敏 · 保育员", "🗑 移除", "🗑 确认移除"), 1):
        users.press_button(wang, listing, text=label)
        await users.wait_for_edit(listing, count=step, timeout=WAIT)
        if step == 1:
            assert "【中二班】\n• 张敏 · 保育员" in text_of(listing)

    assert text_of(listing).startswith("🗑 已移除：张敏 · 中二班 · 保育员")
    assert "张敏 · 保育员" not in buttons_of(listing)
    with kindergarten.session() as session:
        assert roles_of(session, NEWCOMER) == []
    tried = users.send_text(zhang, "🧴 消毒打卡")
    refusal = await users.wait_for_bot_message(zhang, after=tried, timeout=WAIT)
    assert text_of(refusal).startswith("消毒打卡由本班保育员和老师、保育组长或保健老师确认。")
