"""Suppliers' certificates about to expire: the logistics lead is told once per certificate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session
from telegram.ext import CallbackContext

from bot.context import HouqinApplication
from bot.i18n import format_day, translator
from jobs.outbox import Kind, Outcome, send_once
from jobs.plan import PLANNERS, Planned, daily, planned_data
from jobs.schedule import retry_later
from storage.db import session_scope
from storage.deliveries import expiring_certificates
from storage.meals import local_today
from storage.models import Site
from storage.people import list_people_with_action
from storage.permissions import Action
from storage.site_settings import get_site_settings
from storage.sites import get_site


def plan_certificates(session: Session, sites: list[Site], now: datetime) -> Iterator[Planned]:
    for site in sites:
        at = get_site_settings(site).certificate_check_time
        for day, moment in daily(site, now, at):
            end_of_day = datetime.combine(day + timedelta(days=1), time(0), moment.tzinfo)
            yield Planned(
                f"deliveries-certificates:{site.id}:{day}",
                "follow-up",
                site.id or 0,
                moment,
                send_certificate_warnings,
                site.id,
                "logistics lead",
                "suppliers' certificates expiring soon",
                end_of_day - moment,
            )


PLANNERS.append(plan_certificates)


async def send_certificate_warnings(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = context.application
    assert isinstance(app, HouqinApplication)
    failed = False
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=planned_data(context))
        if site is None:
            return
        today = local_today(site, app.clock())
        days = get_site_settings(site).certificate_warning_days
        expiring = expiring_certificates(
            session=session, site_id=site.id or 0, today=today, days=days
        )
        people = list_people_with_action(
            session=session, site_id=site.id or 0, action=Action.RECEIVE_CERTIFICATE_ALERTS
        )
        for certificate, supplier in expiring:
            for person in people:
                language = person.language or site.language
                _ = translator(language)
                text = _(
                    "📄 {supplier}: {certificate} expires on {day}. Ask for the renewed one."
                ).format(
                    supplier=supplier.name,
                    certificate=certificate.name,
                    day=format_day(certificate.expires_on, language),
                )
                outcome = await send_once(
                    app,
                    session,
                    key=f"deliveries-certificate:{certificate.id}:{person.id}",
                    kind=Kind.REMINDER,
                    chat_id=person.telegram_user_id,
                    text=text,
                )
                failed |= outcome == Outcome.FAILED
    if failed:
        retry_later(context)
