"""The outbox: blocked parents are marked and left alone, passing failures are retried, and a
restart resumes where the last run stopped, nobody receiving a notice twice."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from jobs.notice_sender import sender_of, wake_sender
from storage import notice_outbox as outbox
from storage.notice_models import DeliveryStatus, NoticeDelivery
from tests.conftest import BotFactory
from tests.notices.setup import (
    DIRECTOR,
    FlakyRequest,
    deliveries,
    make_school,
    notices_to,
    send_notice,
    sent_out,
    tap_through,
)

BLOCKED = (403, "Forbidden: bot was blocked by the user")


async def test_a_blocked_parent_is_marked_and_never_retried(bots: BotFactory, db: Session) -> None:
    school = make_school(db)
    request = FlakyRequest()
    zhao = school.parents["赵军"]
    request.by_chat[zhao.id] = [BLOCKED]
    telegram = await bots.start(request)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()

    await send_notice(telegram, DIRECTOR, "防溺水安全", "小一班", "小二班")

    status = {r.chat_id: r.status for r in deliveries(db)}
    assert status[zhao.id] == DeliveryStatus.BLOCKED
    assert [status[school.parents[n].id] for n in ("陈明", "刘芳")] == ["sent", "sent"]
    telegram.set_local_time("2026-11-24 10:00")
    wake_sender(telegram.app)
    await sent_out(telegram)
    assert len(request.sent(zhao.id)) == 1  # one try, never again
    listing = (await telegram.send(DIRECTOR, "/notices"))[-1]
    figures = (await telegram.press(DIRECTOR, listing, "防溺水安全"))[-1]
    assert "已屏蔽机器人 1" in figures.text and "已送达 2/3" in figures.text


async def test_server_errors_are_retried_with_back_off(bots: BotFactory, db: Session) -> None:
    school = make_school(db)
    request = FlakyRequest()
    liu, zhao = school.parents["刘芳"], school.parents["赵军"]
    request.by_chat[liu.id] = [(500, "Internal Server Error"), (502, "Bad Gateway")]
    request.by_chat[zhao.id] = [(500, "Internal Server Error")] * 3
    telegram = await bots.start(request)
    sender_of(telegram.app).retry_wait = 0.01
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()

    await send_notice(telegram, DIRECTOR, "防溺水安全", "小一班", "小二班")

    # 刘芳: two failures, then delivered within the same try.
    assert len(notices_to(request, liu.id)) == 1 and len(request.sent(liu.id)) == 3
    # 赵军: three failures in a row; the row waits (durably) for its next try.
    [row] = [r for r in deliveries(db) if r.chat_id == zhao.id]
    assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 1)
    assert row.next_attempt_at == telegram.app.clock() + timedelta(seconds=5)
    assert "Internal Server Error" in (row.error or "")

    telegram.app.clock = lambda: row.next_attempt_at
    wake_sender(telegram.app)
    await sent_out(telegram)
    assert len(notices_to(request, zhao.id)) == 1
    assert {r.status for r in deliveries(db)} == {DeliveryStatus.SENT}


async def test_a_restart_resumes_the_queue_and_sends_nobody_twice(
    bots: BotFactory, db: Session
) -> None:
    school = make_school(db)
    first = await bots.start()
    first.set_local_time("2026-11-23 10:00")
    # Confirmed, but the sender never ran (the process stops right after).
    confirm = (await tap_through(first, DIRECTOR, "谨防诈骗", "下一步", "跳过", "全园", "预览"))[-1]
    await first.press(DIRECTOR, confirm, "确认发送")
    await bots.stop(first)
    rows = deliveries(db)
    assert {r.status for r in rows} == {DeliveryStatus.QUEUED} and len(rows) == 4
    # As a killed process leaves it: one row was being sent, one was done.
    done, half = rows[0], rows[1]
    db.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == done.id)
        .values(status=DeliveryStatus.SENT, message_id=7, sent_at=first.app.clock())
    )
    db.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == half.id)
        .values(status=DeliveryStatus.SENDING, attempts=1)
    )
    db.commit()

    second = await bots.start()
    second.set_local_time("2026-11-23 10:05")
    second.schedule()
    await sent_out(second)

    assert {r.status for r in deliveries(db)} == {DeliveryStatus.SENT}
    for parent in school.parents.values():
        expected = 0 if parent.id == done.chat_id else 1
        assert len(notices_to(second.request, parent.id)) == expected, parent


async def test_a_slow_disk_under_a_broadcast_never_stalls_the_bot(
    bots: BotFactory, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording a delivery that waits 0.3 s for the disk (an SQLite checkpoint) holds up
    the broadcast only: the event loop, where every tap is handled, stays free."""
    make_school(db)
    mark_sent = outbox.mark_sent

    def slow_disk(**arguments: Any) -> None:
        time.sleep(0.3)
        mark_sent(**arguments)

    monkeypatch.setattr(outbox, "mark_sent", slow_disk)
    telegram = await bots.start()
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    confirm = (await tap_through(telegram, DIRECTOR, "谨防诈骗", "下一步", "跳过", "全园", "预览"))[-1]
    await telegram.press(DIRECTOR, confirm, "确认发送")

    loop = asyncio.get_running_loop()
    lags = []
    while sender_of(telegram.app).busy or not lags:
        before = loop.time()
        await asyncio.sleep(0.01)
        lags.append(loop.time() - before - 0.01)
    await sent_out(telegram)

    assert {r.status for r in deliveries(db)} == {DeliveryStatus.SENT}
    assert max(lags) < 0.15, f"the event loop stalled for {max(lags):.2f} s"
