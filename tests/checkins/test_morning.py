"""晨检: a class reports in a few taps; the board, the record, the follow-up and the alert agree."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.checkin_models import SickChild, SickFollowUp
from tests.checkins.setup import (
    HEALTH_TEACHER,
    answers,
    board,
    make_kindergarten,
    private,
    tap,
)
from tests.support.networking import Call
from tests.support.telegram import Telegram, User, to


async def report_two_sick(
    telegram: Telegram, teacher: User, second_symptom: str = "咳嗽"
) -> list[list[Call]]:
    """🩺 晨检 → 病假 +1 → 小明 → 发热 → 病假 +1 → 小红 → 咳嗽 → 提交: six taps, two names."""
    taps = [await telegram.send(teacher, "🩺 晨检")]
    taps.append(await tap(telegram, teacher, taps[-1], "病假 +1"))
    named = await telegram.send(teacher, "小明")
    taps.append(await tap(telegram, teacher, named, "发热"))
    taps.append(await tap(telegram, teacher, taps[-1], "病假 +1"))
    named = await telegram.send(teacher, "小红")
    taps.append(await tap(telegram, teacher, named, second_symptom))
    taps.append(await tap(telegram, teacher, taps[-1], "提交"))
    return taps


async def test_small_class_reports_two_sick_children_in_six_taps_and_the_board_agrees(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:10")
    telegram.schedule()

    taps = await report_two_sick(telegram, k.teachers["小一班"])
    await telegram.settle()

    assert len(taps) == 6
    assert taps[0][-1].text.startswith("🩺 小一班 晨检 · 11月26日")
    assert "应到 25 · 实到 25 · 缺勤 0" in taps[0][-1].text
    done = taps[-1][-1].text
    assert done == "✅ 已记录：小一班 · 应到 25 · 实到 23 · 缺勤 2（病假 2）"
    [answer] = answers(db)
    assert answer.data["expected"] == 25 and answer.data["present"] == 23
    assert answer.data["absent"] == {"sick": 2, "personal": 0, "other": 0}
    assert answer.data["sick"] == [
        {"name": "小明", "symptom": "fever"},
        {"name": "小红", "symptom": "cough"},
    ]
    assert not answer.late and answer.version == 1
    sick = db.exec(select(SickChild).order_by(SickChild.id)).all()  # type: ignore[arg-type]
    assert [(c.name, c.symptom, c.returned_on) for c in sick] == [
        ("小明", "fever", None),
        ("小红", "cough", None),
    ]
    card = board(telegram, "🩺 今日晨检")
    assert "已报 1/3" in card and "未报：小二班、中一班" in card
    assert "✅ 小一班：应到 25 · 实到 23 · 缺勤 2（病假 2） · 小一班班主任" in card
    assert "病假：小明（发热）、小红（咳嗽）" in card
    assert "出勤 23/25（92%）" in card
    # One fever is not an alert.
    assert to(telegram.request.calls, HEALTH_TEACHER.id) == []


async def test_all_present_is_one_tap(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:00")
    screen = await telegram.send(k.caregivers["小二班"], "🩺 晨检")

    done = await tap(telegram, k.caregivers["小二班"], screen, "全到")

    assert done[-1].text == "✅ 已记录：小二班 · 应到 25 · 实到 25 · 缺勤 0"
    [answer] = answers(db)
    assert (answer.data["present"], answer.data["absent"]["sick"]) == (25, 0)


async def test_the_next_morning_the_teacher_is_asked_about_both_children_until_they_are_back(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    teacher = k.teachers["小一班"]
    telegram.set_local_time("2026-11-26 08:10")
    await report_two_sick(telegram, teacher)

    telegram.set_local_time("2026-11-27 07:30")
    telegram.schedule()
    asked = private(await telegram.run_job(f"checkin-open:{k.site.id}:morning"))

    assert teacher.id in asked and k.caregivers["小一班"].id not in asked  # the class teacher
    assert k.teachers["小二班"].id not in asked
    assert "🤒 因病缺勤追踪 · 小一班 · 11月27日" in asked[teacher.id]
    assert "小明（发热），11月26日（周四）起缺勤：今天回园了吗？" in asked[teacher.id]
    assert "小红（咳嗽）" in asked[teacher.id]
    question = [c for c in telegram.request.calls if c.chat_id == teacher.id and c.buttons()][-1]
    await telegram.press(teacher, question, "小明 已回园")
    await telegram.press(teacher, question, "仍病假")  # the first "still sick" row: 小明's
    rows = db.exec(select(SickFollowUp)).all()
    assert [(r.back, r.reason) for r in rows] == [(True, "back")]  # 小明 is back: closed
    await telegram.press_data(teacher, question.result, question.buttons()[4][1])  # 小红 still sick
    assert sorted((r.back, r.reason) for r in db.exec(select(SickFollowUp)).all()) == [
        (False, "sick"),
        (True, "back"),
    ]

    telegram.set_local_time("2026-11-30 07:30")  # Monday: only 小红 is asked about
    telegram.schedule()
    asked = private(await telegram.run_job(f"checkin-open:{k.site.id}:morning"))
    assert "小红" in asked[teacher.id] and "小明" not in asked[teacher.id]


async def test_two_fevers_in_one_class_alert_the_health_teacher_at_once(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:10")

    taps = await report_two_sick(telegram, k.teachers["小一班"], second_symptom="发热")

    alert = to(taps[-1], HEALTH_TEACHER.id)
    assert len(alert) == 1
    assert alert[0].text.startswith(
        "⚠️ 第一幼儿园 · 小一班：11月26日（周四）有 2 名幼儿发热或出疹：小明、小红"
    )
    # Reporting again (a replacement) does not alert twice.
    again = await telegram.send(k.teachers["小一班"], "🩺 晨检")
    assert "小一班今天已报" in again[-1].text
