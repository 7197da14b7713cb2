"""The scheduler, made visible: every timed thing is a `Planned` item derived from the database.

Each flow declares a planner: given the sites and the time, the items it wants (a board, a
reminder, an escalation, a disposal due, a follow-up), each with a stable key that is both
the job's id and its idempotency key. At start-up (and whenever a site changes or an item
runs) the plan is rebuilt: future items are scheduled; an item that fell due while the bot
was down runs once at once if it is still useful (its `window`), or is recorded as missed.
`houqin jobs list` prints the same plan, `houqin jobs missed` what was missed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.base import JobLookupError
from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from jobs.schedule import BATCH_SCHEDULERS, NEVER_SKIP
from storage.db import session_scope
from storage.missed import DONE, MISSED, JobRun, record_run, settled_keys
from storage.models import Site
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
        created = {s.id: s.created_at for s in sites}
        wanted: dict[int, set[str]] = {s.id or 0: set() for s in sites}
        for item in items:
            if item.due_at > now:
                _schedule(app, item, (item.due_at - now).total_seconds())
            elif item.key in settled or (item.window is not None and now - item.due_at > LOOK_BACK):
                continue
            elif item.window is None or now < item.due_at + item.window:
                _schedule(app, item, 0)  # fell due while down and still useful: once, now
            elif item.due_at >= created.get(item.site_id, now):
                _record(session, item, MISSED)
                continue
            else:
                continue
            wanted[item.site_id].add(item.key)
    for site_id, keys in wanted.items():
        for stale in app.planned_jobs.get(site_id, set()) - keys:
            _unschedule(app, stale)
        app.planned_jobs[site_id] = keys


def replan_site(app: HouqinApplication, site_id: int) -> None:
    """After a record changed (samples logged, held, released): rebuild this site's plan."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
    if site is not None:
        rebuild(app, [site])


def _schedule(app: HouqinApplication, item: Planned, delay: float) -> None:
    # Relative to the app's clock, so tests that move the clock and production agree.
    assert app.job_queue is not None
    app.job_queue.run_once(
        _run_item,
        when=max(0.0, delay),
        data=item,
        name=item.key,
        job_kwargs={**NEVER_SKIP, "id": item.key, "replace_existing": True},
    )


def _unschedule(app: HouqinApplication, key: str) -> None:
    assert app.job_queue is not None
    with contextlib.suppress(JobLookupError):
        app.job_queue.scheduler.remove_job(key)


def _record(session: Session, item: Planned, outcome: str) -> None:
    zone = ZoneInfo("UTC")
    site = get_site(session=session, site_id=item.site_id)
    if site is not None:
        zone = ZoneInfo(site.timezone)
    run = JobRun(
        key=item.key,
        site_id=item.site_id,
        kind=item.kind,
        due_at=item.due_at,
        day=item.due_at.astimezone(zone).date(),
        outcome=outcome,
        what=f"{item.why} → {item.audience}"[:200],
    )
    if not record_run(session=session, run=run) and outcome == MISSED:
        log.info("Item %s was settled meanwhile", item.key)


async def _run_item(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Run a planned item and note that it ran (the next day's items are planned by the
    minute's rescan when the local day changes)."""
    assert context.job is not None and isinstance(context.application, HouqinApplication)
    item = context.job.data
    assert isinstance(item, Planned)
    await item.callback(context)
    app = context.application
    if app.clock() >= item.due_at:  # an early run (by hand, in a test) settles nothing
        with session_scope(app.engine) as session:
            _record(session, item, DONE)


BATCH_SCHEDULERS.append(rebuild)
