"""The demo kindergarten for fault stories (and the kill -9 benchmark): the real bot process,
killed and restarted, on SQLite or PostgreSQL; more caregivers for bursts of taps."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sandbox import SandboxServer
from sandbox.launch import SANDBOX_BOT, SANDBOX_TOKEN, seed_demo_database, seed_demo_world
from sandbox.state import Message, User
from storage.db import make_engine
from storage.disinfection import DisinfectionRecord
from storage.migrate import upgrade
from storage.models import Site
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import add_classes, list_classes
from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import ANY_HOUR, WAIT, Kindergarten, text_of

RECORDED = "✅ 已记录"
FAULTS_DATABASE = "test_harden_faults"


class FaultBot(BotProcess):
    """The bot process, killed with SIGKILL and started again on the same database."""

    async def start(self) -> None:
        seen = len(self.server.api.calls)
        self._ready_after = seen
        await super().start()

    def _called(self, method: str) -> bool:
        calls = self.server.api.calls[getattr(self, "_ready_after", 0) :]
        return any(c.method.lower() == method.lower() and c.error_code is None for c in calls)

    async def kill(self) -> None:
        process = self._process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    async def launch_waiting(self) -> None:
        """Start it without waiting for it to poll (it may be waiting to take charge)."""
        self._ready_after = len(self.server.api.calls)
        command = [sys.executable, "-m", "bot", "run"]
        self._log = self.log_path.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            *command,
            env=self.env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def wait_polling(self, timeout: float = 30.0) -> None:
        """Until this process polls (its own log says so: the emulator cannot tell processes
        apart, and a dead process's long poll may still be answered)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while "Application started" not in self.output():
            assert self.running, f"the process exited:\n{self.output()}"
            assert loop.time() < deadline, f"not polling:\n{self.output()}"
            await asyncio.sleep(0.05)

    async def restart(self) -> None:
        await self.kill()
        log = self.log_path.read_bytes() if self.log_path.exists() else b""
        await self.start()
        assert self._log is not None
        self._log.write(log)  # keep the earlier runs' log for failure reports


def postgres_url(database: str = FAULTS_DATABASE) -> str | None:
    """A database of our own beside TEST_DATABASE_URL's (which the in-process tests use)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + database


def fresh_database(backend: str, folder: Path, database: str = FAULTS_DATABASE) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'houqin.db'}"
    else:
        found = postgres_url(database)
        assert found is not None
        url = found
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


@contextlib.asynccontextmanager
async def kindergarten_on(
    backend: str, folder: Path, database: str = FAULTS_DATABASE
) -> AsyncIterator[Kindergarten]:
    url = fresh_database(backend, folder, database)
    async with SandboxServer(SANDBOX_TOKEN, SANDBOX_BOT) as server:
        demo = seed_demo_world(server.users)
        engine = make_engine(url)
        code = seed_demo_database(engine, demo, kitchen=False)
        place = Kindergarten(server, demo, engine, url, code)
        place.tune_site(**ANY_HOUR, epidemic_mode=True)  # a tap done twice would be round 2
        place.open_today()
        try:
            yield place
        finally:
            engine.dispose()


def add_caregivers(place: Kindergarten, count: int) -> list[tuple[User, str]]:
    """`count` more classes, each with its caregiver (two rooms each)."""
    people = []
    with place.session() as session:
        site = session.exec(select(Site)).one()
        assert site.id is not None
        names = [f"测试{n}班" for n in range(count)]
        add_classes(session=session, site=site, names=names)
        classes = {c.name: c.id for c in list_classes(session=session, site_id=site.id)}
        for n, name in enumerate(names):
            user = place.users.create_user(f"{name}保育员", user_id=300_000 + n)
            person = get_or_create_person(
                session=session, telegram_user_id=user.id, display_name=user.first_name
            )
            add_membership(
                session=session,
                person=person,
                site_id=site.id,
                role=Role.CAREGIVER,
                class_id=classes[name],
            )
            people.append((user, name))
        session.commit()
    return people


async def method_picker(place: Kindergarten, user: User, room: str) -> Message:
    """消毒打卡 → room: the message whose 消毒柜 button is the tap to record."""
    users = place.users
    asked = users.send_text(user, "🧴 消毒打卡")
    picker = await users.wait_for_bot_message(user, after=asked, timeout=WAIT)
    users.press_button(user, picker, text=room)
    await users.wait_for_edit(picker, count=1, timeout=WAIT)
    return picker


async def pickers_for(place: Kindergarten, people: list[tuple[User, str]]) -> list[Message]:
    found = []
    for user, class_name in people:
        for room in ("活动室", "午睡室"):
            found.append(await method_picker(place, user, f"{class_name} {room}"))
    return found


def tap_all(place: Kindergarten, pickers: list[Message], method: str = "消毒柜") -> None:
    for picker in pickers:
        place.users.press_button(picker.chat_id, picker, text=method)


async def wait_recorded(place: Kindergarten, expected: int, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while count_records(place.engine) < expected:
        assert loop.time() < deadline, f"{count_records(place.engine)} of {expected} recorded"
        await asyncio.sleep(0.1)


def count_records(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(DisinfectionRecord.id)).all())


def lost_and_doubled(engine: Engine, areas: set[int]) -> tuple[int, int]:
    """Tapped rooms with no record, and records beyond one per room (a second round)."""
    with Session(engine) as session:
        rows = session.exec(
            select(DisinfectionRecord.area_id).where(col(DisinfectionRecord.area_id).in_(areas))
        ).all()
    per_area = Counter(rows)
    return len(areas - set(per_area)), sum(n - 1 for n in per_area.values())


def area_ids(place: Kindergarten, pickers: list[Message]) -> set[int]:
    """The room of each picker, from the area id in its buttons' data."""
    found = set()
    for picker in pickers:
        data = [str(b.get("callback_data", "")) for b in picker.inline_buttons()]
        found |= {int(d.split(":")[3]) for d in data if d.startswith("dis:v1:m:")}
    return found


def shown(pickers: list[Message]) -> list[str]:
    return [text_of(p) for p in pickers]
