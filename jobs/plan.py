"""The scheduler, made visible: every timed thing is a `Planned` item derived from the database.

Each flow declares a planner: given the sites and the time, the items it wants (a board, a
reminder, an escalation, a disposal due, a follow-up), each with a stable key that is both
the job's id and its idempotency key. At start-up (and whenever a site changes or an item
runs) the plan is rebuilt: future items are scheduled; an item that fell due while the bot
was down runs once at once if it is still useful (its `window`), or is recorded as missed.
`houqin jobs list` prints the same plan, `houqin jobs missed` what was missed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from jobs.dispatch import arm, queue_of
from jobs.schedule import BATCH_SCHEDULERS
from storage.db import session_scope
from storage.missed import DONE, MISSED, JobRun, record_runs, settled_keys
from storage.models import Site
from storage.school_days import calendar_overrides, is_school_day_given
from storage.sites import get_site

log = logging.getLogger(__name__)
Job = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, None]]
# How far back a start-up looks for items that fell due while the bot was down.
LOOK_BACK = timedelta(days=1)


@dataclass(frozen=True)
class Planned:
    """One scheduled thing: when, what for, for whom, and how long a late run still helps."""

    key: str  # "<flow>-<what>:{site_id}:{date}…": job id and idempotency key
    kind: str  # board / reminder / escalation / disposal / follow-up / list
    site_id: int
    due_at: datetime
    callback: Job = field(compare=False)
    data: Any = None  # what the callback works on (a site id, a record id)
    audience: str = ""  # for whom, in plain words (shown by `houqin jobs list`)
    why: str = ""
    # A run missed by a restart is still sent this long after its time; None: always.
    window: timedelta | None = timedelta(hours=2)


Planner = Callable[[Session, list[Site], datetime], Iterable[Planned]]
PLANNERS: list[Planner] = []


def planned_data(context: CallbackContext[Any, Any, Any, Any]) -> Any:
    """The data a planned (or plainly scheduled) job was given."""
    assert context.job is not None
    data = context.job.data
    return data.data if isinstance(data, Planned) else data


def daily(site: Site, now: datetime, at: time) -> list[tuple[date, datetime]]:
    """Yesterday's, today's and tomorrow's occurrence of a local time, as (day, moment)."""
    zone = ZoneInfo(site.timezone)
    today = now.astimezone(zone).date()
    days = (today - timedelta(days=1), today, today + timedelta(days=1))
    return [(day, datetime.combine(day, at, zone)) for day in days]


def school_days(session: Session, sites: list[Site], now: datetime) -> Callable[[Site, date], bool]:
    """Whether a day `daily` yields is a school day at a site: weekends and the days the
    site marked closed are not, a make-up day (调休) is; boarding sites every day. One query."""
    today = now.date()
    overrides = calendar_overrides(
        session=session,
        site_ids=[s.id or 0 for s in sites],
        start=today - timedelta(days=2),
        end=today + timedelta(days=2),
    )
    return lambda site, day: is_school_day_given(site, day, overrides)


def plan(session: Session, sites: list[Site], now: datetime) -> list[Planned]:
    """Every item the flows want for these sites, sorted by time."""
    items = [item for planner in PLANNERS for item in planner(session, sites, now)]
    return sorted(items, key=lambda item: item.due_at)


def rebuild(app: HouqinApplication, sites: list[Site]) -> None:
    """Bring the job queue in line with the plan of these sites (idempotent)."""
    if not sites:
        return
    now = app.clock()
    with session_scope(app.engine) as session:
        items = plan(session, sites, now)
        overdue = [i for i in items if i.due_at <= now]
        settled = settled_keys(session=session, keys=[i.key for i in overdue]) if overdue else set()
        by_id = {s.id: s for s in sites}
        wanted: dict[int, set[str]] = {s.id or 0: set() for s in sites}
        missed: list[JobRun] = []
        for item in items:
            if item.due_at > now:
                _schedule(app, item)
            elif item.key in settled or (item.window is not None and now - item.due_at > LOOK_BACK):
                continue
            elif item.window is None or now < item.due_at + item.window:
                _schedule(app, item)  # fell due while down and still useful: once, now
            else:
                # Too late to help; recorded (once) unless it fell due before the site existed.
                if item.due_at >= by_id[item.site_id].created_at:
                    missed.append(_run_record(by_id[item.site_id], item, MISSED))
                continue
            wanted[item.site_id].add(item.key)
        record_runs(session=session, runs=missed)
    for site_id, keys in wanted.items():
        for stale in app.planned_jobs.get(site_id, set()) - keys:
            _unschedule(app, stale)
        app.planned_jobs[site_id] = keys
    arm(app)


def replan_site(app: HouqinApplication, site_id: int) -> None:
    """After a record changed (samples logged, held, released): rebuild this site's plan."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
    if site is not None:
        rebuild(app, [site])


def add_items(app: HouqinApplication, items: list[Planned]) -> None:
    """Schedule items just created by a handler (a new record's follow-up) without
    rebuilding the whole site's plan."""
    for item in items:
        _schedule(app, item)
        app.planned_jobs.setdefault(item.site_id, set()).add(item.key)
    arm(app)


def _schedule(app: HouqinApplication, item: Planned) -> None:
    queue_of(app).put(item, app.clock())


def _unschedule(app: HouqinApplication, key: str) -> None:
    queue_of(app).remove(key)


def _run_record(site: Site, item: Planned, outcome: str) -> JobRun:
    return JobRun(
        key=item.key,
        site_id=item.site_id,
        kind=item.kind,
        due_at=item.due_at,
        day=item.due_at.astimezone(ZoneInfo(site.timezone)).date(),
        outcome=outcome,
        what=f"{item.why} → {item.audience}"[:200],
    )


async def run_item(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Run a planned item and note that it ran (the next day's items are planned by the
    minute's rescan when the local day changes)."""
    assert context.job is not None and isinstance(context.application, HouqinApplication)
    item = context.job.data
    assert isinstance(item, Planned)
    await item.callback(context)
    app = context.application
    if app.clock() >= item.due_at:  # an early run (by hand, in a test) settles nothing
        with session_scope(app.engine) as session:
            site = get_site(session=session, site_id=item.site_id)
            if site is not None:
                record_runs(session=session, runs=[_run_record(site, item, DONE)])


BATCH_SCHEDULERS.append(rebuild)
