"""Live cards: coalesce edits so a group never gets more than one edit per interval."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application, CallbackContext, JobQueue

Refresh = Callable[[Application[Any, Any, Any, Any, Any, Any]], Awaitable[None]]


class CardEditor:
    """At most one refresh per card key every `interval` seconds; the last one always runs.

    A refresh re-renders from the database, so however many changes arrive, the card ends
    matching the database, and a burst of 20 confirmations costs one or two edits.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._last_run: dict[str, float] = {}
        self._pending: set[str] = set()
        self._shown: dict[str, str] = {}

    def delay(self, key: str) -> float:
        last = self._last_run.get(key)
        return 0.0 if last is None else max(0.0, last + self.interval - self.clock())

    def request(self, job_queue: JobQueue[Any], key: str, refresh: Refresh) -> bool:
        """Schedule a refresh of the card unless one is already waiting; True if scheduled."""
        if key in self._pending:
            return False
        self._pending.add(key)

        async def run(context: CallbackContext[Any, Any, Any, Any]) -> None:
            # Cleared before rendering, so a change made meanwhile schedules one more refresh.
            self._pending.discard(key)
            self._last_run[key] = self.clock()
            try:
                await refresh(context.application)
            finally:
                # The interval counts from the edit Telegram saw, not from the start of the
                # rendering: a slow render must not bring the next edit closer.
                self._last_run[key] = self.clock()

        # Never skipped however late the loop gets to it: a skipped refresh would leave the
        # key pending and the card frozen for the rest of the day.
        job_queue.run_once(
            run, when=self.delay(key), name=f"card:{key}", job_kwargs={"misfire_grace_time": None}
        )
        return True

    def changed(self, message_key: str, content: str) -> bool:
        """False when this exact content is what the message already shows."""
        return self._shown.get(message_key) != content

    def shown(self, message_key: str, content: str) -> None:
        self._shown[message_key] = content
