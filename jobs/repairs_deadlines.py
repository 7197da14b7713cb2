"""Repairs' timed work: overdue tickets escalated once per level, unanswered checks handed
to the logistics lead, posts and photos that failed retried, and the morning card.

Escalations are keyed in the outbox (`repairs-overdue:<ticket>:<level>:<person>`) and the
level reached is stored on the ticket: each is sent exactly once, also across restarts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import repairs as views
from jobs.outbox import Kind, Outcome, send_once
from jobs.repairs import after_ticket_opened, download_photos, lead_side
from jobs.repairs_card import refresh_card
from jobs.schedule import SITE_SCHEDULERS, replace_job
from storage.db import session_scope
from storage.models import Person, Site
from storage.permissions import Role
from storage.repairs import mark_escalated
from storage.repairs_models import Ticket, TicketKind
from storage.repairs_queries import (
    list_new,
    list_overdue,
    list_people_in_role,
    list_unverified,
    names_of,
    tickets_with_missing_files,
)
from storage.site_settings import get_site_settings
from storage.sites import get_site

CHECK_SECONDS = 300
# The first check after a start: soon, so what a crash left owed goes out within a minute.
FIRST_CHECK_SECONDS = 60
LEAD, DIRECTOR = 1, 2


def schedule_repairs(app: HouqinApplication, site: Site) -> None:
    """The deadline check every few minutes (a minute after a start too: nothing is lost,
    since each run looks at everything overdue or owed) and the morning card."""
    replace_job(
        app,
        f"repairs-deadlines:{site.id}",
        method="run_repeating",
        callback=check_repair_deadlines,
        interval=CHECK_SECONDS,
        first=FIRST_CHECK_SECONDS,
        data=site.id,
    )
    replace_job(
        app,
        f"repairs-card:{site.id}",
        method="run_daily",
        callback=send_repairs_card,
        time=get_site_settings(site).board_post_time.replace(tzinfo=ZoneInfo(site.timezone)),
        data=site.id,
    )


SITE_SCHEDULERS.append(schedule_repairs)


def _site_id(context: CallbackContext[Any, Any, Any, Any]) -> int:
    assert context.job is not None and isinstance(context.job.data, int)
    return context.job.data


async def send_repairs_card(context: CallbackContext[Any, Any, Any, Any]) -> None:
    assert isinstance(context.application, HouqinApplication)
    await refresh_card(context.application, _site_id(context))


async def check_repair_deadlines(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = context.application
    assert isinstance(app, HouqinApplication)
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=_site_id(context))
        if site is None:
            return
        await _escalate_overdue(app, session, site)
        await _hand_unanswered_checks(app, session, site)
        for ticket in tickets_with_missing_files(session=session, site_id=site.id or 0):
            await download_photos(app, session, ticket)
        new = [t.id or 0 for t in list_new(session=session, site_id=site.id or 0)]
    # A post lost to a crash or a Telegram failure right after the report is sent now; the
    # posts are keyed, so those that went out are not sent again.
    for ticket_id in new:
        await after_ticket_opened(app, ticket_id)


async def _escalate_overdue(app: HouqinApplication, session: Session, site: Site) -> None:
    settings = get_site_settings(site)
    now = app.clock()
    leads = lead_side(session, site.id or 0)
    directors = list_people_in_role(session=session, site_id=site.id or 0, role=Role.DIRECTOR)
    for ticket in list_overdue(
        session=session, site_id=site.id or 0, now=now, below_level=DIRECTOR
    ):
        assert ticket.due_at is not None
        level = (
            DIRECTOR
            if now >= ticket.due_at + timedelta(hours=settings.repair_director_hours)
            else LEAD
        )
        sent_all = True
        for target, people in ((LEAD, leads), (DIRECTOR, directors)):
            if ticket.escalation_level < target <= level:
                for person in people:
                    outcome = await _send_escalation(app, session, site, ticket, person, target)
                    sent_all &= outcome != Outcome.FAILED
        if sent_all and level > ticket.escalation_level:
            mark_escalated(session=session, ticket=ticket, level=level)


async def _send_escalation(
    app: HouqinApplication, session: Session, site: Site, ticket: Ticket, person: Person, level: int
) -> Outcome:
    language = person.language or site.language
    _ = translator(language)
    zone = ZoneInfo(site.timezone)
    names = names_of(session=session, person_ids=[ticket.reporter_id, ticket.assignee_id])
    title = (
        _("⏰ Overdue: {code} was due {time} and is not fixed.")
        if level == LEAD
        else _("⏰ Still not fixed a day after it was escalated: {code} (due {time}).")
    )
    text = "\n".join(
        [
            title.format(code=ticket.code, time=views.when(ticket.due_at, zone, language)),
            views.summary(_, language, ticket, names, zone, app.clock()),
        ]
    )
    markup = views.work_buttons(_, ticket, lead=True, worker=False) if level == LEAD else None
    return await send_once(
        app,
        session,
        key=f"repairs-overdue:{ticket.id}:{level}:{person.id}",
        chat_id=person.telegram_user_id,
        text=text,
        reply_markup=markup,
        kind=Kind.ESCALATION,
    )


async def _hand_unanswered_checks(app: HouqinApplication, session: Session, site: Site) -> None:
    """A repair done a day ago that its reporter has not checked: the lead checks it."""
    hours = get_site_settings(site).repair_verify_hours
    now = app.clock()
    waiting = list_unverified(
        session=session, site_id=site.id or 0, done_before=now - timedelta(hours=hours)
    )
    zone = ZoneInfo(site.timezone)
    for ticket in (t for t in waiting if t.kind == TicketKind.REPAIR):
        names = names_of(session=session, person_ids=[ticket.reporter_id, ticket.assignee_id])
        stamp = int(ticket.updated_at.timestamp())
        for person in lead_side(session, site.id or 0):
            language = person.language or site.language
            _ = translator(language)
            text = "\n".join(
                [
                    _(
                        "{code} was done {hours} h ago and the reporter has not checked it. Please check it:"
                    ).format(code=ticket.code, hours=hours),
                    views.summary(_, language, ticket, names, zone, now),
                ]
            )
            await send_once(
                app,
                session,
                key=f"repairs-lead-check:{ticket.id}:{stamp}:{person.id}",
                chat_id=person.telegram_user_id,
                text=text,
                reply_markup=views.verify_buttons(_, ticket),
                kind=Kind.ESCALATION,
            )
