"""PTB's AIORateLimiter with two lanes, so a broadcast never slows anyone's taps.

Telegram counts a bot's messages in any one second (about 30). PTB's limiter queues every
call in one line: a notice to 3,000 parents would put a tap's reply behind thousands of
notices. Here both lanes share one sliding one-second window, counted as Telegram counts:

- interactive calls (replies, edits, cards) may fill the whole window and go first;
- bulk calls (made inside `bulk_lane()`) are spaced evenly and leave `reserve` places of
  every second free, so a tap finds a place at once while a broadcast runs at full speed.

Group limits, 429 handling (everything pauses for `retry_after`) and retries are PTB's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

_BULK: ContextVar[bool] = ContextVar("bulk_lane", default=False)
# The chat of the request being limited (set in process_request, read in _run_request).
_CHAT: ContextVar[object] = ContextVar("limited_chat", default=None)


def _private_chat_id(chat_id: object) -> int | None:
    """The id of a private chat (positive), else None (groups, channels, @usernames)."""
    try:
        value = int(chat_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def in_bulk_lane() -> bool:
    return _BULK.get()


@contextlib.contextmanager
def bulk_lane() -> Iterator[None]:
    """Calls made inside (in this task) are bulk: they yield to interactive ones."""
    token = _BULK.set(True)
    try:
        yield
    finally:
        _BULK.reset(token)


# A bulk call that woke late may be followed sooner, making up at most this much lost time.
CATCH_UP = 0.15


class SharedWindow:
    """At most `limit` calls in any `period` of Telegram's clock; bulk calls keep `reserve`
    places free.

    Telegram counts a call when it arrives, somewhere between our sending it and its answer
    coming back. So a call holds its place from the moment it is sent until `period` after
    its answer: then no two calls more than `limit` apart can arrive within one `period`,
    however unevenly the network or a busy event loop delivers them.
    """

    def __init__(self, limit: int = 30, reserve: int = 2, period: float = 1.0) -> None:
        self.limit, self.reserve, self.period = limit, reserve, period
        self._spacing = period / (limit - reserve)
        self._answered: deque[float] = deque()  # when the answers came, oldest first
        self._in_flight = 0
        # When the next bulk call may go: evenly spaced, catching up a little after a late wake.
        self._bulk_at = -1e9
        self._bulk_paused_until = -1e9
        self._interactive_waiting = 0

    def pause_bulk(self, seconds: float) -> None:
        """Telegram said 429 to a bulk call: the broadcast waits, taps go on."""
        now = asyncio.get_running_loop().time()
        self._bulk_paused_until = max(self._bulk_paused_until, now + seconds)

    async def acquire(self, *, bulk: bool) -> None:
        loop = asyncio.get_running_loop()
        if not bulk:
            self._interactive_waiting += 1
        try:
            while True:
                wait = self._wait(loop.time(), bulk=bulk)
                if wait <= 0:
                    self._take(loop.time(), bulk=bulk)
                    return
                await asyncio.sleep(wait)
        finally:
            if not bulk:
                self._interactive_waiting -= 1

    def release(self) -> None:
        """The call's answer came (or it failed): its place is free `period` from now."""
        self._answered_at(asyncio.get_running_loop().time())

    def give_back(self) -> None:
        """A place taken for a call that was not sent after all."""
        self._in_flight -= 1

    def _answered_at(self, now: float) -> None:
        self._in_flight -= 1
        self._answered.append(now)

    def _wait(self, now: float, *, bulk: bool) -> float:
        """Seconds until this lane may send (≤ 0: now)."""
        while self._answered and self._answered[0] <= now - self.period:
            self._answered.popleft()
        room = self.limit - (self.reserve if bulk else 0)
        taken = self._in_flight + len(self._answered)
        full = 0.0
        if taken >= room:
            # The place that frees first is the oldest answer's; calls still in flight free
            # theirs a `period` after they are answered (not known yet: look again shortly).
            oldest = taken - room
            full = (
                self._answered[oldest] + self.period - now
                if oldest < len(self._answered)
                else 0.005
            )
        if not bulk:
            return full
        if self._interactive_waiting:
            return max(full, 0.005)
        return max(full, self._bulk_at - now, self._bulk_paused_until - now)

    def _take(self, now: float, *, bulk: bool) -> None:
        self._in_flight += 1
        if bulk:
            self._bulk_at = max(self._bulk_at, now - CATCH_UP) + self._spacing


class TwoLaneRateLimiter(AIORateLimiter):
    """AIORateLimiter whose overall limit is a `SharedWindow` with an interactive lane first,
    plus Telegram's one message a second in each private chat (short bursts tolerated)."""

    def __init__(
        self,
        *,
        per_second: int = 30,
        reserve: int = 1,
        private_burst: int = 3,
        max_retries: int = 3,
    ) -> None:
        # PTB's own overall limiter is off (0): the shared window replaces it.
        super().__init__(overall_max_rate=0, overall_time_period=0, max_retries=max_retries)
        self.window = SharedWindow(per_second, reserve)
        self._private_burst = private_burst
        self._private: dict[int, AsyncLimiter] = {}

    def _private_limiter(self, chat_id: int) -> AsyncLimiter:
        """A bucket of `private_burst` messages refilled at one a second, per private chat."""
        if len(self._private) > 4096:
            self._private = {
                key: limiter
                for key, limiter in self._private.items()
                if not limiter.has_capacity(self._private_burst)
            }
        limiter = self._private.get(chat_id)
        if limiter is None:
            limiter = self._private[chat_id] = AsyncLimiter(
                self._private_burst, self._private_burst
            )
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        token = _CHAT.set(data.get("chat_id"))
        try:
            if _BULK.get():
                return await self._bulk_request(callback, args, kwargs, data, rate_limit_args)
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        finally:
            _CHAT.reset(token)

    async def _bulk_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """A bulk call honours `retry_after` by pausing the bulk lane only (PTB would pause
        every call): a broadcast that ran into the limit must not hold up anyone's taps."""
        max_retries = rate_limit_args or self._max_retries
        chat_id = data.get("chat_id")
        group: str | int | bool = False
        if _private_chat_id(chat_id) is None and isinstance(chat_id, str | int):
            group = chat_id
        for attempt in range(max_retries + 1):
            try:
                return await self._run_request(True, group, False, callback, args, kwargs)
            except RetryAfter as error:
                if attempt == max_retries:
                    raise
                self.window.pause_bulk(error._retry_after.total_seconds() + 0.1)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _run_request(
        self,
        chat: bool,
        group: str | int | bool,
        allow_paid_broadcast: bool,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        if not chat or allow_paid_broadcast:
            return await super()._run_request(
                chat, group, allow_paid_broadcast, callback, args, kwargs
            )
        chat_id = _private_chat_id(_CHAT.get())
        limiter: AsyncLimiter | None = None
        if group and self._group_max_rate:
            limiter = self._get_group_limiter(group)
        elif chat_id is not None:
            limiter = self._private_limiter(chat_id)
        async with limiter or contextlib.nullcontext():
            while True:
                await self._retry_after_event.wait()
                await self.window.acquire(bulk=_BULK.get())
                # A 429 pause that began while we waited makes our place stale: calls held
                # back by it must not all go at once when it ends.
                if self._retry_after_event.is_set():
                    break
                self.window.give_back()  # never sent: nothing for Telegram to count
            try:
                return await callback(*args, **kwargs)
            finally:
                self.window.release()
