"""A hazard found in a zone self-check opens a hazard ticket in the repairs flow.

The answer is committed first (so the self-check is never lost), then the ticket is opened
with the zone, the reporter, the description and the photo, and linked from the answer.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.context import HouqinApplication
from jobs.repairs import after_ticket_opened
from storage.checkin_models import CheckinAnswer
from storage.checkins_zone import link_ticket
from storage.models import Zone
from storage.repairs import report_hazard
from storage.repairs_rules import TicketError

log = logging.getLogger(__name__)


async def open_hazard(
    app: HouqinApplication,
    session: Session,
    answer: CheckinAnswer,
    zone: Zone,
    reporter_id: int,
    now: datetime,
) -> str | None:
    """Open and post the ticket; returns its code (#2026-0001), or None if it was refused."""
    photo = answer.data.get("photo")
    try:
        ticket = report_hazard(
            session=session,
            site_id=zone.site_id,
            reporter_id=reporter_id,
            description=str(answer.data["hazard"]),
            location=zone.name,
            zone_id=zone.id,
            photo_file_ids=[photo] if photo else [],
            now=now,
        )
    except TicketError as error:
        # The self-check is stored with its description and photo; the ticket can follow.
        log.warning("Hazard ticket for answer %s not opened: %s", answer.id, error)
        return None
    link_ticket(session=session, answer_id=answer.id or 0, ticket_id=ticket.id or 0)
    await after_ticket_opened(app, ticket.id or 0)
    return ticket.code
