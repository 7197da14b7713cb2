"""The demo's kitchen: samples disposed and witnessed, held, due now and kept; a supplier
whose licence expires within the month. Yesterday's lunch is checked; today's meals are
free for 马师傅 to log in the browser."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from storage.deliveries import add_certificate, get_or_create_supplier
from storage.meals import get_meal
from storage.models import Person, Site
from storage.samples import NewLog, create_log
from storage.samples_models import SampleLog, SampleState

COOK, HEALTH_TEACHER = 100010, 100003
DISHES = [("红烧肉", 150), ("清炒菠菜", 130), ("米饭", 125), ("番茄蛋汤", 200)]
HOLD_REASON = "小一班两名幼儿腹泻，疑似食源性，待疾控取样"


def _person_id(session: Session, telegram_user_id: int) -> int:
    person = session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).one()
    assert person.id is not None
    return person.id


def _log(session: Session, site: Site, day: date, meal: str, cook: int) -> SampleLog:
    end = datetime.combine(day, get_meal(site, meal).end, ZoneInfo(site.timezone))
    entry = NewLog(site, day, meal, DISHES, Decimal("4.0"), "demo-samples-photo", cook)
    created, _dishes = create_log(session=session, entry=entry, now=end + timedelta(minutes=10))
    log = session.get(SampleLog, created.id)  # the stored row, to change below
    assert log is not None
    return log


def seed_demo_kitchen(session: Session, site: Site) -> None:
    """Once per demo database."""
    if session.exec(select(SampleLog).where(SampleLog.site_id == site.id)).first():
        return
    cook, teacher = _person_id(session, COOK), _person_id(session, HEALTH_TEACHER)
    today = datetime.now(ZoneInfo(site.timezone)).date()
    disposed = _log(session, site, today - timedelta(days=4), "lunch", cook)
    held = _log(session, site, today - timedelta(days=3), "lunch", cook)
    _log(session, site, today - timedelta(days=3), "snack", cook)  # due: reminded at start
    kept = _log(session, site, today - timedelta(days=1), "lunch", cook)
    for log in (disposed, held, kept):
        log.checked_by_id, log.checked_at = teacher, log.taken_at + timedelta(minutes=5)
    disposed.state = SampleState.DISPOSED
    disposed.disposed_by_id, disposed.disposed_at = cook, disposed.dispose_due_at
    disposed.witness_id, disposed.witnessed_at = teacher, disposed.dispose_due_at
    held.state, held.hold_reason = SampleState.HELD, HOLD_REASON
    held.held_by_id, held.held_at = teacher, held.dispose_due_at - timedelta(hours=2)
    session.add_all([disposed, held, kept])
    supplier = get_or_create_supplier(session=session, site_id=site.id or 0, name="绿源蔬菜配送")
    add_certificate(
        session=session,
        supplier=supplier,
        name="食品经营许可证",
        expires_on=today + timedelta(days=20),
    )
    session.commit()
