"""Fault stories: the real bot process against the sandbox, killed, starved and slowed down."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.kindergarten import Kindergarten
from tests.faults.world import FaultBot, kindergarten_on, postgres_url

BACKENDS = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
Launch = Callable[..., Awaitable[FaultBot]]


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest_asyncio.fixture
async def place(backend: str, tmp_path: Path) -> AsyncIterator[Kindergarten]:
    if backend == "postgresql" and postgres_url() is None:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL fault stories skipped")
    async with kindergarten_on(backend, tmp_path) as kindergarten:
        yield kindergarten


@pytest_asyncio.fixture
async def place_pg(tmp_path: Path) -> AsyncIterator[Kindergarten]:
    if postgres_url() is None:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL fault stories skipped")
    async with kindergarten_on("postgresql", tmp_path) as kindergarten:
        yield kindergarten


@pytest_asyncio.fixture
async def launch(tmp_path: Path) -> AsyncIterator[Launch]:
    """Start a bot process (polling) with extra environment; all are stopped after the test."""
    started: list[FaultBot] = []

    async def start(place: Kindergarten, database_url: str | None = None, **env: str) -> FaultBot:
        bot = FaultBot(place.server, database_url or place.database_url, tmp_path, "polling")
        bot.log_path = tmp_path / f"bot-{len(started)}.log"
        bot.env.update(env)
        started.append(bot)
        await bot.start()
        return bot

    try:
        yield start
    finally:
        for bot in started:
            code = await bot.stop()
            print(f"--- bot process exited with {code} ---\n{bot.output()}")
