"""Check-ins: one morning-check answer against the bare handler, and the 09:00 reminder list.

1. `checkin.answer`: 500 classes (ten sites of fifty), each teacher's 全到 tap through
   Application.process_update — the record, the health-alert check and the card refresh it
   schedules — after the 🩺 tap that opened the screen (not measured). Beside it, the bare
   handler of benchmarks.disinfection_confirm (insert one row, commit, answer).
2. `checkin.reminders_500_sites`: building the list of class staff to remind at 09:00 for
   500 sites of six classes (two staff a class, a third of the classes reported, a few
   people on leave, some sites closed), given the sites (the scheduler holds them), each run
   in a fresh session; median of five runs after a first one.

Run: .venv/bin/python -m benchmarks.checkins
"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from benchmarks.common import backends, bot_application, fresh_database, report, report_latencies
from benchmarks.disinfection_confirm import bench_bare, drain_cards, measure, tap
from storage.checkin_models import CalendarDay, CheckinAnswer, ClassHeadcount, StaffLeave
from storage.checkins_status import morning_reminders
from storage.groups import bind_group
from storage.models import GroupPurpose, Membership, Person, SchoolClass, Site
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import create_site, list_sites
from tests.support.networking import OfflineRequest

SITES, CLASSES_PER_SITE = 10, 50
ZONE = ZoneInfo("Asia/Shanghai")
THURSDAY = date(2026, 11, 26)


def seed_classes(engine: Engine) -> list[int]:
    """A teacher per class (Telegram id = 30,000,000 + class id), each class expecting 25."""
    users = []
    with Session(engine, expire_on_commit=False) as session:
        for s in range(SITES + 1):  # the extra site warms up
            site = create_site(session=session, name=f"幼儿园{s}")
            assert site.id is not None
            bind_group(
                session=session,
                site_id=site.id,
                chat_id=-200_000 - s,
                purpose=GroupPurpose.STAFF,
                title="群",
                person_id=None,
            )
            for c in range(CLASSES_PER_SITE):
                school_class = SchoolClass(site_id=site.id, name=f"{s}-{c}班", position=c)
                session.add(school_class)
                session.flush()
                assert school_class.id is not None
                session.add(ClassHeadcount(class_id=school_class.id, expected=25))
                user_id = 30_000_000 + school_class.id
                person = get_or_create_person(
                    session=session, telegram_user_id=user_id, display_name=f"班主任{c}"
                )
                add_membership(
                    session=session,
                    person=person,
                    site_id=site.id,
                    role=Role.CLASS_TEACHER,
                    class_id=school_class.id,
                )
                users.append(user_id)
            session.commit()
    return users


def message(user_id: int, text: str, number: int) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "班主任"}
    chat = {"id": user_id, "type": "private"}
    body = {"message_id": number, "date": 0, "chat": chat, "from": user, "text": text}
    return {"update_id": number, "message": body}


async def bench_answer(engine: Engine, backend: str) -> float:
    users = seed_classes(engine)
    request = OfflineRequest()
    app = bot_application(engine, request)
    moment = datetime(2026, 11, 26, 8, 10, tzinfo=ZONE)
    app.clock = lambda: moment.astimezone(UTC)
    opens = [message(u, "🩺 晨检", n) for n, u in enumerate(users, 1)]
    taps = [tap(u, "ck:v1:all", 10_000 + n) for n, u in enumerate(users, 1)]
    async with app:
        await app.start()
        await measure(app, opens)  # the screens: not measured
        warm, measured = taps[:CLASSES_PER_SITE][-20:], taps[CLASSES_PER_SITE:]
        await measure(app, warm)
        started = time.perf_counter()
        timings = await measure(app, measured)
        wall = time.perf_counter() - started
        await drain_cards(app)
        await app.stop()
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(CheckinAnswer)).one()
    assert stored == len(measured) + len(warm), f"{stored} answers stored"
    report_latencies("checkin.answer", timings, wall, backend)
    return sorted(timings)[len(timings) // 2]


def seed_sites(engine: Engine, sites: int) -> None:
    """500 sites with six classes and two staff each, in bulk (Core inserts)."""
    with engine.begin() as connection:
        site_ids = [
            connection.execute(
                insert(Site.__table__)
                .values(  # type: ignore[attr-defined]
                    name=f"园{s}",
                    kind="kindergarten",
                    boarding=False,
                    timezone="Asia/Shanghai",
                    language="zh",
                    settings={},
                    created_at=datetime.now(UTC),
                )
                .returning(Site.__table__.c.id)  # type: ignore[attr-defined]
            ).scalar_one()
            for s in range(sites)
        ]
        people, memberships, answers, leaves, closed, counts = [], [], [], [], [], []
        for index, site_id in enumerate(site_ids):
            if index % 25 == 0:
                closed.append(
                    {
                        "site_id": site_id,
                        "day": THURSDAY,
                        "closed": True,
                        "reason": "停课",
                        "created_at": datetime.now(UTC),
                    }
                )
            for c in range(6):
                class_id = connection.execute(
                    insert(SchoolClass.__table__)
                    .values(  # type: ignore[attr-defined]
                        site_id=site_id, name=f"{c}班", position=c, active=True
                    )
                    .returning(SchoolClass.__table__.c.id)  # type: ignore[attr-defined]
                ).scalar_one()
                counts.append(
                    {"class_id": class_id, "expected": 25, "updated_at": datetime.now(UTC)}
                )
                for role in (Role.CLASS_TEACHER, Role.CAREGIVER):
                    person_id = 1 + len(people)
                    people.append(
                        {
                            "id": person_id,
                            "telegram_user_id": 50_000_000 + person_id,
                            "display_name": f"老师{person_id}",
                            "created_at": datetime.now(UTC),
                        }
                    )
                    memberships.append(
                        {
                            "person_id": person_id,
                            "site_id": site_id,
                            "role": str(role),
                            "class_id": class_id,
                            "active": True,
                            "created_at": datetime.now(UTC),
                        }
                    )
                    if person_id % 40 == 0:
                        leaves.append(
                            {
                                "site_id": site_id,
                                "person_id": person_id,
                                "start": THURSDAY,
                                "end": THURSDAY,
                                "reason": "病假",
                                "cancelled": False,
                                "created_at": datetime.now(UTC),
                            }
                        )
                if c % 3 == 0:
                    answers.append(
                        {
                            "site_id": site_id,
                            "template": "morning",
                            "window": "morning",
                            "subject": f"class:{class_id}",
                            "day": THURSDAY,
                            "version": 1,
                            "class_id": class_id,
                            "person_id": people[-1]["id"],
                            "data": {"expected": 25},
                            "late": False,
                            "created_at": datetime.now(UTC),
                        }
                    )
        connection.execute(insert(Person.__table__), people)  # type: ignore[attr-defined]
        connection.execute(insert(Membership.__table__), memberships)  # type: ignore[attr-defined]
        connection.execute(insert(CheckinAnswer.__table__), answers)  # type: ignore[attr-defined]
        connection.execute(insert(StaffLeave.__table__), leaves)  # type: ignore[attr-defined]
        connection.execute(insert(CalendarDay.__table__), closed)  # type: ignore[attr-defined]
        connection.execute(insert(ClassHeadcount.__table__), counts)  # type: ignore[attr-defined]


def bench_reminders(engine: Engine, backend: str) -> None:
    seed_sites(engine, 500)
    if backend == "postgresql":  # statistics, as autovacuum keeps them on a live database
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    with Session(engine, expire_on_commit=False) as session:
        sites = list_sites(session=session)  # what the scheduler holds (rebuilt every minute)
    runs = []
    for _ in range(6):
        with Session(engine) as session:  # a fresh session, as a job opens
            started = time.perf_counter()
            found = morning_reminders(session=session, sites=sites, day=THURSDAY)
            runs.append(time.perf_counter() - started)
    assert 3000 < sum(len(r.subjects) for r in found) < 6000, len(found)
    report("checkin.reminders_500_sites", statistics.median(runs[1:]) * 1000, "ms", backend)
    report("checkin.reminders_500_sites.people", len(found), "people", backend)


async def main() -> None:
    for backend in backends():
        with fresh_database(backend) as engine:
            answer_p50 = await bench_answer(engine, backend)
        with fresh_database(backend) as engine:
            bare_p50 = await bench_bare(engine, backend)
        report("checkin.answer.vs_bare_p50", answer_p50 / bare_p50, "x", backend)
        with fresh_database(backend) as engine:
            bench_reminders(engine, backend)


if __name__ == "__main__":
    asyncio.run(main())
