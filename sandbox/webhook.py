"""Pushes queued updates to the bot's webhook, in order, retrying until it accepts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

import aiohttp

from sandbox.updates import JsonDict, UpdateQueue

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    def __init__(
        self,
        updates: UpdateQueue,
        now: Callable[[], int],
        retry_delays: Sequence[float] = (0.05, 0.2, 0.5, 1.0, 2.0),
    ) -> None:
        self.updates = updates
        self.now = now
        # Telegram backs off for minutes; short delays keep tests and demos responsive.
        self.retry_delays = tuple(retry_delays)
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._task = asyncio.create_task(self._run(), name="sandbox-webhook")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _run(self) -> None:
        failures = 0
        while self.updates.webhook.url and not self.updates.closed:
            if not self.updates.pending:
                await self.updates.wait_for_change(30.0)
                continue
            update = self.updates.pending[0]
            if await self._post(update):
                self.updates.confirm(update["update_id"] + 1)
                self.updates.webhook.delivered += 1
                failures = 0
                continue
            delay = self.retry_delays[min(failures, len(self.retry_delays) - 1)]
            failures += 1
            await asyncio.sleep(delay)

    async def _post(self, update: JsonDict) -> bool:
        config = self.updates.webhook
        headers = {SECRET_HEADER: config.secret_token} if config.secret_token else {}
        assert self._session is not None
        try:
            async with self._session.post(config.url, json=update, headers=headers) as reply:
                if 200 <= reply.status < 300:
                    return True
                error = f"Wrong response from the webhook: {reply.status} {reply.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        log.info("webhook delivery of update %s failed: %s", update["update_id"], error)
        config.last_error_date = self.now()
        config.last_error_message = error
        return False
