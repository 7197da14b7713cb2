"""The calendar's timed work: each morning, reminders at lead time and on the due day, one
escalation per overdue task to the director, and the staff group's live monthly card.

Every message is keyed in the outbox (`calendar-lead:{occurrence}:{person}`…), so each is sent
once whatever restarts happen; a restart after the morning's time catches the run up.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import calendar as views
from jobs.cards import show_card
from jobs.outbox import Kind, Outcome, send_once
from jobs.schedule import SITE_SCHEDULERS, replace_job, retry_later
from storage.calendar import (
    Task,
    ensure_occurrences,
    list_tasks,
    local_now,
    responsible_people,
    state_of,
)
from storage.calendar_models import TaskStatus
from storage.calendar_rules import month_start
from storage.db import session_scope
from storage.drills import compliance_gaps
from storage.groups import list_groups
from storage.models import GroupPurpose, Site
from storage.people import list_people_with_action
from storage.permissions import Action
from storage.site_settings import get_site_settings
from storage.sites import get_site

log = logging.getLogger(__name__)
# No reminder is sent by a catch-up after this local hour; the next morning's run sends it.
QUIET_FROM = time(21, 0)


def schedule_calendar(app: HouqinApplication, site: Site) -> None:
    at = get_site_settings(site).calendar_reminder_time
    zone = ZoneInfo(site.timezone)
    name = f"calendar-reminders:{site.id}"
    replace_job(
        app, name, method="run_daily", callback=send_task_reminders,
        time=at.replace(tzinfo=zone), data=site.id,
    )  # fmt: skip
    local = local_now(site, app.clock())
    if at <= local.time() < QUIET_FROM:
        replace_job(
            app, f"{name}:catch-up", method="run_once", callback=send_task_reminders,
            when=0, data=site.id,
        )  # fmt: skip


SITE_SCHEDULERS.append(schedule_calendar)


def _app(context: CallbackContext[Any, Any, Any, Any]) -> HouqinApplication:
    assert isinstance(context.application, HouqinApplication)
    return context.application


async def send_task_reminders(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = _app(context)
    assert context.job is not None and isinstance(context.job.data, int)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=context.job.data)
        if site is None:
            return
        now = app.clock()
        local = local_now(site, now)
        if local.time() < get_site_settings(site).calendar_reminder_time:
            return  # a catch-up never reminds before the morning's time
        today = local.date()
        ensure_occurrences(session=session, site=site, today=today)
        failed = False
        for task in list_tasks(
            session=session, site_id=site.id or 0, start=today - timedelta(days=92),
            end=today + timedelta(days=62),
        ):  # fmt: skip
            failed |= await _remind(app, session, site, task, today)
    await refresh_month_card(app, site.id or 0)
    if failed:
        retry_later(context)


async def _remind(
    app: HouqinApplication, session: Session, site: Site, task: Task, today: date
) -> bool:
    """Send what this task needs today; True when a send failed for a passing reason."""
    state = state_of(site, task.rule, task.occurrence, app.clock())
    if state == TaskStatus.OVERDUE:
        return await _escalate(app, session, site, task)
    if state != TaskStatus.DUE:
        return False
    due_today = task.occurrence.due_date == today
    kind = "due" if due_today else "lead"
    failed = False
    for person in responsible_people(session=session, rule=task.rule):
        language = person.language or site.language
        _ = translator(language)
        outcome = await send_once(
            app,
            session,
            key=f"calendar-{kind}:{task.id}:{person.id}",
            chat_id=person.telegram_user_id,
            text=views.reminder(_, language, task, due_today),
            reply_markup=views.task_buttons(_, task),
            kind=Kind.REMINDER,
        )
        failed |= outcome == Outcome.FAILED
    return failed


async def _escalate(app: HouqinApplication, session: Session, site: Site, task: Task) -> bool:
    names = "、".join(p.display_name for p in responsible_people(session=session, rule=task.rule))
    failed = False
    for person in list_people_with_action(
        session=session, site_id=site.id or 0, action=Action.RECEIVE_TASK_ESCALATION
    ):
        language = person.language or site.language
        _ = translator(language)
        outcome = await send_once(
            app,
            session,
            key=f"calendar-overdue:{task.id}:{person.id}",
            chat_id=person.telegram_user_id,
            text=views.escalation(_, language, site.name, task, names),
            reply_markup=views.task_buttons(_, task),
            kind=Kind.ESCALATION,
        )
        failed |= outcome == Outcome.FAILED
    return failed


# The monthly card -----------------------------------------------------------------------


def request_card_refresh(app: HouqinApplication, site_id: int) -> None:
    """Redraw the month's card soon; bursts of completions cost one edit per interval."""
    assert app.job_queue is not None

    async def refresh(_: Any) -> None:
        await refresh_month_card(app, site_id)

    app.card_editor.request(app.job_queue, f"calendar:{site_id}", refresh)


def month_tasks(
    session: Session, site: Site, now: datetime
) -> tuple[date, list[tuple[Task, TaskStatus]]]:
    first = month_start(local_now(site, now).date())
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    tasks = list_tasks(session=session, site_id=site.id or 0, start=first, end=last)
    return first, [(t, state_of(site, t.rule, t.occurrence, now)) for t in tasks]


async def refresh_month_card(app: HouqinApplication, site_id: int) -> None:
    """Post this month's card in each staff group, or edit it to match the database."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        if site is None:
            return
        now = app.clock()
        month, tasks = month_tasks(session, site, now)
        gaps = compliance_gaps(session=session, site=site, now=now)
        text = views.month_card(translator(site.language), site.language, site.name, month,
                                tasks, gaps)  # fmt: skip
        for group in list_groups(session=session, site_id=site_id, purpose=GroupPurpose.STAFF):
            key = f"calendar-card:{site_id}:{month:%Y-%m}:{group.chat_id}"
            await show_card(app, session, key=key, chat_id=group.chat_id, text=text)
