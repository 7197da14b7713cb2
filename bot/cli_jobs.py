"""`houqin jobs list` / `houqin jobs missed`: what the scheduler will do, and what it missed."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import jobs.deliveries
import jobs.disinfection
import jobs.samples  # noqa: F401
from bot.config import Settings
from jobs.plan import LOOK_BACK, plan
from storage.db import make_engine, session_scope
from storage.missed import list_missed, settled_keys
from storage.models import Site
from storage.sites import get_site, list_sites
from storage.types import utcnow


def add_jobs_commands(commands: Any) -> None:
    jobs = commands.add_parser("jobs", help="scheduled work").add_subparsers(
        required=True, metavar="action"
    )
    listing = jobs.add_parser("list", help="what is scheduled next, for whom and why")
    listing.add_argument("--site", type=int, default=None)
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--at", default=None, help="as if it were this UTC time (ISO 8601)")
    listing.set_defaults(func=cmd_jobs_list)
    missed = jobs.add_parser("missed", help="what fell due while the bot was down, too late")
    missed.add_argument("--site", type=int, default=None)
    missed.add_argument("--day", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    missed.set_defaults(func=cmd_jobs_missed)


def _sites(session: Any, site_id: int | None) -> list[Site]:
    if site_id is None:
        return list_sites(session=session)
    site = get_site(session=session, site_id=site_id)
    return [site] if site else []


def cmd_jobs_list(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.fromisoformat(args.at) if args.at else utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    with session_scope(make_engine(settings.database_url)) as session:
        sites = _sites(session, args.site)
        if not sites:
            print("No such site.", file=sys.stderr)
            return 2
        zones = {s.id: ZoneInfo(s.timezone) for s in sites}
        items = plan(session, sites, now)
        overdue = [i for i in items if i.due_at <= now and now - i.due_at <= LOOK_BACK]
        settled = settled_keys(session=session, keys=[i.key for i in overdue])
        shown = [i for i in overdue if i.key not in settled] + [i for i in items if i.due_at > now]
        for item in shown[: args.limit]:
            local = item.due_at.astimezone(zones[item.site_id])
            late = "  (overdue: caught up at start-up)" if item.due_at <= now else ""
            print(
                f"{local:%Y-%m-%d %H:%M} site {item.site_id}  {item.kind:<10} {item.key}\n"
                f"    for: {item.audience}; why: {item.why}{late}"
            )
        print(f"{len(shown)} item(s) scheduled.")
    return 0


def cmd_jobs_missed(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(make_engine(settings.database_url)) as session:
        runs = list_missed(session=session, site_id=args.site, day=args.day)
        for run in runs:
            print(f"{run.day} site {run.site_id}  {run.kind:<10} {run.key}\n    {run.what}")
        print(f"{len(runs)} missed.")
    return 0
