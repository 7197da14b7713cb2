"""The calendar every site starts with, by kind of site (shared/DOMAIN.md: drills, inspections…).

Seeded when a site is created and, for sites that existed before, by the migration. Each
default has a stable key, so seeding again adds only what is missing and never undoes a
director's edits (a rule switched off stays off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from storage.calendar_models import DrillType, Recurrence, TaskKind, TaskRule
from storage.calendar_rules import first_weekday_on_or_after
from storage.models import Site, SiteKind

FRIDAY, WEDNESDAY = 4, 2


@dataclass(frozen=True)
class Default:
    key: str
    title_zh: str
    title_en: str
    role: str | None
    recurrence: Recurrence
    interval: int = 1
    day_of_month: int | None = None
    lead_days: int = 3
    weekday: int | None = None  # weekly rules fall on this weekday
    kind: TaskKind = TaskKind.TASK
    drill_type: DrillType | None = None


def _drill(kind: str, boarding: bool) -> Default:
    """Kindergartens drill at least quarterly, schools monthly, boarding sites more often."""
    school = kind in (SiteKind.PRIMARY, SiteKind.MIDDLE)
    base: dict[str, Any] = {
        "key": "evacuation_drill",
        "title_zh": "疏散演练",
        "title_en": "Evacuation drill",
        "role": "logistics_head",
        "kind": TaskKind.DRILL,
        "drill_type": DrillType.EVACUATION,
    }
    if boarding and school:
        return Default(**base, recurrence=Recurrence.WEEKLY, interval=2, weekday=WEDNESDAY)
    if boarding or school:
        return Default(**base, recurrence=Recurrence.MONTHLY, day_of_month=-1, lead_days=7)
    return Default(**base, recurrence=Recurrence.QUARTERLY, lead_days=14)


def defaults_for(kind: str, boarding: bool) -> list[Default]:
    playground = ("大型玩具检查", "Large play equipment check")
    if kind in (SiteKind.PRIMARY, SiteKind.MIDDLE):
        playground = ("体育器材与游乐设施检查", "Sports and play equipment check")
    monthly = Recurrence.MONTHLY
    return [
        _drill(kind, boarding),
        Default("safety_inspection", "园舍安全检查", "Premises safety inspection",
                "health_teacher", monthly, day_of_month=25),
        Default("director_inspection", "园长安全巡查", "Director's safety walk-round",
                "director", Recurrence.WEEKLY, lead_days=1, weekday=FRIDAY),
        Default("deep_cleaning", "卫生大扫除", "Deep cleaning", "caregiver_lead", monthly,
                day_of_month=-1),
        Default("extinguisher_check", "灭火器检查", "Fire extinguisher check", "maintenance",
                monthly, day_of_month=15, lead_days=2),
        Default("playground_check", *playground, "maintenance", monthly, day_of_month=15,
                lead_days=2),
        Default("next_month_menu", "下月食谱", "Next month's menu", "kitchen", monthly,
                day_of_month=25, lead_days=5),
        Default("staff_training", "教职工安全培训", "Staff safety training", "logistics_head",
                Recurrence.WEEKLY, interval=2, lead_days=2, weekday=WEDNESDAY),
        Default("meal_committee", "膳食委员会会议", "Meal committee meeting", "logistics_head",
                monthly, interval=2, day_of_month=20, lead_days=5),
    ]  # fmt: skip


def default_rule_values(site: Site, start: date) -> list[dict[str, Any]]:
    """Column values of the site's default rules (also used by the migration)."""
    values = []
    for default in defaults_for(site.kind, site.boarding):
        first = start
        if default.weekday is not None:
            first = first_weekday_on_or_after(start, default.weekday)
        values.append(
            {
                "site_id": site.id,
                "title": default.title_en if site.language == "en" else default.title_zh,
                "kind": default.kind.value,
                "drill_type": default.drill_type.value if default.drill_type else None,
                "role": default.role,
                "recurrence": default.recurrence.value,
                "interval": default.interval,
                "day_of_month": default.day_of_month,
                "start": first,
                "lead_days": default.lead_days,
                "default_key": default.key,
                "source": "default",
            }
        )
    return values


def seed_defaults(*, session: Session, site: Site, start: date) -> int:
    """Add the defaults the site does not have yet (uncommitted); returns how many."""
    assert site.id is not None
    have = set(session.exec(select(TaskRule.default_key).where(TaskRule.site_id == site.id)).all())
    added = 0
    for values in default_rule_values(site, start):
        if values["default_key"] not in have:
            session.add(TaskRule(**values))
            added += 1
    session.flush()
    return added
