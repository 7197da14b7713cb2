"""Joining 第一幼儿园 by an invitation link, with the real bot over HTTP."""

from __future__ import annotations

from sandbox.launch import SANDBOX_BOT
from tests.e2e.botprocess import WEBHOOK_SECRET, BotProcess
from tests.e2e.conftest import BOTH_MODES
from tests.e2e.kindergarten import NEWCOMER, WAIT, Kindergarten, roles_of, text_of

CAREGIVER_MENU = [
    ["🧴 消毒打卡", "🩺 晨检"],
    ["✅ 责任区自查", "🔧 报修"],
    ["⚠️ 隐患", "📅 工作日历"],
    ["👤 我的", "❓ 帮助"],
]


@BOTH_MODES
async def test_newcomer_opens_the_invitation_link_and_becomes_a_caregiver(
    kindergarten: Kindergarten, bot: BotProcess, mode: str
) -> None:
    users, zhang = kindergarten.users, kindergarten.person(NEWCOMER)

    opened = users.open_link(zhang, f"https://t.me/{SANDBOX_BOT}?start={kindergarten.invite_code}")

    welcome = await users.wait_for_bot_message(zhang, after=opened, timeout=WAIT)
    assert text_of(welcome) == (
        "张敏，欢迎加入第一幼儿园！您的身份：中二班 · 保育员。\n请使用下方按钮开始。"
    )
    assert users.reply_keyboard(zhang) == CAREGIVER_MENU
    with kindergarten.session() as session:
        assert roles_of(session, NEWCOMER) == [("caregiver", "中二班")]
    if mode == "webhook":
        # Pushed to the bot's own HTTP server; PTB refuses updates without this secret.
        assert kindergarten.server.updates.webhook.secret_token == WEBHOOK_SECRET
        assert kindergarten.server.updates.webhook.delivered > 0


async def test_a_made_up_invitation_code_is_refused_and_grants_nothing(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, zhang = kindergarten.users, kindergarten.person(NEWCOMER)

    opened = users.open_link(zhang, f"https://t.me/{SANDBOX_BOT}?start=NOT-A-REAL-CODE")

    refusal = await users.wait_for_bot_message(zhang, after=opened, timeout=WAIT)
    assert text_of(refusal) == "这个邀请链接无效，请索取新的邀请。"
    assert users.reply_keyboard(zhang) == []
    with kindergarten.session() as session:
        assert roles_of(session, NEWCOMER) == []
