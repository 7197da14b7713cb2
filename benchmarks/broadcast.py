"""One notice to 3,000 parents through the emulator, as Telegram limits and breaks it.

The bot runs as its own process (`python -m bot run`, long polling, SQLite); the emulator
in this process enforces Telegram's flood limits (429 with `retry_after`) and answers 1 % of
requests with 500. The director sends the notice with taps (📢 告家长书 … 确认发送); meanwhile
ten kitchen staff tap "👤 我的" in turn (once a second during the broadcast), and each round trip (sent →
reply visible) is timed — first with nothing else going on (idle), then during the broadcast.

- efficiency: notices accepted per second, first to last, as a share of the 30/s allowed;
- lost / duplicates: parents with no copy / copies beyond the first (both must be 0);
- rate_limited: 429 answers the emulator gave the bot;
- tap_p99_idle / tap_p99_during: a staff tap's p99 round trip without / with the broadcast.

Run: .venv/bin/python -m benchmarks.broadcast   (about two minutes)
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncio
import os
import tempfile
import time
from collections import Counter

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks.common import percentile, report
from sandbox import SandboxServer
from sandbox.launch import SANDBOX_BOT, SANDBOX_TOKEN
from sandbox.state import User
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Membership, Person
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import add_classes, create_site, list_classes
from tests.e2e.botprocess import BotProcess
from tests.e2e.notice_flow import send_to_whole_site

PARENTS = int(os.environ.get("BENCH_PARENTS", "3000"))
CLASSES = 30
TAPPERS, IDLE_TAPS = 10, 60
# Taps a second: quick when idle (the result does not depend on it); during the broadcast one
# a second, as busy staff would, each taking a place of Telegram's 30 in that second.
IDLE_INTERVAL, DURING_INTERVAL = 0.25, 1.0
LOST_AFTER = 5.0
ALLOWED_PER_SECOND = 30
TITLE = "📢 防溺水安全"


def seed(engine: Engine, director: User, staff: list[User], parents: list[User]) -> None:
    with Session(engine, expire_on_commit=False) as session:
        site = create_site(session=session, name="第一幼儿园")
        add_classes(session=session, site=site, names=[f"{n + 1}班" for n in range(CLASSES)])
        assert site.id is not None
        for user, role in [(director, Role.DIRECTOR)] + [(u, Role.KITCHEN) for u in staff]:
            person = get_or_create_person(
                session=session, telegram_user_id=user.id, display_name=user.first_name
            )
            add_membership(session=session, person=person, site_id=site.id, role=role)
        session.commit()
        classes = [c.id for c in list_classes(session=session, site_id=site.id)]
        session.execute(
            insert(Person),
            [{"telegram_user_id": u.id, "display_name": u.first_name} for u in parents],
        )
        ids = dict(session.execute(select(Person.telegram_user_id, Person.id)).all())
        session.execute(
            insert(Membership),
            [
                {
                    "person_id": ids[u.id],
                    "site_id": site.id,
                    "role": Role.PARENT,
                    "class_id": classes[n % CLASSES],
                    "active": True,
                }
                for n, u in enumerate(parents)
            ],
        )
        session.commit()


LOST_TAPS: list[str] = []


async def tap_round_trips(
    server: SandboxServer,
    staff: list[User],
    stop: asyncio.Event,
    interval: float,
    limit: int | None = None,
) -> list[float]:
    """Seconds from "👤 我的" to its reply, one tap every `interval` seconds, staff taking turns.

    A reply lost to an injected 500 (PTB does not resend what may have arrived) is counted
    apart, not timed.
    """
    timings: list[float] = []
    turn = 0
    while not stop.is_set() and (limit is None or len(timings) < limit):
        user = staff[turn % len(staff)]
        turn += 1
        started = time.perf_counter()
        sent = server.users.send_text(user, "👤 我的")
        try:
            await server.users.wait_for_bot_message(user, after=sent, timeout=LOST_AFTER)
        except TimeoutError:
            LOST_TAPS.append(user.first_name)
            continue
        took = time.perf_counter() - started
        timings.append(took)
        await asyncio.sleep(max(0.0, interval - took))
    return timings


async def every_parent_reached(server: SandboxServer, chats: set[int]) -> None:
    """Poll the emulator's log of accepted calls twice a second (cheap: new calls only)."""
    reached: set[int] = set()
    seen = 0
    deadline = time.monotonic() + len(chats) / 20 + 60
    while reached != chats:
        assert time.monotonic() < deadline, f"{len(chats - reached)} parents never reached"
        calls = server.limits.calls
        reached.update(c.chat_id for c in calls[seen:] if c.chat_id in chats)
        seen = len(calls)
        await asyncio.sleep(0.5)


def notices_by_parent(server: SandboxServer, parents: list[User]) -> Counter[int]:
    return Counter(
        {
            p.id: sum(1 for m in server.users.bot_messages(p) if (m.text or "").startswith(TITLE))
            for p in parents
        }
    )


async def run(folder: Path) -> None:
    url = f"sqlite:///{folder / 'broadcast.db'}"
    engine = make_engine(url)
    upgrade(engine)
    async with SandboxServer(SANDBOX_TOKEN, SANDBOX_BOT) as server:
        users = server.users
        director = users.create_user("王丽", label="园长", user_id=200_001)
        staff = [users.create_user(f"厨师{i}", user_id=200_100 + i) for i in range(TAPPERS)]
        parents = [users.create_user(f"家长{i}", user_id=500_000 + i) for i in range(PARENTS)]
        seed(engine, director, staff, parents)
        bot = BotProcess(server, url, folder, "polling")
        await bot.start()
        try:
            never = asyncio.Event()
            await tap_round_trips(server, staff, never, IDLE_INTERVAL, limit=TAPPERS)  # warm-up
            idle = await tap_round_trips(server, staff, never, IDLE_INTERVAL, limit=IDLE_TAPS)
            await send_to_whole_site(users, director)
            users.set_faults(error_500=0.01, seed=13)  # from the confirmation on: 1 % of all
            done = asyncio.Event()
            during_task = asyncio.create_task(tap_round_trips(server, staff, done, DURING_INTERVAL))
            await every_parent_reached(server, {p.id for p in parents})
            done.set()
            during = await during_task
            await asyncio.sleep(2)  # anything still in flight would show as a duplicate
        except BaseException:
            print(bot.output()[-4000:], file=sys.stderr)
            raise
        finally:
            await bot.stop()
    engine.dispose()
    show(server, parents, idle, during)


def show(
    server: SandboxServer, parents: list[User], idle: list[float], during: list[float]
) -> None:
    chats = {p.id for p in parents}
    accepted = sorted(
        c.at
        for c in server.limits.calls
        if c.chat_id in chats and c.method.lower() == "sendmessage"
    )
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0]) if len(accepted) > 1 else 0.0
    copies = notices_by_parent(server, parents)
    refused = sum(1 for call in server.api.calls if call.error_code == 429)
    failed = sum(1 for call in server.api.calls if call.error_code == 500)
    print(
        f"# {PARENTS} parents in {CLASSES} classes; {len(accepted)} notices accepted in "
        f"{accepted[-1] - accepted[0]:.1f} s ({rate:.1f}/s); {failed} answers of 500 injected",
        flush=True,
    )
    report("broadcast.efficiency", 100 * rate / ALLOWED_PER_SECOND, "%", "sqlite")
    report("broadcast.lost", sum(1 for p in parents if copies[p.id] == 0), "msgs", "sqlite")
    report("broadcast.duplicates", sum(max(0, n - 1) for n in copies.values()), "msgs", "sqlite")
    report("broadcast.rate_limited", refused, "answers", "sqlite")
    report("broadcast.tap_p99_idle", percentile([t * 1000 for t in idle], 0.99), "ms", "sqlite")
    report("broadcast.tap_p99_during", percentile([t * 1000 for t in during], 0.99), "ms", "sqlite")
    print(
        f"# taps timed: {len(idle)} idle, {len(during)} during the broadcast; "
        f"{len(LOST_TAPS)} replies lost to a 500",
        flush=True,
    )
    limited = Counter(
        (c.method, int(c.params.get("chat_id", 0)) in chats)
        for c in server.api.calls
        if c.error_code == 429
    )
    print(f"# 429 answers by (method, to a parent): {dict(limited)}", flush=True)


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        await run(Path(folder))


if __name__ == "__main__":
    asyncio.run(main())
