"""Fault injection for the emulated Bot API: what a bad day at Telegram looks like.

A share of requests can be answered 429 (with `retry_after`) or 500, every request can be
slowed down, and a share can be answered late (the method IS performed, the answer comes
after `late_seconds` — longer than the client's read timeout, the answer is lost) or hang
(nothing is performed; the client is left waiting `hang_seconds`, then gets a 504).
Decisions come from a seeded `random.Random`, so a run can be repeated exactly.

    server.faults.configure(error_500=0.3, seed=7)            # Python
    POST /sandbox/api/faults {"late": 1.0, "late_seconds": 8, "count": 1}   # HTTP
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any

# Left alone unless named in `methods`: a bot that cannot even start tests nothing.
SPARED_BY_DEFAULT = frozenset({"getupdates", "getme", "setwebhook", "deletewebhook"})
SHARES = ("error_429", "error_500", "late", "hang")


class Fault(Enum):
    """What happens to one request."""

    NONE = "none"
    TOO_MANY = "429"
    SERVER_ERROR = "500"
    LATE = "late"
    HANG = "hang"


@dataclass(frozen=True)
class FaultSettings:
    error_429: float = 0.0
    retry_after: int = 1
    error_500: float = 0.0
    latency: float = 0.0
    late: float = 0.0
    late_seconds: float = 10.0
    hang: float = 0.0
    hang_seconds: float = 10.0
    # Lower-case method names faults apply to; None: every method but SPARED_BY_DEFAULT.
    methods: frozenset[str] | None = None
    # How many requests may get a fault (429/500/late/hang) before faults stop; None: no end.
    count: int | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in SHARES:
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, not {share}")
        if sum(getattr(self, name) for name in SHARES) > 1.0 + 1e-9:
            raise ValueError("the shares of 429, 500, late and hang add up to more than 1")
        for name in ("latency", "late_seconds", "hang_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.retry_after < 1:
            raise ValueError("retry_after must be at least 1 second")
        if self.count is not None and self.count < 0:
            raise ValueError("count must not be negative")

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(body) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        values = dict(body)
        if values.get("methods") is not None:
            values["methods"] = frozenset(str(m).lower() for m in values["methods"])
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["methods"] = sorted(self.methods) if self.methods is not None else None
        return body


@dataclass
class FaultInjector:
    """Decides the fault of each Bot API request and counts what it did."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    injected: Counter[str] = field(default_factory=Counter)
    _random: random.Random = field(default_factory=random.Random)
    _left: int | None = None

    def configure(self, **settings: Any) -> FaultSettings:
        """Replace every setting (unnamed ones go back to their defaults) and reseed."""
        self.settings = FaultSettings.from_json(settings)
        self._random = random.Random(self.settings.seed)
        self._left = self.settings.count
        self.injected.clear()
        return self.settings

    def clear(self) -> None:
        self.configure()

    def applies_to(self, method: str) -> bool:
        wanted = self.settings.methods
        name = method.lower()
        return name not in SPARED_BY_DEFAULT if wanted is None else name in wanted

    def decide(self, method: str) -> Fault:
        if not self.applies_to(method) or self._left == 0:
            return Fault.NONE
        s = self.settings
        roll = self._random.random()
        for share, fault in (
            (s.error_429, Fault.TOO_MANY),
            (s.error_500, Fault.SERVER_ERROR),
            (s.late, Fault.LATE),
            (s.hang, Fault.HANG),
        ):
            if roll < share:
                if self._left is not None:
                    self._left -= 1
                self.injected[fault.value] += 1
                return fault
            roll -= share
        return Fault.NONE

    async def delay(self, method: str) -> None:
        """The latency every affected request has, fault or not."""
        if self.settings.latency > 0 and self.applies_to(method):
            await asyncio.sleep(self.settings.latency)

    def report(self) -> dict[str, Any]:
        return {"settings": self.settings.to_json(), "injected": dict(self.injected)}
