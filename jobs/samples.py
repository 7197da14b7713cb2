"""The kitchen's timed work: meals not logged, disposals due, held samples, certificates.

Declared as planned items (jobs.plan): a disposal reminder is always sent, even days late
after an outage; a meal reminder only while it is still useful; a held sample has no
reminder at all until it is released.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import format_clock, format_day, translator
from bot.views import samples as views
from jobs.outbox import Kind, Outcome, send_once
from jobs.plan import PLANNERS, Planned, daily, planned_data, school_days
from jobs.samples_notify import tell_held
from jobs.schedule import retry_later
from storage.db import session_scope
from storage.meals import get_meal, local_today, meal_end_at, site_meals
from storage.models import Site
from storage.people import list_people_with_action
from storage.permissions import Action, Role
from storage.samples import find_log, get_log, list_dishes
from storage.samples_disposal import disposal_key
from storage.samples_ledger import held_samples, kept_samples, people_with_role
from storage.samples_models import SampleLog, SampleState
from storage.site_settings import get_site_settings
from storage.sites import get_site


def _app(context: CallbackContext[Any, Any, Any, Any]) -> HouqinApplication:
    assert isinstance(context.application, HouqinApplication)
    return context.application


def plan_samples(session: Session, sites: list[Site], now: datetime) -> Iterator[Planned]:
    school_day = school_days(session, sites, now)
    for site in sites:
        yield from _plan_meals(site, now, school_day)
        held_at = get_site_settings(site).held_samples_time
        for day, moment in daily(site, now, held_at):
            end_of_day = datetime.combine(day + timedelta(days=1), time(0), moment.tzinfo)
            yield Planned(
                f"samples-held:{site.id}:{day}",
                "list",
                site.id or 0,
                moment,
                send_held_list,
                site.id,
                "health teacher, director",
                "held food samples, daily",
                end_of_day - moment,
            )
    for log in kept_samples(session=session, site_ids=[s.id or 0 for s in sites]):
        yield disposal_item(log)


def disposal_item(log: SampleLog) -> Planned:
    """Kept samples are reminded when due, however late: a disposal is never forgotten."""
    return Planned(
        disposal_key(log),
        "disposal",
        log.site_id,
        log.dispose_due_at,
        send_disposal_due,
        log.id,
        "kitchen",
        f"samples of {log.day} {log.meal} kept long enough",
        None,
    )


def _plan_meals(
    site: Site, now: datetime, school_day: Callable[[Site, date], bool]
) -> Iterator[Planned]:
    """Each meal's reminder and escalation, on the site's school days only."""
    settings = get_site_settings(site)
    remind = timedelta(minutes=settings.sample_reminder_minutes)
    escalate = timedelta(minutes=settings.sample_escalation_minutes)
    for meal in site_meals(site):
        for day, moment in daily(site, now, meal.end):
            if not school_day(site, day):
                continue
            data = (site.id, day.isoformat(), meal.key)
            yield Planned(
                f"samples-remind:{site.id}:{day}:{meal.key}",
                "reminder",
                site.id or 0,
                moment + remind,
                send_meal_reminder,
                data,
                "kitchen",
                f"{meal.key} samples not logged {settings.sample_reminder_minutes} min after {meal.end:%H:%M}",
                escalate - remind,
            )
            yield Planned(
                f"samples-escalate:{site.id}:{day}:{meal.key}",
                "escalation",
                site.id or 0,
                moment + escalate,
                send_meal_escalation,
                data,
                "health teacher",
                f"{meal.key} samples still not logged",
                timedelta(hours=4),
            )


PLANNERS.append(plan_samples)


def _meal_missing(
    app: HouqinApplication, session: Session, data: Any, setting: str
) -> tuple[Site, Any, datetime] | None:
    """The site, meal and its end when that meal is still not logged and the reminder's
    time (`setting` minutes after the end) has come; None otherwise: never early."""
    site_id, day_text, meal_key = data
    site = get_site(session=session, site_id=site_id)
    if site is None:
        return None
    day = datetime.fromisoformat(day_text).date()
    try:
        meal = get_meal(site, meal_key)
    except LookupError:
        return None
    ended = meal_end_at(site, day, meal)
    delay = timedelta(minutes=getattr(get_site_settings(site), setting))
    if app.clock() < ended + delay:
        return None
    if find_log(session=session, site_id=site_id, day=day, meal=meal_key) is not None:
        return None
    # A site without kitchen staff in the bot does not use samples yet: nobody to chase.
    if not people_with_role(session=session, site_id=site_id, role=Role.KITCHEN):
        return None
    return site, meal, ended


async def send_meal_reminder(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """An hour after a meal ends without samples: every kitchen worker is reminded."""
    app = _app(context)
    data = planned_data(context)
    with session_scope(app.engine) as session:
        missing = _meal_missing(app, session, data, "sample_reminder_minutes")
        if missing is None:
            return
        site, meal, ended = missing
        failed = False
        for person in people_with_role(session=session, site_id=site.id or 0, role=Role.KITCHEN):
            _ = translator(person.language or site.language)
            text = _(
                "⏰ {meal} ended at {time}: its food samples are not logged yet. Tap 🥡 Food samples."
            ).format(
                meal=views.meal_name(_, meal), time=format_clock(ended, ZoneInfo(site.timezone))
            )
            outcome = await send_once(
                app,
                session,
                key=f"samples-remind:{site.id}:{data[1]}:{meal.key}:{person.id}",
                kind=Kind.REMINDER,
                chat_id=person.telegram_user_id,
                text=text,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


async def send_meal_escalation(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Two hours after: the health teacher is told."""
    app = _app(context)
    data = planned_data(context)
    with session_scope(app.engine) as session:
        missing = _meal_missing(app, session, data, "sample_escalation_minutes")
        if missing is None:
            return
        site, meal, ended = missing
        failed = False
        for person in list_people_with_action(
            session=session, site_id=site.id or 0, action=Action.RECEIVE_SAMPLE_ALERTS
        ):
            language = person.language or site.language
            _ = translator(language)
            text = _("⚠️ {site}: no food samples logged for {day} {meal} (ended {time}).").format(
                site=site.name,
                day=format_day(ended.date(), language),
                meal=views.meal_name(_, meal),
                time=format_clock(ended, ZoneInfo(site.timezone)),
            )
            outcome = await send_once(
                app,
                session,
                key=f"samples-escalate:{site.id}:{data[1]}:{meal.key}:{person.id}",
                kind=Kind.ESCALATION,
                chat_id=person.telegram_user_id,
                text=text,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


async def send_disposal_due(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """When due (never before, never while held): the kitchen gets 已处理 / 保留."""
    app = _app(context)
    with session_scope(app.engine) as session:
        log = get_log(session=session, log_id=planned_data(context))
        if log is None or log.state != SampleState.KEPT or app.clock() < log.dispose_due_at:
            return
        site = get_site(session=session, site_id=log.site_id)
        if site is None:
            return
        dishes = list_dishes(session=session, log_id=log.id or 0)
        failed = False
        for person in people_with_role(session=session, site_id=site.id or 0, role=Role.KITCHEN):
            language = person.language or site.language
            text, markup = views.disposal_due(translator(language), language, site, log, dishes)
            outcome = await send_once(
                app,
                session,
                key=f"{disposal_key(log)}:{person.id}",
                kind=Kind.REMINDER,
                chat_id=person.telegram_user_id,
                text=text,
                reply_markup=markup,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


async def send_held_list(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Each morning: held samples are listed to the health teacher and director."""
    app = _app(context)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=planned_data(context))
        if site is None:
            return
        logs = held_samples(session=session, site_id=site.id or 0)
        if logs:
            day = local_today(site, app.clock())
            await tell_held(app, session, site, logs, f"samples-held:{site.id}:{day}")
