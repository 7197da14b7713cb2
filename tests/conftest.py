"""Fixtures: a migrated database per backend, the real Application on an offline Bot API."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.app import build_application
from bot.config import Settings
from bot.context import HouqinApplication
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.networking import TOKEN, OfflineRequest
from tests.support.telegram import Telegram

BACKENDS = ["sqlite", "postgresql"]


def _database_url(backend: str, folder: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'test.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    return (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://")
        else url
    )


@pytest.fixture(autouse=True)
def _no_stale_log_handler() -> Iterator[None]:
    """A CLI test configures logging onto the stderr pytest captured for it; that handler
    must go with the test, or a later test logs into a closed file."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if getattr(handler, "houqin", False) and handler not in before:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    url = _database_url(request.param, tmp_path_factory.mktemp(request.param))
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # a clean schema, whatever an earlier run left
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging and checking data; every table is emptied after the test."""
    with Session(engine) as session:
        yield session
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=engine.url.render_as_string(hide_password=False),
        HOUQIN_RATE_LIMIT=False,
        HOUQIN_DATA_DIR=tmp_path / "data",
        _env_file=None,
    )


class BotFactory:
    """Starts bots on the test database: a second one stands for the bot after a restart."""

    def __init__(self, settings: Settings, engine: Engine, db: Session) -> None:
        self.settings, self.engine, self.db = settings, engine, db
        self.running: list[HouqinApplication] = []

    async def start(self, request: OfflineRequest | None = None) -> Telegram:
        request = request or OfflineRequest()
        app = build_application(self.settings, engine=self.engine, request=request)
        await app.initialize()
        await app.start()  # starts the job queue, so scheduled work runs as in production
        self.running.append(app)
        return Telegram(app, request, self.db)

    async def stop(self, telegram: Telegram) -> None:
        await telegram.app.stop()
        await telegram.app.shutdown()
        self.running.remove(telegram.app)


@pytest.fixture
async def bots(settings: Settings, engine: Engine, db: Session) -> AsyncIterator[BotFactory]:
    factory = BotFactory(settings, engine, db)
    yield factory
    for app in list(factory.running):
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def telegram(bots: BotFactory) -> Telegram:
    return await bots.start()
