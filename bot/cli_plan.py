"""`houqin plan import FILE --site ID [--year Y] [--dry-run] [--json] [--past skip|next-year]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import Settings
from storage.calendar import ensure_occurrences, local_now
from storage.db import make_engine, session_scope
from storage.migrate import pending_migrations
from storage.plan_dates import default_first_year, due_date
from storage.plan_files import PlanFileError, read_plan_file
from storage.plan_import import ParsedPlan, parse_plan
from storage.plan_store import PlannedTask, schedule_plan
from storage.sites import get_site
from storage.types import utcnow

REASONS = {
    "before_months": "before the first month",
    "after_months": "after the months ended",
    "heading": "heading",
    "section": "section heading",
    "prose": "prose",
}


def add_plan_commands(commands: Any) -> None:
    plan = commands.add_parser("plan", help="term work plans").add_subparsers(
        required=True, metavar="action"
    )
    load = plan.add_parser("import", help="read a plan (.txt / .docx) and schedule its items")
    load.add_argument("file")
    load.add_argument("--site", type=int, required=True)
    load.add_argument("--year", type=int, default=None, help="calendar year of the first month")
    load.add_argument("--dry-run", action="store_true", help="show what would be scheduled")
    load.add_argument("--json", action="store_true", help="one JSON object per item on stdout")
    load.add_argument("--past", choices=["skip", "next-year"], default=None,
                      help="what to do with months already past")  # fmt: skip
    load.set_defaults(func=cmd_plan_import)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def planned(plan: ParsedPlan, year: int) -> list[tuple[int, PlannedTask]]:
    first = plan.months[0]
    return [
        (i.month, PlannedTask(i.title, i.role, i.drill, due_date(i.month, first, year)))
        for i in plan.items
    ]


def cmd_plan_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        text = read_plan_file(args.file, Path(args.file).read_bytes())
    except OSError as error:
        return _fail(f"Cannot read {args.file}: {error.strerror}.")
    except PlanFileError as error:
        return _fail(f"{args.file}: not a plan I can read ({error.code}); send .txt or .docx.")
    plan = parse_plan(text)
    if not plan.months:
        return _fail("No month heading found (e.g. 三月份 or 9月份：); nothing imported.")
    engine = make_engine(settings.database_url)
    if pending_migrations(engine):
        return _fail("The database is not up to date. Run: houqin db upgrade")
    with session_scope(engine) as session:
        site = get_site(session=session, site_id=args.site)
        if site is None:
            return _fail(f"No site with id {args.site}.")
        today = local_now(site, utcnow()).date()
        year = args.year or default_first_year(plan.months, today)
        items = planned(plan, year)
        past = sorted({m for m, task in items if task.due < today})
        if past and not args.dry_run:
            if args.past is None:
                return _fail(f"Months already past: {past}. Use --past next-year or --past skip.")
            items = _resolve_past(items, today, args.past)
        if args.json:
            print(json.dumps([_json(m, t) for m, t in items], ensure_ascii=False, indent=1))
        else:
            _report(plan, items)
        if not args.dry_run:
            schedule_plan(session=session, site_id=args.site, tasks=[t for _, t in items],
                          person_id=None)  # fmt: skip
            ensure_occurrences(session=session, site=site, today=today)
            print(f"Scheduled {len(items)} tasks at site {args.site}.", file=sys.stderr)
    return 0


def _resolve_past(
    items: list[tuple[int, PlannedTask]], today: date, choice: str
) -> list[tuple[int, PlannedTask]]:
    if choice == "skip":
        return [(m, t) for m, t in items if t.due >= today]
    return [
        (m, t if t.due >= today else PlannedTask(t.title, t.role, t.drill, _next_year(t.due)))
        for m, t in items
    ]


def _next_year(day: date) -> date:
    return due_date(day.month, day.month, day.year + 1)


def _json(month: int, task: PlannedTask) -> dict[str, Any]:
    return {"month": month, "title": task.title, "role": task.role,
            "due": task.due.isoformat(), "drill": task.drill}  # fmt: skip


def _report(plan: ParsedPlan, items: list[tuple[int, PlannedTask]]) -> None:
    for month in plan.months:
        mine = [t for m, t in items if m == month]
        print(f"{month}月: {len(mine)} item(s)")
        for task in mine:
            drill = " [drill]" if task.drill else ""
            print(f"  {task.due.isoformat()}  {task.title}  ({task.role or '-'}){drill}")
    others = [s for s in plan.skipped if s.reason != "heading"]
    if others:
        print(f"Not tasks ({len(others)} line(s)):")
        for line in others:
            print(f"  line {line.line} ({REASONS[line.reason]}): {line.text}")
