"""Run the bot with long polling or a webhook: in charge of its database, stopped in seconds.

Our own loop instead of `run_polling`: it takes charge of the database first (bot.leader),
feeds what the inbox holds from an earlier run before anything new, and gives a stop at
most STOP_BUDGET seconds. Nothing is lost by cutting a stop short: unfinished updates stay
in the inbox and unsent messages in the outbox, and the next start finishes them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Awaitable, Callable

from sqlalchemy.engine import Engine
from telegram import Update
from telegram.error import TelegramError

from bot.app import build_application
from bot.config import Settings
from bot.context import HouqinApplication
from bot.leader import AlreadyRunning, Leadership, leadership_for
from jobs.outbox import take_over_claims

log = logging.getLogger(__name__)
STOP_BUDGET = 3.5  # seconds for a clean stop after SIGTERM
HARD_STOP = 4.5  # then the process ends whatever still runs
EXIT_TAKEN_OVER = 3
StartUpdates = Callable[[HouqinApplication], Awaitable[object]]


def run_bot(settings: Settings, *, engine: Engine, webhook: bool = False) -> int:
    start = _webhook_starter(settings) if webhook else _start_polling
    if start is None:
        return 2
    try:
        leadership = leadership_for(engine)
    except AlreadyRunning as refusal:
        print(refusal, file=sys.stderr)
        return 2
    try:
        app = build_application(settings, engine=engine)
        return asyncio.run(serve(app, leadership, start))
    finally:
        leadership.release()


async def _start_polling(app: HouqinApplication) -> object:
    assert app.updater is not None

    def on_poll_error(error: TelegramError) -> None:
        log.warning("Polling failed, trying again: %s", error)

    return await app.updater.start_polling(
        allowed_updates=Update.ALL_TYPES, error_callback=on_poll_error
    )


def _webhook_starter(settings: Settings) -> StartUpdates | None:
    if not settings.webhook_url:
        print("Webhook mode needs HOUQIN_WEBHOOK_URL (the public https URL).", file=sys.stderr)
        return None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if not secret:
        print(
            "Webhook mode needs HOUQIN_WEBHOOK_SECRET, so forged updates are refused.",
            file=sys.stderr,
        )
        return None
    url = settings.webhook_url
    url_path = url.rstrip("/").rsplit("/", 1)[-1] if "/" in url[8:] else ""

    async def start(app: HouqinApplication) -> object:
        assert app.updater is not None
        return await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=url_path,
            webhook_url=url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )

    return start


async def serve(app: HouqinApplication, leadership: Leadership, start: StartUpdates) -> int:
    """Run until SIGTERM/SIGINT (or until another process takes charge); the exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _on_signal, stop)
    if not await leadership.acquire(stop):
        return 0
    watching = asyncio.create_task(leadership.watch(stop))
    starting = asyncio.create_task(_start(app, start))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if starting.done() and starting.exception() is None:
        await stopping
    starting.cancel()
    try:
        await asyncio.wait_for(_stop(app), STOP_BUDGET)
    except TimeoutError:
        log.warning("Stopped without waiting for Telegram; the next start finishes the rest")
    watching.cancel()
    if starting.done() and not starting.cancelled() and starting.exception() is not None:
        raise starting.exception()  # type: ignore[misc]
    return EXIT_TAKEN_OVER if leadership.lost else 0


def _on_signal(stop: asyncio.Event) -> None:
    if not stop.is_set():
        log.info("Stopping")
        stop.set()
        # The last resort, if even the bounded stop below hangs (a DNS lookup, a thread).
        timer = threading.Timer(HARD_STOP, os._exit, (0,))
        timer.daemon = True
        timer.start()


async def _start(app: HouqinApplication, start: StartUpdates) -> None:
    await app.initialize()
    take_over_claims(app)
    if app.post_init is not None:
        await app.post_init(app)
    pending = app.inbox.pending(app.bot)
    if pending:
        log.info("Processing %d update(s) left unfinished by the last run", len(pending))
    for update in pending:
        await app.update_queue.put(update)
    await start(app)
    await app.start()


async def _stop(app: HouqinApplication) -> None:
    app.processor.cancel_retries()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop is not None:
        await app.post_stop(app)
    await app.shutdown()
