"""Start-up failures as one line naming the cause and the variable to fix (exit code 2).

Every way a start can fail that the operator can fix — the token, the database, a port —
becomes a StartupError here; `bot.cli.main` prints it (masked) instead of a traceback.
"""

from __future__ import annotations

import errno

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError

from bot.config import Settings
from storage.db import make_engine
from storage.migrate import pending_migrations

EXAMPLE_URLS = "e.g. sqlite:///data/houqin.db or postgresql+psycopg://user@host/db"


class StartupError(Exception):
    """A start-up failure the operator can fix; its text is the one line they see."""


def database_url(settings: Settings) -> str:
    """The URL with PostgreSQL's psycopg 3 driver when none is named (`postgresql://…`)."""
    url = settings.database_url
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith(
        "postgresql://"
    ) else url


def shown_url(url: str) -> str:
    """The URL as an operator may see it: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "?"


def open_database(settings: Settings, *, migrated: bool = True) -> Engine:
    """An engine that has connected once (and whose schema is current, if `migrated`)."""
    url = database_url(settings)
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as error:
        raise StartupError(
            f"DATABASE_URL is not a usable database URL ({_first_line(error)}); {EXAMPLE_URLS}."
        ) from None
    try:
        engine.connect().close()  # connect once: a wrong or unreachable database fails here
        if migrated and pending_migrations(engine):
            raise StartupError(
                f"DATABASE_URL: the database {shown_url(url)} is not up to date "
                "(or new). Run: houqin db upgrade"
            )
    except DBAPIError as error:
        raise database_error(error, url) from None
    return engine


def database_error(error: DBAPIError, url: str) -> StartupError:
    cause = _first_line(error.orig if error.orig is not None else error)
    return StartupError(f"DATABASE_URL: cannot use the database {shown_url(url)}: {cause}")


def telegram_error(error: TelegramError, settings: Settings) -> StartupError:
    """Why Telegram could not be used at start-up, naming the variable to check."""
    if isinstance(error, InvalidToken):
        server = (
            f" (or TELEGRAM_API_URL {settings.telegram_api_url} is not a Bot API server)"
            if settings.telegram_api_url
            else ""
        )
        return StartupError(
            f"TELEGRAM_BOT_TOKEN was rejected by Telegram{server}: check it in @BotFather "
            "(/mybots → API Token) and put it in .env."
        )
    if isinstance(error, Conflict):
        return StartupError(CONFLICT_LINE)
    where = settings.api_base_url or "https://api.telegram.org"
    if isinstance(error, NetworkError):
        return StartupError(
            f"Cannot reach the Telegram Bot API at {where} ({_first_line(error)}); "
            "check the network, or TELEGRAM_API_URL."
        )
    return StartupError(f"Telegram refused to start the bot ({_first_line(error)}).")


CONFLICT_LINE = (
    "Another process is polling Telegram with this bot token (409 Conflict): stop it. "
    "Only one `houqin run` per bot; several machines must share one PostgreSQL DATABASE_URL."
)


def port_error(error: OSError, port: int, variable: str, hint: str) -> StartupError | None:
    """A one-line answer for a port that is taken (None for any other OSError)."""
    if error.errno != errno.EADDRINUSE:
        return None
    return StartupError(f"Port {port} ({variable}) is already in use: {hint}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0].strip()
