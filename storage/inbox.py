"""The durable inbox: store updates before they are confirmed, mark them done with their effects.

An update is stored (unique on `update_id`) before Telegram is told we have it; its
`done_at` is written in the same transaction as the first change it makes, or after it
when it changes nothing. Whatever is stored and not done is processed at start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.dml import Insert

from storage.inbox_models import InboxUpdate
from storage.types import utcnow

TABLE = InboxUpdate.__table__  # type: ignore[attr-defined]
# Telegram keeps an unconfirmed update for 24 hours; done ones are kept longer, so any
# redelivery still finds its row.
KEEP_DONE = timedelta(days=3)


def _insert(dialect: str) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(TABLE)


def store_updates(*, engine: Engine, updates: Sequence[tuple[int, str]]) -> set[int]:
    """Store a batch of (update_id, JSON) in one transaction; return the ids new to the inbox."""
    if not updates:
        return set()
    ids = [update_id for update_id, _ in updates]
    now = utcnow()
    with engine.begin() as connection:
        known = set(connection.scalars(select(TABLE.c.update_id).where(TABLE.c.update_id.in_(ids))))
        rows = [
            {"update_id": i, "payload": p, "received_at": now} for i, p in updates if i not in known
        ]
        if rows:
            statement: Insert = _insert(engine.dialect.name).on_conflict_do_nothing()
            connection.execute(statement, rows)
    return set(ids) - known


def mark_done(*, connection: Connection, update_id: int, now: datetime | None = None) -> None:
    """Record the update as done (inserting it if it never went through `store_updates`).

    If it was done already (another process finished it first) the statement fails, and
    `done_before` says so of its error: the caller's transaction must not be committed. It
    needs no answer, so it can travel with the COMMIT (`storage.db.closing_round_trip`).
    """
    moment = now or utcnow()
    values = {"update_id": update_id, "received_at": moment, "done_at": moment, "attempts": 1}
    connection.execute(_mark_done_statement(connection.dialect.name), values)


def done_before(error: DBAPIError) -> bool:
    """The error is `mark_done`'s refusal of an update that was done already."""
    text = str(error.orig)
    return "inbox_update" in text and "received_at" in text


@cache
def _mark_done_statement(dialect: str) -> Any:
    """Built once per dialect (the busiest statement: one per update); values bound per call.
    On a done row it sets `received_at` (NOT NULL) to NULL: the database refuses."""
    statement = _insert(dialect).inline()  # no implicit RETURNING: it needs no answer
    return statement.on_conflict_do_update(
        index_elements=[TABLE.c.update_id],
        set_={
            "done_at": statement.excluded.done_at,
            "received_at": case((TABLE.c.done_at.is_(None), TABLE.c.received_at)),
        },
    )


def is_done(*, engine: Engine, update_id: int) -> bool:
    with engine.connect() as connection:
        done = connection.scalar(select(TABLE.c.done_at).where(TABLE.c.update_id == update_id))
    return done is not None


def count_attempt(*, engine: Engine, update_id: int) -> int:
    """One more try at an update; returns how many it has had."""
    with engine.begin() as connection:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.update_id == update_id)
            .values(attempts=TABLE.c.attempts + 1)
        )
        return int(
            connection.scalar(select(TABLE.c.attempts).where(TABLE.c.update_id == update_id)) or 0
        )


def pending_updates(*, engine: Engine) -> list[tuple[int, str]]:
    """(update_id, JSON) of what was stored and not done, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(TABLE.c.update_id, TABLE.c.payload)
            .where(TABLE.c.done_at.is_(None), TABLE.c.payload.is_not(None))
            .order_by(TABLE.c.update_id)
        )
        return [(int(i), str(p)) for i, p in rows]


def give_up(*, engine: Engine, update_ids: Iterable[int]) -> None:
    """Mark updates done without their effects (they failed every try)."""
    ids = list(update_ids)
    if ids:
        with engine.begin() as connection:
            connection.execute(
                update(TABLE).where(TABLE.c.update_id.in_(ids)).values(done_at=utcnow())
            )


def purge_done(*, engine: Engine, now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - KEEP_DONE
    with engine.begin() as connection:
        result = connection.execute(
            delete(TABLE).where(TABLE.c.done_at.is_not(None), TABLE.c.done_at < cutoff)
        )
    return int(result.rowcount or 0)
