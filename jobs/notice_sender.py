"""The sender that drains the notice outbox at Telegram's pace, in the rate limiter's bulk lane.

One loop per process: it claims due rows, sends with a bounded number in flight, and
records each answer at once. Its database work runs on a thread of its own: a commit that
waits for the disk (an SQLite checkpoint) holds up the broadcast, never a staff tap. A 429
pauses the bulk lane for `retry_after` (bot.ratelimit); network errors and 5xx are retried
a few times with back-off (tenacity), then the row goes back to the queue for later
(durable back-off, `MAX_ATTEMPTS` in all); a parent who blocked the bot (403) is marked and
never tried again. A normal stop lets the messages in flight finish first; rows a killed
process left half-done are queued again at start-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.ratelimit import bulk_lane
from bot.views.notices import Part, parent_messages
from jobs.outbox import answer_lost
from storage import notice_outbox as outbox
from storage.db import session_scope
from storage.sites import get_site

log = logging.getLogger(__name__)
Result = TypeVar("Result")
IN_FLIGHT = 16
BATCH = 64
# With nothing due, look again this often (retries come due), or at once when woken.
IDLE_SECONDS = 5.0
_STOP_CHECK = 0.2


def _passing(error: BaseException) -> bool:
    """Worth another try at once: 5xx and a request that never left (BadRequest is a
    NetworkError too; a lost answer is not retried: the message may have arrived)."""
    return (
        isinstance(error, NetworkError)
        and not isinstance(error, BadRequest)
        and not answer_lost(error)
    )


class NoticeSender:
    def __init__(self, app: HouqinApplication, *, retry_wait: float = 0.5) -> None:
        self.app = app
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._tasks: set[asyncio.Task[None]] = set()
        self._site_names: dict[int, str] = {}
        self.retry_wait = retry_wait
        self.task: asyncio.Task[None] | None = None
        self._database: ThreadPoolExecutor | None = None

    async def _db(self, write: Callable[..., Result], **arguments: Any) -> Result:
        """Run an outbox function on the sender's database thread (one: writes stay in order)."""
        if self._database is None:
            self._database = ThreadPoolExecutor(1, thread_name_prefix="notice-outbox")
        call = functools.partial(write, engine=self.app.engine, **arguments)
        return await asyncio.get_running_loop().run_in_executor(self._database, call)

    def wake(self) -> None:
        self._wake.set()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def run(self) -> None:
        """Drain until the application stops; then let the sends in flight finish."""
        requeued = await self._db(outbox.requeue_interrupted)
        if requeued:
            log.warning(
                "Notice sender: %d deliveries interrupted by a crash are queued again", requeued
            )
        try:
            while self.app.running:
                if not await self.dispatch():
                    await self._idle()
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            if self._database is not None:
                self._database.shutdown(wait=False)
                self._database = None

    async def dispatch(self) -> int:
        """Claim and start the due rows of one batch; the number started."""
        due = await self._db(outbox.due_deliveries, now=self.app.clock(), limit=BATCH)
        started = 0
        for row in due:
            await self._slots.acquire()
            if not self.app.running:
                self._slots.release()
                break
            if not await self._db(outbox.claim, delivery_id=row.id):
                self._slots.release()
                continue
            task = asyncio.create_task(self._deliver(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            started += 1
        return started

    async def _idle(self) -> None:
        self._wake.clear()
        loop = asyncio.get_running_loop()
        until = loop.time() + IDLE_SECONDS
        while self.app.running and not self._wake.is_set() and loop.time() < until:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), _STOP_CHECK)

    async def _deliver(self, row: outbox.Due) -> None:
        try:
            with bulk_lane():
                message_id = await self._send_parts(row)
        except Forbidden as error:
            await self._db(outbox.mark_blocked, delivery_id=row.id, error=error.message)
        except BadRequest as error:
            # The chat is gone or the message is refused as it is: trying again cannot help.
            log.warning("Notice delivery %s refused: %s", row.id, error.message)
            await self._db(outbox.mark_failed, delivery_id=row.id, error=error.message)
        except (NetworkError, RetryAfter, TelegramError) as error:
            if answer_lost(error):
                # It may have arrived: a notice is never sent twice (jobs.outbox's NOTICE policy);
                # if it did not, the parent is reminded like anyone who has not read it.
                log.warning("Notice delivery %s: the answer was lost; counted as sent", row.id)
                await self._db(
                    outbox.mark_sent, delivery_id=row.id, message_id=None, now=self.app.clock()
                )
            else:
                await self._later(row, str(error))
        except Exception as error:  # a bug must not leave the row claimed for ever
            log.exception("Notice delivery %s crashed", row.id)
            await self._later(row, repr(error))
        else:
            await self._db(
                outbox.mark_sent, delivery_id=row.id, message_id=message_id, now=self.app.clock()
            )
        finally:
            self._slots.release()

    async def _later(self, row: outbox.Due, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= outbox.MAX_ATTEMPTS:
            await self._db(outbox.mark_failed, delivery_id=row.id, error=error)
            return
        at = self.app.clock() + outbox.backoff(attempts)
        await self._db(outbox.retry_later, delivery_id=row.id, error=error, at=at)
        log.info("Notice delivery %s failed (%s); next try at %s", row.id, error, at)

    async def _send_parts(self, row: outbox.Due) -> int:
        parts = self._messages(row)
        message_id = 0
        for index in range(row.parts_sent, len(parts)):
            message = await self._send_with_retries(row.chat_id, parts[index])
            message_id = message.message_id
            if index + 1 < len(parts):
                await self._db(outbox.record_part, delivery_id=row.id, parts_sent=index + 1)
        return message_id

    async def _send_with_retries(self, chat_id: int, part: Part) -> Message:
        retrying = AsyncRetrying(
            # Not once the bot is stopping: the row goes back to the queue for the next start.
            retry=retry_if_exception(lambda error: _passing(error) and self.app.running),
            wait=wait_exponential(multiplier=self.retry_wait, max=8 * self.retry_wait)
            + wait_random(0, self.retry_wait),
            stop=stop_after_attempt(3),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await send_part(self.app, chat_id, part)
        raise AssertionError("unreachable")  # pragma: no cover

    def _messages(self, row: outbox.Due) -> list[Part]:
        attachment = (
            (row.attachment_kind, row.attachment_file_id)
            if row.attachment_kind and row.attachment_file_id
            else None
        )
        return parent_messages(
            translator(row.language),
            site_name=self._site_name(row.site_id),
            title=row.title,
            parts=row.parts,
            attachment=attachment,
            delivery_id=row.id,
        )

    def _site_name(self, site_id: int) -> str:
        if site_id not in self._site_names:
            with session_scope(self.app.engine) as session:
                site = get_site(session=session, site_id=site_id)
                self._site_names[site_id] = site.name if site else ""
        return self._site_names[site_id]


async def send_part(app: HouqinApplication, chat_id: int, part: Part, **kwargs: Any) -> Message:
    """Send one message of a notice (text, photo or PDF)."""
    if part.kind == "photo":
        return await app.bot.send_photo(chat_id, part.file_id or "", caption=part.text, **kwargs)
    if part.kind == "document":
        return await app.bot.send_document(chat_id, part.file_id or "", caption=part.text, **kwargs)
    return await app.bot.send_message(chat_id, part.text, reply_markup=part.markup, **kwargs)


_SENDERS: weakref.WeakKeyDictionary[HouqinApplication, NoticeSender] = weakref.WeakKeyDictionary()


def sender_of(app: HouqinApplication) -> NoticeSender:
    sender = _SENDERS.get(app)
    if sender is None:
        sender = _SENDERS[app] = NoticeSender(app)
    return sender


def start_sender(app: HouqinApplication) -> None:
    """Start the loop once the application runs (its stop waits for the loop to end)."""
    sender = sender_of(app)
    if sender.task is None or sender.task.done():
        sender.task = app.create_task(sender.run(), name="notice-sender")


def wake_sender(app: HouqinApplication) -> None:
    sender_of(app).wake()
