"""Build every site's jobs from the database; safe to run again at any time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.context import HouqinApplication
from storage.db import session_scope
from storage.models import Site
from storage.sites import list_sites

log = logging.getLogger(__name__)

# Each feature contributes a function that (re)schedules its jobs for one site.
SiteScheduler = Callable[[HouqinApplication, Site], None]
SITE_SCHEDULERS: list[SiteScheduler] = []


def rebuild_jobs(app: HouqinApplication) -> None:
    """Schedule the jobs of every site; stable job names make this idempotent."""
    engine: Any = app.engine
    with session_scope(engine) as session:
        sites = list_sites(session=session)
    for site in sites:
        schedule_site(app, site)
    log.info("Scheduled jobs for %d site(s)", len(sites))


def schedule_site(app: HouqinApplication, site: Site) -> None:
    for scheduler in SITE_SCHEDULERS:
        scheduler(app, site)


def replace_job(app: HouqinApplication, name: str, **run_kwargs: Any) -> None:
    """Schedule under a stable name, removing an earlier job of that name first."""
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    method = run_kwargs.pop("method")
    getattr(app.job_queue, method)(name=name, **run_kwargs)
