"""Logging a meal's samples: the photo that stores them, through Application.process_update.

200 sites, each with five meals, one cook and a health teacher. Each cook taps through
meal → a typed dish → 下一步 → 150 (grams) → 4 (°C) untimed; the photo that completes the
entry is timed: it stores the meal and its dish, answers, plans the disposal, and (from the
job queue, between updates, as in production) asks the health teacher to check. Beside it, a
bare handler that answers a photo after inserting one row and committing.

Run: .venv/bin/python -m benchmarks.samples_log
"""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from benchmarks.common import backends, bot_application, fresh_database, report, report_latencies
from storage.models import AuditEvent
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.samples_models import SampleLog
from storage.sites import create_site
from tests.support.networking import BOT_USER, TOKEN, OfflineRequest

SITES, MEALS = 200, 5
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 19, 0, tzinfo=ZONE)
_numbers = itertools.count(1)


def seed(engine: Engine) -> list[tuple[int, int]]:
    """(cook's Telegram id, site id) of every site."""
    meals = [{"key": f"m{n}", "end": f"{8 + 2 * n:02d}:00"} for n in range(MEALS)]
    cooks = []
    with Session(engine, expire_on_commit=False) as session:
        for s in range(SITES + 1):  # the extra site warms up
            site = create_site(session=session, name=f"幼儿园{s}")
            site.settings = {"meals": meals}
            for offset, role in ((0, Role.KITCHEN), (1, Role.HEALTH_TEACHER)):
                person = get_or_create_person(
                    session=session, telegram_user_id=30_000_000 + 2 * s + offset, display_name="人"
                )
                add_membership(session=session, person=person, site_id=site.id or 0, role=role)
            cooks.append((30_000_000 + 2 * s, site.id or 0))
            session.commit()
    return cooks


def _message(user_id: int, **content: Any) -> dict[str, Any]:
    number = next(_numbers)
    return {
        "update_id": number,
        "message": {
            "message_id": number,
            "date": 0,
            "chat": {"id": user_id, "type": "private", "first_name": "厨"},
            "from": {"id": user_id, "is_bot": False, "first_name": "厨"},
            **content,
        },
    }


def _tap(user_id: int, data: str) -> dict[str, Any]:
    number = next(_numbers)
    message = {"message_id": number, "date": 0, "chat": {"id": user_id, "type": "private"}}
    return {
        "update_id": number,
        "callback_query": {
            "id": str(number),
            "from": {"id": user_id, "is_bot": False, "first_name": "厨"},
            "chat_instance": "c",
            "message": {**message, "from": BOT_USER, "text": "…"},
            "data": data,
        },
    }


def photo(user_id: int) -> dict[str, Any]:
    sizes = [{"file_id": f"p{user_id}", "file_unique_id": "u", "width": 9, "height": 9}]
    return _message(user_id, photo=sizes)


def steps(user_id: int, site_id: int, meal: int) -> list[dict[str, Any]]:
    """Every update of one meal's entry before the photo."""
    return [
        _tap(user_id, f"smp:v1:m:{site_id}:{NOW:%Y%m%d}:m{meal}"),
        _message(user_id, text=f"菜{meal}"),
        _tap(user_id, "smp:v1:n"),
        _message(user_id, text="150"),
        _message(user_id, text="4"),
    ]


async def process(app: Application[Any, Any, Any, Any, Any, Any], payload: dict[str, Any]) -> float:
    update = Update.de_json(payload, app.bot)
    started = time.perf_counter()
    await app.process_update(update)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0)  # the job queue runs here, as between updates in production
    return elapsed


async def bench_flow(engine: Engine, backend: str) -> float:
    cooks = seed(engine)
    app = bot_application(engine, OfflineRequest())
    app.clock = lambda: NOW
    timings: list[float] = []
    async with app:
        await app.start()
        warm_cook, warm_site = cooks[-1]
        for meal in range(MEALS):
            for payload in steps(warm_cook, warm_site, meal):
                await process(app, payload)
            await process(app, photo(warm_cook))
        wall = 0.0
        for meal in range(MEALS):
            for cook, site in cooks[:-1]:
                for payload in steps(cook, site, meal):
                    await process(app, payload)
                started = time.perf_counter()
                timings.append(await process(app, photo(cook)))
                wall += time.perf_counter() - started
        await asyncio.sleep(0.2)  # the last check requests
        await app.stop()
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(SampleLog)).one()
    assert stored == SITES * MEALS + MEALS, f"{stored} meals stored"
    report_latencies("samples.log", timings, wall, backend)
    return sorted(timings)[len(timings) // 2]


async def bench_bare(engine: Engine, backend: str) -> float:
    """A python-telegram-bot handler that inserts one row, commits and answers a photo."""

    async def insert_one(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        with Session(engine) as session:
            session.add(AuditEvent(action="bench"))
            session.commit()
        assert update.effective_message is not None
        await update.effective_message.reply_text("ok")

    app = ApplicationBuilder().token(TOKEN).request(OfflineRequest()).build()
    app.add_handler(MessageHandler(filters.PHOTO, insert_one))
    async with app:
        for n in range(20):
            await process(app, photo(40_000_000 + n))
        started = time.perf_counter()
        timings = [await process(app, photo(40_000_100 + n)) for n in range(SITES * MEALS)]
        wall = time.perf_counter() - started
    report_latencies("samples.bare_handler", timings, wall, backend)
    return sorted(timings)[len(timings) // 2]


async def main() -> None:
    for backend in backends():
        with fresh_database(backend) as engine:
            flow_p50 = await bench_flow(engine, backend)
        with fresh_database(backend) as engine:
            bare_p50 = await bench_bare(engine, backend)
        report("samples.log.vs_bare_p50", flow_p50 / bare_p50, "x", backend)


if __name__ == "__main__":
    asyncio.run(main())
