"""Fault injection: the sandbox answers 429 / 500, slows down, answers late or hangs."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from sandbox import SandboxServer
from sandbox.faults import Fault, FaultInjector, FaultSettings


def outcomes(injector: FaultInjector, n: int = 200) -> list[Fault]:
    return [injector.decide("sendMessage") for _ in range(n)]


def test_the_same_seed_gives_the_same_faults_in_the_asked_shares() -> None:
    first, second = FaultInjector(), FaultInjector()
    first.configure(error_429=0.2, error_500=0.3, seed=7)
    second.configure(error_429=0.2, error_500=0.3, seed=7)
    run = outcomes(first, 1000)
    assert run == outcomes(second, 1000)
    assert 150 < run.count(Fault.TOO_MANY) < 250
    assert 250 < run.count(Fault.SERVER_ERROR) < 350
    assert first.injected == {
        "429": run.count(Fault.TOO_MANY),
        "500": run.count(Fault.SERVER_ERROR),
    }


def test_faults_stop_after_count_and_spare_start_up_methods() -> None:
    injector = FaultInjector()
    injector.configure(hang=1.0, count=2)
    assert injector.decide("getUpdates") is Fault.NONE
    assert injector.decide("getMe") is Fault.NONE
    assert outcomes(injector, 4) == [Fault.HANG, Fault.HANG, Fault.NONE, Fault.NONE]
    injector.configure(error_500=1.0, methods=["editMessageText"])
    assert injector.decide("sendMessage") is Fault.NONE
    assert injector.decide("editmessagetext") is Fault.SERVER_ERROR


@pytest.mark.parametrize(
    "settings",
    [
        {"error_500": 1.5},
        {"error_429": 0.6, "late": 0.6},
        {"latency": -1},
        {"retry_after": 0},
        {"count": -1},
        {"typo": 1},
    ],
)
def test_impossible_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        FaultSettings.from_json(settings)


@pytest.mark.asyncio
async def test_429_carries_retry_after_and_500_is_a_server_error(
    server: SandboxServer, bot: Bot
) -> None:
    user = server.users.create_user("李芳")
    server.users.set_faults(error_429=1.0, retry_after=3, count=1)
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "一")
    assert server.api.calls[-1].error_code == 429
    assert server.api.calls[-1].description == "Too Many Requests: retry after 3"
    server.users.set_faults(error_500=1.0, count=1)
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "二")
    await bot.send_message(user.id, "三")
    assert [m.text for m in server.users.messages(user)] == ["三"]


@pytest.mark.asyncio
async def test_a_late_answer_is_lost_but_the_message_was_sent(server: SandboxServer) -> None:
    user = server.users.create_user("李芳")
    server.users.set_faults(late=1.0, late_seconds=1.0, count=1)
    async with server.make_bot() as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "提醒", read_timeout=0.2)
    assert [m.text for m in server.users.messages(user)] == ["提醒"]


@pytest.mark.asyncio
async def test_a_hang_performs_nothing(server: SandboxServer) -> None:
    user = server.users.create_user("李芳")
    server.users.set_faults(hang=1.0, hang_seconds=1.0)
    async with server.make_bot() as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "提醒", read_timeout=0.2)
    assert server.users.messages(user) == []


@pytest.mark.asyncio
async def test_latency_slows_every_affected_request(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("李芳")
    server.users.set_faults(latency=0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started < 0.3
    await bot.send_message(user.id, "慢")
    assert time.monotonic() - started >= 0.3


@pytest.mark.asyncio
async def test_faults_over_http(server: SandboxServer, bot: Bot) -> None:
    user = server.users.create_user("李芳")
    url = f"{server.url}/sandbox/api/faults"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"error_500": 1.0, "methods": ["sendMessage"]}) as reply:
            body = await reply.json()
        assert body["settings"]["error_500"] == 1.0 and body["settings"]["methods"] == [
            "sendmessage"
        ]
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "一")
        async with http.get(url) as reply:
            assert (await reply.json())["injected"] == {"500": 1}
        async with http.post(url, json={"error_500": 2}) as reply:
            refused = await reply.json()
        assert reply.status == 400 and "between 0 and 1" in refused["error"]
        async with http.post(url, json={}) as reply:
            assert (await reply.json())["settings"]["error_500"] == 0.0
    await bot.send_message(user.id, "二")
    assert [m.text for m in server.users.messages(user)] == ["二"]
