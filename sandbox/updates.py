"""The bot's update queue: ids, confirmation by offset, long polling, allowed_updates."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

from sandbox.errors import POLL_CONFLICT, conflict

JsonDict = dict[str, Any]

# Telegram leaves these out unless a bot asks for them by name.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class WebhookConfig:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0


@dataclass
class UpdateQueue:
    pending: list[JsonDict] = field(default_factory=list)
    history: list[JsonDict] = field(default_factory=list)  # every update ever queued
    allowed_updates: list[str] = field(default_factory=list)
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    closed: bool = False
    _next_id: int = 1
    _generation: int = 0
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def is_allowed(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_SENT_BY_DEFAULT

    def push(self, kind: str, payload: JsonDict) -> JsonDict | None:
        """Queue an update unless the bot's allowed_updates exclude its kind."""
        if not self.is_allowed(kind):
            return None
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self.pending.append(update)
        self.history.append(update)
        self.wake()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_pending(self) -> None:
        self.pending.clear()

    def wake(self) -> None:
        # A fresh event per change lets every waiter see each change exactly once.
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        self.closed = True
        self.wake()

    async def wait_for_change(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    async def long_poll(self, limit: int, timeout: float) -> list[JsonDict]:
        """Updates as soon as there are any; 409 if a newer getUpdates takes over."""
        self._generation += 1
        generation = self._generation
        self.wake()  # an older poll still waiting must now end with a conflict
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.pending:
                return self.pending[:limit]
            if generation != self._generation:
                raise conflict(POLL_CONFLICT)
            remaining = deadline - loop.time()
            if remaining <= 0 or self.closed:
                return []
            await self.wait_for_change(remaining)
