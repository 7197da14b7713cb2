"""One process in charge of a database: it polls (or serves the webhook) and runs the jobs.

SQLite: a lock file beside the database; a second `houqin run` refuses to start.
PostgreSQL: a session-level advisory lock. Others wait and take over within seconds when
the holder dies (its connection closes and the server releases the lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x686F7571696E  # "houqin"
WAIT_POLL = 1.0  # seconds between two tries of a waiting process
WATCH_EVERY = 2.0  # seconds between two checks that the holder still holds the lock


class Leadership(Protocol):
    lost: bool

    async def acquire(self, stop: asyncio.Event) -> bool: ...

    async def watch(self, stop: asyncio.Event) -> None: ...

    def release(self) -> None: ...


class AlreadyRunning(Exception):
    """Another process is in charge of this SQLite database."""


class FileLeadership:
    """SQLite: an exclusive lock on `<database>.run-lock`, released by the OS when we die."""

    def __init__(self, database: str) -> None:
        self.path = Path(database + ".run-lock")
        self.lost = False
        self._file: IO[str] | None = None

    def take(self) -> None:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"Another `houqin run` (pid {holder}) is using {self.path.with_suffix('')}; "
                "stop it first (several processes need PostgreSQL)."
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    async def acquire(self, stop: asyncio.Event) -> bool:
        if self._file is None:
            self.take()
        return True

    async def watch(self, stop: asyncio.Event) -> None:
        await stop.wait()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class PostgresLeadership:
    """The holder of a session-level advisory lock, on a connection of its own."""

    def __init__(self, engine: Engine) -> None:
        # Unpooled: closing the connection must end the session, which releases the lock.
        self.engine = create_engine(
            engine.url, poolclass=NullPool, connect_args={"connect_timeout": 5}
        )
        self.lost = False
        self._connection: Connection | None = None

    def _try(self) -> bool:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            held = bool(
                connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY})
            )
        except Exception:
            connection.close()
            raise
        if not held:
            connection.close()
            return False
        self._connection = connection
        return True

    async def acquire(self, stop: asyncio.Event) -> bool:
        waiting = False
        while not stop.is_set():
            try:
                if self._try():
                    log.info("In charge of the database: polling and jobs start")
                    return True
                if not waiting:
                    log.info("Another process is in charge; waiting to take over")
                    waiting = True
            except Exception as error:
                log.warning("Cannot reach the database to take charge: %s", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), WAIT_POLL)
        return False

    async def watch(self, stop: asyncio.Event) -> None:
        """Stop when another process holds the lock; a database outage alone stops no one."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), WATCH_EVERY)
            if stop.is_set() or self._alive():
                continue
            try:
                if self._try():
                    log.warning("The database connection was lost; the lock is ours again")
                    continue
            except Exception as error:
                log.warning("Cannot reach the database to keep charge: %s", error)
                continue
            log.error("Another process took charge of the database; stopping")
            self.lost = True
            stop.set()

    def _alive(self) -> bool:
        connection = self._connection
        if connection is None:
            return False
        try:
            connection.scalar(text("SELECT 1"))
            return True
        except Exception:
            with contextlib.suppress(Exception):
                connection.close()
            self._connection = None
            return False

    def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()  # the server releases the lock with the session
            self._connection = None


def leadership_for(engine: Engine) -> Leadership:
    """Raises AlreadyRunning when a SQLite database is taken."""
    if engine.dialect.name == "postgresql":
        return PostgresLeadership(engine)
    database = engine.url.database
    if not database or database == ":memory:":
        raise ValueError("houqin run needs a database file or PostgreSQL")
    leadership = FileLeadership(database)
    leadership.take()
    return leadership
