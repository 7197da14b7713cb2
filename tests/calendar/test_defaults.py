"""Every site starts with the calendar the rules ask for, by kind of site."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.calendar import ensure_occurrences
from storage.calendar_models import Recurrence, TaskKind
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import SiteKind
from tests.calendar.setup import make_site_on, occurrences, rules

MONTHLY_CHECKS = {"safety_inspection", "deep_cleaning", "extinguisher_check", "playground_check",
                  "next_month_menu"}  # fmt: skip


def test_a_new_kindergarten_gets_a_quarterly_drill_and_monthly_inspections(db: Session) -> None:
    site = make_site_on(db, "2026-11-20 10:00")

    seeded = rules(db, site)
    drill = seeded["evacuation_drill"]
    assert drill.kind == TaskKind.DRILL and drill.recurrence == Recurrence.QUARTERLY
    assert drill.title == "疏散演练"
    for key in MONTHLY_CHECKS:
        assert seeded[key].recurrence == Recurrence.MONTHLY and seeded[key].interval == 1
    assert seeded["safety_inspection"].role == "health_teacher"
    assert seeded["director_inspection"].recurrence == Recurrence.WEEKLY
    assert seeded["director_inspection"].start == date(2026, 11, 20)  # a Friday
    assert (seeded["staff_training"].recurrence, seeded["staff_training"].interval) == ("weekly", 2)
    assert (seeded["meal_committee"].recurrence, seeded["meal_committee"].interval) == (
        "monthly",
        2,
    )

    ensure_occurrences(session=db, site=site, today=date(2026, 11, 20))
    assert [o.due_date for o in occurrences(db, drill)] == [date(2026, 12, 31)]
    assert [o.due_date for o in occurrences(db, seeded["safety_inspection"])] == [
        date(2026, 11, 25), date(2026, 12, 25)]  # fmt: skip


def test_a_primary_school_gets_monthly_drills(db: Session) -> None:
    site = make_site_on(db, "2026-11-20 10:00", kind=SiteKind.PRIMARY)

    drill = rules(db, site)["evacuation_drill"]
    assert drill.recurrence == Recurrence.MONTHLY and drill.day_of_month == -1
    ensure_occurrences(session=db, site=site, today=date(2026, 11, 20))
    assert [o.due_date for o in occurrences(db, drill)] == [
        date(2026, 11, 30), date(2026, 12, 31)]  # fmt: skip
    assert rules(db, site)["playground_check"].title == "体育器材与游乐设施检查"


def test_boarding_sites_drill_more_often(db: Session) -> None:
    school = make_site_on(db, "2026-11-20 10:00", kind=SiteKind.MIDDLE, boarding=True)
    kindergarten = make_site_on(db, "2026-11-20 10:00", boarding=True)

    assert (rules(db, school)["evacuation_drill"].recurrence,
            rules(db, school)["evacuation_drill"].interval) == ("weekly", 2)  # fmt: skip
    assert rules(db, kindergarten)["evacuation_drill"].recurrence == Recurrence.MONTHLY


def test_seeding_again_keeps_a_rule_the_director_switched_off(db: Session) -> None:
    from storage.calendar_defaults import seed_defaults

    site = make_site_on(db, "2026-11-20 10:00")
    drill = rules(db, site)["evacuation_drill"]
    drill.active = False
    db.add(drill)
    db.commit()

    assert seed_defaults(session=db, site=site, start=date(2026, 12, 1)) == 0
    assert rules(db, site)["evacuation_drill"].active is False


def test_sites_created_before_the_calendar_get_it_from_the_migration(tmp_path: object) -> None:
    engine: Engine = make_engine(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO site (name, kind, boarding, timezone, language, settings, created_at) "
            "VALUES ('老园', 'primary', 0, 'Asia/Shanghai', 'zh', '{}', '2026-01-01 00:00:00')"
        ))  # fmt: skip

    upgrade(engine)

    with engine.connect() as connection:
        found = dict(connection.execute(text(
            "SELECT default_key, recurrence FROM task_rule WHERE site_id = 1")).all())  # fmt: skip
    assert found["evacuation_drill"] == "monthly"
    assert set(found) >= MONTHLY_CHECKS
    engine.dispose()
