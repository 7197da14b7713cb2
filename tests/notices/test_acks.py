"""Parents acknowledge with ✅ 已阅知晓; the sender sees the figures; reminders go out once."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from storage.notice_figures import acknowledged_shares, classes_behind
from tests.notices.setup import (
    DIRECTOR,
    TEACHER,
    deliveries,
    make_school,
    notices_to,
    send_notice,
)
from tests.support.telegram import Telegram, answers, to


async def test_acknowledgements_are_counted_and_shown(telegram: Telegram, db: Session) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await send_notice(telegram, DIRECTOR, "防溺水安全", "小一班", "小二班")
    liu, zhao = school.parents["刘芳"], school.parents["赵军"]
    message = notices_to(telegram.request, liu.id)[0]

    telegram.set_local_time("2026-11-23 10:07")
    tapped = await telegram.press(liu, message, "已阅知晓")

    assert answers(tapped) == ["谢谢！幼儿园已收到您的阅读确认。"]
    edited = next(c for c in tapped if c.method == "editMessageText")
    assert edited.text == message.text + "\n\n✅ 已阅 · 11月23日（周一） 10:07"
    assert edited.buttons() == []
    acked = {r.chat_id: r.acknowledged_at for r in deliveries(db)}
    assert acked[liu.id] is not None and acked[zhao.id] is None

    # A double tap (the old button, still on a slow phone) changes nothing.
    again = await telegram.press(liu, message, "已阅知晓")
    assert answers(again) == ["您已确认过这条通知，谢谢！"]
    assert {r.chat_id: r.acknowledged_at for r in deliveries(db)} == acked

    # 刘芳 forwards her notice to 赵军; his tap on her button does not count.
    forwarded = await telegram.press(zhao, message, "已阅知晓")
    assert answers(forwarded) == ["这条通知是发给另一位家长的，您的点击不计入。"]
    assert not [c for c in forwarded if c.method == "editMessageText"]
    assert {r.chat_id: r.acknowledged_at for r in deliveries(db)} == acked

    listing = (await telegram.send(DIRECTOR, "/notices"))[-1]
    figures = (await telegram.press(DIRECTOR, listing, "防溺水安全"))[-1]
    assert "已阅 1/3 · 已送达 3/3" in figures.text
    assert "【小一班】已阅 1/2\n未阅：陈明（陈小明、陈小红）" in figures.text
    assert "【小二班】已阅 0/1\n未阅：赵军（赵乐乐）" in figures.text

    # The figures the daily summary reads.
    day_start = telegram.app.clock() - timedelta(hours=12)
    [share] = acknowledged_shares(
        session=db, site_id=school.site.id or 0, start=day_start, end=telegram.app.clock()
    )
    assert (share.delivered, share.acknowledged) == (3, 1)
    behind = classes_behind(
        session=db, site_id=school.site.id or 0, start=day_start, end=telegram.app.clock()
    )
    assert [(c.class_name, c.acknowledged, c.delivered) for c in behind] == [
        ("小二班", 0, 1),
        ("小一班", 1, 2),
    ]


async def test_the_reminder_goes_once_to_those_who_did_not_acknowledge(
    telegram: Telegram, db: Session
) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    await send_notice(telegram, DIRECTOR, "交通安全", "小一班")
    chen, liu = school.parents["陈明"], school.parents["刘芳"]
    await telegram.press(liu, notices_to(telegram.request, liu.id)[0], "已阅知晓")
    job = f"notice-reminders:{school.site.id}"

    telegram.set_local_time("2026-11-24 09:59")  # 23 h 59 min later: not yet
    assert [c for c in await telegram.run_job(job) if c.method == "sendMessage"] == []

    telegram.set_local_time("2026-11-24 10:00")
    calls = await telegram.run_job(job)

    [reminder] = to(calls, chen.id)
    assert reminder.text == "提醒：请阅读上方的通知「交通安全」，并点「✅ 已阅知晓」。"
    assert reminder.buttons()[0][0] == "✅ 已阅知晓"
    assert to(calls, liu.id) == []
    [teacher_list] = to(calls, TEACHER.id)
    assert teacher_list.text.startswith(
        "📢「交通安全」：小一班 还有 1 位家长未阅：陈明（陈小明、陈小红）"
    )

    # Next checks (and a restart: the outbox keys) send nothing again.
    telegram.set_local_time("2026-11-25 10:00")
    assert [c for c in await telegram.run_job(job) if c.method == "sendMessage"] == []
    [row] = [r for r in deliveries(db) if r.chat_id == chen.id]
    assert row.reminded_at is not None

    # The reminder's own button acknowledges too.
    await telegram.press(chen, reminder, "已阅知晓")
    assert all(r.acknowledged_at for r in deliveries(db))
