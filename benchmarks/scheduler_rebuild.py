"""Start-up rebuild of the schedule: 10,000 pending items across 500 sites.

Each site has lunch as its only meal (its reminder and escalation, today and tomorrow), the
disinfection board, reminder and escalation, the held-samples list and the certificate check
(today and tomorrow), and six meals' samples kept for disposal: 20 planned items a site. The
clock is 00:30 local, so every item is in the future (nothing is caught up). Measured:
`rebuild_jobs` on a started application, as at start-up (the database read, the planning,
every job handed to APScheduler), and the process's memory growth. Beside it, the bare
baseline: APScheduler (PTB's JobQueue) alone accepting 10,000 `run_once` jobs.

Run: .venv/bin/python -m benchmarks.scheduler_rebuild
"""

from __future__ import annotations

import asyncio
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram.ext import ApplicationBuilder

from benchmarks.common import backends, bot_application, fresh_database, report
from jobs.schedule import rebuild_jobs
from storage.models import Person, Site
from storage.samples_models import SampleLog
from tests.support.networking import TOKEN, OfflineRequest

SITES, LOGS_PER_SITE, ITEMS = 500, 6, 10_000
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 23)


def seed(engine: Engine) -> None:
    created = datetime(2026, 11, 23, 0, 0, tzinfo=ZONE)  # nothing of yesterday is "missed"
    settings = {"meals": [{"key": "lunch", "end": "12:00"}]}
    with Session(engine) as session:
        session.add(Person(telegram_user_id=1, display_name="厨师"))
        session.flush()
        sites = [
            Site(name=f"幼儿园{n}", settings=settings, created_at=created) for n in range(SITES)
        ]
        session.add_all(sites)
        session.flush()
        due = datetime(2026, 11, 24, 12, 0, tzinfo=ZONE)
        rows = [
            {
                "site_id": site.id,
                "day": TODAY - timedelta(days=k),
                "meal": "lunch",
                "meal_end_at": due - timedelta(hours=48),
                "taken_by_id": 1,
                "taken_at": due - timedelta(hours=47),
                "fridge_temp_c": Decimal("4.0"),
                "dispose_due_at": due + timedelta(days=k),
                "state": "kept",
            }
            for site in sites
            for k in range(LOGS_PER_SITE)
        ]
        session.execute(insert(SampleLog), rows)
        session.commit()


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def bench_rebuild(engine: Engine, backend: str) -> None:
    seed(engine)
    app = bot_application(engine, OfflineRequest())
    now = datetime(2026, 11, 23, 0, 30, tzinfo=ZONE)
    app.clock = lambda: now
    async with app:
        await app.start()
        before = rss_mb()
        started = time.perf_counter()
        rebuild_jobs(app)
        elapsed = time.perf_counter() - started
        grown = rss_mb() - before
        assert app.job_queue is not None
        planned = sum(len(keys) for keys in app.planned_jobs.values())
        total = len(app.job_queue.scheduler.get_jobs())
        started = time.perf_counter()
        rebuild_jobs(app)  # nothing changed: a rescan costs only the fingerprints
        again = time.perf_counter() - started
        await app.stop()
    assert planned >= ITEMS, f"only {planned} items planned"
    print(f"# {planned} planned items, {total} jobs in the queue")
    report("scheduler.rebuild_10k", elapsed, "s", backend)
    report("scheduler.rebuild_10k.rss", grown, "MB", backend)
    report("scheduler.rescan_unchanged", again, "s", backend)


async def bench_bare(backend: str) -> None:
    """APScheduler alone, through PTB's JobQueue: 10,000 run_once jobs."""

    async def nothing(_: Any) -> None:
        return None

    app = ApplicationBuilder().token(TOKEN).request(OfflineRequest()).build()
    async with app:
        await app.start()
        assert app.job_queue is not None
        started = time.perf_counter()
        for n in range(ITEMS):
            app.job_queue.run_once(nothing, when=3600 + n, name=f"bare:{n}")
        elapsed = time.perf_counter() - started
        await app.stop()
    report("scheduler.apscheduler_10k", elapsed, "s", backend)


async def main() -> None:
    for backend in backends():
        with fresh_database(backend) as engine:
            await bench_rebuild(engine, backend)
        await bench_bare(backend)


if __name__ == "__main__":
    asyncio.run(main())
