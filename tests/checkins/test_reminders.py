"""Nobody forgotten, nobody pestered: reminders at 09:00, one list at 09:30, leave, closed days."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import OutboundMessage
from tests.checkins.setup import (
    DIRECTOR,
    HEALTH_TEACHER,
    answers,
    board,
    make_kindergarten,
    private,
    tap,
)
from tests.conftest import BotFactory
from tests.support.telegram import Telegram


async def test_at_nine_only_unreported_classes_are_reminded_and_at_half_past_one_list_goes_out(
    bots: BotFactory, db: Session
) -> None:
    telegram = await bots.start()
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 06:00")
    telegram.schedule()
    telegram.set_local_time("2026-11-26 08:20")
    screen = await telegram.send(k.teachers["小一班"], "🩺 晨检")
    await tap(telegram, k.teachers["小一班"], screen, "全到")

    telegram.set_local_time("2026-11-26 09:00")
    reminded = private(await telegram.run_job(f"checkin-due:{k.site.id}:morning"))

    expected = {k.teachers[c].id for c in ("小二班", "中一班")} | {
        k.caregivers[c].id for c in ("小二班", "中一班")
    }
    assert set(reminded) == expected
    assert reminded[k.teachers["小二班"].id] == "⏰ 晨检应在 09:00 前上报，还未报：小二班。"
    assert private(await telegram.run_job(f"checkin-due:{k.site.id}:morning")) == {}

    telegram.set_local_time("2026-11-26 09:30")
    escalated = private(await telegram.run_job(f"checkin-escalate:{k.site.id}:morning"))
    assert set(escalated) == {HEALTH_TEACHER.id}
    text = escalated[HEALTH_TEACHER.id]
    assert text.startswith("⚠️ 第一幼儿园：11月26日（周四）晨检仍未完成：")
    assert "• 小二班\n• 中一班" in text and "小一班" not in text.split("\n")[1]

    await bots.stop(telegram)
    again = await bots.start()  # a restart, then the escalation job runs once more
    again.set_local_time("2026-11-26 09:35")
    again.schedule()
    await again.run_job(f"checkin-escalate:{k.site.id}:morning")
    await again.run_job(f"checkin-due:{k.site.id}:morning")
    sent = [c for c in again.request.calls if c.method == "sendMessage" and (c.chat_id or 0) > 0]
    assert [c for c in sent if "晨检" in c.text] == []


async def test_a_person_on_leave_is_not_reminded(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-25 18:00")
    telegram.schedule()
    replies = await telegram.send(k.caregivers["小二班"], "/leave 11月26日-11月27日 病假")
    assert replies[-1].text.startswith("🏖 已登记请假：11月26日（周四） – 11月27日（周五） · 病假")

    telegram.set_local_time("2026-11-26 09:00")
    reminded = private(await telegram.run_job(f"checkin-due:{k.site.id}:morning"))

    assert k.caregivers["小二班"].id not in reminded
    assert k.teachers["小二班"].id in reminded


async def test_a_closed_day_asks_nobody(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-25 18:00")
    telegram.schedule()
    closed = await telegram.send(DIRECTOR, "/calendar close 11月26日-11月27日 运动会")
    assert closed[-1].text == "已设为放假 2 天：11月26日（周四） – 11月27日（周五）。"

    sent = []
    for moment, job in (
        ("2026-11-26 07:30", "open"),
        ("2026-11-26 09:00", "due"),
        ("2026-11-26 09:30", "escalate"),
    ):
        telegram.set_local_time(moment)
        for window in ("morning", "start"):
            sent += await telegram.run_job(f"checkin-{job}:{k.site.id}:{window}")
    refused = await telegram.send(k.teachers["小一班"], "🩺 晨检")

    # Other flows keep their own calendars: only the check-ins' own messages count here.
    assert [c for c in sent if "晨检" in c.text or "自查" in c.text] == []
    checkin_keys = select(OutboundMessage).where(col(OutboundMessage.key).startswith("checkin-"))
    assert db.exec(checkin_keys).all() == []
    assert refused[-1].text == "当天放假，无需填报。（运动会）"
    assert answers(db) == []


async def test_a_late_answer_is_marked_as_a_late_entry_with_its_reason(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 09:40")
    screen = await telegram.send(k.teachers["中一班"], "🩺 晨检")

    asked = await tap(telegram, k.teachers["中一班"], screen, "全到")
    assert asked[-1].text == "已过 09:00，将记为补录。请输入原因："
    assert (await telegram.send(k.teachers["中一班"], "。"))[-1].text == "请用文字写明原因。"
    done = await telegram.send(k.teachers["中一班"], "早上带孩子做操忘了")
    await telegram.settle()

    assert done[-1].text.endswith("已标为补录。原因：早上带孩子做操忘了")
    [answer] = answers(db)
    assert answer.late and answer.late_reason == "早上带孩子做操忘了"
    assert "✅ 中一班：应到 25 · 实到 25 · 缺勤 0 · 中一班班主任 （补录）" in board(
        telegram, "🩺 今日晨检"
    )


async def test_a_second_answer_replaces_the_first_only_after_a_confirmation_and_both_are_kept(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    teacher = k.teachers["小一班"]
    telegram.set_local_time("2026-11-26 08:00")
    await tap(telegram, teacher, await telegram.send(teacher, "🩺 晨检"), "全到")

    shown = await telegram.send(teacher, "🩺 晨检")
    assert shown[-1].text == "小一班今天已报：应到 25 · 实到 25 · 缺勤 0"
    again = await tap(telegram, teacher, shown, "重新填报")
    counted = await tap(telegram, teacher, again, "事假 +1")
    await tap(telegram, teacher, counted, "提交")

    first, second = answers(db)
    assert (first.version, first.data["present"]) == (1, 25)
    assert (second.version, second.data["present"], second.data["absent"]["personal"]) == (2, 24, 1)
    # The caregiver of the same class, who did not ask to replace, is asked to confirm.
    caregiver = k.caregivers["小一班"]
    screen = await telegram.send(caregiver, "🩺 晨检")
    assert "小一班今天已报：应到 25 · 实到 24" in screen[-1].text
