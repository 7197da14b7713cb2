"""Demo repair tickets: one verified, one overdue, some open, so 维修工 赵强 has work to do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.context import HouqinApplication
from jobs.repairs import after_ticket_opened
from jobs.repairs_card import request_card_refresh
from storage.db import session_scope
from storage.models import Person, Site
from storage.permissions import Role
from storage.repairs import open_ticket, report_hazard
from storage.repairs_models import OPEN, Ticket, Urgency
from storage.repairs_rules import Actor
from storage.repairs_steps import accept, complete, verify
from storage.sites import list_sites
from storage.types import utcnow

SITE_NAME = "第一幼儿园"


def _person(session: Session, telegram_user_id: int) -> int:
    person = session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).one()
    assert person.id is not None
    return person.id


def seed_demo_tickets(engine: Engine) -> None:
    """Only into a site without tickets, so a restarted sandbox keeps what was done in it."""
    with session_scope(engine) as session:
        site = next((s for s in list_sites(session=session) if s.name == SITE_NAME), None)
        if site is None or session.exec(select(Ticket).where(Ticket.site_id == site.id)).first():
            return
        _seed(session, site)


def _seed(session: Session, site: Site) -> None:
    now = utcnow()
    caregiver, other, worker = (_person(session, uid) for uid in (100007, 100008, 100011))
    teacher = _person(session, 100006)
    fixer = Actor(worker, frozenset({Role.MAINTENANCE}))
    common: dict[str, Any] = {"session": session, "site_id": site.id or 0}
    fixed = open_ticket(
        **common,
        now=now - timedelta(days=3),
        reporter_id=other,
        description="窗户把手松动",
        location="小二班",
        category="doors",
    )
    accept(session=session, ticket=fixed, actor=fixer, now=now - timedelta(days=3, hours=-1))
    complete(
        session=session,
        ticket=fixed,
        actor=fixer,
        note="换了新把手",
        photo_file_ids=[],
        now=now - timedelta(days=2),
    )
    verify(
        session=session,
        ticket=fixed,
        actor=Actor(other, frozenset({Role.CAREGIVER})),
        now=now - timedelta(days=2),
    )
    _seed_open(session, site, caregiver, teacher, fixer)


def _seed_open(session: Session, site: Site, caregiver: int, teacher: int, fixer: Actor) -> None:
    now = utcnow()
    common: dict[str, Any] = {"session": session, "site_id": site.id or 0}
    # Urgent and reported six hours ago: overdue; the next deadline check escalates it.
    open_ticket(
        **common,
        now=now - timedelta(hours=6),
        reporter_id=teacher,
        description="插座冒火花，已断电",
        location="中一班",
        category="electric",
        urgency=Urgency.URGENT,
    )
    taken = open_ticket(
        **common,
        now=now - timedelta(hours=2),
        reporter_id=caregiver,
        description="水龙头漏水",
        location="小一班",
        category="plumbing",
    )
    accept(session=session, ticket=taken, actor=fixer, now=now - timedelta(hours=1))
    report_hazard(
        **common,
        reporter_id=caregiver,
        description="滑梯一颗螺丝松动",
        location="操场",
        zone_id=None,
        photo_file_ids=[],
        now=now - timedelta(minutes=30),
    )


async def show_demo_tickets(app: HouqinApplication) -> None:
    """Post the open demo tickets to the maintenance group (once: the posts are keyed)."""
    with session_scope(app.engine) as session:
        open_ids = [
            (t.id or 0, t.site_id)
            for t in session.exec(select(Ticket).where(Ticket.status.in_(OPEN)))  # type: ignore[attr-defined]
        ]
    for ticket_id, site_id in open_ids:
        await after_ticket_opened(app, ticket_id)
        request_card_refresh(app, site_id)
