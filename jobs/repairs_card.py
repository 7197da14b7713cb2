"""The maintenance group's live card of open tickets, edited in place as tickets change."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from bot.context import HouqinApplication
from bot.i18n import format_day, translator
from bot.views import repairs as views
from jobs.cards import show_card
from storage.db import session_scope
from storage.groups import list_groups
from storage.models import GroupPurpose
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
            await show_card(app, session, key=key, chat_id=group.chat_id, text=text)
