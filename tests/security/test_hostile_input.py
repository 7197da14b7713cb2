"""Thousands of hostile updates fed to the real application: texts of every kind, forged and
random button data, edited messages, commands in the wrong chat, people of no site or of
another site. Nothing reaches the error handler, and what is refused changes nothing."""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app import build_application
from bot.config import Settings
from storage.permissions import Role, can
from tests.security.catalog import BUTTONS, COMMANDS
from tests.security.harness import ErrorSpy
from tests.security.strategies import PARENT_OF_A, updates
from tests.security.world import MORNING, OTHER_DIRECTOR, World, build_world, snapshot
from tests.support.networking import OfflineRequest
from tests.support.telegram import Telegram, User

# Examples per backend; each example is a burst of up to 8 updates.
EXAMPLES = int(os.environ.get("HOUQIN_HOSTILE_EXAMPLES", "250"))


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", template)
    return re.compile("^" + "[^:]*".join(re.escape(p) for p in parts) + "$")


_CHANGING_BUTTONS = [(_template_regex(b.data), b) for b in BUTTONS if b.changes]
_CHANGING_COMMANDS = {c.name: c for c in COMMANDS if c.changes}


def may_change(sender: User, payload: dict[str, Any]) -> bool:
    """Whether the catalog allows this update to change data: something anyone may do
    (/lang en), what the other site's director may do at their own site (/epidemic on), or
    what site A's parent may do (/stop, whatever follows it)."""
    if "callback_query" in payload:
        data = payload["callback_query"]["data"]
        return any(
            regex.match(data)
            and (button.action is None or (sender == OTHER_DIRECTOR and not button.targets_site))
            for regex, button in _CHANGING_BUTTONS
        )
    message = payload.get("message")
    if not message or not message.get("text", "").startswith("/"):
        return False
    name = message["text"].split()[0][1:].split("@")[0]
    command = _CHANGING_COMMANDS.get(name)
    if command is None:
        return False
    return (
        command.action is None
        or sender == OTHER_DIRECTOR
        or (sender == PARENT_OF_A and can([Role.PARENT], command.action))  # e.g. /stop
    )


async def _start(app_settings: Settings, engine: Engine, db: Session) -> Telegram:
    request = OfflineRequest(strict_answers=True)
    app = build_application(app_settings, engine=engine, request=request)
    await app.initialize()
    await app.start()
    # The attack is on the handlers: the scheduler is paused, so that no job due in real
    # time (a card's coalesced redraw, the deadline checks, the planner) changes data while
    # a refused update is under test.
    assert app.job_queue is not None
    app.job_queue.scheduler.pause()
    return Telegram(app, request, db)


async def _stop(telegram: Telegram) -> None:
    await telegram.app.stop()
    await telegram.app.shutdown()


def test_hostile_updates_never_reach_the_error_handler_and_refusals_change_nothing(
    settings: Settings, engine: Engine, db: Session
) -> None:
    # Hypothesis drives a plain function, so the bot runs in a loop of this test's own.
    loop = asyncio.new_event_loop()
    telegram = loop.run_until_complete(_start(settings, engine, db))
    try:
        telegram.set_local_time(MORNING)
        world = build_world(db, telegram.app.clock())
        spy = ErrorSpy(telegram.app)
        _attack(loop, telegram, world, spy, engine)
    finally:
        loop.run_until_complete(_stop(telegram))
        loop.close()


def _attack(
    loop: asyncio.AbstractEventLoop, telegram: Telegram, world: World, spy: ErrorSpy, engine: Engine
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(burst=st.lists(updates(world), min_size=1, max_size=8))
    def feed(burst: list[tuple[User, dict[str, Any]]]) -> None:
        spy.errors.clear()
        for sender, payload in burst:
            check = not may_change(sender, payload)
            before = snapshot(engine) if check else None
            loop.run_until_complete(telegram.feed(payload))
            assert not spy.errors, spy.describe()
            if check:
                assert snapshot(engine) == before, f"data changed by a refused update {payload}"

    feed()
