"""`houqin calendar close|open` and `houqin zone add|list`: the check-ins' shell side."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli import _fail, _ready_engine
from bot.config import Settings
from storage.db import session_scope
from storage.school_days import CalendarError, parse_day_range, set_days
from storage.sites import get_site
from storage.zones import ZoneError, find_staff, list_staff, list_zones, set_zone


def add_checkin_commands(commands: Any) -> None:
    """houqin calendar close|open and houqin zone add|list (the check-ins' shell side)."""
    calendar = commands.add_parser("calendar", help="closed days").add_subparsers(
        required=True, metavar="action"
    )
    for verb in ("close", "open"):
        change = calendar.add_parser(verb, help=f"{verb} days, e.g. 2026-10-01..2026-10-07")
        change.add_argument("--site", type=int, required=True, help="site id")
        change.add_argument(
            "days", metavar="DAY[..DAY]", help="a day or a range, e.g. 2026-10-01..2026-10-07"
        )
        change.add_argument("--reason", default="", help="why, e.g. 国庆 (shown to staff)")
        change.set_defaults(func=cmd_calendar, closed=verb == "close")
    zone = commands.add_parser("zone", help="responsibility zones").add_subparsers(
        required=True, metavar="action"
    )
    add = zone.add_parser("add", help="add a zone (or change who checks it)")
    add.add_argument("--site", type=int, required=True, help="site id")
    add.add_argument("name", help="the zone's name, e.g. 大门")
    add.add_argument("--person", required=True, help="display name or Telegram id")
    add.set_defaults(func=cmd_zone_add)
    show = zone.add_parser("list", help="the zones and who checks each")
    show.add_argument("--site", type=int, required=True, help="site id")
    show.set_defaults(func=cmd_zone_list)


def cmd_calendar(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_ready_engine(settings)) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        today = datetime.now(ZoneInfo(site.timezone)).date()
        try:
            start, end = parse_day_range(args.days, today)
            count = set_days(
                session=session,
                site=site,
                start=start,
                end=end,
                closed=args.closed,
                reason=args.reason,
                person_id=None,
                today=today,
            )
        except CalendarError as error:
            return _fail(f"Not changed: {error.code} {error.detail or ''}".strip())
    state = "closed" if args.closed else "open"
    print(f"{count} day(s) {state}: {start.isoformat()}..{end.isoformat()} {args.reason}".strip())
    return 0


def cmd_zone_add(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_ready_engine(settings)) as session:
        if get_site(session=session, site_id=args.site) is None:
            return _fail(f"No site with id {args.site}.")
        person = find_staff(session=session, site_id=args.site, who=args.person)
        if person is None:
            return _fail(f"No staff member {args.person!r} at site {args.site}.")
        try:
            zone = set_zone(
                session=session, site_id=args.site, name=args.name, person_id=person.id, by=None
            )
        except ZoneError as error:
            return _fail(f"Not changed: {error.code}")
        print(f"Zone {zone.id}: {zone.name} — {person.display_name}")
    return 0


def cmd_zone_list(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_ready_engine(settings)) as session:
        staff = {p.id: p.display_name for p in list_staff(session=session, site_id=args.site)}
        for zone in list_zones(session=session, site_id=args.site):
            print(f"{zone.id}\t{zone.name}\t{staff.get(zone.person_id, '-')}")
    return 0
