"""kill -9 in the middle of completing a task: after the restart the note still finds it."""

from __future__ import annotations

from sqlmodel import select

from storage.calendar_models import TaskOccurrence, TaskRule
from storage.models import ConversationState
from tests.e2e.botprocess import BotProcess
from tests.e2e.conftest import LaunchBot
from tests.e2e.kindergarten import WAIT, Kindergarten, text_of

LIU_YANG = 100002  # 分管后勤园长
REPAIR = "检修户外大型玩具，更换损坏部件"


def waiting_for_note(kindergarten: Kindergarten) -> bool:
    """The tap's update has finished: its conversation state is in the database."""
    with kindergarten.session() as session:
        rows = session.exec(select(ConversationState).where(ConversationState.name == "calendar"))
        return any(row.data is not None for row in rows)


async def test_kill9_after_the_tap_keeps_the_note_question(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    users, liu = kindergarten.users, kindergarten.person(LIU_YANG)
    bot: BotProcess = await launch_bot()
    asked = users.send_text(liu, "📅 工作日历")
    listing = await users.wait_for_bot_message(liu, after=asked, timeout=WAIT)
    users.press_button(liu, listing, text=f"✅ {REPAIR}")
    await users.wait_for_edit(listing, timeout=WAIT)
    assert text_of(listing).startswith(f"✅ 已记录：{REPAIR}。")

    await users.wait_until(lambda: waiting_for_note(kindergarten), timeout=WAIT,
                           what="the tap's update to finish")  # fmt: skip
    assert bot._process is not None
    bot._process.kill()  # SIGKILL: no shutdown, no flush
    await bot._process.wait()
    seen = len(kindergarten.server.api.calls)
    await launch_bot()
    await users.wait_until(
        lambda: any(c.method == "getUpdates" for c in kindergarten.server.api.calls[seen:]),
        timeout=30,
        what="the restarted bot to poll",
    )
    noted = users.send_text(liu, "滑梯扶手已更换")
    reply = await users.wait_for_bot_message(liu, after=noted, timeout=WAIT)

    assert text_of(reply) == "📝 备注已保存。可以发送照片，或发送 /skip 结束。"
    with kindergarten.session() as session:
        rule = session.exec(select(TaskRule).where(TaskRule.title == REPAIR)).one()
        [done] = session.exec(select(TaskOccurrence).where(TaskOccurrence.rule_id == rule.id))
        assert (done.status, done.note) == ("done", "滑梯扶手已更换")
