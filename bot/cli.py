"""The `houqin` console command."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from telegram import Bot
from telegram.error import TelegramError

from bot.cli_db import add_backup_commands
from bot.cli_export import add_export_command
from bot.cli_jobs import add_jobs_commands
from bot.cli_plan import add_plan_commands
from bot.cli_settings import describe_refusal, describe_subcommands, settings_epilog
from bot.config import Settings, load_settings
from bot.logs import configure_logging
from bot.masking import mask
from bot.startup import (
    StartupError,
    database_error,
    database_url,
    open_database,
    port_error,
    telegram_error,
)
from storage.db import session_scope
from storage.invites import create_invite
from storage.migrate import upgrade
from storage.models import SiteKind
from storage.permissions import CLASS_ROLES, Role
from storage.site_settings import get_site_settings
from storage.sites import add_classes, create_site, get_site, list_classes, update_site_settings

SITE_HELP = "the site's id (houqin site create prints it)"
NO_TOKEN_HELP = (
    "No TELEGRAM_BOT_TOKEN is set, so the local sandbox starts instead of real Telegram.\n"
    "To run against Telegram: open @BotFather in Telegram, send /newbot, and put the token\n"
    "it gives you in .env as TELEGRAM_BOT_TOKEN=123456:ABC... (see README.md)."
)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = load_settings()
    configure_logging(settings)
    settings.ensure_sqlite_folder()
    sys.exit(_run_command(args, settings))


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    """The command's exit code; what the operator can fix is one line and exit code 2."""
    try:
        return int(args.func(args, settings) or 0)
    except StartupError as error:
        return _fail(str(error))
    except DBAPIError as error:  # the database went away or refused, in any command
        return _fail(str(database_error(error, database_url(settings))))
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="houqin",
        description="后勤助手 Logistics Assistant: the bot, its database and sites. "
        "Settings come from the environment or .env (see README.md).",
    )
    commands = parser.add_subparsers(required=True, metavar="command")

    db = commands.add_parser("db", help="database schema").add_subparsers(
        required=True, metavar="action"
    )
    db.add_parser("upgrade", help="apply migrations (keeps all data)").set_defaults(
        func=cmd_db_upgrade
    )
    add_backup_commands(db)

    site = commands.add_parser("site", help="sites").add_subparsers(required=True, metavar="action")
    create = site.add_parser("create", help="create a site and the director's invitation")
    create.add_argument("--name", required=True, help="the site's name, e.g. 第一幼儿园")
    create.add_argument(
        "--kind", choices=[k.value for k in SiteKind], default="kindergarten", help="school type"
    )
    create.add_argument("--timezone", default=None, help="default: HOUQIN_DEFAULT_TIMEZONE")
    create.add_argument(
        "--language", choices=["zh", "en"], default=None, help="default: HOUQIN_DEFAULT_LANGUAGE"
    )
    create.add_argument("--boarding", action="store_true", help="pupils board (adds dinner)")
    create.set_defaults(func=cmd_site_create)

    show = site.add_parser("show", help="a site's classes and settings")
    show.add_argument("--site", type=int, required=True, help=SITE_HELP)
    show.set_defaults(func=cmd_site_show)
    change = site.add_parser(
        "set",
        help="change settings, e.g. disinfection_deadline=17:00",
        epilog=settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    change.add_argument("--site", type=int, required=True, help=SITE_HELP)
    change.add_argument("pairs", nargs="+", metavar="KEY=VALUE", help="settings to change")
    change.set_defaults(func=cmd_site_set)

    invite = commands.add_parser("invite", help="create an invitation link")
    invite.add_argument("--site", type=int, required=True, help=SITE_HELP)
    invite.add_argument(
        "--role", choices=[r.value for r in Role], required=True, help="the newcomer's role"
    )
    invite.add_argument(
        "--class", dest="class_name", default=None, help="the class (class teachers, caregivers, parents)"
    )
    invite.add_argument("--days", type=int, default=None, help="valid for N days (7; parents 30)")
    invite.add_argument("--max-uses", type=int, default=None, help="uses (1; parents 200)")
    invite.set_defaults(func=cmd_invite)

    klass = commands.add_parser("class", help="classes").add_subparsers(
        required=True, metavar="action"
    )
    add = klass.add_parser("add", help="add classes to a site")
    add.add_argument("--site", type=int, required=True, help=SITE_HELP)
    add.add_argument("names", nargs="+", metavar="NAME", help="class names, e.g. 小一班 小二班")
    add.set_defaults(func=cmd_class_add)

    add_jobs_commands(commands)
    add_plan_commands(commands)

    from bot.cli_checkins import add_checkin_commands  # late: it uses this module's helpers

    add_checkin_commands(commands)

    run = commands.add_parser(
        "run", help="run the bot (long polling, or --webhook); no token: sandbox"
    )
    run.add_argument(
        "--webhook", action="store_true", help="serve a webhook (HOUQIN_WEBHOOK_*) instead of polling"
    )
    run.set_defaults(func=cmd_run)

    sandbox = commands.add_parser("sandbox", help="a local Telegram with a demo kindergarten")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on")
    sandbox.add_argument("--port", type=int, default=8088, help="port of the chat page and API")
    sandbox.set_defaults(func=cmd_sandbox)
    add_export_command(commands)
    describe_subcommands(parser)
    return parser


def _fail(message: str) -> int:
    print(mask(message), file=sys.stderr)
    return 2


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    upgrade(open_database(settings, migrated=False))
    print("Database is up to date.")
    return 0


def _ready_engine(settings: Settings) -> Engine:
    return open_database(settings)


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
        except ValidationError as error:
            return _fail(describe_refusal(error, changes))
        except ValueError as error:
            return _fail(f"Not changed: {error}. See: houqin site set --help")
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
            print(mask(f"(Could not ask Telegram for the bot's name: {error})"), file=sys.stderr)
    return f"https://t.me/<your_bot>?start={code}   (or send the bot: /start {code})"


async def _username(bot: Bot) -> str:
    async with bot:
        return bot.username


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_bot  # imported late: the CLI's other commands need no bot

    if not settings.token:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return cmd_sandbox(argparse.Namespace(host="127.0.0.1", port=8088), settings)
    try:
        return run_bot(settings, engine=_ready_engine(settings), webhook=args.webhook)
    except TelegramError as error:
        raise telegram_error(error, settings) from None
    except OSError as error:
        hint = "another `houqin run --webhook` may be running; stop it, or choose another port."
        raise port_error(error, settings.webhook_port, "HOUQIN_WEBHOOK_PORT", hint) or error from None


def cmd_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    from sandbox.launch import main_sandbox

    try:
        return main_sandbox(settings, host=args.host, port=args.port)
    except OSError as error:
        hint = (
            f"the sandbox (make run) is probably running already: open http://{args.host}:"
            f"{args.port}/ or stop it with Ctrl-C in its terminal; or use --port."
        )
        raise port_error(error, args.port, "houqin sandbox --port", hint) or error from None
