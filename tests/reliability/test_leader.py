"""One process in charge: SQLite refuses a second one; PostgreSQL makes it wait and take over."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.leader import AlreadyRunning, PostgresLeadership, leadership_for
from storage.db import make_engine


def test_a_second_process_on_one_sqlite_file_is_refused_in_one_line(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'houqin.db'}")
    first = leadership_for(engine)
    try:
        with pytest.raises(AlreadyRunning) as refused:
            leadership_for(engine)
    finally:
        first.release()
    message = str(refused.value)
    assert "\n" not in message and "Another `houqin run`" in message and "houqin.db" in message
    leadership_for(engine).release()  # free again once the first is gone


async def test_on_postgresql_a_second_process_waits_and_takes_over(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = PostgresLeadership(engine), PostgresLeadership(engine)
    never = asyncio.Event()
    assert await first.acquire(never)

    stop_waiting = asyncio.Event()
    waiting = asyncio.create_task(second.acquire(stop_waiting))
    await asyncio.sleep(1.5)
    assert not waiting.done()  # the second waits while the first is in charge

    first.release()  # its connection closes, as when the process dies
    started = time.monotonic()
    assert await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - started < 3
    second.release()
