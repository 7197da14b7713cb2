"""SandboxServer: the emulated Bot API, the user API and the chat page on one port.

    async with SandboxServer(token="123:ABC", bot_username="houqin_bot") as server:
        bot = telegram.Bot(server.token, **server.bot_urls())
        wang = server.users.create_user("王丽", label="园长")

Standalone: `python -m sandbox.server --port 8081 --token 123:ABC --demo`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.backend import Backend
from sandbox.botapi import BotApiRoutes
from sandbox.faults import FaultInjector
from sandbox.limits import Clock, FloodLimiter, LimitPolicy
from sandbox.state import User, World
from sandbox.updates import UpdateQueue
from sandbox.userapi import UserApi
from sandbox.userhttp import UserHttpRoutes
from sandbox.webhook import WebhookSender

if TYPE_CHECKING:
    import telegram

log = logging.getLogger(__name__)
OnReady = Callable[["SandboxServer"], Awaitable[None] | None]
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots


class SandboxServer:
    def __init__(
        self,
        token: str = "123:ABC",
        bot_username: str = "houqin_bot",
        *,
        bot_name: str = "后勤助手",
        host: str = "127.0.0.1",
        port: int = 0,
        limits_enabled: bool = True,
        clock: Clock | None = None,
        policy: LimitPolicy | None = None,
        on_ready: OnReady | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        bot = User(
            id=int(prefix) if prefix.isdigit() else 123,
            first_name=bot_name,
            is_bot=True,
            username=bot_username,
        )
        self.token = token
        self.host, self.port = host, port
        self.on_ready = on_ready
        self.state = World(bot)
        self.updates = UpdateQueue()
        self.limits = FloodLimiter(
            clock=clock or time.monotonic, policy=policy or LimitPolicy(), enabled=limits_enabled
        )
        self.webhook = WebhookSender(self.updates, self.state.now)
        self.faults = FaultInjector()
        self.api = Backend(self.state, self.updates, self.limits, self.webhook, faults=self.faults)
        self.users = UserApi(self.state, self.updates, self.faults)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def bot_user(self) -> User:
        return self.state.bot

    def bot_urls(self) -> dict[str, str]:
        """Keyword arguments for `telegram.Bot(...)` / `ApplicationBuilder` URLs."""
        return {"base_url": f"{self.url}/bot", "base_file_url": f"{self.url}/file/bot"}

    def make_bot(self, **kwargs: Any) -> telegram.Bot:
        """A python-telegram-bot `Bot` that talks to this sandbox."""
        import telegram

        urls = self.bot_urls()
        return telegram.Bot(
            self.token, base_url=urls["base_url"], base_file_url=urls["base_file_url"], **kwargs
        )

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        BotApiRoutes(self.api, self.token).add_to(app)
        UserHttpRoutes(self.users, self.limits).add_to(app)
        return app

    async def start(self) -> None:
        self.updates.closed = False
        self._runner = web.AppRunner(self.make_app(), shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("sandbox Telegram listening on %s", self.url)
        if self.on_ready is not None:
            result = self.on_ready(self)
            if inspect.isawaitable(result):
                await result

    async def stop(self) -> None:
        # Release long polls first so the HTTP server can shut down at once.
        self.updates.close()
        self.users.waiter.notify()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def serve_forever(self) -> None:
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Local stand-in for the Telegram Bot API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123:ABC")
    parser.add_argument("--username", default="houqin_bot")
    parser.add_argument("--name", default="后勤助手")
    parser.add_argument("--no-limits", action="store_true", help="switch flood limits off")
    parser.add_argument("--demo", action="store_true", help="add demo people and groups")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    async def seed(server: SandboxServer) -> None:
        if args.demo:
            from sandbox.demo import seed_demo_people

            seed_demo_people(server.users)
        print(f"chat page:   {server.url}/", flush=True)
        print(f"bot API:     {server.url}/bot{server.token}/getMe", flush=True)

    server = SandboxServer(
        args.token,
        args.username,
        bot_name=args.name,
        host=args.host,
        port=args.port,
        limits_enabled=not args.no_limits,
        on_ready=seed,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve_forever())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
