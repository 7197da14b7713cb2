"""A kindergarten kitchen: lunch ends 12:30; two cooks, the health teacher, the director."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from storage.models import Site
from storage.permissions import Role
from storage.samples_models import SampleDish, SampleLog
from storage.sites import update_site_settings
from tests.factories import make_member, make_site
from tests.support.networking import Call
from tests.support.telegram import Telegram, User

COOK = User(801, "马师傅")
SECOND_COOK = User(802, "刘阿姨")
HEALTH_TEACHER = User(803, "周敏")
DIRECTOR = User(804, "王丽")
LOGISTICS_LEAD = User(805, "孙伟")
CAREGIVER = User(806, "李芳")
MEALS = [
    {"key": "breakfast", "end": "08:30"},
    {"key": "lunch", "end": "12:30"},
    {"key": "snack", "end": "15:00"},
]


@dataclass
class Kitchen:
    site: Site


def make_kitchen(db: Session) -> Kitchen:
    site = make_site(db, classes=("小一班",))
    # Everything the clock is moved to in the stories happens after the site existed.
    site.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    update_site_settings(session=db, site=site, changes={"meals": MEALS})
    make_member(db, site, COOK, Role.KITCHEN)
    make_member(db, site, SECOND_COOK, Role.KITCHEN)
    make_member(db, site, HEALTH_TEACHER, Role.HEALTH_TEACHER)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    make_member(db, site, LOGISTICS_LEAD, Role.LOGISTICS_LEAD)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")
    return Kitchen(site)


def last_with_buttons(calls: list[Call]) -> Call:
    return [c for c in calls if c.buttons()][-1]


async def log_meal(
    telegram: Telegram,
    user: User,
    meal: str,
    dishes: list[tuple[str, str]],
    celsius: str = "4",
) -> list[Call]:
    """🥡 留样 → meal → type each dish → 下一步 → grams each → fridge °C → photo."""
    screen = last_with_buttons(await telegram.send(user, "🥡 留样"))
    calls = await telegram.press(user, screen, meal)
    for name, _grams in dishes:
        offered = [label for c in calls for label, _data in c.buttons()]
        if name in offered:
            calls = await telegram.press(user, last_with_buttons(calls), name)
        else:
            calls = await telegram.send(user, name)
    calls = await telegram.press(user, last_with_buttons(calls), "下一步")
    for _name, grams in dishes:
        calls = await telegram.send(user, grams)
    calls += await telegram.send(user, celsius)
    calls += await telegram.send_photo(user)
    return calls


def logs(db: Session) -> list[SampleLog]:
    return list(db.exec(select(SampleLog).order_by(SampleLog.id)))  # type: ignore[arg-type]


def dishes(db: Session) -> list[SampleDish]:
    return list(db.exec(select(SampleDish).order_by(SampleDish.id)))  # type: ignore[arg-type]


async def drain(telegram: Telegram) -> None:
    """Let the jobs that are due now (catch-ups at start-up) run; no waiting for a time."""
    assert telegram.app.job_queue is not None
    for _ in range(200):
        now = datetime.now(UTC)
        if not any(j.next_t and j.next_t <= now for j in telegram.app.job_queue.jobs()):
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.01)  # the last one may be finishing its sends
    if telegram.db is not None:
        telegram.db.commit()
