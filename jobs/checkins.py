"""Check-ins' timed work: each window opens (cards, questions, follow-ups), is due (reminders)
and escalates (one list to the health teacher or the logistics lead).

Job names are stable ("checkin-due:3:morning"), every message is claimed in the outbox
before it is sent, nothing is sent on a day that is not a school day nor to anyone on
leave, and runs missed by a restart are caught up: nothing lost, nothing sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import checkins as views
from bot.views import checkins_board as board
from jobs.cards import show_card
from jobs.checkins_reminders import due_day, send_escalation, send_reminders
from jobs.outbox import Kind, Outcome, send_once
from jobs.schedule import SITE_SCHEDULERS, replace_job, retry_later
from storage.checkins import TEMPLATES, Template, Window, local_today, window_times
from storage.checkins_morning import open_sick_children
from storage.checkins_status import morning_day, zone_day
from storage.db import session_scope
from storage.groups import list_groups
from storage.models import GroupPurpose, Membership, Person, Site
from storage.permissions import Role
from storage.school_days import leaves_on
from storage.sites import get_site

log = logging.getLogger(__name__)
Job = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, None]]
CATCH_UP = timedelta(hours=2)
WINDOWS: list[tuple[Template, Window]] = [
    (template, window) for template in Template for window in TEMPLATES[template].windows
]


def _app(context: CallbackContext[Any, Any, Any, Any]) -> HouqinApplication:
    assert isinstance(context.application, HouqinApplication)
    return context.application


def _data(context: CallbackContext[Any, Any, Any, Any]) -> tuple[int, str]:
    assert context.job is not None and isinstance(context.job.data, tuple)
    site_id, window = context.job.data
    return int(site_id), str(window)


def _window(name: str) -> tuple[Template, Window]:
    return next((t, w) for t, w in WINDOWS if w.name == name)


def schedule_checkins(app: HouqinApplication, site: Site) -> None:
    """(Re)schedule a site's check-in jobs: open, due and escalate for every window."""
    zone = ZoneInfo(site.timezone)
    now = app.clock()
    today = local_today(site, now)
    for _template, window in WINDOWS:
        times = window_times(site, window, today)
        for what, moment, callback in (
            ("open", times.opens, send_window_open),
            ("due", times.due, send_reminders),
            ("escalate", times.escalate, send_escalation),
        ):
            name = f"checkin-{what}:{site.id}:{window.name}"
            data = (site.id, window.name)
            replace_job(
                app,
                name,
                method="run_daily",
                callback=callback,
                time=moment.timetz().replace(tzinfo=zone),
                data=data,
            )
            if moment <= now < moment + CATCH_UP:
                replace_job(
                    app, f"{name}:catch-up", method="run_once", callback=callback, when=0, data=data
                )


SITE_SCHEDULERS.append(schedule_checkins)


# Cards -----------------------------------------------------------------------------------


def request_card(app: HouqinApplication, site_id: int, day: date, template: Template) -> None:
    """Redraw a check-in's card; bursts coalesce into one edit per interval."""
    assert app.job_queue is not None

    async def refresh(_: Any) -> None:
        await refresh_card(app, site_id, day, template)

    app.card_editor.request(app.job_queue, f"checkin-{template}:{site_id}:{day}", refresh)


async def refresh_card(app: HouqinApplication, site_id: int, day: date, template: Template) -> None:
    """Post the day's card in each staff group, or edit it to match the database."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        if site is None:
            return
        _ = translator(site.language)
        if template == Template.MORNING:
            status = morning_day(session=session, site=site, day=day)
            school_day = status.school_day and status.in_use
            text = board.morning_board(_, site.language, status)
        else:
            zones = zone_day(session=session, site=site, day=day)
            school_day, text = (
                zones.school_day and bool(zones.zones),
                board.zone_board(_, site.language, zones),
            )
        if not school_day:
            return
        for group in list_groups(session=session, site_id=site_id, purpose=GroupPurpose.STAFF):
            await show_card(
                app,
                session,
                key=f"checkin-board:{site_id}:{day}:{template}:{group.chat_id}",
                chat_id=group.chat_id,
                text=text,
                post=day == local_today(site, app.clock()),
            )


# Window opens: the card, the zone questions, the sick-absence follow-up -------------------


async def send_window_open(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = _app(context)
    site_id, name = _data(context)
    template, window = _window(name)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        day = due_day(app, site, window, "opens") if site else None
        if site is None or day is None:
            return
        if template == Template.MORNING:
            failed = await send_followups(app, session, site, day)
        else:
            failed = await _ask_zones(app, session, site, day, window.name)
    await refresh_card(app, site_id, day, template)
    if failed:
        retry_later(context)


async def _ask_zones(
    app: HouqinApplication, session: Any, site: Site, day: date, window: str
) -> bool:
    status = zone_day(session=session, site=site, day=day)
    if not status.school_day:
        return False
    failed = False
    ids = [z.duty.person_id for z in status.zones if z.duty.person_id]
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(ids)))}
    for line in status.missing(window):
        person = people.get(line.duty.person_id)
        if person is None:
            continue
        _ = translator(person.language or site.language)
        text, markup = views.zone_question(
            _,
            line.duty.zone.name,
            line.duty.zone.id or 0,
            window,
            day,
            person.language or site.language,
        )
        outcome = await send_once(
            app,
            session,
            key=f"checkin-ask:{site.id}:{day}:{window}:{line.duty.zone.id}:{person.id}",
            chat_id=person.telegram_user_id,
            text=text,
            reply_markup=markup,
            kind=Kind.REMINDER,
        )
        failed |= outcome == Outcome.FAILED
    return failed


def _class_teachers(session: Any, class_ids: list[int], away: set[int]) -> dict[int, list[Person]]:
    """class id → its class teachers, or its caregivers when it has none (not on leave)."""
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(
            col(Membership.class_id).in_(class_ids),
            col(Membership.active),
            col(Membership.role).in_([Role.CLASS_TEACHER, Role.CAREGIVER]),
        )
        .order_by(col(Person.id))
    )
    found: dict[tuple[int, str], list[Person]] = {}
    for membership, person in rows:
        if person.id not in away:
            found.setdefault((membership.class_id, membership.role), []).append(person)
    return {
        cid: found.get((cid, Role.CLASS_TEACHER)) or found.get((cid, Role.CAREGIVER), [])
        for cid in class_ids
    }


async def send_followups(app: HouqinApplication, session: Any, site: Site, day: date) -> bool:
    """Ask each class teacher about the children still away sick (school days only)."""
    status = morning_day(session=session, site=site, day=day)
    if not status.school_day:
        return False
    class_names = {c.class_id: c.class_name for c in status.classes}
    children = open_sick_children(session=session, class_ids=list(class_names), day=day)
    by_class: dict[int, list[Any]] = {}
    for child in children:
        by_class.setdefault(child.class_id, []).append(child)
    away = set(leaves_on(session=session, site_ids=[site.id or 0], day=day))
    teachers = _class_teachers(session, list(by_class), away)
    failed = False
    for class_id, kids in by_class.items():
        for person in teachers.get(class_id, []):
            language = person.language or site.language
            text, markup = board.followup_message(
                translator(language), language, class_names[class_id], kids, day
            )
            outcome = await send_once(
                app,
                session,
                key=f"checkin-followup:{site.id}:{day}:{class_id}:{person.id}",
                chat_id=person.telegram_user_id,
                text=text,
                reply_markup=markup,
                kind=Kind.REMINDER,
            )
            failed |= outcome == Outcome.FAILED
    return failed
