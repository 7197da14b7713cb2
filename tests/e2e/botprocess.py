"""The real bot as its own process (`python -m bot run`), pointed at an in-test emulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO

from sandbox import SandboxServer

REPO = Path(__file__).resolve().parents[2]
WEBHOOK_SECRET = "e2e-webhook-secret_42"
WEBHOOK_PATH = "houqin-hook"
# Generous for a loaded two-core machine: the process imports PTB, SQLAlchemy and Alembic.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli_environment(**variables: str) -> dict[str, str]:
    """The environment of a fresh deployment: no settings inherited from the caller."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "HOUQIN_")) and key != "DATABASE_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(variables)
    return env


def run_cli(*args: str, database_url: str, workdir: Path) -> str:
    """Run a `houqin` command to completion (the working folder has no .env) and return stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=cli_environment(DATABASE_URL=database_url),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"houqin {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class BotProcess:
    """`houqin run [--webhook]` as a subprocess; its log goes to a file for failure reports."""

    def __init__(self, server: SandboxServer, database_url: str, workdir: Path, mode: str) -> None:
        assert mode in {"polling", "webhook"}
        self.server, self.mode, self.workdir = server, mode, workdir
        self.log_path = workdir / f"bot-{mode}.log"
        self.env = cli_environment(
            TELEGRAM_BOT_TOKEN=server.token,
            TELEGRAM_API_URL=server.url,
            DATABASE_URL=database_url,
        )
        if mode == "webhook":
            port = free_port()
            self.env.update(
                HOUQIN_WEBHOOK_URL=f"http://127.0.0.1:{port}/{WEBHOOK_PATH}",
                HOUQIN_WEBHOOK_SECRET=WEBHOOK_SECRET,
                HOUQIN_WEBHOOK_LISTEN="127.0.0.1",
                HOUQIN_WEBHOOK_PORT=str(port),
            )
        self._process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        """Start the bot and return once it is taking updates (polls, or has set its webhook)."""
        command = [sys.executable, "-m", "bot", "run"]
        if self.mode == "webhook":
            command.append("--webhook")
        self._log = self.log_path.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            *command,
            env=self.env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        await self._wait_until_ready("getUpdates" if self.mode == "polling" else "setWebhook")

    async def _wait_until_ready(self, method: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while not self._called(method):
            assert self._process is not None
            if self._process.returncode is not None:
                raise AssertionError(
                    f"the bot exited with {self._process.returncode}:\n{self.output()}"
                )
            if loop.time() > deadline:
                raise AssertionError(f"the bot made no {method} call within {START_TIMEOUT:g}s")
            # Polling the call log: the emulator has no event for "a method was called".
            await asyncio.sleep(0.05)

    def _called(self, method: str) -> bool:
        return any(
            call.method.lower() == method.lower() and call.error_code is None
            for call in self.server.api.calls
        )

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def stop(self) -> int | None:
        """Stop it as a service manager would (SIGTERM), killing it if it hangs."""
        process = self._process
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return process.returncode if process is not None else None

    async def kill(self) -> None:
        """kill -9: no shutdown, no last write."""
        assert self._process is not None
        self._process.kill()
        await self._process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def output(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")
