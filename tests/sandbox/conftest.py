"""Fixtures: a sandbox Telegram on an ephemeral port, a clock the test moves, a PTB Bot."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import Bot

from sandbox import ManualClock, SandboxServer

TOKEN = "123456:SANDBOX-test-token"
BOT_USERNAME = "houqin_bot"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture
async def server(clock: ManualClock) -> AsyncIterator[SandboxServer]:
    async with SandboxServer(token=TOKEN, bot_username=BOT_USERNAME, clock=clock) as running:
        yield running


@pytest_asyncio.fixture
async def bot(server: SandboxServer) -> AsyncIterator[Bot]:
    async with server.make_bot() as client:
        yield client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
