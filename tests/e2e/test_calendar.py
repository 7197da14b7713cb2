"""The safety calendar end to end: the demo term's tasks, one completed late from the list with
a note, and the month's card in the staff group."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from docx import Document
from sqlmodel import select

from storage.calendar_models import DrillRecord, TaskOccurrence, TaskRule
from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import (
    DIRECTOR,
    WAIT,
    Kindergarten,
    buttons_of,
    person_id_of,
    text_of,
)

LIU_YANG = 100002  # 分管后勤园长
REPAIR = "检修户外大型玩具，更换损坏部件"  # last month's plan item, still open: overdue
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def test_logistics_head_completes_an_overdue_task_with_a_note(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, liu = kindergarten.users, kindergarten.person(LIU_YANG)

    asked = users.send_text(liu, "📅 工作日历")
    listing = await users.wait_for_bot_message(liu, after=asked, timeout=WAIT)
    assert text_of(listing).startswith("📅 全园任务：逾期及本周")
    assert "⚠️ " in text_of(listing) and REPAIR in text_of(listing)
    assert "❗ 本季度疏散演练未完成，剩余" in text_of(listing)
    assert f"✅ {REPAIR}" in buttons_of(listing)

    users.press_button(liu, listing, text=f"✅ {REPAIR}")
    await users.wait_for_edit(listing, timeout=WAIT)
    assert text_of(listing).startswith(f"✅ 已记录：{REPAIR}。 （补录）")
    noted = users.send_text(liu, "滑梯扶手已更换，秋千链条已加固")
    reply = await users.wait_for_bot_message(liu, after=noted, timeout=WAIT)
    assert text_of(reply) == "📝 备注已保存。可以发送照片，或发送 /skip 结束。"

    def month_card() -> str:
        cards = [text_of(m) for m in users.bot_messages(kindergarten.staff_group)]
        return next((text for text in cards if "月工作" in text), "")

    await users.wait_until(lambda: "已完成" in month_card(), timeout=WAIT, what="the month's card")
    assert "教职工卫生保健知识培训 · 保健老师" in month_card()  # this month's, done in the demo
    with kindergarten.session() as session:
        rule = session.exec(select(TaskRule).where(TaskRule.title == REPAIR)).one()
        done = session.exec(select(TaskOccurrence).where(TaskOccurrence.rule_id == rule.id)).one()
        assert (done.status, done.late, done.note) == (
            "done",
            True,
            "滑梯扶手已更换，秋千链条已加固",
        )
        assert done.completed_by == person_id_of(session, LIU_YANG)
        [drill] = session.exec(select(DrillRecord)).all()  # the demo's drill, with its photo
        assert drill.slow and drill.evacuation_seconds == 155 and len(drill.photos) == 1


def _plan_docx(first: int, second: int) -> bytes:
    """A two-month plan as a Word file: the months after this one, so never in the past."""
    document = Document()
    document.add_paragraph("第一幼儿园安全工作安排")
    document.add_paragraph(f"{first}月份：")
    document.add_paragraph("1、开展一次紧急疏散演练")
    document.add_paragraph("2、检查全园灭火器")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = f"{second}月份"
    table.cell(0, 1).text = "(1) 食堂从业人员体检\n(2) 召开家长会"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def test_director_imports_a_docx_plan_and_confirms(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, wang = kindergarten.users, kindergarten.person(DIRECTOR)
    month = datetime.now(ZoneInfo("Asia/Shanghai")).month
    first, second = month % 12 + 1, (month + 1) % 12 + 1

    asked = users.send_text(wang, "/plan")
    prompt = await users.wait_for_bot_message(wang, after=asked, timeout=WAIT)
    assert text_of(prompt).startswith("📥 请粘贴本学期工作计划")
    sent = users.send_document(wang, _plan_docx(first, second), filename="安全工作安排.docx",
                               mime_type=DOCX)  # fmt: skip
    review = await users.wait_for_bot_message(wang, after=sent, timeout=WAIT)
    assert text_of(review).startswith("📥 学期计划：共找到 4 项 · 第 1/1 页")
    assert "1. " in text_of(review) and "开展一次紧急疏散演练" in text_of(review)

    users.press_button(wang, review, text="✅ 确认导入 4 项")
    await users.wait_for_edit(review, timeout=WAIT)

    assert text_of(review).startswith("✅ 已安排 4 项任务")
    with kindergarten.session() as session:
        titles = {r.title: r for r in session.exec(select(TaskRule).where(
            TaskRule.source == "plan", TaskRule.created_at > datetime.now(UTC) - timedelta(minutes=5)))}  # fmt: skip
    assert set(titles) >= {
        "开展一次紧急疏散演练",
        "检查全园灭火器",
        "食堂从业人员体检",
        "召开家长会",
    }
    assert titles["开展一次紧急疏散演练"].kind == "drill"
    assert (titles["召开家长会"].start.month, titles["召开家长会"].role) == (
        second,
        "class_teacher",
    )
