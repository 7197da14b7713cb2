"""Who may do what: one table of role → allowed actions, used by every flow."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    DIRECTOR = "director"
    LOGISTICS_HEAD = "logistics_head"
    HEALTH_TEACHER = "health_teacher"
    LOGISTICS_LEAD = "logistics_lead"
    CAREGIVER_LEAD = "caregiver_lead"
    CLASS_TEACHER = "class_teacher"
    CAREGIVER = "caregiver"
    KITCHEN = "kitchen"
    MAINTENANCE = "maintenance"
    GUARD = "guard"
    PARENT = "parent"


# Roles that belong to one class: an invitation for them must name the class.
CLASS_ROLES = frozenset({Role.CLASS_TEACHER, Role.CAREGIVER, Role.PARENT})
STAFF_ROLES = frozenset(Role) - {Role.PARENT}
LEADERSHIP = frozenset({Role.DIRECTOR, Role.LOGISTICS_HEAD})


class Action(StrEnum):
    INVITE_STAFF = "invite_staff"
    INVITE_LEADERSHIP = "invite_leadership"
    BIND_GROUP = "bind_group"
    MANAGE_SITE = "manage_site"
    VIEW_STAFF_DATA = "view_staff_data"
    DISINFECT_OWN_CLASS = "disinfect_own_class"
    DISINFECT_ANY_CLASS = "disinfect_any_class"
    RECEIVE_HYGIENE_ESCALATION = "receive_hygiene_escalation"
    SET_EPIDEMIC_MODE = "set_epidemic_mode"
    RECEIVE_NOTICES = "receive_notices"
    # 告家长书: the whole site (or any classes of it), or only one's own class.
    SEND_NOTICES = "send_notices"
    SEND_CLASS_NOTICES = "send_class_notices"
    VIEW_SUMMARY = "view_summary"
    RECEIVE_DAILY_SUMMARY = "receive_daily_summary"
    EXPORT_LEDGERS = "export_ledgers"
    LOG_SAMPLES = "log_samples"
    CHECK_SAMPLES = "check_samples"
    HOLD_SAMPLES = "hold_samples"
    RELEASE_SAMPLES = "release_samples"
    RECEIVE_SAMPLE_ALERTS = "receive_sample_alerts"
    CHECK_DELIVERIES = "check_deliveries"
    RECEIVE_CERTIFICATE_ALERTS = "receive_certificate_alerts"
    MANAGE_MEMBERS = "manage_members"
    REPORT_REPAIR = "report_repair"
    ACCEPT_REPAIR = "accept_repair"
    ASSIGN_REPAIR = "assign_repair"
    VERIFY_HAZARD = "verify_hazard"
    VIEW_ALL_TICKETS = "view_all_tickets"
    RECEIVE_REPAIR_ESCALATION = "receive_repair_escalation"
    VIEW_TASKS = "view_tasks"
    MANAGE_CALENDAR = "manage_calendar"  # the work calendar and the closed days
    IMPORT_PLAN = "import_plan"
    RECEIVE_TASK_ESCALATION = "receive_task_escalation"
    # Check-ins: the morning check of one's own class, one's zone, leave.
    MORNING_CHECK_OWN_CLASS = "morning_check_own_class"
    ZONE_CHECK = "zone_check"
    TAKE_LEAVE = "take_leave"
    MANAGE_ZONES = "manage_zones"
    RECEIVE_HEALTH_ALERTS = "receive_health_alerts"
    RECEIVE_ZONE_ESCALATION = "receive_zone_escalation"


_EVERY_STAFF = {
    Action.VIEW_STAFF_DATA,
    Action.REPORT_REPAIR,
    Action.VIEW_TASKS,
    Action.ZONE_CHECK,
    Action.TAKE_LEAVE,
}
# Repairs: the logistics lead assigns and verifies, maintenance accepts and completes.
_REPAIR_LEAD = {
    Action.ASSIGN_REPAIR,
    Action.VERIFY_HAZARD,
    Action.VIEW_ALL_TICKETS,
    Action.RECEIVE_REPAIR_ESCALATION,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    # Parents: they receive and acknowledge notices (RECEIVE_NOTICES) and nothing else.
    # Escalations go to the health teacher and logistics head; the director gets the summary
    # (and a repair still open a day after its first escalation). Fixing is maintenance's,
    # taking samples and checking deliveries in the kitchen's. The morning check is reported
    # by the class's own staff; the director has no class.
    Role.DIRECTOR: frozenset(Action)
    - {
        Action.RECEIVE_NOTICES,
        Action.RECEIVE_HYGIENE_ESCALATION,
        Action.RECEIVE_SAMPLE_ALERTS,
        Action.RECEIVE_CERTIFICATE_ALERTS,
        Action.RECEIVE_REPAIR_ESCALATION,
        Action.VERIFY_HAZARD,
        Action.ACCEPT_REPAIR,
        Action.RECEIVE_HEALTH_ALERTS,
        Action.RECEIVE_ZONE_ESCALATION,
        Action.MORNING_CHECK_OWN_CLASS,
        Action.LOG_SAMPLES,
        Action.CHECK_DELIVERIES,
    },
    Role.LOGISTICS_HEAD: frozenset(
        _EVERY_STAFF
        | {
            Action.INVITE_STAFF,
            Action.BIND_GROUP,
            Action.MANAGE_SITE,
            Action.DISINFECT_ANY_CLASS,
            Action.RECEIVE_HYGIENE_ESCALATION,
            Action.SET_EPIDEMIC_MODE,
            Action.SEND_NOTICES,
            Action.VIEW_SUMMARY,
            Action.RECEIVE_DAILY_SUMMARY,
            Action.EXPORT_LEDGERS,
            Action.MANAGE_MEMBERS,
            Action.ASSIGN_REPAIR,
            Action.VIEW_ALL_TICKETS,
            Action.MANAGE_ZONES,
            Action.MANAGE_CALENDAR,
            Action.IMPORT_PLAN,
        }
    ),
    Role.HEALTH_TEACHER: frozenset(
        _EVERY_STAFF
        | {
            Action.DISINFECT_ANY_CLASS,
            Action.RECEIVE_HYGIENE_ESCALATION,
            Action.SET_EPIDEMIC_MODE,
            Action.VIEW_SUMMARY,
            Action.EXPORT_LEDGERS,
            Action.CHECK_SAMPLES,
            Action.HOLD_SAMPLES,
            Action.RELEASE_SAMPLES,
            Action.RECEIVE_SAMPLE_ALERTS,
            Action.VERIFY_HAZARD,
            Action.VIEW_ALL_TICKETS,
            Action.RECEIVE_HEALTH_ALERTS,
        }
    ),
    Role.LOGISTICS_LEAD: frozenset(
        _EVERY_STAFF
        | _REPAIR_LEAD
        | {
            Action.CHECK_DELIVERIES,
            Action.RECEIVE_CERTIFICATE_ALERTS,
            Action.MANAGE_ZONES,
            Action.RECEIVE_ZONE_ESCALATION,
        }
    ),
    Role.CAREGIVER_LEAD: frozenset(_EVERY_STAFF | {Action.DISINFECT_ANY_CLASS}),
    Role.CLASS_TEACHER: frozenset(
        _EVERY_STAFF
        | {Action.DISINFECT_OWN_CLASS, Action.MORNING_CHECK_OWN_CLASS, Action.SEND_CLASS_NOTICES}
    ),
    Role.CAREGIVER: frozenset(
        _EVERY_STAFF | {Action.DISINFECT_OWN_CLASS, Action.MORNING_CHECK_OWN_CLASS}
    ),
    Role.KITCHEN: frozenset(
        _EVERY_STAFF
        | {
            Action.LOG_SAMPLES,
            Action.CHECK_SAMPLES,
            Action.HOLD_SAMPLES,
            Action.CHECK_DELIVERIES,
        }
    ),
    Role.MAINTENANCE: frozenset(_EVERY_STAFF | {Action.ACCEPT_REPAIR, Action.VIEW_ALL_TICKETS}),
    Role.GUARD: frozenset(_EVERY_STAFF),
    Role.PARENT: frozenset({Action.RECEIVE_NOTICES}),
}


def can(roles: Iterable[str], action: Action) -> bool:
    """True when any of the roles allows the action."""
    return any(action in PERMISSIONS.get(Role(role), frozenset()) for role in roles)


def roles_allowed(action: Action) -> list[Role]:
    """The roles that allow an action, most senior first (for refusal messages)."""
    return [role for role in Role if action in PERMISSIONS[role]]


def may_invite(inviter_roles: Iterable[str], target: Role) -> bool:
    """Leadership roles are granted only by a director; other roles by anyone who invites."""
    roles = list(inviter_roles)
    if target in LEADERSHIP:
        return can(roles, Action.INVITE_LEADERSHIP)
    return can(roles, Action.INVITE_STAFF)
