"""The demo kindergarten's past two weeks, so the summary's chart and the ledgers have data.

Deterministic, and only written once: a sandbox restarted keeps what it had.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.disinfection import DisinfectionRecord
from storage.models import Membership, Site
from storage.permissions import Role
from storage.sites import list_class_areas

DAYS = 14
METHODS = ("cabinet", "chlorine", "ventilation", "cabinet")


def last_school_day(today: date) -> date:
    day = today - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def seed_disinfection_history(engine: Engine, site: Site, today: date) -> None:
    """Each school day of the last two weeks (not today): most rooms done, a few missed."""
    assert site.id is not None
    zone = ZoneInfo(site.timezone)
    with Session(engine) as session:
        earlier = select(DisinfectionRecord.id).where(
            DisinfectionRecord.site_id == site.id, col(DisinfectionRecord.day) < today
        )
        if session.exec(earlier).first() is not None:
            return
        caregivers = {
            m.class_id: m.person_id
            for m in session.exec(
                select(Membership).where(
                    Membership.site_id == site.id, Membership.role == Role.CAREGIVER
                )
            )
        }
        lead = session.exec(
            select(Membership.person_id).where(
                Membership.site_id == site.id, Membership.role == Role.CAREGIVER_LEAD
            )
        ).first()
        areas = list_class_areas(session=session, site_id=site.id)
        for offset in range(DAYS, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for n, area in enumerate(areas):
                if (n * 7 + offset * 3) % 11 == 0:  # about one room in eleven is missed
                    continue
                operator = caregivers.get(area.class_id) or lead
                if operator is None:
                    continue
                moment = datetime.combine(day, time(13, 30), zone).astimezone(UTC)
                method = METHODS[(n + offset) % len(METHODS)]
                session.add(
                    DisinfectionRecord(
                        site_id=site.id,
                        area_id=area.id or 0,
                        class_id=area.class_id,
                        day=day,
                        method=method,
                        concentration_mg_l=500 if method == "chlorine" else None,
                        started_at=moment,
                        ended_at=moment,
                        operator_id=operator,
                        confirmed_by_id=operator,
                        created_at=moment,
                    )
                )
        session.commit()
