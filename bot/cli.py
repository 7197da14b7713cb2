"""The `houqin` console command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from telegram import Bot
from telegram.error import TelegramError

from bot.cli_export import add_export_command
from bot.cli_jobs import add_jobs_commands
from bot.cli_plan import add_plan_commands
from bot.config import Settings, load_settings
from storage.db import make_engine, session_scope
from storage.invites import create_invite
from storage.migrate import pending_migrations, upgrade
from storage.models import SiteKind
from storage.permissions import CLASS_ROLES, Role
from storage.site_settings import get_site_settings
from storage.sites import add_classes, create_site, get_site, list_classes, update_site_settings

NO_TOKEN_HELP = (
    "No TELEGRAM_BOT_TOKEN is set, so the local sandbox starts instead of real Telegram.\n"
    "To run against Telegram: open @BotFather in Telegram, send /newbot, and put the token\n"
    "it gives you in .env as TELEGRAM_BOT_TOKEN=123456:ABC... (see README.md)."
)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = load_settings()
    settings.ensure_sqlite_folder()
    sys.exit(args.func(args, settings) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="houqin", description="后勤助手 Logistics Assistant bot")
    commands = parser.add_subparsers(required=True, metavar="command")

    db = commands.add_parser("db", help="database schema").add_subparsers(
        required=True, metavar="action"
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    site = commands.add_parser("site", help="sites").add_subparsers(required=True, metavar="action")
    create = site.add_parser("create", help="create a site and the director's invitation")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", choices=[k.value for k in SiteKind], default="kindergarten")
    create.add_argument("--timezone", default=None)
    create.add_argument("--language", choices=["zh", "en"], default=None)
    create.add_argument("--boarding", action="store_true")
    create.set_defaults(func=cmd_site_create)

    show = site.add_parser("show", help="a site's classes and settings")
    show.add_argument("--site", type=int, required=True)
    show.set_defaults(func=cmd_site_show)
    change = site.add_parser("set", help="change settings, e.g. disinfection_deadline=17:00")
    change.add_argument("--site", type=int, required=True)
    change.add_argument("pairs", nargs="+", metavar="KEY=VALUE")
    change.set_defaults(func=cmd_site_set)

    invite = commands.add_parser("invite", help="create an invitation link")
    invite.add_argument("--site", type=int, required=True)
    invite.add_argument("--role", choices=[r.value for r in Role], required=True)
    invite.add_argument("--class", dest="class_name", default=None)
    invite.add_argument("--days", type=int, default=None)
    invite.add_argument("--max-uses", type=int, default=None)
    invite.set_defaults(func=cmd_invite)

    klass = commands.add_parser("class", help="classes").add_subparsers(
        required=True, metavar="action"
    )
    add = klass.add_parser("add", help="add classes to a site")
    add.add_argument("--site", type=int, required=True)
    add.add_argument("names", nargs="+")
    add.set_defaults(func=cmd_class_add)

    add_jobs_commands(commands)
    add_plan_commands(commands)

    from bot.cli_checkins import add_checkin_commands  # late: it uses this module's helpers

    add_checkin_commands(commands)

    run = commands.add_parser(
        "run", help="run the bot (long polling, or --webhook); no token: sandbox"
    )
    run.add_argument("--webhook", action="store_true")
    run.set_defaults(func=cmd_run)

    sandbox = commands.add_parser("sandbox", help="a local Telegram with a demo kindergarten")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8088)
    sandbox.set_defaults(func=cmd_sandbox)
    add_export_command(commands)
    return parser


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    print("Database is up to date.")
    return 0


def _ready_engine(settings: Settings):  # type: ignore[no-untyped-def]
    engine = make_engine(settings.database_url)
    if pending_migrations(engine):
        raise SystemExit(_fail("The database is not up to date. Run: houqin db upgrade"))
    return engine


def cmd_site_create(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready_engine(settings)
    with session_scope(engine) as session:
        site = create_site(
            session=session,
            name=args.name,
            kind=SiteKind(args.kind),
            timezone=args.timezone or settings.default_timezone,
            language=args.language or settings.default_language,
            boarding=args.boarding,
        )
        assert site.id is not None
        invite = create_invite(session=session, site_id=site.id, role=Role.DIRECTOR)
        print(f"Site {site.id}: {site.name}")
        print(f"Director's invitation: {_link(settings, invite.code)}")
    return 0


def cmd_site_show(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_ready_engine(settings)) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        classes = " ".join(c.name for c in list_classes(session=session, site_id=args.site))
        print(f"Site {site.id}: {site.name} ({site.kind}, {site.timezone}, {site.language})")
        print(f"Classes: {classes or '-'}")
        for key, value in get_site_settings(site).model_dump(mode="json").items():
            print(f"  {key} = {json.dumps(value, ensure_ascii=False)}")
    return 0


def cmd_site_set(args: argparse.Namespace, settings: Settings) -> int:
    """KEY=VALUE pairs; a value is JSON when it parses as JSON (60, true, ["a","b"]), else text."""
    changes: dict[str, object] = {}
    for pair in args.pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            return _fail(f"Expected KEY=VALUE, got {pair!r}.")
        try:
            changes[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            changes[key.strip()] = raw
    with session_scope(_ready_engine(settings)) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        try:
            update_site_settings(session=session, site=site, changes=changes)
        except (ValueError, ValidationError) as error:
            return _fail(f"Not changed: {error}")
    print("Saved. A running bot picks the change up within a minute.")
    return 0


def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready_engine(settings)
    role = Role(args.role)
    with session_scope(engine) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        class_id = None
        if role in CLASS_ROLES:
            classes = {c.name: c.id for c in list_classes(session=session, site_id=args.site)}
            if args.class_name not in classes:
                known = ", ".join(classes) or "none yet"
                return _fail(f"Role {role} needs --class, one of: {known}.")
            class_id = classes[args.class_name]
        invite = create_invite(
            session=session,
            site_id=args.site,
            role=role,
            class_id=class_id,
            days=args.days,
            max_uses=args.max_uses,
        )
        print(_link(settings, invite.code))
    return 0


def cmd_class_add(args: argparse.Namespace, settings: Settings) -> int:
    engine = _ready_engine(settings)
    with session_scope(engine) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        added = add_classes(session=session, site=site, names=args.names)
        print(f"Added {len(added)} class(es): {' '.join(c.name for c in added) or '-'}")
    return 0


def _link(settings: Settings, code: str) -> str:
    """A t.me deep link when the bot's username can be asked; otherwise the /start command."""
    if settings.token:
        try:
            bot = Bot(
                settings.token, base_url=settings.api_base_url or "https://api.telegram.org/bot"
            )
            username = asyncio.run(_username(bot))
            return f"https://t.me/{username}?start={code}"
        except TelegramError as error:
            print(f"(Could not ask Telegram for the bot's name: {error})", file=sys.stderr)
    return f"https://t.me/<your_bot>?start={code}   (or send the bot: /start {code})"


async def _username(bot: Bot) -> str:
    async with bot:
        return bot.username


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot  # imported late: the CLI's other commands need no bot

    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return cmd_sandbox(argparse.Namespace(host="127.0.0.1", port=8088), settings)
    return run_bot(settings, engine=_ready_engine(settings), webhook=args.webhook)


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from sandbox.launch import main_sandbox

    return main_sandbox(settings, host=args.host, port=args.port)
