"""Fixtures: an emulator, the demo kindergarten in a fresh database, the real bot process.

Every test gets its own emulator, database file and bot process, so stories never share
state. Stories run in polling mode unless parametrized with `BOTH_MODES`.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from sandbox import SandboxServer
from sandbox.launch import SANDBOX_BOT, SANDBOX_TOKEN, seed_demo_database, seed_demo_world
from storage.db import make_engine
from tests.e2e.botprocess import BotProcess, run_cli
from tests.e2e.kindergarten import ANY_HOUR, Kindergarten

BOTH_MODES = pytest.mark.parametrize("mode", ["polling", "webhook"])
LaunchBot = Callable[[], Awaitable[BotProcess]]


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database migrated by the real `houqin db upgrade`; each test gets a copy."""
    folder = tmp_path_factory.mktemp("e2e-template")
    path = folder / "houqin.db"
    output = run_cli("db", "upgrade", database_url=f"sqlite:///{path}", workdir=folder)
    assert "Database is up to date." in output
    return path


@pytest.fixture
def database_url(migrated_database: Path, tmp_path: Path) -> str:
    path = tmp_path / "houqin.db"
    shutil.copyfile(migrated_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def mode() -> str:
    """How the bot takes updates; tests override it with `BOTH_MODES`."""
    return "polling"


@pytest_asyncio.fixture
async def kindergarten(database_url: str) -> AsyncIterator[Kindergarten]:
    """第一幼儿园 with its staff and groups, set up so that its stories work at any hour."""
    async with SandboxServer(SANDBOX_TOKEN, SANDBOX_BOT) as server:
        demo = seed_demo_world(server.users)
        engine = make_engine(database_url)
        code = seed_demo_database(engine, demo, kitchen=False)
        place = Kindergarten(server, demo, engine, database_url, code)
        place.tune_site(**ANY_HOUR)
        place.open_today()
        try:
            yield place
        finally:
            engine.dispose()


@pytest_asyncio.fixture
async def launch_bot(
    kindergarten: Kindergarten, mode: str, tmp_path: Path
) -> AsyncIterator[LaunchBot]:
    """Start the bot process when the story has arranged the world; always stopped after."""
    started: list[BotProcess] = []

    async def launch() -> BotProcess:
        process = BotProcess(kindergarten.server, kindergarten.database_url, tmp_path, mode)
        started.append(process)
        await process.start()
        return process

    try:
        yield launch
    finally:
        for process in started:
            code = await process.stop()
            # Shown by pytest only when the test failed.
            print(f"--- bot process ({process.mode}) exited with {code} ---\n{process.output()}")


@pytest_asyncio.fixture
async def bot(launch_bot: LaunchBot) -> BotProcess:
    """The bot, running against the kindergarten as arranged by the fixtures alone."""
    return await launch_bot()
