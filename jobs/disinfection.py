"""Disinfection's timed work: the morning board, deadline reminders, escalation, UV switch-off.

Job names are stable ("disinfection-deadline:3"), every message is claimed in the outbox
before it is sent, and missed runs of today are caught up at start-up: a restart loses
nothing and sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton
from telegram.ext import CallbackContext

from bot.callbacks import pack
from bot.context import HouqinApplication
from bot.i18n import format_clock, format_day, translator
from bot.keyboards import inline_keyboard
from bot.labels import area_label
from bot.views import disinfection as views
from bot.views.disinfection_board import board
from jobs.cards import show_card
from jobs.outbox import Kind, Outcome, send_once
from jobs.plan import PLANNERS, Planned, daily, planned_data, replan_site, school_days
from jobs.schedule import retry_later
from storage.db import session_scope
from storage.disinfection import DisinfectionRecord, get_record, local_today
from storage.disinfection_status import (
    AreaStatus,
    DayStatus,
    State,
    disinfection_status,
    responsible_people,
    running_uv_sessions,
)
from storage.groups import list_groups
from storage.models import GroupPurpose, Site
from storage.people import get_person_by_id, list_people_with_action
from storage.permissions import Action
from storage.site_settings import get_site_settings
from storage.sites import get_area, get_class, get_site

log = logging.getLogger(__name__)
Job = Callable[[CallbackContext[Any, Any, Any, Any]], Coroutine[Any, Any, None]]
# A reminder missed by a restart is still worth sending this long after its time.
CATCH_UP = timedelta(hours=2)


def _app(context: CallbackContext[Any, Any, Any, Any]) -> HouqinApplication:
    assert isinstance(context.application, HouqinApplication)
    return context.application


def _job_id(context: CallbackContext[Any, Any, Any, Any]) -> int:
    """The id (site or record) a job was planned for."""
    data = planned_data(context)
    assert isinstance(data, int)
    return data


def plan_disinfection(session: Session, sites: list[Site], now: datetime) -> Iterator[Planned]:
    """Each site's board, deadline reminders and escalation on its school days, and running
    UV lamps' reminders (a lamp left on is switched off whatever the day)."""
    school_day = school_days(session, sites, now)
    for site in sites:
        settings = get_site_settings(site)
        escalation = (
            datetime.combine(date(2000, 1, 1), settings.disinfection_deadline)
            + timedelta(minutes=settings.disinfection_escalation_minutes)
        ).time()
        daily_items = [
            (
                "disinfection-board",
                "board",
                settings.board_post_time,
                send_disinfection_board,
                "staff groups",
                "today's disinfection card",
            ),
            (
                "disinfection-deadline",
                "reminder",
                settings.disinfection_deadline,
                send_disinfection_reminders,
                "caregivers of rooms still to do",
                "disinfection deadline",
            ),
            (
                "disinfection-escalation",
                "escalation",
                escalation,
                send_disinfection_escalation,
                "health teacher, logistics head",
                "disinfection still missing after the deadline",
            ),
        ]
        for prefix, kind, at, callback, audience, why in daily_items:
            for day, moment in daily(site, now, at):
                if not school_day(site, day):
                    continue
                # The board is still worth posting until the day ends; reminders for 2 hours.
                end_of_day = datetime.combine(day + timedelta(days=1), time(0), moment.tzinfo)
                window = end_of_day - moment if kind == "board" else CATCH_UP
                yield Planned(
                    f"{prefix}:{site.id}:{day}",
                    kind,
                    site.id or 0,
                    moment,
                    callback,
                    site.id,
                    audience,
                    f"{why} {at:%H:%M}",
                    window,
                )
    yield from _plan_uv(session, sites)


def _plan_uv(session: Session, sites: list[Site]) -> Iterator[Planned]:
    by_id = {site.id: site for site in sites}
    for record in running_uv_sessions(session=session):
        site = by_id.get(record.site_id)
        if site is None or record.started_at is None:
            continue
        minutes = get_site_settings(site).uv_minutes
        yield Planned(
            f"disinfection-uv:{record.id}",
            "follow-up",
            record.site_id,
            record.started_at + timedelta(minutes=minutes),
            send_uv_reminder,
            record.id,
            "the UV lamp's operator",
            f"switch the UV lamp off after {minutes} min",
            None,
        )


PLANNERS.append(plan_disinfection)


# The board ------------------------------------------------------------------------------


def request_board_refresh(app: HouqinApplication, site_id: int, day: date) -> None:
    """Ask for the card to be redrawn; bursts are coalesced into one edit per interval."""
    assert app.job_queue is not None

    async def refresh(_: Any) -> None:
        await refresh_board(app, site_id, day)

    app.card_editor.request(app.job_queue, f"disinfection:{site_id}:{day.isoformat()}", refresh)


async def send_disinfection_board(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = _app(context)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=_job_id(context))
        day = local_today(site, app.clock()) if site else None
    if site is not None and day is not None:
        await refresh_board(app, site.id or 0, day)


async def refresh_board(app: HouqinApplication, site_id: int, day: date) -> None:
    """Post today's card in each staff group, or edit it to match the database."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        if site is None:
            return
        now = app.clock()
        status = disinfection_status(session=session, site=site, day=day, now=now)
        text, markup = board(translator(site.language), site.language, status, now)
        today = day == local_today(site, now)
        for group in list_groups(session=session, site_id=site_id, purpose=GroupPurpose.STAFF):
            key = f"disinfection-board:{site_id}:{day.isoformat()}:{group.chat_id}"
            await show_card(
                app, session, key=key, chat_id=group.chat_id, text=text, markup=markup, post=today
            )


# Reminders and escalation ---------------------------------------------------------------


def _missing_lines(_: Any, pending: list[AreaStatus]) -> list[str]:
    lines = []
    for area_status in pending:
        name = area_label(_, area_status.class_name, area_status.area.kind, area_status.area.name)
        if any(r.state in {State.RUNNING, State.FORGOTTEN} for r in area_status.rounds):
            name += " " + _("(UV started, not ended)")
        lines.append(f"• {name}")
    return lines


def _due_status(
    app: HouqinApplication, session: Any, site_id: int, delay: timedelta
) -> DayStatus | None:
    """The status of the day whose deadline + delay has passed (just after midnight that is
    yesterday); None when nothing is due yet: a catch-up or a clock change never runs early."""
    site = get_site(session=session, site_id=site_id)
    if site is None:
        return None
    now = app.clock()
    status = disinfection_status(
        session=session, site=site, day=local_today(site, now - delay), now=now
    )
    return status if now >= status.deadline + delay else None


async def send_disinfection_reminders(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """At the deadline: each caregiver of a class with rooms to do gets one private message."""
    app = _app(context)
    with session_scope(app.engine) as session:
        status = _due_status(app, session, _job_id(context), timedelta(0))
        if status is None:
            return
        site, day = status.site, status.day
        targets = responsible_people(session=session, site_id=site.id or 0, pending=status.pending)
        failed = False
        for person_id, (person, areas) in targets.items():
            _ = translator(person.language or site.language)
            text = "\n".join(
                [
                    _("⏰ Disinfection is due ({time}) and these rooms are not done yet:").format(
                        time=format_clock(status.deadline, ZoneInfo(site.timezone))
                    ),
                    *_missing_lines(_, areas),
                ]
            )
            button = InlineKeyboardButton(
                _("🧴 Disinfection"), callback_data=pack(views.PREFIX, "p", views.day_code(day))
            )
            outcome = await send_once(
                app,
                session,
                key=f"disinfection-reminder:{site.id}:{day}:{person_id}",
                chat_id=person.telegram_user_id,
                text=text,
                reply_markup=inline_keyboard([[button]]),
                kind=Kind.REMINDER,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


async def send_disinfection_escalation(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """After the grace period: one message to the health teacher and logistics head."""
    app = _app(context)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=_job_id(context))
        if site is None:
            return
        delay = timedelta(minutes=get_site_settings(site).disinfection_escalation_minutes)
        status = _due_status(app, session, site.id or 0, delay)
        if status is None or not status.pending:
            return
        day = status.day
        responsible = responsible_people(
            session=session, site_id=site.id or 0, pending=status.pending
        )
        names = "、".join(person.display_name for person, _areas in responsible.values()) or "—"
        failed = False
        for person in list_people_with_action(
            session=session, site_id=site.id or 0, action=Action.RECEIVE_HYGIENE_ESCALATION
        ):
            _ = translator(person.language or site.language)
            text = "\n".join(
                [
                    _("⚠️ {site}: disinfection still missing on {day} (due {time}):").format(
                        site=site.name,
                        day=format_day(day, person.language or site.language),
                        time=format_clock(status.deadline, ZoneInfo(site.timezone)),
                    ),
                    *_missing_lines(_, status.pending),
                    _("Reminded: {names}").format(names=names),
                ]
            )
            outcome = await send_once(
                app,
                session,
                key=f"disinfection-escalation:{site.id}:{day}:{person.id}",
                chat_id=person.telegram_user_id,
                text=text,
                kind=Kind.ESCALATION,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


# UV switch-off reminder -----------------------------------------------------------------


def schedule_uv_reminder(app: HouqinApplication, record: DisinfectionRecord) -> None:
    """A lamp was switched on: plan its switch-off reminder."""
    replan_site(app, record.site_id)


async def send_uv_reminder(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Tell the operator to switch the lamp off and ventilate, once."""
    app = _app(context)
    with session_scope(app.engine) as session:
        record = get_record(session=session, record_id=_job_id(context))
        if record is None or not record.running:
            return
        site = get_site(session=session, site_id=record.site_id)
        area = get_area(session=session, area_id=record.area_id)
        operator = get_person_by_id(session=session, person_id=record.operator_id)
        if site is None or area is None or operator is None:
            return
        _ = translator(operator.language or site.language)
        school_class = get_class(session=session, class_id=area.class_id) if area.class_id else None
        title = area_label(_, school_class.name if school_class else "", area.kind, area.name)
        text, markup = views.uv_reminder(_, title, record, get_site_settings(site).uv_minutes)
        outcome = await send_once(
            app,
            session,
            key=f"disinfection-uv:{record.id}",
            chat_id=operator.telegram_user_id,
            text=text,
            reply_markup=markup,
            kind=Kind.ALERT,
        )
    if outcome == Outcome.FAILED:
        retry_later(context)
