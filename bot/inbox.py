"""Where the durable inbox meets python-telegram-bot.

Polling: PTB's Updater confirms a batch of updates to Telegram by asking for the next
offset, so `InboxRequest` (the `get_updates_request`) stores each batch, in one
transaction, before the Updater even sees it. Webhook: PTB's handler answers 200 only
after `update_queue.put` returns, so `InboxQueue.put` stores the update first. Either way
an update reaches `HouqinApplication.process_update` only once it is in the database, and
flows need to do nothing for it.
"""

from __future__ import annotations

import abc
import asyncio
import functools
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData
from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt, wait_fixed

from bot.ratelimit import in_bulk_lane
from storage.inbox import is_done, pending_updates, store_updates

log = logging.getLogger(__name__)
# True while an update is processed for the second time or later (see ReplayRequest).
replaying: ContextVar[bool] = ContextVar("replaying", default=False)
REMEMBERED_DONE = 10_000  # recent done ids kept in memory: a redelivery costs no query


class Inbox:
    """What this process knows about the inbox, so most updates cost no extra query."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.fresh: set[int] = set()  # stored by this process, not done yet
        self.known: set[int] = set()  # were in the database already when stored again
        self.replays: set[int] = set()  # begun before (by a killed run, or failed): run again
        self._done: OrderedDict[int, None] = OrderedDict()

    def store(self, updates: list[tuple[int, str]]) -> None:
        """Store a batch (one transaction); raises if the database cannot take it."""
        new = store_updates(engine=self.engine, updates=updates)
        self.fresh |= new
        # Stored by an earlier run (redelivered): looked up when processed.
        self.known |= {update_id for update_id, _ in updates} - new

    def was_done(self, update_id: int) -> bool:
        """Whether to skip it. An update that never went through `store` (handed to the
        application directly) costs no query: its first commit is refused if it was done."""
        if update_id in self._done:
            return True
        if update_id not in self.known:
            return False
        self.known.discard(update_id)
        return is_done(engine=self.engine, update_id=update_id)

    def done(self, update_id: int) -> None:
        self.fresh.discard(update_id)
        self.replays.discard(update_id)
        self._done[update_id] = None
        if len(self._done) > REMEMBERED_DONE:
            self._done.popitem(last=False)

    def pending(self, bot: Any) -> list[Update]:
        """What an earlier run stored and did not finish, oldest first."""
        updates = []
        for update_id, payload in pending_updates(engine=self.engine):
            update = Update.de_json(json.loads(payload), bot)
            if update is not None:
                self.fresh.add(update_id)
                self.replays.add(update_id)
                updates.append(update)
        return updates


def _update_rows(payload: bytes) -> list[tuple[int, str]]:
    body = json.loads(payload)
    if not isinstance(body, dict) or not body.get("ok"):
        return []
    return [
        (int(item["update_id"]), json.dumps(item, ensure_ascii=False))
        for item in body.get("result") or []
        if isinstance(item, dict) and "update_id" in item
    ]


Request = Callable[[], Awaitable[tuple[int, bytes]]]


async def _with_5xx_retries(request: Request) -> tuple[int, bytes]:
    """Up to three tries within ~0.1 s while Telegram answers 5xx; then its last answer.
    The second try goes at once (a passing 500 costs a tap one round trip, not a pause),
    the third after 0.1 s. The retrying is only set up after a 5xx: a reply pays nothing
    for it."""
    answer = await request()
    if answer[0] < 500:
        return answer
    retrying = AsyncRetrying(
        retry=retry_if_result(lambda answer: answer[0] >= 500),
        stop=stop_after_attempt(2),
        wait=wait_fixed(0.1),
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
    again: tuple[int, bytes] = await retrying(request)
    return again


class _Around(BaseRequest):
    """A transport around another (PTB's `HTTPXRequest` in production); `answer` adds its
    rule, given the request ready to be sent (and sent again)."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        send = functools.partial(
            self.inner.do_request,
            url,
            method,
            request_data,
            read_timeout,
            write_timeout,
            connect_timeout,
            pool_timeout,
        )
        return await self.answer(url.rsplit("/", 1)[-1].lower(), send)

    @abc.abstractmethod
    async def answer(self, api_method: str, send: Request) -> tuple[int, bytes]: ...


class InboxRequest(_Around):
    """The getUpdates transport: a batch is stored before the Updater may confirm it."""

    def __init__(self, inner: BaseRequest, inbox: Inbox) -> None:
        super().__init__(inner)
        self.inbox = inbox

    async def answer(self, api_method: str, send: Request) -> tuple[int, bytes]:
        # PTB's polling loop sleeps a second after a failed poll: a passing 5xx would hold
        # every waiting update that long, so the poll (harmless to repeat) is retried first.
        code, payload = await _with_5xx_retries(send)
        if code == 200 and api_method == "getupdates":
            rows = _update_rows(payload)
            try:
                self.inbox.store(rows)
            except Exception as error:
                # Not stored, so not confirmed: Telegram gives them again on the next poll.
                log.error("Could not store %d update(s); polling again later: %s", len(rows), error)
                raise NetworkError("the inbox could not store the updates") from error
        return code, payload


# What a second run of an update meets because the first run already did it; harmless.
_ALREADY_DONE = (
    ("answercallbackquery", b"query is too old"),
    ("editmessagetext", b"message is not modified"),
    ("editmessagereplymarkup", b"message is not modified"),
    ("editmessagecaption", b"message is not modified"),
)


class ReplayRequest(_Around):
    """The transport for sends. A 5xx is tried again like a poll's (not in the bulk lane).
    While an update runs a second time (left unfinished by a killed run, or retried after a
    database outage), Telegram's "already done" refusals of what the first run did are taken
    as success, so the update can finish its work."""

    async def answer(self, api_method: str, send: Request) -> tuple[int, bytes]:
        # A reply Telegram answered 5xx is sent again at once: otherwise the processor runs
        # the update again after half a second, or (after a committed change) never sends it.
        # A broadcast retries on its own, at its own pace.
        code, payload = await (send() if in_bulk_lane() else _with_5xx_retries(send))
        if code == 400 and replaying.get():
            lowered = payload.lower()
            if any(api_method == m and text in lowered for m, text in _ALREADY_DONE):
                log.info("Replay: %s was done by the first run", api_method)
                return 200, b'{"ok": true, "result": true}'
        return code, payload


class InboxQueue(asyncio.Queue[object]):
    """The update queue; an update not stored yet (webhook) is stored before `put` returns."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and item.update_id not in self.inbox.fresh:
            # Raising here makes PTB's webhook answer 500, so Telegram delivers it again.
            self.inbox.store([(item.update_id, item.to_json())])
        await super().put(item)
