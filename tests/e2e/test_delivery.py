"""Delivery trouble the bot must survive: a user who blocked it, and Telegram's flood limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sandbox.state import Message
from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import (
    FENG_JUAN,
    LI_FANG,
    WAIT,
    ZHENG_HONG,
    Kindergarten,
    outbox,
    text_of,
)

HELP_START = "您可以使用："


async def test_deadline_reminder_to_a_caregiver_who_blocked_the_bot_spares_the_others(
    kindergarten: Kindergarten, launch_bot: Callable[[], Awaitable[BotProcess]]
) -> None:
    users = kindergarten.users
    li, zheng, feng = (kindergarten.person(i) for i in (LI_FANG, ZHENG_HONG, FENG_JUAN))
    users.block_bot(zheng)
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    deadline = time(local.hour, local.minute)
    # Due this minute: the bot sends the missed reminders as soon as it starts.
    kindergarten.tune_site(disinfection_deadline=deadline)

    await launch_bot()

    heading = f"⏰ 消毒截止时间（{deadline:%H:%M}）已到，以下场所还未完成："
    reminders = {}
    for caregiver, room in ((li, "小一班 活动室"), (feng, "中一班 活动室")):
        reminder = await users.wait_for_bot_message(caregiver, timeout=WAIT)
        assert text_of(reminder).splitlines()[0] == heading
        assert f"• {room}" in text_of(reminder)
        reminders[caregiver.id] = reminder
    await users.wait_until(
        lambda: bool(kindergarten.calls("sendMessage", zheng)), WAIT, "a reminder to 郑红"
    )
    assert kindergarten.calls("sendMessage", zheng) == [
        (403, "Forbidden: bot was blocked by the user")
    ]
    assert users.bot_messages(zheng) == []

    # The bot keeps serving everyone else.
    asked = users.send_text(feng, "❓ 帮助")
    answer = await users.wait_for_bot_message(feng, after=asked, timeout=WAIT)
    assert text_of(answer).startswith(HELP_START)

    def reminders_settled() -> bool:
        with kindergarten.session() as session:
            sent = outbox(session, "disinfection-reminder:")
        return {li.id, zheng.id, feng.id} <= sent.keys() and all(
            row.sent_at is not None for row in sent.values()
        )

    await users.wait_until(reminders_settled, WAIT, "the reminders to be stored as sent")
    with kindergarten.session() as session:
        sent = outbox(session, "disinfection-reminder:")
    # Given up on, not retried: a blocked user stays blocked.
    assert sent[zheng.id].message_id is None
    assert sent[li.id].message_id == reminders[li.id].message_id
    assert sent[feng.id].message_id == reminders[feng.id].message_id


async def test_a_burst_of_taps_is_paced_within_the_flood_limit_and_every_answer_arrives(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, li = kindergarten.users, kindergarten.person(LI_FANG)
    assert kindergarten.server.limits.enabled
    # Six quick taps: a private chat takes a short burst, then one message a second; the
    # bot's rate limiter paces the answers itself (bot.ratelimit), so Telegram never says 429.
    first = users.send_text(li, "❓ 帮助")
    for _ in range(5):
        users.send_text(li, "❓ 帮助")

    def answers() -> list[Message]:
        return [m for m in users.bot_messages(li) if m.message_id > first.message_id]

    await users.wait_until(lambda: len(answers()) == 6, 2 * WAIT, "six answers")
    assert all(text_of(answer).startswith(HELP_START) for answer in answers())
    calls = kindergarten.calls("sendMessage", li)
    assert calls == [(None, None)] * 6  # none refused, none sent twice
    assert kindergarten.server.limits.max_in_window(li.id, 1.0, ["sendMessage"]) <= 4
