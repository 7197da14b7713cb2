"""The demo's check-ins: headcounts, zones and a morning of answers and gaps to look at.

Today (site time) 小二班 has reported two children sick, 中一班 all present, the others not
yet (小一班 is left for 李芳 to report in the page); the gate is checked, the kitchen not;
the times are set so that the whole morning is open whatever the hour of the demo.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.checkin_models import ClassHeadcount
from storage.checkins import CheckinError, local_today
from storage.checkins_morning import Child, MorningReport, record_morning_check
from storage.checkins_zone import record_zone_check
from storage.db import session_scope
from storage.models import Person, SchoolClass, Site, Zone
from storage.school_days import is_school_day, set_days
from storage.site_settings import get_site_settings, save_site_settings
from storage.sites import list_classes
from storage.types import utcnow
from storage.zones import set_zone

HEADCOUNTS = {"小一班": 25, "小二班": 26, "中一班": 30, "中二班": 30, "大一班": 32, "大二班": 32}
# (zone, responsible person's Telegram id)
ZONES = [("大门", 100012), ("厨房", 100010), ("操场大型玩具", 100004)]
# Every window open from midnight and due just before the next: a demo at any hour works.
ALL_DAY = {
    f"{window}_{what}": at
    for window in ("morning", "zone_start", "zone_end")
    for what, at in (("opens", time(0, 0)), ("due", time(23, 50)), ("escalate", time(23, 55)))
}


def open_all_day(engine: Engine, site_name: str) -> None:
    """Check-in windows open all day (for the demo and the end-to-end stories)."""
    with session_scope(engine) as session:
        site = session.exec(select(Site).where(Site.name == site_name)).one()
        save_site_settings(site, get_site_settings(site).model_copy(update=ALL_DAY))
        session.add(site)
        session.commit()


def seed_checkins(engine: Engine, site_name: str, *, answers: bool = True) -> None:
    """Headcounts and zones; with `answers`, today's morning of answers and gaps."""
    open_all_day(engine, site_name)
    with session_scope(engine) as session:
        site = session.exec(select(Site).where(Site.name == site_name)).one()
        assert site.id is not None
        classes = {c.name: c for c in list_classes(session=session, site_id=site.id)}
        for name, expected in HEADCOUNTS.items():
            if name in classes and session.get(ClassHeadcount, classes[name].id) is None:
                session.add(ClassHeadcount(class_id=classes[name].id or 0, expected=expected))
        session.commit()
        people = {p.telegram_user_id: p for p in session.exec(select(Person))}
        zones = {
            name: set_zone(
                session=session, site_id=site.id, name=name, person_id=people[uid].id, by=None
            )
            for name, uid in ZONES
            if uid in people
        }
        if not answers:
            return
        now: datetime = utcnow()
        today = local_today(site, now)
        if not is_school_day(session=session, site=site, day=today):  # a weekend demo
            set_days(
                session=session,
                site=site,
                start=today,
                end=today,
                closed=False,
                reason="演示",
                person_id=None,
                today=today,
            )
        try:
            _answer_some(session, site, classes, people, zones, now)
        except CheckinError:  # answered by an earlier start today: leave them as they are
            session.rollback()


def _answer_some(
    session: Session,
    site: Site,
    classes: dict[str, SchoolClass],
    people: dict[int, Person],
    zones: dict[str, Zone],
    now: datetime,
) -> None:
    today = local_today(site, now)
    reports = {
        ("小二班", 100008): MorningReport(
            expected=26, sick=(Child("王小宝", "fever"), Child("刘一一", "cough")), personal=1
        ),
        ("中一班", 100009): MorningReport(expected=30),
    }
    for (class_name, uid), report in reports.items():
        record_morning_check(
            session=session,
            site=site,
            school_class=classes[class_name],
            day=today,
            person_id=people[uid].id or 0,
            report=report,
            now=now,
        )
    gate = zones.get("大门")
    if gate is not None:
        record_zone_check(
            session=session,
            site=site,
            zone=gate,
            window="start",
            day=today,
            person_id=gate.person_id or 0,
            hazard=None,
            photo_file_id=None,
            now=now,
        )
        session.commit()
