"""The director's daily summary: sent once a day to each who receives it, with its chart.

The job is per site at `summary_time` on school days (boarding sites every day); a run missed
by a restart is caught up the same evening. Every message is keyed in the outbox, so a
restart never sends it twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import Forbidden, TelegramError
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import summary as views
from bot.views.summary_charts import summary_chart, week_chart
from jobs.outbox import Outcome, send_once
from jobs.schedule import SITE_SCHEDULERS, replace_job, retry_later
from storage.db import session_scope
from storage.disinfection import local_today
from storage.models import Site
from storage.outbox import claim_outbound, mark_sent, release_claim
from storage.people import list_people_with_action
from storage.permissions import Action
from storage.site_settings import get_site_settings
from storage.sites import get_site
from storage.summary import build_summary, is_summary_day, week_summary

log = logging.getLogger(__name__)
# A summary missed by a restart is still sent until this local time.
LAST_CALL = time(23, 0)


def schedule_summary(app: HouqinApplication, site: Site) -> None:
    at = get_site_settings(site).summary_time
    zone = ZoneInfo(site.timezone)
    name = f"summary-daily:{site.id}"
    replace_job(
        app,
        name,
        method="run_daily",
        callback=send_daily_summary,
        time=at.replace(tzinfo=zone),
        data=site.id,
    )
    now = app.clock()
    today = local_today(site, now)
    if datetime.combine(today, at, zone) <= now < datetime.combine(today, LAST_CALL, zone):
        replace_job(
            app,
            f"{name}:catch-up",
            method="run_once",
            callback=send_daily_summary,
            when=0,
            data=site.id,
        )


SITE_SCHEDULERS.append(schedule_summary)


async def send_daily_summary(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """At the site's summary time on a school day: deliver today's summary."""
    app = context.application
    assert isinstance(app, HouqinApplication) and context.job is not None
    assert isinstance(context.job.data, int)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=context.job.data)
        if site is None:
            return
        now = app.clock()
        day = local_today(site, now)
        at = datetime.combine(day, get_site_settings(site).summary_time, ZoneInfo(site.timezone))
        if now < at or not is_summary_day(session=session, site=site, day=day):
            return
    if not await deliver_summary(app, site.id or 0, day):
        retry_later(context)


async def deliver_summary(app: HouqinApplication, site_id: int, day: date) -> bool:
    """Each director and logistics head gets the day's summary and chart, once; False when
    a send failed for a passing reason (the caller tries again later)."""
    failed = False
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        if site is None:
            return True
        summary = build_summary(session=session, site=site, day=day, now=app.clock())
        people = list_people_with_action(
            session=session, site_id=site_id, action=Action.RECEIVE_DAILY_SUMMARY
        )
        charts: dict[str, bytes | None] = {}
        for person in people:
            language = person.language or site.language
            _ = translator(language)
            outcome = await send_once(
                app,
                session,
                key=f"summary:{site_id}:{day}:{person.id}",
                chat_id=person.telegram_user_id,
                text=views.summary_text(_, language, summary),
                reply_markup=views.summary_keyboard(_, summary),
            )
            failed |= outcome == Outcome.FAILED
            if language not in charts:
                charts[language] = await _charts(app, site, day, language, session)
            chart = charts[language]
            if chart is not None and outcome != Outcome.FAILED:
                failed |= not await _send_photo_once(
                    app,
                    session,
                    f"summary-chart:{site_id}:{day}:{person.id}",
                    person.telegram_user_id,
                    chart,
                )
    return not failed


async def _charts(
    app: HouqinApplication, site: Site, day: date, language: str, session: Any
) -> bytes | None:
    """The 14-day chart; on Mondays the week's class comparison instead."""
    if day.weekday() == 0:
        week = week_summary(session=session, site=site, start=day - timedelta(days=7), end=day)
        weekly = await asyncio.to_thread(week_chart, week, language)
        if weekly is not None:
            return weekly
    return await asyncio.to_thread(summary_chart, app.engine, site.id or 0, day, language)


async def _send_photo_once(
    app: HouqinApplication, session: Any, key: str, chat_id: int, photo: bytes
) -> bool:
    """Send a picture once under its key; False when it should be tried again later."""
    claim = claim_outbound(session=session, key=key, chat_id=chat_id)
    if claim is None:
        return True
    try:
        message = await app.bot.send_photo(chat_id, photo)
    except Forbidden:
        mark_sent(session=session, claim=claim, message_id=None)
        return True
    except TelegramError as error:
        log.warning("Sending %s to %s failed, will retry: %s", key, chat_id, error)
        release_claim(session=session, claim=claim)
        return False
    mark_sent(session=session, claim=claim, message_id=message.message_id)
    return True
