"""Notices' timed work: the sender is started, and after the site's delay (24 h) the parents
who have not acknowledged get one reminder and their class teacher the remaining list.

Every reminder is claimed in the outbox (`send_once`), so a restart sends none twice; the
check runs every few minutes and at start-up, so a missed time is caught up.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.ext import CallbackContext

from bot.callbacks import pack
from bot.context import HouqinApplication
from bot.i18n import translator
from bot.ratelimit import bulk_lane
from bot.views import notices as views
from jobs.notice_sender import start_sender
from jobs.outbox import Kind, Outcome, send_once
from jobs.schedule import SITE_SCHEDULERS, replace_job
from storage.db import session_scope
from storage.models import Site
from storage.notice_figures import (
    Waiting,
    class_teachers,
    mark_reminded,
    mark_reminders_done,
    notice_figures,
    notices_due_for_reminder,
)
from storage.notice_models import Notice, NoticeDelivery

log = logging.getLogger(__name__)
CHECK_SECONDS = 300


def schedule_notices(app: HouqinApplication, site: Site) -> None:
    replace_job(
        app,
        f"notice-reminders:{site.id}",
        method="run_repeating",
        callback=check_notice_reminders,
        interval=CHECK_SECONDS,
        first=0,
        data=site.id,
    )
    replace_job(app, "notice-sender", method="run_once", callback=_start, when=0)


SITE_SCHEDULERS.append(schedule_notices)


async def _start(context: CallbackContext[Any, Any, Any, Any]) -> None:
    assert isinstance(context.application, HouqinApplication)
    start_sender(context.application)


async def check_notice_reminders(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Remind the parents of every notice whose delay has passed, once."""
    app = context.application
    assert isinstance(app, HouqinApplication) and context.job is not None
    site_id = context.job.data
    assert isinstance(site_id, int)
    with session_scope(app.engine) as session:
        site = session.get(Site, site_id)
        for notice in notices_due_for_reminder(session=session, site_id=site_id, now=app.clock()):
            if site is not None and await _remind(app, session, notice, site):
                mark_reminders_done(session=session, notice=notice, now=app.clock())


async def _remind(app: HouqinApplication, session: Any, notice: Notice, site: Site) -> bool:
    """Send what is missing; True when nothing failed (else the next check tries again)."""
    assert notice.id is not None
    figures = notice_figures(session=session, notice_id=notice.id)
    ok = True
    with bulk_lane():  # a reminder round may be long: taps go first
        for line in figures.classes:
            for parent in line.waiting:
                ok &= await _remind_parent(app, session, notice, parent)
            if line.waiting:
                ok &= await _tell_teachers(
                    app, session, notice, line.class_id, line.class_name, line.waiting, site
                )
    return ok


async def _remind_parent(
    app: HouqinApplication, session: Any, notice: Notice, parent: Waiting
) -> bool:
    _ = translator(parent.language)
    delivery = session.get(NoticeDelivery, parent.delivery_id)
    button = InlineKeyboardButton(
        _(views.ACK_LABEL), callback_data=pack(views.PREFIX, "ack", parent.delivery_id)
    )
    reply = (
        ReplyParameters(delivery.message_id, allow_sending_without_reply=True)
        if delivery is not None and delivery.message_id
        else None
    )
    outcome = await send_once(
        app,
        session,
        key=f"notice-reminder:{parent.delivery_id}",
        chat_id=parent.chat_id,
        text=views.reminder_text(_, notice.title),
        kind=Kind.REMINDER,
        reply_markup=InlineKeyboardMarkup([[button]]),
        reply_parameters=reply,
    )
    if outcome != Outcome.FAILED:
        mark_reminded(session=session, delivery_id=parent.delivery_id, now=app.clock())
    return outcome != Outcome.FAILED


async def _tell_teachers(
    app: HouqinApplication,
    session: Any,
    notice: Notice,
    class_id: int,
    class_name: str,
    waiting: list[Waiting],
    site: Site,
) -> bool:
    ok = True
    for teacher in class_teachers(session=session, class_id=class_id):
        _ = translator(teacher.language or site.language)
        outcome = await send_once(
            app,
            session,
            key=f"notice-teacher:{notice.id}:{class_id}:{teacher.id}",
            chat_id=teacher.telegram_user_id,
            text=views.teacher_list_text(_, notice.title, class_name, waiting),
            kind=Kind.ESCALATION,
        )
        ok &= outcome != Outcome.FAILED
    return ok


def site_zone(site: Site) -> ZoneInfo:
    return ZoneInfo(site.timezone)
