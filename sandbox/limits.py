"""Telegram's flood limits for bots, enforced like the real server (HTTP 429).

Rates from Telegram's bot FAQ: about 30 messages per second overall, about one per second
in a private chat (short bursts are tolerated), at most 20 per minute in a group. Edits
count like sends, which is what makes live "cards" in busy groups run into the limit.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Clock = Callable[[], float]

# Methods that put a message on screen, and so are rate limited.
LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "forwardmessage",
        "copymessage",
    }
)


@dataclass(frozen=True)
class LimitPolicy:
    global_per_second: int = 30
    private_per_second: float = 1.0
    private_burst: int = 4
    group_per_minute: int = 20


@dataclass(frozen=True)
class AcceptedCall:
    at: float
    method: str
    chat_id: int


class ManualClock:
    """A clock that tests move by hand: `clock.advance(1.5)`."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class _Bucket:
    level: float
    at: float


@dataclass
class FloodLimiter:
    clock: Clock = time.monotonic
    policy: LimitPolicy = field(default_factory=LimitPolicy)
    enabled: bool = True
    calls: list[AcceptedCall] = field(default_factory=list)
    _recent: deque[float] = field(default_factory=deque)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _private: dict[int, _Bucket] = field(default_factory=dict)

    def acquire(self, method: str, chat_id: int, *, is_group: bool) -> int | None:
        """Record the call and return None, or return the seconds to wait (429)."""
        now = self.clock()
        if self.enabled:
            wait = max(
                self._global_wait(now),
                self._group_wait(chat_id, now) if is_group else 0.0,
                0.0 if is_group else self._private_wait(chat_id, now),
            )
            if wait > 0:
                return max(1, math.ceil(wait))
            self._consume(chat_id, now, is_group=is_group)
        self.calls.append(AcceptedCall(now, method, chat_id))
        return None

    def _consume(self, chat_id: int, now: float, *, is_group: bool) -> None:
        self._recent.append(now)
        if is_group:
            self._groups[chat_id].append(now)
        else:
            self._private[chat_id].level -= 1.0

    def _global_wait(self, now: float) -> float:
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) < self.policy.global_per_second:
            return 0.0
        return self._recent[0] + 1.0 - now

    def _group_wait(self, chat_id: int, now: float) -> float:
        window = self._groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) < self.policy.group_per_minute:
            return 0.0
        return window[0] + 60.0 - now

    def _private_wait(self, chat_id: int, now: float) -> float:
        burst = float(self.policy.private_burst)
        bucket = self._private.setdefault(chat_id, _Bucket(level=burst, at=now))
        rate = self.policy.private_per_second
        bucket.level = min(burst, bucket.level + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.level >= 1.0:
            return 0.0
        return (1.0 - bucket.level) / rate

    def max_in_window(
        self, chat_id: int, window: float = 60.0, methods: Iterable[str] | None = None
    ) -> int:
        """The most accepted calls to `chat_id` inside any `window`-second span."""
        wanted = {m.lower() for m in methods} if methods is not None else None
        times = [
            c.at
            for c in self.calls
            if c.chat_id == chat_id and (wanted is None or c.method.lower() in wanted)
        ]
        best, start = 0, 0
        for end, t in enumerate(times):
            while times[start] <= t - window:
                start += 1
            best = max(best, end - start + 1)
        return best
