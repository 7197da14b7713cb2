"""Repairs with 50,000 historical tickets over 10 sites: the open list, the overdue check, and
a report typed in the staff group through Application.process_update beside a bare handler.

History is mostly closed (verified, cancelled); each site keeps ~100 open tickets, a fifth of
them overdue, as a busy school would. The lists are timed as the bot runs them (one session,
the real query functions); the report is the whole group update: the filter, the sender, the
guess, the draft, its history row and the reply with the draft card.

Run: .venv/bin/python -m benchmarks.repairs
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from benchmarks.common import backends, bot_application, fresh_database, percentile, report
from bot.context import HouqinApplication
from storage.groups import bind_group
from storage.models import AuditEvent, GroupPurpose
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.repairs_models import Status, Ticket
from storage.repairs_queries import list_open, list_overdue
from storage.sites import add_classes, create_site
from tests.support.networking import TOKEN, OfflineRequest

SITES, TICKETS = 10, 50_000
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
CLOSED = [Status.VERIFIED] * 8 + [Status.CANCELLED, Status.CANNOT_FIX]
OPEN = [Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE, Status.REOPENED]


def seed(engine: Engine) -> list[tuple[int, int]]:
    """Sites with a caregiver and a staff group each, and the historical tickets.

    Returns (Telegram user id, group chat id) of each site's caregiver."""
    reporters: list[tuple[int, int, int]] = []
    with Session(engine, expire_on_commit=False) as session:
        for s in range(SITES):
            site = create_site(session=session, name=f"幼儿园{s}")
            add_classes(session=session, site=site, names=[f"{c}班" for c in "小中大"])
            assert site.id is not None
            chat_id = -100_000 - s
            bind_group(
                session=session,
                site_id=site.id,
                chat_id=chat_id,
                purpose=GroupPurpose.STAFF,
                title="群",
                person_id=None,
            )
            person = get_or_create_person(
                session=session, telegram_user_id=30_000_000 + s, display_name=f"保育员{s}"
            )
            add_membership(session=session, person=person, site_id=site.id, role=Role.CAREGIVER)
            session.commit()
            reporters.append((site.id, person.id or 0, chat_id))
    _insert_history(engine, reporters)
    return [(30_000_000 + s, chat_id) for s, (_site, _p, chat_id) in enumerate(reporters)]


def _insert_history(engine: Engine, reporters: list[tuple[int, int, int]]) -> None:
    rng = random.Random(9)
    table = Ticket.__table__  # type: ignore[attr-defined]
    rows: list[dict[str, Any]] = []
    for n in range(TICKETS):
        site_id, person_id, _chat = reporters[n % SITES]
        created = NOW - timedelta(days=730 * (1 - n / TICKETS), minutes=rng.randint(0, 600))
        is_open = n >= TICKETS - SITES * 100
        status = rng.choice(OPEN) if is_open else rng.choice(CLOSED)
        # The last fifth of the open ones were due before now: overdue.
        due = created + timedelta(hours=4 if rng.random() < 0.2 else 72)
        if is_open:
            due = NOW + timedelta(hours=rng.randint(1, 72) * (-1 if rng.random() < 0.2 else 1))
        rows.append(
            {
                "site_id": site_id,
                "year": created.year,
                "number": n // SITES + 1,
                "kind": "repair",
                "category": "plumbing",
                "location": "小班",
                "description": "水龙头漏水",
                "urgency": "normal",
                "status": status,
                "reporter_id": person_id,
                "due_at": due,
                "escalation_level": 0,
                "created_at": created,
                "updated_at": created,
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(table), rows[start : start + 5000])


def time_queries(engine: Engine, backend: str) -> None:
    with Session(engine) as session:
        for name, query in (
            ("open_list", lambda site: list_open(session=session, site_id=site, now=NOW)),
            ("overdue_list", lambda site: list_overdue(session=session, site_id=site, now=NOW)),
        ):
            for site in range(1, SITES + 1):  # warm up
                query(site)
            walls, cpus = [], []
            for i in range(1000):
                started, cpu = time.perf_counter(), time.process_time()
                found = query(i % SITES + 1)
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
                session.rollback()  # end the read transaction, as each update's session does
            assert found, name
            report(f"repairs.{name}.p99", percentile(walls, 0.99), "ms", backend)
            report(f"repairs.{name}.p50", percentile(walls, 0.5), "ms", backend)
            # This process's own time: what the wall time is when no other process preempts it.
            report(f"repairs.{name}.cpu_p99", percentile(cpus, 0.99), "ms", backend)


def group_message(user_id: int, chat_id: int, number: int, text: str) -> dict[str, Any]:
    return {
        "update_id": number,
        "message": {
            "message_id": number,
            "date": 0,
            "chat": {"id": chat_id, "type": "supergroup", "title": "群"},
            "from": {"id": user_id, "is_bot": False, "first_name": "保育员"},
            "text": text,
        },
    }


async def timed(app: Any, payload: dict[str, Any]) -> float:
    update = Update.de_json(payload, app.bot)
    if isinstance(app, HouqinApplication):
        # As in production: getUpdates stores each batch in the inbox before processing.
        app.inbox.store([(payload["update_id"], json.dumps(payload))])
    started = time.perf_counter()
    await app.process_update(update)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0)  # PTB's update fetcher awaits its queue between updates
    return elapsed


def bare_application(engine: Engine) -> Any:
    """A message handler that inserts one row, commits and replies: nothing else."""

    async def insert_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        with Session(engine) as session:
            session.add(AuditEvent(action="bench"))
            session.commit()
        assert update.effective_message is not None
        await update.effective_message.reply_text("ok")

    app = ApplicationBuilder().token(TOKEN).request(OfflineRequest()).build()
    app.add_handler(MessageHandler(filters.TEXT, insert_and_reply))
    return app


async def bench_report(engine: Engine, people: list[tuple[int, int]]) -> tuple[float, float]:
    """The group report and the bare handler, alternating update by update on the same
    database, so both see the same load on a shared machine. Returns both p50s."""
    app = bot_application(engine, OfflineRequest())
    app.clock = lambda: NOW
    bare = bare_application(engine)
    flow_times, bare_times = [], []
    async with app, bare:
        for n in range(1, 541):
            text = f"报修 小班 水龙头漏水 {n}"
            flow = await timed(app, group_message(*people[n % SITES], n, text))
            base = await timed(bare, group_message(40_000_000, -1, n, text))
            if n > 40:  # warmed up
                flow_times.append(flow)
                bare_times.append(base)
    return statistics.median(flow_times), statistics.median(bare_times)


async def main() -> None:
    print(f"# load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    for backend in backends():
        with fresh_database(backend) as engine:
            people = seed(engine)
            time_queries(engine, backend)
            report_p50, bare_p50 = await bench_report(engine, people)
        report("repairs.report.p50", report_p50 * 1000, "ms", backend)
        report("repairs.bare_handler.p50", bare_p50 * 1000, "ms", backend)
        report("repairs.report.vs_bare_p50", report_p50 / bare_p50, "x", backend)


if __name__ == "__main__":
    asyncio.run(main())
