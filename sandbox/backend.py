"""What every Bot API method works on: the world, the update queue, the limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import too_many_requests
from sandbox.faults import FaultInjector
from sandbox.limits import FloodLimiter
from sandbox.params import Params
from sandbox.state import Chat, World
from sandbox.updates import UpdateQueue
from sandbox.webhook import WebhookSender


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the emulator answered it, for tests and debugging."""

    method: str
    params: dict[str, Any]
    error_code: int | None = None
    description: str | None = None


@dataclass
class Backend:
    world: World
    updates: UpdateQueue
    limiter: FloodLimiter
    webhook: WebhookSender
    calls: list[ApiCall] = field(default_factory=list)
    faults: FaultInjector = field(default_factory=FaultInjector)

    def check_limit(self, method: str, chat: Chat) -> None:
        wait = self.limiter.acquire(method, chat.id, is_group=chat.is_group)
        if wait is not None:
            raise too_many_requests(wait)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method.lower() == method.lower()]


Method = Callable[[Backend, Params], Awaitable[Any]]
