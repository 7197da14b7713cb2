"""Check-in reminders at the due time, the escalation after it, and the health teacher's alert."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import format_clock, translator
from bot.views import checkins as views
from bot.views import checkins_board as board
from jobs.outbox import Kind, Outcome, send_once
from jobs.schedule import retry_later
from storage.checkins import (
    ALERT_SYMPTOMS,
    TEMPLATES,
    Template,
    Window,
    local_today,
    window_times,
)
from storage.checkins_morning import MorningReport
from storage.checkins_status import (
    Reminder,
    morning_day,
    morning_reminders,
    zone_day,
    zone_reminders,
)
from storage.db import session_scope
from storage.models import SchoolClass, Site
from storage.people import get_person_by_id, list_people_with_action
from storage.site_settings import get_site_settings
from storage.sites import get_site

WINDOWS: dict[str, tuple[Template, Window]] = {
    window.name: (template, window)
    for template in Template
    for window in TEMPLATES[template].windows
}


def _context(context: CallbackContext[Any, Any, Any, Any]) -> tuple[HouqinApplication, int, str]:
    assert isinstance(context.application, HouqinApplication) and context.job is not None
    data: tuple[int, str] = context.job.data  # type: ignore[assignment]
    return context.application, int(data[0]), str(data[1])


def due_day(app: HouqinApplication, site: Site, window: Window, what: str) -> date | None:
    """Today, when its `what` time has passed (a catch-up or clock change never runs early)."""
    now = app.clock()
    day = local_today(site, now)
    return day if now >= getattr(window_times(site, window, day), what) else None


def reminders_for(session: Session, site: Site, day: date, window: str) -> list[Reminder]:
    """Who gets the due-time reminder: nobody on a closed day or on leave."""
    if window == "morning":
        return morning_reminders(session=session, sites=[site], day=day)
    return zone_reminders(session=session, site=site, day=day, window=window)


async def send_reminders(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """At the due time: one private reminder to each who has not answered."""
    app, site_id, name = _context(context)
    template, window = WINDOWS[name]
    failed = False
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        day = due_day(app, site, window, "due") if site else None
        if site is None or day is None:
            return
        due = format_clock(window_times(site, window, day).due, ZoneInfo(site.timezone))
        for reminder in reminders_for(session, site, day, name):
            _ = translator(reminder.language or site.language)
            if template == Template.MORNING:
                text = board.morning_reminder(_, reminder.subjects, due)
            else:
                text = board.zone_reminder(_, name, reminder.subjects, due)
            outcome = await send_once(
                app,
                session,
                key=f"checkin-remind:{site.id}:{day}:{name}:{reminder.person_id}",
                chat_id=reminder.telegram_user_id,
                text=text,
                reply_markup=views.reminder_markup(_, zone=template == Template.ZONE),
                kind=Kind.REMINDER,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


def _missing(session: Session, site: Site, day: date, name: str) -> tuple[bool, list[str], str]:
    """(school day?, what is missing, who was reminded) for a window of a day."""
    if name == "morning":
        status = morning_day(session=session, site=site, day=day)
        reminded = morning_reminders(session=session, sites=[site], day=day)
        people = [get_person_by_id(session=session, person_id=r.person_id) for r in reminded]
        names = [p.display_name for p in people if p is not None]
        in_use = status.school_day and status.in_use
        return in_use, [c.class_name for c in status.missing], "、".join(names)
    zones = zone_day(session=session, site=site, day=day)
    missing = zones.missing(name)
    lines = [f"{z.duty.zone.name}（{z.person_name or '—'}）" for z in missing]
    who = dict.fromkeys(z.person_name for z in missing if z.person_name)
    return zones.school_day, lines, "、".join(who)


async def send_escalation(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """At the escalation time: one message listing the missing, to the health teacher
    (morning check) or the logistics lead (zone checks)."""
    app, site_id, name = _context(context)
    template, window = WINDOWS[name]
    failed = False
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        day = due_day(app, site, window, "escalate") if site else None
        if site is None or day is None:
            return
        school_day, missing, names = _missing(session, site, day, name)
        if not school_day or not missing:
            return
        for person in list_people_with_action(
            session=session, site_id=site_id, action=TEMPLATES[template].escalate_to
        ):
            language = person.language or site.language
            _ = translator(language)
            what = (
                _("the morning check")
                if template == Template.MORNING
                else _("zone self-check ({window})").format(window=_(views.WINDOW_LABELS[name]))
            )
            text = board.escalation(_, site.name, what, day, language, missing, names)
            outcome = await send_once(
                app,
                session,
                key=f"checkin-escalate:{site.id}:{day}:{name}:{person.id}",
                chat_id=person.telegram_user_id,
                text=text,
                kind=Kind.ESCALATION,
            )
            failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)


async def send_health_alert(
    app: HouqinApplication,
    session: Session,
    site: Site,
    school_class: SchoolClass,
    day: date,
    report: MorningReport,
) -> None:
    """Fever or a rash in `threshold` children of one class today: the health teacher at once
    (once per class and day: a replacement that still counts them alerts nobody again)."""
    children = [c.name for c in (*report.sick, *report.unwell) if c.symptom in ALERT_SYMPTOMS]
    if len(children) < get_site_settings(site).fever_alert_threshold:
        return
    class_id = school_class.id or 0
    for person in list_people_with_action(
        session=session, site_id=site.id or 0, action=TEMPLATES[Template.MORNING].escalate_to
    ):
        language = person.language or site.language
        text = board.health_alert(
            translator(language),
            site.name,
            school_class.name,
            children,
            day,
            language,
        )
        await send_once(
            app,
            session,
            key=f"checkin-alert:{site.id}:{day}:{class_id}:{person.id}",
            chat_id=person.telegram_user_id,
            text=text,
            kind=Kind.ALERT,
        )
