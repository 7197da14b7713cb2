"""What an operator sees when something is wrong: one line naming the cause and the variable,
exit code 2, no traceback, the token masked; a quiet terminal; helpful --help."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from pathlib import Path

import pytest

from bot import masking
from bot.cli import _parser
from bot.config import Settings
from bot.logs import OneConflictLine
from sandbox import SandboxServer
from storage.site_settings import SiteSettings

SECRET_PART = "WRONGtokenWRONGtoken-x"
WRONG_TOKEN = f"999999:{SECRET_PART}"
HOUQIN = [sys.executable, "-m", "bot"]


def _env(tmp_path: Path, **env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "HOUQIN_"))}
    clean.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", **env})
    return clean


async def _houqin(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run the real console command (the test's loop keeps serving a sandbox meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        *HOUQIN,
        *args,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _one_line(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _postgres(database: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL tests skipped")
    return url.rsplit("/", 1)[0] + "/" + database


@pytest.mark.parametrize(
    ("args", "env", "names"),
    [
        (("run",), {"TELEGRAM_BOT_TOKEN": "abc"}, "TELEGRAM_BOT_TOKEN"),
        (("run",), {"TELEGRAM_BOT_TOKEN": "123456 :ABC def"}, "TELEGRAM_BOT_TOKEN"),
        (("db", "upgrade"), {"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        (("db", "upgrade"), {"DATABASE_URL": "postgresql://u@127.0.0.1:1/x"}, "DATABASE_URL"),
        (("site", "show", "--site", "1"), {}, "houqin db upgrade"),
        (("run",), {"TELEGRAM_BOT_TOKEN": WRONG_TOKEN}, "houqin db upgrade"),
    ],
)
async def test_a_start_up_failure_is_one_line_naming_what_to_fix(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], names: str
) -> None:
    line = _one_line(*(await _houqin(tmp_path, *args, **env))[::2])

    assert names in line and SECRET_PART not in line


async def test_a_missing_postgresql_database_is_one_line(tmp_path: Path) -> None:
    url = _postgres("houqin_no_such_database")

    line = _one_line(*(await _houqin(tmp_path, "db", "upgrade", DATABASE_URL=url))[::2])

    assert line.startswith("DATABASE_URL") and "does not exist" in line


async def test_a_token_telegram_rejects_is_one_line_and_never_shown(tmp_path: Path) -> None:
    await _houqin(tmp_path, "db", "upgrade")
    await _houqin(tmp_path, "site", "create", "--name", "第一幼儿园")
    async with SandboxServer("123456:SANDBOX-real-token-abcdefgh", "houqin_bot") as server:
        # PTB's base_url form (…/bot) is accepted as well as the server's root.
        env = {"TELEGRAM_BOT_TOKEN": WRONG_TOKEN, "TELEGRAM_API_URL": f"{server.url}/bot"}
        run = await _houqin(tmp_path, "run", **env)
        invite = await _houqin(tmp_path, "invite", "--site", "1", "--role", "guard", **env)

    line = _one_line(run[0], run[2])
    assert line.startswith("TELEGRAM_BOT_TOKEN was rejected by Telegram (or TELEGRAM_API_URL")
    assert invite[0] == 0 and "?start=" in invite[1]
    assert "999999:***" in invite[2]
    assert SECRET_PART not in run[1] + run[2] + invite[1] + invite[2]


async def test_a_port_in_use_says_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = await _houqin(tmp_path, "sandbox", "--port", str(port))

    line = _one_line(result[0], result[2])
    assert f"Port {port}" in line and "already in use" in line and "running already" in line


async def test_a_setting_out_of_range_is_one_line_naming_key_value_and_range(
    tmp_path: Path,
) -> None:
    await _houqin(tmp_path, "db", "upgrade")
    await _houqin(tmp_path, "site", "create", "--name", "第一幼儿园")

    result = await _houqin(tmp_path, "site", "set", "--site", "1", "uv_minutes=1")

    assert _one_line(result[0], result[2]) == (
        "Not changed: uv_minutes=1 is not allowed; uv_minutes takes a whole number 10–180 "
        "(default 60)."
    )


async def test_commands_do_not_print_alembic_chatter(tmp_path: Path) -> None:
    code, out, err = await _houqin(tmp_path, "db", "upgrade")

    assert (code, out.strip(), err.strip()) == (0, "Database is up to date.", "")


def test_every_command_and_option_is_described_and_site_set_lists_the_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    undescribed = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    if not sub.description:
                        undescribed.append(f"{sub.prog}")
                    walk(sub)
            elif not action.help:
                undescribed.append(f"{parser.prog} {action.dest}")

    walk(_parser())
    with pytest.raises(SystemExit):
        _parser().parse_args(["site", "set", "--help"])
    shown = capsys.readouterr().out

    assert undescribed == []
    for key in SiteSettings.model_fields:
        assert key in shown
    assert "uv_minutes" in shown and "10–180 (default 60)" in shown


def test_the_api_url_may_be_the_root_or_the_root_with_bot() -> None:
    for url in ("http://127.0.0.1:8081", "http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot"):
        settings = Settings(TELEGRAM_API_URL=url, _env_file=None)  # type: ignore[call-arg]
        assert settings.api_base_url == "http://127.0.0.1:8081/bot"
        assert settings.api_base_file_url == "http://127.0.0.1:8081/file/bot"


def test_tokens_are_masked_in_log_lines_and_tracebacks() -> None:
    masking.remember("424242:ShortOne")
    formatter = masking.MaskingFormatter("%(message)s")
    try:
        raise RuntimeError(
            "GET https://api.telegram.org/bot555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"
        )
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, "", 0, "token %s", ("424242:ShortOne",), sys.exc_info()
        )

    text = formatter.format(record)

    assert "token 424242:***" in text and "bot555555:***/getMe" in text
    assert "ShortOne" not in text and "AAHdq" not in text


def test_a_409_conflict_becomes_one_line_said_once() -> None:
    OneConflictLine.said = False
    conflict = (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running"
    )
    records = [
        logging.LogRecord(
            "telegram.ext.Updater", logging.ERROR, "", 0, "Error: %s", (conflict,), None
        )
        for _ in range(3)
    ]

    kept = [r for r in records if OneConflictLine().filter(r)]

    assert len(kept) == 1 and "Another process is polling Telegram" in kept[0].getMessage()
