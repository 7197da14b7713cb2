"""Shared set-up for benchmarks: databases per backend and timing statistics."""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from telegram.request import BaseRequest

from bot.app import build_application
from bot.config import Settings
from bot.context import HouqinApplication
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.networking import TOKEN

POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def backends() -> list[str]:
    """SQLite always; PostgreSQL when it answers (BENCH_DATABASE_URL or the local default)."""
    found = ["sqlite"]
    try:
        engine = make_engine(_postgres_url())
        with engine.connect():
            found.append("postgresql")
        engine.dispose()
    except Exception as error:  # no server: say so and go on with SQLite
        print(f"# PostgreSQL not reachable ({type(error).__name__}); SQLite only")
    return found


def _postgres_url() -> str:
    url = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or POSTGRES_DEFAULT
    )
    return (
        url.replace("postgresql://", "postgresql+psycopg://", 1)
        if url.startswith("postgresql://")
        else url
    )


@contextmanager
def fresh_database(backend: str) -> Iterator[Engine]:
    """An empty, migrated database; PostgreSQL's public schema is recreated."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}" if backend == "sqlite" else _postgres_url()
        engine = make_engine(url)
        if backend == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(name: str, value: float, unit: str, backend: str) -> None:
    print(f"BENCH {name} {value:.2f} {unit} {backend}", flush=True)


def report_latencies(prefix: str, seconds: list[float], wall: float, backend: str) -> None:
    millis = [s * 1000 for s in seconds]
    report(f"{prefix}.p50", statistics.median(millis), "ms", backend)
    report(f"{prefix}.p99", percentile(millis, 0.99), "ms", backend)
    report(f"{prefix}.rate", len(seconds) / wall, "per_s", backend)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bot_application(engine: Engine, request: BaseRequest) -> HouqinApplication:
    """The real bot on this database over an offline Bot API, without the rate limiter, so
    what is timed is the bot's own work."""
    settings = Settings(
        TELEGRAM_BOT_TOKEN=TOKEN,
        DATABASE_URL=str(engine.url),
        HOUQIN_RATE_LIMIT=False,
        _env_file=None,
    )  # type: ignore[call-arg]
    return build_application(settings, engine=engine, request=request)
