"""🔧 报修 and ⚠️ 隐患 from the private menu; a hazard is checked by the lead, not its fixer."""

from __future__ import annotations

from sqlmodel import Session

from storage.repairs_models import Category, Status, TicketKind
from tests.repairs.setup import (
    CAREGIVER,
    HEALTH_TEACHER,
    LEAD,
    MAINTENANCE_GROUP,
    PARENT,
    TEACHER,
    WORKER,
    last_with_buttons,
    make_kindergarten,
    photos,
    tickets,
)
from tests.support.telegram import Telegram, answers, to


async def test_the_menu_report_asks_where_what_kind_what_photo_and_urgency(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 09:00")

    where = (await telegram.send(TEACHER, "🔧 报修"))[-1]
    assert where.text == "🔧 报修\n📍 在哪里？"
    assert [label for label, _ in where.buttons()][:4] == ["小一班", "小二班", "中一班", "厨房"]
    kind = (await telegram.press(TEACHER, where, "小二班"))[-1]
    ask = (await telegram.press(TEACHER, kind, "电路"))[-1]
    assert ask.text == "出了什么问题？请用一句话描述："
    empty = (await telegram.send(TEACHER, "。"))[-1]
    too_long = (await telegram.send(TEACHER, "灯" * 5000))[-1]
    photo = (await telegram.send(TEACHER, "活动室的吸顶灯不亮"))[-1]
    not_a_photo = (await telegram.send(TEACHER, "这是照片"))[-1]
    urgency = (await telegram.send_photo(TEACHER))[-1]
    done = await telegram.press(TEACHER, urgency, "普通")

    assert empty.text == "请用文字描述一下。"
    assert too_long.text == "共 5000 个字，最多 1000 个字，请精简后再发。"
    assert photo.text == "请发一张照片，或点「跳过」。"
    assert not_a_photo.text == "这不是照片。请发送照片，或点「跳过」。"
    [ticket] = tickets(db)
    assert (ticket.code, ticket.location, ticket.category, ticket.status, ticket.kind) == (
        "#2026-0001",
        "小二班",
        Category.ELECTRIC,
        Status.NEW,
        TicketKind.REPAIR,
    )
    assert ticket.description == "活动室的吸顶灯不亮" and len(photos(db, ticket)) == 1
    assert any(c.text.startswith("✅ 已提交 #2026-0001：小二班") for c in done)
    assert len(to(done, MAINTENANCE_GROUP.id)) >= 1


async def test_a_hazard_from_the_menu_is_verified_by_the_lead_and_never_by_its_fixer(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 09:00")
    where = (await telegram.send(CAREGIVER, "⚠️ 隐患"))[-1]
    typed = (await telegram.press(CAREGIVER, where, "手动输入"))[-1]
    assert typed.text == "请输入具体地点："
    await telegram.send(CAREGIVER, "东侧楼梯")
    skip = (await telegram.send(CAREGIVER, "楼梯扶手松动"))[-1]
    urgency = (await telegram.press(CAREGIVER, skip, "跳过"))[-1]
    await telegram.press(CAREGIVER, urgency, "紧急")
    [ticket] = tickets(db)
    assert (ticket.kind, ticket.location, ticket.urgency) == (
        TicketKind.HAZARD,
        "东侧楼梯",
        "urgent",
    )

    # The logistics lead assigns it to himself? Only maintenance can be assigned: 赵强.
    post = to(telegram.request.calls, MAINTENANCE_GROUP.id)[0]
    pick = (await telegram.press(LEAD, post, "指派"))[-1]
    assigned = (await telegram.press(LEAD, pick, "赵强"))[-1]
    assert to(telegram.request.calls, WORKER.id)[-1].text.startswith("👷 #2026-0001 已指派给你。")
    await telegram.press(WORKER, assigned, "完成")
    ask_photo = (await telegram.send(WORKER, "扶手螺丝已紧固"))[-1]
    no_photo = await telegram.press(WORKER, ask_photo, "跳过")
    assert "隐患整改完成须附整改后的照片。" in [c.text for c in no_photo]
    await telegram.send_photo(WORKER)

    checks = [c for c in telegram.request.calls if "修好了吗" in c.text]
    assert {c.chat_id for c in checks} == {LEAD.id, HEALTH_TEACHER.id}
    by_reporter = await telegram.press(CAREGIVER, checks[0], "已修好")
    assert answers(by_reporter) == ["报修由报修人或后勤组长验收；隐患由后勤组长或保健老师验收。"]
    await telegram.press(
        HEALTH_TEACHER, last_with_buttons(to(telegram.request.calls, HEALTH_TEACHER.id)), "已修好"
    )
    assert tickets(db)[0].status == Status.VERIFIED


async def test_a_parent_cannot_report(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)

    menu = (await telegram.send(PARENT, "/repair"))[-1]
    listing = (await telegram.send(PARENT, "/tickets"))[-1]

    assert menu.text.startswith("只有") and listing.text.startswith("只有")
    assert tickets(db) == []
