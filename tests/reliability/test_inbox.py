"""The durable inbox: stored before confirmed, processed once, finished with its effects."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from telegram import Update
from telegram.error import NetworkError

import bot.persistence
import bot.processing
import handlers.disinfection.conversation as conversation
from jobs.housekeeping import start_housekeeping
from storage.inbox_models import InboxUpdate
from storage.models import ConversationState
from tests.conftest import BotFactory
from tests.disinfection.setup import confirm, make_kindergarten, records
from tests.support.networking import Call, OfflineRequest
from tests.support.telegram import Telegram, answers, texts, to


def tap(telegram: Telegram, user_id: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": "q1",
            "from": {"id": user_id, "is_bot": False, "first_name": "李芳"},
            "chat_instance": "c",
            "message": message,
            "data": data,
        }
    }


def inbox_rows(db: Session) -> dict[int, InboxUpdate]:
    db.expire_all()
    return {row.update_id: row for row in db.exec(select(InboxUpdate))}


async def method_screen(telegram: Telegram, user: Any, room: str) -> Any:
    calls = await telegram.send(user, "🧴 消毒打卡")
    return (await telegram.press(user, calls[-1], room))[-1]


async def test_a_tap_delivered_twice_records_once_and_answers_once(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    screen = await method_screen(telegram, caregiver, "小一班 活动室")
    data = next(d for label, d in screen.buttons() if label.endswith("消毒柜"))
    payload = {"update_id": 900_001, **tap(telegram, caregiver.id, screen.result, data)}

    before = len(telegram.request.calls)
    for _ in range(2):  # Telegram redelivers an update whose confirmation it never got
        await telegram.app.process_update(Update.de_json(payload, telegram.app.bot))
    calls = telegram.request.calls[before:]

    assert len(records(db)) == 1
    assert sum("✅ 已记录" in c.text for c in calls) == 1
    assert not any("今天已经消毒过了" in c.text for c in calls)
    assert inbox_rows(db)[900_001].done_at is not None


async def test_a_batch_is_stored_before_the_updater_sees_it(bots: BotFactory, db: Session) -> None:
    updates = [
        {
            "update_id": n,
            "message": {
                "message_id": n,
                "date": 0,
                "chat": {"id": 5, "type": "private"},
                "from": {"id": 5, "is_bot": False, "first_name": "A"},
                "text": "/help",
            },
        }
        for n in (41, 42, 43)
    ]

    class Polling(OfflineRequest):
        def _answer(self, method: str, params: dict[str, Any]) -> Any:
            return updates if method == "getUpdates" else super()._answer(method, params)

    telegram = await bots.start(Polling())
    fetched = await telegram.app.bot.get_updates()

    assert [u.update_id for u in fetched] == [41, 42, 43]
    rows = inbox_rows(db)
    assert sorted(rows) == [41, 42, 43]
    assert all(
        r.done_at is None and json.loads(r.payload or "")["update_id"] == i for i, r in rows.items()
    )
    assert [u.update_id for u in telegram.app.inbox.pending(telegram.app.bot)] == [41, 42, 43]


class FlakyPolling(OfflineRequest):
    """getUpdates answers 500 the first `failing` times, then one waiting message."""

    def __init__(self, failing: int) -> None:
        super().__init__()
        self.failing = failing

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/getUpdates") and self.failing > 0:
            self.failing -= 1
            self.calls.append(Call("getUpdates", {}, None))
            return 500, b'{"ok": false, "error_code": 500, "description": "Internal Server Error"}'
        return await super().do_request(url, method, *args, **kwargs)

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method != "getUpdates":
            return super()._answer(method, params)
        message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"}
        return [{"update_id": 51, "message": message}]


async def test_a_poll_telegram_fails_with_500_is_tried_again_at_once(
    bots: BotFactory, db: Session
) -> None:
    # PTB's polling loop would wait a second after the failed poll, and every tap with it.
    request = FlakyPolling(failing=2)
    telegram = await bots.start(request)
    started = time.monotonic()

    fetched = await telegram.app.bot.get_updates()

    assert [u.update_id for u in fetched] == [51]
    assert [c.method for c in request.calls].count("getUpdates") == 3
    assert time.monotonic() - started < 0.5
    assert sorted(inbox_rows(db)) == [51]


async def test_a_poll_that_keeps_failing_is_left_to_the_updater(
    bots: BotFactory, db: Session
) -> None:
    request = FlakyPolling(failing=5)
    telegram = await bots.start(request)

    with pytest.raises(NetworkError):  # PTB's Updater then backs off as it always did
        await telegram.app.bot.get_updates()
    assert [c.method for c in request.calls].count("getUpdates") == 3
    assert inbox_rows(db) == {}


async def test_updates_the_database_cannot_take_are_not_handed_over(
    bots: BotFactory, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Polling(OfflineRequest):
        def _answer(self, method: str, params: dict[str, Any]) -> Any:
            if method == "getUpdates":
                return [
                    {
                        "update_id": 7,
                        "message": {
                            "message_id": 1,
                            "date": 0,
                            "chat": {"id": 5, "type": "private"},
                            "text": "hi",
                        },
                    }
                ]
            return super()._answer(method, params)

    telegram = await bots.start(Polling())

    def database_away(**_: Any) -> set[int]:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.inbox.store_updates", database_away)
    with pytest.raises(NetworkError):  # PTB's Updater retries and never confirms them
        await telegram.app.bot.get_updates()
    assert inbox_rows(db) == {}


async def test_what_a_killed_run_left_in_the_inbox_is_processed_at_the_next_start(
    bots: BotFactory, db: Session
) -> None:
    first = await bots.start()
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    first.set_local_time("2026-11-23 10:00")
    screen = await method_screen(first, caregiver, "小一班 活动室")
    data = next(d for label, d in screen.buttons() if label.endswith("通风"))
    payload = {"update_id": 900_100, **tap(first, caregiver.id, screen.result, data)}
    first.app.inbox.store([(900_100, json.dumps(payload))])  # fetched, then kill -9

    second = await bots.start()
    second.set_local_time("2026-11-23 10:01")
    for update in second.app.inbox.pending(second.app.bot):  # what bot.runner does first
        await second.app.process_update(update)

    assert [r.method for r in records(db)] == ["ventilation"]
    assert "✅ 已记录" in to(second.request.calls, caregiver.id)[-1].text
    assert second.app.inbox.pending(second.app.bot) == []


async def test_the_conversation_state_is_stored_with_the_update_that_changed_it(
    bots: BotFactory, db: Session
) -> None:
    first = await bots.start()
    k = make_kindergarten(db)
    caregiver = k.caregivers["中一班"]
    first.set_local_time("2026-11-23 10:00")
    ask = (await confirm(first, caregiver, "中一班 活动室", "含氯消毒液", "其他浓度"))[-1]
    assert ask.text == "请输入浓度（mg/L），例如 500："
    db.expire_all()
    assert db.exec(select(ConversationState)).all() != []  # at once, not 5 s later

    second = await bots.start()  # the first is never stopped: as after kill -9
    second.set_local_time("2026-11-23 10:00")
    typed = await second.send(caregiver, "500")

    assert "含氯消毒液 500 mg/L" in typed[-1].text
    assert [r.concentration_mg_l for r in records(db)] == [500]
    # The record and the conversation's end are both stored: nothing is left to resume.
    db.expire_all()
    assert db.exec(select(ConversationState)).all() == []


async def test_a_flow_s_last_step_stores_its_record_and_its_end_in_one_transaction(
    telegram: Telegram, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["中一班"]
    telegram.set_local_time("2026-11-23 10:00")
    await confirm(telegram, caregiver, "中一班 活动室", "含氯消毒液", "其他浓度")
    writes: list[str] = []
    write = bot.persistence._write

    def noted(session: Session, changes: list[Any]) -> None:
        writes.append(type(session).__name__)
        write(session, changes)

    monkeypatch.setattr(bot.persistence, "_write", noted)
    typed = await telegram.send(caregiver, "500")

    assert "含氯消毒液 500 mg/L" in typed[-1].text
    # Written by the commit that stored the record: a crash just after it leaves no
    # conversation waiting for a concentration that was already given.
    assert writes == ["UpdateSession"]
    db.expire_all()
    assert db.exec(select(ConversationState)).all() == []


class LostSession(Session):
    """A session whose connection died: closing it fails on the ROLLBACK."""

    def close(self) -> None:
        super().close()
        raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))


async def test_a_session_lost_with_its_connection_does_not_end_the_update_loop(
    telegram: Telegram, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    app = telegram.app
    monkeypatch.setattr(app, "open_session", lambda: LostSession(app.engine))

    for n in (910_001, 910_002):  # through PTB's own update loop, as in production
        message = {
            "message_id": n,
            "date": 0,
            "chat": {"id": caregiver.id, "type": "private"},
            "from": caregiver.to_dict(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }
        await app.update_queue.put(Update.de_json({"update_id": n, "message": message}, app.bot))
    await asyncio.wait_for(app.update_queue.join(), 5)

    assert len(to(telegram.request.sent(), caregiver.id)) == 2


async def test_a_database_outage_mid_update_is_retried_without_an_apology(
    telegram: Telegram, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    screen = await method_screen(telegram, caregiver, "小一班 活动室")
    monkeypatch.setattr(bot.processing, "RETRY_DELAYS", (0.01, 0.01))
    real = conversation.record_disinfection
    outages = [OperationalError("INSERT", {}, Exception("server closed the connection"))]

    def flaky(**kwargs: Any) -> Any:
        if outages:
            raise outages.pop()
        return real(**kwargs)

    monkeypatch.setattr(conversation, "record_disinfection", flaky)
    calls = await telegram.press(caregiver, screen, "消毒柜")
    for _ in range(100):
        if records(db):
            break
        await asyncio.sleep(0.01)
    await asyncio.wait_for(telegram.app.update_queue.join(), 5)

    later = telegram.request.calls
    assert len(records(db)) == 1
    assert sum("✅ 已记录" in c.text for c in later) == 1
    assert not any("抱歉" in t for t in texts(later)) and calls is not None


async def test_an_update_another_process_finished_changes_nothing(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    screen = await method_screen(telegram, caregiver, "小一班 活动室")
    data = next(d for label, d in screen.buttons() if label.endswith("消毒柜"))
    payload = {"update_id": 920_001, **tap(telegram, caregiver.id, screen.result, data)}
    app = telegram.app
    app.inbox.store([(920_001, json.dumps(payload))])
    # Meanwhile another process (during a takeover) finished the same update.
    with app.engine.begin() as connection:
        from storage.inbox import mark_done

        mark_done(connection=connection, update_id=920_001)

    before = len(telegram.request.calls)
    await app.process_update(Update.de_json(payload, app.bot))

    assert records(db) == []
    assert not any("抱歉" in c.text for c in telegram.request.calls[before:])
    assert answers(telegram.request.calls[before:]) in ([], [""])


async def test_a_double_tap_in_epidemic_mode_cannot_record_the_next_round(
    telegram: Telegram, db: Session
) -> None:
    from tests.disinfection.setup import HEALTH_TEACHER

    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 09:00")
    await telegram.send(HEALTH_TEACHER, "/epidemic on")
    screen = await method_screen(telegram, caregiver, "小一班 活动室")

    first = await telegram.press(caregiver, screen, "消毒柜")
    second = await telegram.press(caregiver, screen, "消毒柜")  # the same button, tapped again
    later = await method_screen(telegram, caregiver, "小一班 活动室")
    next_round = await telegram.press(caregiver, later, "通风")

    assert [r.round for r in records(db)] == [1, 2]
    assert "✅ 已记录" in texts(first)[-1] and "✅ 已记录" in texts(next_round)[-1]
    assert not any("✅ 已记录" in t for t in texts(second))


async def test_a_webhook_update_is_stored_before_the_queue_takes_it(
    telegram: Telegram, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = telegram.app
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"}
    # PTB's webhook handler answers 200 only once `update_queue.put` has returned.
    await app.update_queue.put(Update.de_json({"update_id": 930_001, "message": message}, app.bot))
    await asyncio.wait_for(app.update_queue.join(), 5)

    row = inbox_rows(db)[930_001]
    assert json.loads(row.payload or "")["message"]["text"] == "hi" and row.done_at is not None

    def database_away(**_: Any) -> set[int]:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.inbox.store_updates", database_away)
    with pytest.raises(OperationalError):  # so the webhook answers 500: Telegram retries
        await app.update_queue.put(
            Update.de_json({"update_id": 930_002, "message": message}, app.bot)
        )
    assert 930_002 not in inbox_rows(db)


async def test_handled_updates_leave_the_inbox_after_three_days(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:00")
    now = telegram.app.clock()
    with telegram.app.engine.begin() as connection:
        for update_id, days_ago, done in ((1, 4, True), (2, 2, True), (3, 4, False)):
            at = now - timedelta(days=days_ago)
            mark_or_store = {"update_id": update_id, "payload": "{}", "received_at": at,
                             "done_at": at if done else None, "attempts": 1}  # fmt: skip
            connection.execute(InboxUpdate.__table__.insert(), mark_or_store)  # type: ignore[attr-defined]

    start_housekeeping(telegram.app)
    await telegram.run_job("inbox-purge")

    left = db.exec(select(InboxUpdate.update_id).order_by(InboxUpdate.update_id)).all()
    assert list(left) == [2, 3]  # the recent one, and the one never handled


class FlakySends(OfflineRequest):
    """Telegram answers the next `failing` messages containing `marker` with a 500, or
    (`lost`) their answers never come back."""

    def __init__(self, marker: str, failing: int, *, lost: bool = False) -> None:
        super().__init__()
        self.marker, self.failing, self.lost = marker, failing, lost

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *args: Any, **kwargs: Any
    ) -> Any:
        params = dict(request_data.parameters) if request_data else {}
        if self.failing > 0 and self.marker in str(params.get("text", "")):
            self.failing -= 1
            self.calls.append(Call(url.rsplit("/", 1)[-1], params, None))
            if self.lost:
                raise httpx.ReadTimeout("the answer never came")
            return 500, b'{"ok": false, "error_code": 500, "description": "Internal Server Error"}'
        return await super().do_request(url, method, request_data, *args, **kwargs)


def delivered(calls: list[Call], marker: str) -> int:
    return sum(1 for c in calls if c.result is not None and marker in c.text)


async def test_a_reply_telegram_answers_500_is_sent_again_at_once(
    bots: BotFactory, db: Session
) -> None:
    # The record is committed before its answer: running the update again would not resend
    # it (it is done), so without the quick retry the caregiver would never see ✅.
    request = FlakySends("✅ 已记录", failing=2)
    telegram = await bots.start(request)
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:00")

    await confirm(telegram, k.caregivers["小一班"], "小一班 活动室", "消毒柜")

    tries = [c for c in request.calls if "✅ 已记录" in c.text]
    assert len(tries) == 3 and delivered(tries, "✅ 已记录") == 1
    assert tries[-1].at - tries[0].at < 0.5  # not the processor's half-second wait
    assert len(records(db)) == 1
    assert telegram.app.processor.tries == {}  # the update was not run again


async def test_a_reply_whose_answer_was_lost_is_not_sent_again(
    bots: BotFactory, db: Session
) -> None:
    # It may have arrived: sending it again could show the caregiver ✅ twice.
    request = FlakySends("✅ 已记录", failing=1, lost=True)
    telegram = await bots.start(request)
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:00")

    await confirm(telegram, k.caregivers["小一班"], "小一班 活动室", "消毒柜")

    assert len([c for c in request.calls if "✅ 已记录" in c.text]) == 1
    assert len(records(db)) == 1


async def test_an_outage_at_a_flow_s_last_step_retries_it_from_the_stored_draft(
    telegram: Telegram, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The photo's run dropped the draft before its commit failed: the retry must find the
    # draft as stored, not as the failed run left it in memory.
    import handlers.samples.entry as entry
    from tests.samples.setup import COOK, dishes, log_meal, logs, make_kitchen

    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    monkeypatch.setattr(bot.processing, "RETRY_DELAYS", (0.01, 0.01))
    real = entry.create_log
    outages = [OperationalError("INSERT", {}, Exception("server closed the connection"))]

    def flaky(**kwargs: Any) -> Any:
        if outages:
            raise outages.pop()
        return real(**kwargs)

    monkeypatch.setattr(entry, "create_log", flaky)
    await log_meal(telegram, COOK, "午餐", [("米饭", "150")])
    for _ in range(100):
        if logs(db):
            break
        await asyncio.sleep(0.01)
    await asyncio.wait_for(telegram.app.update_queue.join(), 5)

    assert [(d.dish, d.grams) for d in dishes(db)] == [("米饭", 150)]
    later = texts(telegram.request.calls)
    assert sum(t.startswith("✅ 已留样") for t in later) == 1
    assert not any("抱歉" in t for t in later)
