"""Tickets that end without a fix: cannot fix (with the reason, told to the reporter) and
cancelled by the lead; /ticket shows photos and the whole history."""

from __future__ import annotations

from sqlmodel import Session

from storage.repairs_models import Status
from tests.repairs.setup import (
    CAREGIVER,
    LEAD,
    MAINTENANCE_GROUP,
    WORKER,
    history,
    make_kindergarten,
    tickets,
)
from tests.repairs.test_story import report_in_group
from tests.support.telegram import Telegram, answers, to


async def test_cannot_fix_needs_a_reason_and_tells_the_reporter(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_in_group(telegram)
    post = to(telegram.request.calls, MAINTENANCE_GROUP.id)[0]
    taken = (await telegram.press(WORKER, post, "接单"))[-1]

    asked = await telegram.press(WORKER, taken, "无法处理")
    assert to(asked, WORKER.id)[-1].text.startswith("为什么无法处理？")
    assert answers(asked) == ["已在私聊中向你询问。"]
    empty = (await telegram.send(WORKER, "1"))[-1]
    done = await telegram.send(WORKER, "需要采购新的水龙头")

    assert empty.text == "请用文字描述一下。"
    ticket = tickets(db)[0]
    assert (ticket.status, ticket.reason) == (Status.CANNOT_FIX, "需要采购新的水龙头")
    [told] = to(done, CAREGIVER.id)
    assert told.text.startswith("🚫 #2026-0001 暂时无法处理。")
    assert "原因：需要采购新的水龙头" in told.text


async def test_the_lead_cancels_from_the_ticket_view_with_a_reason(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_in_group(telegram)

    shown = await telegram.send(LEAD, "/ticket 1")
    [before] = [c for c in shown if c.method == "sendPhoto"]
    assert before.text == "维修前： #2026-0001"
    view = shown[-1]
    assert "记录：" in view.text and "李芳 报修" in view.text and "李芳 提交" in view.text
    assert {"👷 指派", "✖️ 取消工单"} <= {label for label, _ in view.buttons()}
    await telegram.press(LEAD, view, "取消工单")
    await telegram.send(LEAD, "重复报修，见 #2026-0002")

    ticket = tickets(db)[0]
    assert (ticket.status, ticket.reason) == (Status.CANCELLED, "重复报修，见 #2026-0002")
    assert history(db, ticket)[-1] == ("cancel", "new", "cancelled")
    reporter_view = (await telegram.send(CAREGIVER, "/ticket 1"))[-1]
    assert "状态：已取消" in reporter_view.text and reporter_view.buttons() == []
