"""Await changes of the world: used by tests (`wait_until`) and the page's long poll."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sandbox.state import World


class ChangeWaiter:
    def __init__(self, world: World) -> None:
        self.world = world
        self._event = asyncio.Event()
        world.listeners.append(self.notify)

    def notify(self) -> None:
        # Swap in a fresh event so every waiter wakes once per change.
        self._event.set()
        self._event = asyncio.Event()

    async def wait_change(self, timeout: float) -> bool:
        """True when the world changed within `timeout` seconds."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: {what} not met within {timeout:g}s")
            await self.wait_change(min(remaining, 0.5))
