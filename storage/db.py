"""Engine and session factory: the one place a database connection is opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, create_engine

Model = TypeVar("Model", bound=SQLModel)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL mode and enforced foreign keys."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL makes NORMAL durable across application crashes and much faster than FULL.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for one update or one job; callers commit what they change."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def read_only(model: type[Model], values: Mapping[Any, Any]) -> Model:
    """A row as a model for reading only, never added to a session. Built without
    SQLModel's instrumented __init__, which costs ~0.1 ms an object on the busiest taps."""
    return model.model_construct(**values)


@contextmanager
def closing_round_trip(connection: Connection) -> Iterator[Callable[[], None]]:
    """The last statements of a transaction, sent with its COMMIT in one round trip.

    Inside, run statements whose answer is not needed (no RETURNING, no rowcount), then call
    the function given to commit. On PostgreSQL (psycopg's pipeline mode) nothing is sent
    until the block ends, and then everything goes at once; an error, a statement's or the
    COMMIT's, is raised there, as SQLAlchemy's error. Elsewhere each statement runs at once,
    and the function does nothing: the session's own commit follows. Either way, call the
    session's commit after the block (on PostgreSQL it then has nothing left to do).
    """
    if connection.dialect.driver != "psycopg":  # SQLite, or another PostgreSQL driver
        yield lambda: None
        return

    # Imported here, not at the top: loaded in every process, psycopg made the start-up
    # rebuild of 10,000 jobs ~0.13 s slower (measured, SQLite and PostgreSQL alike).
    import psycopg

    def commit() -> None:
        connection.exec_driver_sql("COMMIT")

    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.pipeline():
            yield commit
    except psycopg.Error as error:
        raise DBAPIError.instance(
            "(the transaction's closing round trip)", None, error, psycopg.Error
        ) from error
