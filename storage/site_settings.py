"""Per-site settings with the defaults of shared/DOMAIN.md; stored as JSON on the site."""

from __future__ import annotations

import json
from datetime import time
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field

from storage.models import AreaKind, Site


class MealSetting(BaseModel):
    """A meal of the day and when it ends (samples are counted from the end)."""

    model_config = {"frozen": True}

    key: str = Field(min_length=1, max_length=30)
    end: time
    # Shown instead of the key's label when set (a site's own meal, e.g. 早点).
    name: str = Field(default="", max_length=30)


class SiteSettings(BaseModel):
    """Typed view of ``Site.settings``; unknown keys are kept for later features."""

    # Frozen: one parsed copy is shared by every reader; changes go through model_copy.
    model_config = {"extra": "allow", "frozen": True}

    # When today's live cards are posted in the staff group.
    board_post_time: time = time(7, 30)
    disinfection_deadline: time = time(16, 30)
    disinfection_escalation_minutes: int = Field(default=30, ge=1, le=240)
    disinfection_areas: list[AreaKind] = [AreaKind.ACTIVITY_ROOM, AreaKind.NAP_ROOM]
    disinfection_methods: list[str] = ["uv_lamp", "cabinet", "chlorine", "ventilation"]
    uv_minutes: int = Field(default=60, ge=10, le=180)
    # Rounds per day; epidemic mode raises it (e.g. hand-foot-mouth season).
    disinfection_rounds: int = Field(default=1, ge=1, le=4)
    epidemic_rounds: int = Field(default=2, ge=1, le=4)
    epidemic_mode: bool = False
    chlorine_min_mg_l: int = 100
    chlorine_max_mg_l: int = 2000
    sample_min_grams: int = 125
    # The director's daily summary: when (school days; boarding sites every day).
    summary_time: time = time(17, 30)
    sample_keep_hours: int = Field(default=48, ge=48, le=24 * 14)
    # None: breakfast, lunch and snack, plus dinner at boarding sites (see storage.samples).
    meals: list[MealSetting] | None = None
    sample_fridge_min_c: int = 0
    sample_fridge_max_c: int = 8
    # A meal not logged this long after its end: the kitchen is reminded, then the health
    # teacher told.
    sample_reminder_minutes: int = Field(default=60, ge=10, le=600)
    sample_escalation_minutes: int = Field(default=120, ge=20, le=720)
    # Held samples are listed to the health teacher and director daily at this time.
    held_samples_time: time = time(8, 0)
    # Suppliers' certificates expiring within this many days are told to the logistics lead.
    certificate_warning_days: int = Field(default=30, ge=1, le=365)
    certificate_check_time: time = time(9, 0)
    # Parents who have not acknowledged a notice after this long get one reminder.
    notice_reminder_hours: int = Field(default=24, ge=1, le=168)
    # Repairs: an urgent one is due in hours, a normal one in school days (Mon–Fri).
    repair_urgent_hours: int = Field(default=4, ge=1, le=72)
    repair_normal_school_days: int = Field(default=3, ge=1, le=30)
    # Unanswered ✅/❌ after this long: the logistics lead verifies instead of the reporter.
    repair_verify_hours: int = Field(default=24, ge=1, le=168)
    # Still open this long after the first escalation: the director is told.
    repair_director_hours: int = Field(default=24, ge=1, le=168)
    # Places offered as buttons when reporting, besides the classes (names as staff say them).
    repair_places: list[str] = ["厨房", "走廊", "卫生间", "操场", "门卫室", "办公室", "楼梯"]
    # Safety calendar: when the day's task reminders go out; the evacuation target.
    calendar_reminder_time: time = time(8, 0)
    evacuation_target_seconds: int = Field(default=120, ge=30, le=1800)
    # Check-ins (晨检 and 责任区自查): each window opens, is due, then escalates.
    morning_opens: time = time(7, 30)
    morning_due: time = time(9, 0)
    morning_escalate: time = time(9, 30)
    zone_start_opens: time = time(7, 30)
    zone_start_due: time = time(8, 30)
    zone_start_escalate: time = time(9, 0)
    zone_end_opens: time = time(17, 0)
    zone_end_due: time = time(17, 30)
    zone_end_escalate: time = time(18, 0)
    # This many children with fever or a rash in one class on one day alert the health teacher.
    fever_alert_threshold: int = Field(default=2, ge=1, le=50)
    class_size_max: int = Field(default=60, ge=1, le=500)

    @property
    def rounds_today(self) -> int:
        return self.epidemic_rounds if self.epidemic_mode else self.disinfection_rounds


def get_site_settings(site: Site) -> SiteSettings:
    """The site's validated settings (shared and read-only; change them with model_copy)."""
    return parse_settings(site.settings)


def parse_settings(raw: dict[str, Any] | None) -> SiteSettings:
    """The validated settings of a raw ``Site.settings`` value read without the ORM."""
    return _parse(json.dumps(raw or {}, sort_keys=True))


@lru_cache(maxsize=256)
def _parse(raw: str) -> SiteSettings:
    # Validation is the slow part and settings rarely change: parse each version once.
    return SiteSettings.model_validate_json(raw)


def save_site_settings(site: Site, settings: SiteSettings) -> None:
    """Write the settings back (the caller commits)."""
    site.settings = settings.model_dump(mode="json")
