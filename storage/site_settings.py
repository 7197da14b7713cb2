"""Per-site settings with the defaults of shared/DOMAIN.md; stored as JSON on the site."""

from __future__ import annotations

import json
from datetime import time
from functools import lru_cache

from pydantic import BaseModel, Field

from storage.models import AreaKind, Site


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
    sample_keep_hours: int = 48
    # Parents who have not acknowledged a notice after this long get one reminder.
    notice_reminder_hours: int = Field(default=24, ge=1, le=168)
    # Repairs: an urgent one is due in hours, a normal one in school days (Mon–Fri).
    repair_urgent_hours: int = Field(default=4, ge=1, le=72)
    repair_normal_school_days: int = Field(default=3, ge=1, le=30)
    # Unanswered ✅/❌ after this long: the logistics lead verifies instead of the reporter.
    repair_verify_hours: int = Field(default=24, ge=1, le=168)
    # Still open this long after the first escalation: the director is told.
    repair_director_hours: int = Field(default=24, ge=1, le=168)

    @property
    def rounds_today(self) -> int:
        return self.epidemic_rounds if self.epidemic_mode else self.disinfection_rounds


def get_site_settings(site: Site) -> SiteSettings:
    """The site's validated settings (shared and read-only; change them with model_copy)."""
    return _parse(json.dumps(site.settings or {}, sort_keys=True))


@lru_cache(maxsize=256)
def _parse(raw: str) -> SiteSettings:
    # Validation is the slow part and settings rarely change: parse each version once.
    return SiteSettings.model_validate_json(raw)


def save_site_settings(site: Site, settings: SiteSettings) -> None:
    """Write the settings back (the caller commits)."""
    site.settings = settings.model_dump(mode="json")
