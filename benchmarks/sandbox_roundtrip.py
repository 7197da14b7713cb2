"""Round trips through the emulator: a user sends "👤 我的", the real bot's reply arrives.

The bot runs as its own process (`python -m bot run`, long polling) against the emulator
in this process, over loopback HTTP, on a fresh SQLite file: what `houqin sandbox` users and
the e2e tests exercise. Sending is sequential: send, wait until the reply is visible in the
emulator, send the next. Fifty members take turns (500 messages = 50 users × 10), so
Telegram's one-message-a-second per private chat never decides the result.

Two runs:
- unlimited: the emulator's flood limits off and the bot's rate limiter off
  (HOUQIN_RATE_LIMIT=false) — the speed of the bot, the emulator and SQLite;
- limited: both on, as in production — PTB's AIORateLimiter keeps the bot within
  Telegram's 30 messages a second, which then sets the pace.

Run: .venv/bin/python benchmarks/sandbox_roundtrip.py   (about a minute)
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncio
import statistics
import tempfile
import time

from sqlalchemy.engine import Engine
from sqlmodel import Session

from benchmarks.common import percentile, report
from sandbox import SandboxServer
from sandbox.launch import SANDBOX_BOT, SANDBOX_TOKEN
from sandbox.state import User
from storage.db import make_engine
from storage.migrate import upgrade
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import create_site
from tests.e2e.botprocess import BotProcess

USERS, ROUNDS = 50, 10
TEXT = "👤 我的"


def seed(engine: Engine, people: list[User]) -> None:
    """Kitchen staff: members with no scheduled messages at any hour, so only replies are sent."""
    with Session(engine, expire_on_commit=False) as session:
        site = create_site(session=session, name="第一幼儿园")
        assert site.id is not None
        for user in people:
            person = get_or_create_person(
                session=session, telegram_user_id=user.id, display_name=user.first_name
            )
            add_membership(session=session, person=person, site_id=site.id, role=Role.KITCHEN)
        session.commit()


async def round_trips(server: SandboxServer, people: list[User], rounds: int) -> list[float]:
    """Seconds from sending to seeing the reply, for each message, one after the other."""
    timings = []
    for _ in range(rounds):
        for user in people:
            started = time.perf_counter()
            sent = server.users.send_text(user, TEXT)
            await server.users.wait_for_bot_message(user, after=sent, timeout=30)
            timings.append(time.perf_counter() - started)
    return timings


async def run(*, limits: bool, folder: Path) -> tuple[list[float], float, int]:
    """(latencies, wall seconds, 429 answers) of USERS × ROUNDS measured round trips."""
    url = f"sqlite:///{folder / ('limited.db' if limits else 'unlimited.db')}"
    engine = make_engine(url)
    upgrade(engine)
    async with SandboxServer(SANDBOX_TOKEN, SANDBOX_BOT, limits_enabled=limits) as server:
        people = [
            server.users.create_user(f"厨师{i:02d}", label="厨房", user_id=300_000 + i)
            for i in range(USERS)
        ]
        seed(engine, people)
        bot = BotProcess(server, url, folder, "polling")
        bot.env["HOUQIN_RATE_LIMIT"] = "true" if limits else "false"
        await bot.start()
        try:
            await round_trips(server, people, 1)  # warm-up: imports, caches, connections
            started = time.perf_counter()
            timings = await round_trips(server, people, ROUNDS)
            wall = time.perf_counter() - started
            # Each reply lists the person's roles: the bot really read the database.
            for user in people:
                last = server.users.last_bot_message(user)
                assert last is not None and "第一幼儿园" in (last.text or ""), last
        finally:
            code = await bot.stop()
            if code not in (0, None):
                print(bot.output(), file=sys.stderr)
        refused = sum(1 for call in server.api.calls if call.error_code == 429)
    engine.dispose()
    return timings, wall, refused


def show(prefix: str, timings: list[float], wall: float) -> None:
    millis = [t * 1000 for t in timings]
    report(f"{prefix}.rate", len(timings) / wall, "msg/s", "sqlite")
    report(f"{prefix}.p50", statistics.median(millis), "ms", "sqlite")
    report(f"{prefix}.p99", percentile(millis, 0.99), "ms", "sqlite")


async def main() -> None:
    print(
        f"# {USERS * ROUNDS} sequential round trips ({USERS} users × {ROUNDS}, '{TEXT}'), "
        "bot as a subprocess on long polling, SQLite",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        timings, wall, refused = await run(limits=False, folder=Path(folder))
        print("# unlimited: emulator limits off, HOUQIN_RATE_LIMIT=false", flush=True)
        show("sandbox.roundtrip", timings, wall)
        timings, wall, refused = await run(limits=True, folder=Path(folder))
        print(
            f"# limited: emulator limits on, bot's AIORateLimiter on; {refused} answers of 429",
            flush=True,
        )
        show("sandbox.roundtrip_limited", timings, wall)


if __name__ == "__main__":
    asyncio.run(main())
