"""Staff compose a notice: template or new text → attachment → audience → preview → confirm."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.notice_models import Notice
from tests.factories import class_named
from tests.notices.setup import (
    CAREGIVER,
    DIRECTOR,
    TEACHER,
    deliveries,
    make_school,
    notices_to,
    sent_out,
    tap_through,
)
from tests.support.telegram import Telegram, answers, texts


async def test_a_notice_to_two_classes_reaches_exactly_their_parents(
    telegram: Telegram, db: Session
) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()

    preview = await tap_through(
        telegram, DIRECTOR, "防溺水安全", "下一步", "跳过", "小一班", "小二班", "预览"
    )

    # The preview is the parent's message itself, then the question.
    shown, confirm = preview[-2], preview[-1]
    assert shown.text.startswith("📢 防溺水安全\n\n尊敬的家长：\n夏季是溺水事故高发期。")
    assert shown.text.endswith("— 第一幼儿园")
    assert shown.buttons() == [("✅ 已阅知晓", "ntc:v1:pv")]
    assert "发送给：小一班、小二班 · 共 3 位家长？" in confirm.text
    assert answers(await telegram.press(DIRECTOR, shown, "已阅知晓")) == [
        "这是预览：家长点此按钮确认已阅读。"
    ]

    sent = await telegram.press(DIRECTOR, confirm, "确认发送")
    assert texts(sent)[-1] == "📤 正在发送「防溺水安全」给 3 位家长。"
    await sent_out(telegram)

    received = {p.id for p in school.parents.values() if notices_to(telegram.request, p.id)}
    assert received == school.of("陈明", "刘芳", "赵军")
    # 陈明 has children in both classes and gets the notice once.
    assert len(notices_to(telegram.request, school.parents["陈明"].id)) == 1
    parent_copy = notices_to(telegram.request, school.parents["刘芳"].id)[0]
    assert parent_copy.text == shown.text
    rows = deliveries(db)
    assert [r.status for r in rows] == ["sent"] * 3
    assert all(r.message_id and r.idempotency_key.startswith("notice:") for r in rows)
    notice = db.exec(select(Notice)).one()
    assert notice.title == "防溺水安全" and len(notice.class_ids) == 2


async def test_double_tap_on_send_sends_one_notice(telegram: Telegram, db: Session) -> None:
    make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    confirm = (await tap_through(telegram, DIRECTOR, "交通安全", "下一步", "跳过", "全园", "预览"))[
        -1
    ]
    assert "🏫 全园 · 共 4 位家长" in confirm.text

    await telegram.press(DIRECTOR, confirm, "确认发送")
    again = await telegram.press(DIRECTOR, confirm, "确认发送")

    assert answers(again) == ["这份通知已经发出，不会重复发送。"]
    assert len(db.exec(select(Notice)).all()) == 1
    assert len(deliveries(db)) == 4


async def test_class_teacher_sends_to_her_own_class_only(telegram: Telegram, db: Session) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    audience = (await tap_through(telegram, TEACHER, "传染病预防", "下一步", "跳过"))[-1]
    labels = [label for label, _ in audience.buttons()]
    assert "✅ 小一班" in labels and "🏫 全园" not in labels and "⬜ 小二班" not in labels

    # A forged button for another class is refused and changes nothing.
    other = class_named(db, school.site, "小二班")
    refused = await telegram.press_data(TEACHER, audience.result, f"ntd:v1:cls:{other.id}")
    assert answers(refused) == ["您只能给本班家长发通知。"]
    whole = await telegram.press_data(TEACHER, audience.result, "ntd:v1:all")
    assert "只有园长" in answers(whole)[0]

    confirm = (await telegram.press(TEACHER, audience, "预览"))[-1]
    assert "发送给：小一班 · 共 2 位家长？" in confirm.text
    await telegram.press(TEACHER, confirm, "确认发送")
    await sent_out(telegram)
    received = {p.id for p in school.parents.values() if notices_to(telegram.request, p.id)}
    assert received == school.of("陈明", "刘芳")


async def test_who_may_not_send_is_told_who_may(telegram: Telegram, db: Session) -> None:
    school = make_school(db)
    for user in (CAREGIVER, school.parents["刘芳"]):
        reply = (await telegram.send(user, "/notice"))[-1]
        assert reply.text.startswith("只有园长、分管后勤园长（任意班级）或班主任（本班）")
    assert db.exec(select(Notice)).all() == []
