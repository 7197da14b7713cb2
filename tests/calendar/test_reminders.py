"""Reminders reach the responsible people on time, once; overdue tasks escalate once, even
across a restart; a task is completed from its reminder with a tap, a note and a photo."""

from __future__ import annotations

from sqlmodel import Session

from storage.calendar_models import TaskStatus
from tests.calendar.setup import (
    CAREGIVER,
    DIRECTOR,
    HEALTH_TEACHER,
    KITCHEN,
    STAFF_GROUP,
    make_kindergarten,
    occurrences,
    rules,
)
from tests.conftest import BotFactory
from tests.support.networking import Call
from tests.support.telegram import Telegram, answers, texts, to

INSPECTION = "园舍安全检查"  # the health teacher's monthly inspection, due the 25th


def about(calls: list[Call], chat_id: int, words: str = INSPECTION) -> list[Call]:
    return [c for c in to(calls, chat_id) if c.method == "sendMessage" and words in c.text]


async def morning(telegram: Telegram, site_id: int, moment: str) -> list[Call]:
    telegram.set_local_time(moment)
    telegram.schedule()
    return await telegram.run_job(f"calendar-reminders:{site_id}")


async def test_reminded_at_lead_time_and_on_the_due_day_each_once(
    telegram: Telegram, db: Session
) -> None:
    site = make_kindergarten(db)

    early = await morning(telegram, site.id or 0, "2026-11-21 08:00")
    lead = await morning(telegram, site.id or 0, "2026-11-22 08:00")
    again = await morning(telegram, site.id or 0, "2026-11-23 08:00")
    due = await morning(telegram, site.id or 0, "2026-11-25 08:00")

    assert about(early, HEALTH_TEACHER.id) == []
    [first] = about(lead, HEALTH_TEACHER.id)
    assert first.text.startswith("📅 即将到期：园舍安全检查 · 11月25日（周三）截止")
    assert (
        "✅ 已完成",
        f"cal:v1:d:{occurrences(db, rules(db, site)['safety_inspection'])[0].id}",
    ) in first.buttons()
    assert about(again, HEALTH_TEACHER.id) == []
    [today] = about(due, HEALTH_TEACHER.id)
    assert today.text.startswith("🔔 今天到期：园舍安全检查")
    assert about(lead + due, CAREGIVER.id) == []  # only the responsible role is reminded


async def test_done_with_a_tap_then_a_note_and_a_photo(telegram: Telegram, db: Session) -> None:
    site = make_kindergarten(db)
    [reminder] = about(await morning(telegram, site.id or 0, "2026-11-25 08:00"), HEALTH_TEACHER.id)
    telegram.set_local_time("2026-11-25 10:12")

    tapped = await telegram.press(HEALTH_TEACHER, reminder, "✅ 已完成")
    noted = await telegram.send(HEALTH_TEACHER, "东侧楼梯扶手松动，已报修")
    photo = await telegram.send_photo(HEALTH_TEACHER)
    await telegram.settle()

    assert any(t.startswith("✅ 已记录：园舍安全检查。") for t in texts(tapped))
    assert texts(noted) == ["📝 备注已保存。可以发送照片，或发送 /skip 结束。"]
    assert texts(photo) == ["📷 照片已附到「园舍安全检查」。"]
    [occurrence] = [o for o in occurrences(db, rules(db, site)["safety_inspection"])
                    if o.due_date.day == 25 and o.due_date.month == 11]  # fmt: skip
    db.refresh(occurrence)
    assert occurrence.status == TaskStatus.DONE and occurrence.late is False
    assert occurrence.note == "东侧楼梯扶手松动，已报修" and len(occurrence.photos) == 1
    card = [c for c in telegram.request.calls if "月工作" in c.text][-1]
    assert "✅ 11月25日（周三） 园舍安全检查 · 保健老师" in card.text


async def test_someone_else_cannot_complete_it(telegram: Telegram, db: Session) -> None:
    site = make_kindergarten(db)
    [reminder] = about(await morning(telegram, site.id or 0, "2026-11-25 08:00"), HEALTH_TEACHER.id)

    calls = await telegram.press(CAREGIVER, reminder, "✅ 已完成")

    assert answers(calls) == ["只有保健老师或园长可以完成此任务。"]
    inspection = occurrences(db, rules(db, site)["safety_inspection"])[0]
    db.refresh(inspection)
    assert inspection.status == TaskStatus.UPCOMING and inspection.completed_by is None


async def test_an_overdue_task_escalates_to_the_director_once_even_after_a_restart(
    bots: BotFactory, db: Session
) -> None:
    site = make_kindergarten(db)
    telegram = await bots.start()

    first = await morning(telegram, site.id or 0, "2026-11-26 08:00")
    second = await morning(telegram, site.id or 0, "2026-11-26 08:00")
    await bots.stop(telegram)
    restarted = await bots.start()
    restarted.set_local_time("2026-11-26 09:30")
    restarted.schedule()  # start-up: the morning's run is caught up
    caught_up = await restarted.run_job(f"calendar-reminders:{site.id}:catch-up")
    next_day = await morning(restarted, site.id or 0, "2026-11-27 08:00")

    [escalation] = about(first, DIRECTOR.id)
    assert escalation.text.startswith("⚠️ 阳光幼儿园 · 11月25日（周三）到期未完成：园舍安全检查")
    assert "负责人：周敏" in escalation.text
    assert about(second + caught_up + next_day, DIRECTOR.id) == []
    assert about(first, HEALTH_TEACHER.id) == []  # the escalation goes to the director


async def test_the_month_card_in_the_staff_group(telegram: Telegram, db: Session) -> None:
    site = make_kindergarten(db)

    calls = await morning(telegram, site.id or 0, "2026-11-26 08:00")

    [card] = about(calls, STAFF_GROUP.id, "月工作")
    assert card.text.startswith("📅 阳光幼儿园 · 2026年11月工作 · 已完成 0/")
    assert "⚠️ 11月25日（周三） 园舍安全检查 · 保健老师" in card.text
    assert "❗ 本季度疏散演练未完成，剩余35天" in card.text


async def test_skipping_asks_for_a_reason_that_says_something(
    telegram: Telegram, db: Session
) -> None:
    site = make_kindergarten(db)
    [reminder] = about(await morning(telegram, site.id or 0, "2026-11-25 08:00"), HEALTH_TEACHER.id)

    asked = await telegram.press(HEALTH_TEACHER, reminder, "➖ 跳过")
    dot = await telegram.send(HEALTH_TEACHER, "。")
    long = await telegram.send(HEALTH_TEACHER, "因" * 501)
    done = await telegram.send(HEALTH_TEACHER, "区教育局统一检查，本月免检")

    assert "为什么跳过「园舍安全检查」？" in asked[-1].text
    assert texts(dot) == ["请简要输入原因（或发送 /cancel 取消）。"]
    assert texts(long) == ["共 501 个字，最多 500 个字，请精简。"]
    assert texts(done) == ["➖ 已跳过：园舍安全检查。"]
    inspection = occurrences(db, rules(db, site)["safety_inspection"])[0]
    db.refresh(inspection)
    assert (inspection.status, inspection.skip_reason) == ("skipped", "区教育局统一检查，本月免检")


async def test_forged_or_stale_buttons_are_answered_as_expired(
    telegram: Telegram, db: Session
) -> None:
    site = make_kindergarten(db)
    [reminder] = about(await morning(telegram, site.id or 0, "2026-11-25 08:00"), HEALTH_TEACHER.id)
    message = reminder.result

    for data in ("cal:v1:d:abc", "cal:v1:d:99999999", "cal:v1:t:1:bomb", "cal:v1:pk:zz:0",
                 "cal:v1:rl:1:999", "cal:v1:nope", "cal:v1:ps:x:0:root"):  # fmt: skip
        calls = await telegram.press_data(HEALTH_TEACHER, message, data)
        assert len(answers(calls)) == 1, data
        assert answers(calls)[0] in {"这个按钮已过期，请重新打开菜单。", "此任务已不存在。",
                                     "这份导入已过期，请重新发送 /plan。",
                                     "只有园长 / 分管后勤园长可以进行此操作。"}, data  # fmt: skip
    inspection = occurrences(db, rules(db, site)["safety_inspection"])[0]
    db.refresh(inspection)
    assert inspection.status == TaskStatus.UPCOMING


async def test_staff_see_only_their_own_tasks(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-21 09:00")

    mine = (await telegram.send(KITCHEN, "📅 工作日历"))[-1]
    nothing = (await telegram.send(CAREGIVER, "/tasks"))[-1]

    assert mine.text.startswith("📅 我的任务：逾期及本周")
    assert "🔔 11月25日（周三） 下月食谱 · 厨房人员" in mine.text
    assert "园舍安全检查" not in mine.text
    assert [label for label, _data in mine.buttons()] == ["✅ 下月食谱"]
    assert "本周没有待办任务。👍" in nothing.text and nothing.buttons() == []
