"""Build every site's jobs from the database; safe to run again at any time."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from storage.db import session_scope
from storage.models import Site
from storage.sites import list_sites

log = logging.getLogger(__name__)

CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # PTB's day numbers
# Each feature contributes a function that (re)schedules its jobs for one site.
SiteScheduler = Callable[[HouqinApplication, Site], None]
SITE_SCHEDULERS: list[SiteScheduler] = []
# Planners that take many sites at once (jobs.plan): one query per flow, not per site.
BatchScheduler = Callable[[HouqinApplication, list[Site]], None]
BATCH_SCHEDULERS: list[BatchScheduler] = []
# A job delayed by a busy event loop still runs (APScheduler would otherwise drop it after
# one second), and a backlog of runs of the same job collapses into one.
NEVER_SKIP = {"misfire_grace_time": None, "coalesce": True}
# A send that failed for a passing reason (network, Telegram hiccup) is tried again after this.
RETRY_SECONDS = 60
# Sites created or changed by another process (the CLI) are picked up this often.
RESCAN_SECONDS = 60


def rebuild_jobs(app: HouqinApplication) -> None:
    """Schedule every site whose settings changed since it was last scheduled."""
    with session_scope(app.engine) as session:
        sites = list_sites(session=session)
    changed = []
    for site in sites:
        # The local day is part of it, so each new day's items are planned.
        today = app.clock().astimezone(ZoneInfo(site.timezone)).date()
        fingerprint = json.dumps(
            [site.timezone, site.boarding, site.settings, today], sort_keys=True, default=str
        )
        if app.scheduled_sites.get(site.id or 0) != fingerprint:
            schedule_site(app, site)
            app.scheduled_sites[site.id or 0] = fingerprint
            changed.append(site)
    for batch in BATCH_SCHEDULERS:
        batch(app, changed)
    if changed:
        log.info("Scheduled the jobs of %d site(s)", len(changed))


def schedule_site(app: HouqinApplication, site: Site) -> None:
    for scheduler in SITE_SCHEDULERS:
        scheduler(app, site)


def start_rescans(app: HouqinApplication) -> None:
    """Rebuild now, then look for new or changed sites every minute."""
    rebuild_jobs(app)
    replace_job(
        app,
        "schedule-rescan",
        method="run_repeating",
        callback=_rescan,
        interval=RESCAN_SECONDS,
        first=RESCAN_SECONDS,
    )


async def _rescan(context: CallbackContext[Any, Any, Any, Any]) -> None:
    assert isinstance(context.application, HouqinApplication)
    rebuild_jobs(context.application)


def retry_later(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Run this job once more in a minute; its sends are keyed, so only the missing go out."""
    job = context.job
    assert job is not None and isinstance(context.application, HouqinApplication)
    name = (job.name or "job").removesuffix(":retry") + ":retry"
    replace_job(
        context.application,
        name,
        method="run_once",
        callback=job.callback,
        when=RETRY_SECONDS,
        data=job.data,
    )


def replace_job(app: HouqinApplication, name: str, **run_kwargs: Any) -> None:
    """Schedule under a stable name, replacing an earlier job of that name.

    The name is also APScheduler's job id, so the replacement is a lookup, not a scan of
    every job (a start-up scheduling thousands of jobs stays linear)."""
    assert app.job_queue is not None
    method = run_kwargs.pop("method")
    job_kwargs: dict[str, Any] = {**NEVER_SKIP, "id": name, "replace_existing": True}
    if method == "run_daily":
        # As JobQueue.run_daily, with one trigger per distinct time: building a CronTrigger
        # costs more than adding the job, and most sites share their times.
        at: dt.time = run_kwargs.pop("time")
        days = tuple(run_kwargs.pop("days", range(7)))
        job_kwargs["trigger"] = daily_trigger(at, days, app.job_queue.scheduler.timezone)
        app.job_queue.run_custom(name=name, job_kwargs=job_kwargs, **run_kwargs)
        return
    getattr(app.job_queue, method)(name=name, job_kwargs=job_kwargs, **run_kwargs)


@lru_cache(maxsize=4096)
def daily_trigger(at: dt.time, days: tuple[int, ...], default_zone: dt.tzinfo) -> CronTrigger:
    """The trigger JobQueue.run_daily would build (days: 0 = Sunday, as PTB counts)."""
    return CronTrigger(
        day_of_week=",".join(CRON_DAYS[d] for d in days),
        hour=at.hour,
        minute=at.minute,
        second=at.second,
        timezone=at.tzinfo or default_zone,
    )
