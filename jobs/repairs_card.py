"""The maintenance group's live card of open tickets, edited in place as tickets change."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, Forbidden

from bot.context import HouqinApplication
from bot.i18n import format_day, translator
from bot.views import repairs as views
from jobs.outbox import Kind, send_once
from storage.db import session_scope
from storage.groups import list_groups
from storage.models import GroupPurpose
from storage.outbox import get_outbound, release_claim
from storage.repairs_queries import count_open, list_open
from storage.sites import get_site

log = logging.getLogger(__name__)


def request_card_refresh(app: HouqinApplication, site_id: int) -> None:
    """Redraw the card soon; a burst of changes becomes one edit per interval."""
    if app.job_queue is None:
        return

    async def refresh(_: Any) -> None:
        await refresh_card(app, site_id)

    app.card_editor.request(app.job_queue, f"repairs:{site_id}", refresh)


async def refresh_card(app: HouqinApplication, site_id: int) -> None:
    """Post today's card in each maintenance group, or edit it to match the database."""
    with session_scope(app.engine) as session:
        site = get_site(session=session, site_id=site_id)
        if site is None:
            return
        groups = list_groups(session=session, site_id=site_id, purpose=GroupPurpose.MAINTENANCE)
        if not groups:
            return
        now = app.clock()
        day = now.astimezone(ZoneInfo(site.timezone)).date()
        tickets = list_open(session=session, site_id=site_id, now=now, size=views.CARD_LINES)[
            : views.CARD_LINES
        ]
        total = count_open(session=session, site_id=site_id)
        _ = translator(site.language)
        text = views.card(_, site.language, format_day(day, site.language), tickets, total, now)
        for group in groups:
            key = f"repairs-card:{site_id}:{day.isoformat()}:{group.chat_id}"
            posted = get_outbound(session=session, key=key)
            if posted is None:
                await send_once(
                    app, session, key=key, chat_id=group.chat_id, text=text, kind=Kind.CARD
                )
                app.card_editor.shown(key, text)
                continue
            if posted.message_id is None or not app.card_editor.changed(key, text):
                continue
            try:
                await app.bot.edit_message_text(text, group.chat_id, posted.message_id)
            except BadRequest as error:
                if "not modified" not in error.message:
                    log.warning("Card %s could not be edited (%s); posting it again", key, error)
                    release_claim(session=session, claim=posted)
                    await send_once(
                        app, session, key=key, chat_id=group.chat_id, text=text, kind=Kind.CARD
                    )
            except Forbidden as error:
                log.warning("Card %s: the bot is no longer in the group: %s", key, error)
            app.card_editor.shown(key, text)
