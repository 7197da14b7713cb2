"""1,000 disinfection confirmations through Application.process_update, with the board edits they cause.

Ten sites of fifty classes, one caregiver a class confirming its activity room and nap
room. Each confirmation is the final tap (method 消毒柜) of the private flow. The boards
are refreshed as in production (at most one edit per group every 3 s) by the job queue,
in the same event loop, while the confirmations are processed; the rate is confirmations
over the time to process them all, board refreshes included. Beside it, a bare handler
that only inserts one row and commits, on the same offline Bot API.

Run: .venv/bin/python -m benchmarks.disinfection_confirm
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, ContextTypes

from benchmarks.common import (
    backends,
    bot_application,
    fresh_database,
    peak_rss_mb,
    report,
    report_latencies,
)
from bot.context import HouqinApplication
from storage.disinfection import DisinfectionRecord
from storage.groups import bind_group
from storage.models import AuditEvent, GroupPurpose
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import add_classes, create_site, list_class_areas
from tests.support.networking import BOT_USER, TOKEN, OfflineRequest

SITES, CLASSES_PER_SITE = 10, 50
ZONE = ZoneInfo("Asia/Shanghai")


def seed(engine: Engine) -> list[tuple[int, int]]:
    """(caregiver's Telegram id, area id) for every area of every site."""
    pairs = []
    with Session(engine, expire_on_commit=False) as session:
        for s in range(SITES + 1):  # the extra site is for warming up
            site = create_site(session=session, name=f"幼儿园{s}")
            add_classes(
                session=session, site=site, names=[f"{s}-{c}班" for c in range(CLASSES_PER_SITE)]
            )
            assert site.id is not None
            bind_group(
                session=session,
                site_id=site.id,
                chat_id=-100_000 - s,
                purpose=GroupPurpose.STAFF,
                title="群",
                person_id=None,
            )
            for area in list_class_areas(session=session, site_id=site.id):
                user_id = 10_000_000 + (area.class_id or 0)
                person = get_or_create_person(
                    session=session, telegram_user_id=user_id, display_name=f"保育员{user_id}"
                )
                add_membership(
                    session=session,
                    person=person,
                    site_id=site.id,
                    role=Role.CAREGIVER,
                    class_id=area.class_id,
                )
                pairs.append((user_id, area.id or 0))
            session.commit()
    return pairs


def tap(user_id: int, data: str, number: int) -> dict[str, Any]:
    message = {
        "message_id": number,
        "date": 0,
        "chat": {"id": user_id, "type": "private"},
        "from": BOT_USER,
        "text": "…",
    }
    user = {"id": user_id, "is_bot": False, "first_name": "保育员"}
    return {
        "update_id": number,
        "callback_query": {
            "id": str(number),
            "from": user,
            "chat_instance": "c",
            "message": message,
            "data": data,
        },
    }


async def measure(
    app: Application[Any, Any, Any, Any, Any, Any], payloads: list[dict[str, Any]]
) -> list[float]:
    updates = [Update.de_json(p, app.bot) for p in payloads]
    timings = []
    for update in updates:
        started = time.perf_counter()
        await app.process_update(update)
        timings.append(time.perf_counter() - started)
        # PTB's update fetcher awaits its queue between updates; the scheduler runs there.
        await asyncio.sleep(0)
    return timings


async def drain_cards(app: HouqinApplication) -> None:
    assert app.job_queue is not None
    while any((j.name or "").startswith("card:") for j in app.job_queue.jobs()):
        await asyncio.sleep(0.001)


async def bench_flow(engine: Engine, backend: str) -> float:
    pairs = seed(engine)
    request = OfflineRequest()
    app = bot_application(engine, request)
    now = datetime.now(ZONE).replace(hour=10, minute=0)
    app.clock = lambda: now
    day = now.strftime("%Y%m%d")
    payloads = [
        tap(user, f"dis:v1:m:{area}:{day}:cabinet", n) for n, (user, area) in enumerate(pairs, 1)
    ]
    warm_up, measured = payloads[: 2 * CLASSES_PER_SITE][-20:], payloads[2 * CLASSES_PER_SITE :]
    measured = sorted(
        measured, key=lambda p: p["callback_query"]["data"].split(":")[3][-1]
    )  # interleave sites
    async with app:
        await app.start()
        await measure(app, warm_up)
        await drain_cards(app)
        edits_before = len(
            [c for c in request.calls if c.method == "editMessageText" and (c.chat_id or 0) < 0]
        )
        started = time.perf_counter()
        timings = await measure(app, measured)
        wall = time.perf_counter() - started
        await drain_cards(app)  # the last coalesced edits, so the boards end complete
        await app.stop()
    board_edits = (
        len([c for c in request.calls if c.method == "editMessageText" and (c.chat_id or 0) < 0])
        - edits_before
    )
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(DisinfectionRecord)).one()
    assert stored == len(measured) + len(warm_up), f"{stored} records stored"
    report_latencies("disinfection.confirm", timings, wall, backend)
    report("disinfection.confirm.count", len(timings), "confirmations", backend)
    report("disinfection.board_edits", board_edits, "edits", backend)
    return sorted(timings)[len(timings) // 2]


async def bench_bare(engine: Engine, backend: str) -> float:
    """A python-telegram-bot handler that inserts one row and commits, nothing else."""

    async def insert_one(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        with Session(engine) as session:
            session.add(AuditEvent(action="bench"))
            session.commit()
        assert update.callback_query is not None
        await update.callback_query.answer()

    app = ApplicationBuilder().token(TOKEN).request(OfflineRequest()).build()
    app.add_handler(CallbackQueryHandler(insert_one))
    payloads = [tap(20_000_000 + n, "bare", n) for n in range(1, 1021)]
    async with app:
        await measure(app, payloads[:20])
        started = time.perf_counter()
        timings = await measure(app, payloads[20:])
        wall = time.perf_counter() - started
    report_latencies("bare_handler", timings, wall, backend)
    return sorted(timings)[len(timings) // 2]


async def main() -> None:
    for backend in backends():
        with fresh_database(backend) as engine:
            flow_p50 = await bench_flow(engine, backend)
        with fresh_database(backend) as engine:
            bare_p50 = await bench_bare(engine, backend)
        report("disinfection.confirm.vs_bare_p50", flow_p50 / bare_p50, "x", backend)
    report("disinfection.peak_rss", peak_rss_mb(), "MB", "sqlite")


if __name__ == "__main__":
    asyncio.run(main())
