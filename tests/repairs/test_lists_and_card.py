"""/tickets pages (overdue first), the live card in the maintenance group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from storage.repairs import open_ticket
from storage.repairs_models import Urgency
from tests.repairs.setup import (
    CAREGIVER,
    MAINTENANCE_GROUP,
    TEACHER,
    WORKER,
    Kindergarten,
    make_kindergarten,
)
from tests.repairs.test_story import report_in_group
from tests.support.telegram import Telegram


def open_many(db: Session, k: Kindergarten, count: int, at: datetime) -> None:
    for n in range(count):
        open_ticket(
            session=db,
            now=at + timedelta(minutes=n),
            site_id=k.site_id,
            reporter_id=k.person_id(TEACHER),
            description=f"椅子坏了 {n + 1}",
            location="小二班",
            category="furniture",
            urgency=Urgency.URGENT if n == 9 else Urgency.NORMAL,
        )


async def test_maintenance_sees_every_open_ticket_paged_with_the_overdue_first(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    open_many(db, k, 10, datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    telegram.set_local_time("2026-11-26 15:00")  # only the urgent #10 is overdue

    first = (await telegram.send(WORKER, "/tickets"))[-1]
    lines = first.text.split("\n")
    assert lines[0] == "🔧 未结工单 · 第 1 页"
    assert lines[1].startswith("🔧 #2026-0010 小二班") and lines[1].endswith("⚠️ 超时")
    assert len(lines) == 9 and "下一页 ▶" in [label for label, _ in first.buttons()]
    second = (await telegram.press(WORKER, first, "下一页"))[-1]
    assert second.text.split("\n")[1:] == [
        "🔧 #2026-0008 小二班 · 椅子坏了 8 · 待接单",
        "🔧 #2026-0009 小二班 · 椅子坏了 9 · 待接单",
    ]

    mine = (await telegram.send(CAREGIVER, "/tickets"))[-1]
    assert mine.text == "🔧 我的工单 · 第 1 页\n没有未结工单。"


async def test_the_maintenance_group_card_follows_the_tickets(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")

    await report_in_group(telegram)
    await telegram.settle()

    cards = [
        c
        for c in telegram.request.calls
        if c.chat_id == MAINTENANCE_GROUP.id and c.text.startswith("🔧 维修工单")
    ]
    assert cards[-1].text == (
        "🔧 维修工单 · 11月26日（周四）\n未结 1 · 超时 0\n【待接单】\n🔧 #2026-0001 小一班 · 水龙头漏水"
    )
