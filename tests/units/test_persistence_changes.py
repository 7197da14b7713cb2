"""Persisted chat state: changes made in place are written; a failed commit writes none."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from telegram import Update

import bot.persistence
from bot.persistence import SQLPersistence
from bot.processing import UpdateRun, UpdateSession
from storage.inbox_models import InboxUpdate
from storage.models import AuditEvent, ConversationState


async def test_a_nested_change_in_place_is_persisted(engine: Engine) -> None:
    persistence = SQLPersistence(engine)
    user_data = {"plan": {"page": 0, "items": [{"keep": True}]}}
    await persistence.update_user_data(1, user_data)

    user_data["plan"]["page"] = 2  # the review's ▶ button changes the draft in place
    user_data["plan"]["items"][0]["keep"] = False
    await persistence.update_user_data(1, user_data)

    reloaded = await SQLPersistence(engine).get_user_data()
    assert reloaded[1] == {"plan": {"page": 2, "items": [{"keep": False}]}}
    await persistence.drop_user_data(1)


def test_a_failed_first_commit_forgets_the_state_it_was_to_write(engine: Engine) -> None:
    """The state written into a first commit that then failed is not stored: the cache of
    what is stored is dropped, so the update's finish writes it again."""
    forgotten: list[bool] = []

    def write_state(session: Session, update: Update) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    run = UpdateRun(Update(update_id=77), write_state, lambda: forgotten.append(True))
    with UpdateSession(engine, info={"run": run}) as session:
        session.add(AuditEvent(action="test"))
        with pytest.raises(OperationalError):
            session.commit()

    assert forgotten == [True] and not run.marked
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "test")).all() == []


def test_the_first_commit_sends_state_mark_and_commit_in_one_round_trip(engine: Engine) -> None:
    """On PostgreSQL the last statements of an update travel with its COMMIT in psycopg's
    pipeline (one Sync, so one round trip); each used to cost a round trip of its own."""
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's pipeline: PostgreSQL only")
    from psycopg import pq

    sent: list[tuple[str, bool]] = []

    def record(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        queued = cursor.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        sent.append((statement.split()[0], queued))

    def write_state(session: Session, update: Update) -> None:
        bot.persistence._write(session, [("conversation", "flow", "[1, 1]", "2")])

    run = UpdateRun(Update(update_id=78), write_state)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with UpdateSession(engine, info={"run": run}) as session:
            session.add(AuditEvent(action="round trips"))
            session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)

    # The ORM's INSERT needs its id back, so it goes first; the rest wait for the COMMIT.
    assert sent == [("INSERT", False), ("INSERT", True), ("INSERT", True), ("COMMIT", True)]
    assert run.marked
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "round trips")).one()
        assert session.get(InboxUpdate, 78).done_at is not None  # type: ignore[union-attr]
        state = session.exec(select(ConversationState).where(ConversationState.key == "[1, 1]"))
        assert state.one().data == "2"
