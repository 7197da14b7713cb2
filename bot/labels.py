"""Display names of roles, group purposes and areas (catalog message ids)."""

from __future__ import annotations

from bot.i18n import N_, Translate
from storage.models import AreaKind, GroupPurpose
from storage.permissions import Action, Role, roles_allowed

ROLE_LABELS: dict[Role, str] = {
    Role.DIRECTOR: N_("Director"),
    Role.LOGISTICS_HEAD: N_("Logistics vice-director"),
    Role.HEALTH_TEACHER: N_("Health teacher"),
    Role.LOGISTICS_LEAD: N_("Logistics lead"),
    Role.CAREGIVER_LEAD: N_("Caregiver lead"),
    Role.CLASS_TEACHER: N_("Class teacher"),
    Role.CAREGIVER: N_("Caregiver"),
    Role.KITCHEN: N_("Kitchen staff"),
    Role.MAINTENANCE: N_("Maintenance"),
    Role.GUARD: N_("Guard"),
    Role.PARENT: N_("Parent"),
}

PURPOSE_LABELS: dict[GroupPurpose, str] = {
    GroupPurpose.STAFF: N_("Staff group"),
    GroupPurpose.MAINTENANCE: N_("Maintenance group"),
    GroupPurpose.KITCHEN: N_("Kitchen group"),
}

AREA_LABELS: dict[str, str] = {
    AreaKind.ACTIVITY_ROOM: N_("Activity room"),
    AreaKind.NAP_ROOM: N_("Nap room"),
    AreaKind.TOILET: N_("Toilet"),
    AreaKind.TOYS: N_("Toys"),
    AreaKind.TABLEWARE: N_("Tableware"),
    AreaKind.KITCHEN: N_("Kitchen"),
    AreaKind.CORRIDOR: N_("Corridor"),
    AreaKind.PLAYGROUND: N_("Playground equipment"),
    AreaKind.GATE: N_("Gate house"),
    AreaKind.OTHER: N_("Other area"),
}


def role_label(_: Translate, role: str, class_name: str | None = None) -> str:
    label = _(ROLE_LABELS[Role(role)])
    return f"{class_name} · {label}" if class_name else label


def needed_roles(_: Translate, action: Action) -> str:
    """'Director / Health teacher' — for refusals that say which role is needed."""
    return " / ".join(_(ROLE_LABELS[role]) for role in roles_allowed(action))


METHOD_LABELS: dict[str, str] = {
    "uv_lamp": N_("UV lamp"),
    "cabinet": N_("Disinfection cabinet"),
    "chlorine": N_("Chlorine solution"),
    "ventilation": N_("Ventilation"),
}


def area_label(_: Translate, class_name: str, kind: str, name: str = "") -> str:
    """小一班 活动室 — an area's own name wins over its kind's label."""
    return f"{class_name} {name or _(AREA_LABELS.get(kind, AREA_LABELS['other']))}".strip()
