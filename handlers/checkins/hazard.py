"""A hazard found in a zone self-check: kept in the answer (description and photo).

The repairs flow's hazard ticket is wired here once it lands on main.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.context import HouqinApplication
from storage.checkin_models import CheckinAnswer
from storage.models import Zone


async def open_hazard(
    app: HouqinApplication,
    session: Session,
    answer: CheckinAnswer,
    zone: Zone,
    reporter_id: int,
    now: datetime,
) -> str | None:
    """Open the hazard ticket for this answer; returns a short label such as " · 工单 #12"."""
    return None
