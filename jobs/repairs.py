"""Repairs' outgoing messages: the post to maintenance, the check by the reporter, notices.

Every message is claimed in the outbox under a key naming the ticket and the change it
reports, so a restart or a double tap never sends it twice. Handlers and other flows (the
zone self-check) call these after a change; they never raise for a Telegram failure.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import repairs as views
from jobs.outbox import Kind, Outcome, send_once, send_photo_once
from jobs.repairs_card import request_card_refresh
from storage.db import session_scope
from storage.groups import list_groups
from storage.models import GroupPurpose, Person, Site
from storage.people import list_people_with_action
from storage.permissions import Action
from storage.repairs_models import PhotoStage, Ticket, TicketKind
from storage.repairs_queries import get_ticket, list_photos, names_of
from storage.sites import get_site

log = logging.getLogger(__name__)


def photo_folder(app: HouqinApplication, ticket: Ticket) -> Path:
    return Path(app.settings.data_dir) / "tickets" / str(ticket.site_id) / str(ticket.id)


async def download_photos(app: HouqinApplication, session: Session, ticket: Ticket) -> int:
    """Keep each photo's file under the data directory; returns how many are still missing."""
    missing = 0
    for photo in list_photos(session=session, ticket_id=ticket.id or 0):
        if photo.path is not None:
            continue
        target = photo_folder(app, ticket) / f"{photo.id}-{photo.stage}.jpg"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            telegram_file = await app.bot.get_file(photo.file_id)
            await telegram_file.download_to_drive(target)
        except (TelegramError, OSError) as error:
            log.warning("Photo %s of ticket %s not downloaded yet: %s", photo.id, ticket.id, error)
            missing += 1
            continue
        photo.path = str(target.relative_to(app.settings.data_dir))
        session.add(photo)
        session.commit()
    return missing


def lead_side(session: Session, site_id: int) -> list[Person]:
    """The logistics lead(s); without one, whoever assigns repairs at the site."""
    people = list_people_with_action(
        session=session, site_id=site_id, action=Action.RECEIVE_REPAIR_ESCALATION
    )
    return people or list_people_with_action(
        session=session, site_id=site_id, action=Action.ASSIGN_REPAIR
    )


async def deliver(
    app: HouqinApplication,
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    photo: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
    kind: Kind = Kind.MESSAGE,
) -> Outcome:
    """A text, or a photo captioned with it (captions hold 1024 characters)."""
    if photo is not None and len(text) <= 1024:
        return await send_photo_once(
            app,
            session,
            key=key,
            chat_id=chat_id,
            photo=photo,
            caption=text,
            reply_markup=markup,
            kind=kind,
        )
    return await send_once(
        app, session, key=key, chat_id=chat_id, text=text, reply_markup=markup, kind=kind
    )


def _context(session: Session, ticket: Ticket) -> tuple[Site, dict[int, str], ZoneInfo]:
    site = get_site(session=session, site_id=ticket.site_id)
    assert site is not None
    names = names_of(
        session=session, person_ids=[ticket.reporter_id, ticket.assignee_id, ticket.fixed_by_id]
    )
    return site, names, ZoneInfo(site.timezone)


def first_photo(session: Session, ticket: Ticket, stage: PhotoStage) -> str | None:
    photos = list_photos(session=session, ticket_id=ticket.id or 0, stage=stage)
    return photos[0].file_id if photos else None


async def after_ticket_opened(app: HouqinApplication, ticket_id: int) -> None:
    """Keep the photos, then post the ticket to the maintenance group (else to the lead)."""
    with session_scope(app.engine) as session:
        ticket = get_ticket(session=session, ticket_id=ticket_id)
        if ticket is None or ticket.number is None:
            return
        site_id = ticket.site_id
        await download_photos(app, session, ticket)
        site, names, zone = _context(session, ticket)
        photo = first_photo(session, ticket, PhotoStage.BEFORE)
        now = app.clock()
        groups = list_groups(
            session=session, site_id=site.id or 0, purpose=GroupPurpose.MAINTENANCE
        )
        _ = translator(site.language)
        text = views.summary(_, site.language, ticket, names, zone, now)
        for group in groups:
            await deliver(
                app,
                session,
                key=f"repairs-post:{ticket.id}:{group.chat_id}",
                chat_id=group.chat_id,
                text=text,
                photo=photo,
                markup=views.work_buttons(_, ticket, lead=True),
                # A new repair must reach maintenance: twice beats never (taps are checked).
                kind=Kind.ALERT,
            )
        if not groups:
            for person in lead_side(session, site.id or 0):
                language = person.language or site.language
                _ = translator(language)
                await deliver(
                    app,
                    session,
                    key=f"repairs-post:{ticket.id}:p{person.id}",
                    chat_id=person.telegram_user_id,
                    text=views.summary(_, language, ticket, names, zone, now),
                    photo=photo,
                    markup=views.work_buttons(_, ticket, lead=True, worker=False),
                    kind=Kind.ALERT,
                )
    request_card_refresh(app, site_id)


def _stamp(ticket: Ticket) -> int:
    """Names one change of a ticket in outbox keys (each transition sets updated_at)."""
    return int(ticket.updated_at.timestamp())


async def after_ticket_done(app: HouqinApplication, ticket_id: int) -> None:
    """The check: a repair's reporter, a hazard's lead and health teacher (not the fixer)."""
    with session_scope(app.engine) as session:
        ticket = get_ticket(session=session, ticket_id=ticket_id)
        if ticket is None:
            return
        site_id = ticket.site_id
        await download_photos(app, session, ticket)
        site, names, zone = _context(session, ticket)
        before = first_photo(session, ticket, PhotoStage.BEFORE)
        after = first_photo(session, ticket, PhotoStage.AFTER)
        checkers = _checkers(session, ticket)
        for person in checkers:
            language = person.language or site.language
            _ = translator(language)
            key = f"repairs-check:{ticket.id}:{_stamp(ticket)}:{person.id}"
            if before is not None:
                await deliver(
                    app,
                    session,
                    key=f"{key}:before",
                    chat_id=person.telegram_user_id,
                    text=_("Before:") + f" {ticket.code}",
                    photo=before,
                )
            text = "\n".join(
                [
                    _("{code} is done. Is it fixed?").format(code=ticket.code),
                    views.summary(_, language, ticket, names, zone, app.clock()),
                ]
            )
            await deliver(
                app,
                session,
                key=key,
                chat_id=person.telegram_user_id,
                text=text,
                photo=after,
                markup=views.verify_buttons(_, ticket),
            )
    request_card_refresh(app, site_id)


def _checkers(session: Session, ticket: Ticket) -> list[Person]:
    if ticket.kind == TicketKind.HAZARD:
        people = list_people_with_action(
            session=session, site_id=ticket.site_id, action=Action.VERIFY_HAZARD
        )
        return [p for p in people if p.id != ticket.fixed_by_id]
    reporter = session.get(Person, ticket.reporter_id)
    return [reporter] if reporter is not None else []


async def notify_person(
    app: HouqinApplication,
    ticket_id: int,
    person_id: int | None,
    what: str,
    message: str,
    **fields: Any,
) -> None:
    """One private message about a change (assigned to you, reopened, cannot fix…)."""
    with session_scope(app.engine) as session:
        ticket = get_ticket(session=session, ticket_id=ticket_id)
        person = session.get(Person, person_id) if person_id is not None else None
        if ticket is None or person is None:
            return
        site_id = ticket.site_id
        site, names, zone = _context(session, ticket)
        language = person.language or site.language
        _ = translator(language)
        text = "\n".join(
            [
                _(message).format(code=ticket.code, **fields),
                views.summary(_, language, ticket, names, zone, app.clock()),
            ]
        )
        await send_once(
            app,
            session,
            key=f"repairs-{what}:{ticket.id}:{_stamp(ticket)}:{person.id}",
            chat_id=person.telegram_user_id,
            text=text,
            reply_markup=views.work_buttons(_, ticket)
            if what in {"assigned", "reopened"}
            else None,
        )
    request_card_refresh(app, site_id)
