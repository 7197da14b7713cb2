"""Every command and button of the bot, with the right that governs it: ONE table that the
authorization matrix (`test_authorization_matrix.py`) and the hostile-input test
(`test_hostile_input.py`) both read.

A new flow adds its commands to COMMANDS and its buttons to BUTTONS (one line each), its
callback prefix to PREFIXES and, if it has them, menu labels to MENU_TEXTS. Templates are
filled from `World.ids`: {site} {other_site} {klass} {area} {day} {invite} {record} {group}
{member} (site A's objects; see `world.py`, where a flow may add ids of its own).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.errors import EXPIRED
from bot.views import checkins as checkin_views
from bot.views import disinfection as disinfection_views
from bot.views import members as members_views
from bot.views import repairs as repairs_views
from handlers.notices.draft import NOT_ALLOWED_TEXT as NOTICES_NOT_ALLOWED
from storage.permissions import Action, Role, can, may_invite

Allowed = Callable[[Sequence[Role]], bool]


def may_send_notices(roles: Sequence[Role]) -> bool:
    """The whole site, or a class teacher's own class (class roles join 小一班)."""
    return can(roles, Action.SEND_NOTICES) or can(roles, Action.SEND_CLASS_NOTICES)


NOTICES_REFUSALS = (NOTICES_NOT_ALLOWED,)


def may_disinfect_own_room(roles: Sequence[Role]) -> bool:
    """The rooms in the table belong to the member's own class (class roles join 小一班)."""
    return can(roles, Action.DISINFECT_ANY_CLASS) or can(roles, Action.DISINFECT_OWN_CLASS)


@dataclass(frozen=True)
class Command:
    """A slash command as sent in `chat` ("private" or "group": site A's staff group)."""

    name: str
    action: Action | None  # None: anyone may send it
    chat: str = "private"
    args: str = ""  # a template, e.g. "on"
    # May change the database when allowed (the hostile test then skips its no-change check).
    changes: bool = False
    # Once done, the next person would get another answer (e.g. "not bound" after /unbind):
    # the matrix rebuilds the world after each allowed use.
    reset: bool = False
    allowed: Allowed | None = None  # when `can(roles, action)` is not the whole rule
    refusals: tuple[str, ...] = ()  # message ids of refusals other than "Only … can do this."

    @property
    def label(self) -> str:
        return f"/{self.name} {self.args}".strip() + f" ({self.chat})"

    def text(self, ids: dict[str, int | str]) -> str:
        return f"/{self.name} {self.args.format(**ids)}".strip()


@dataclass(frozen=True)
class Button:
    """An inline button's callback data, pressed on a message of the bot in `chat`."""

    data: str  # a template, e.g. "inv:v1:c:{site}:caregiver:{klass}"
    action: Action | None
    chat: str = "private"
    changes: bool = False
    reset: bool = False  # as for Command
    allowed: Allowed | None = None
    refusals: tuple[str, ...] = ()
    # Whether the data names site A's objects: then a member of another site is refused.
    targets_site: bool = True

    @property
    def label(self) -> str:
        return f"{self.data} ({self.chat})"


def expected(entry: Command | Button, roles: Sequence[Role]) -> bool:
    """What storage/permissions.py says: may a person with these roles at site A do it?"""
    if entry.allowed is not None:
        return entry.allowed(roles)
    return entry.action is None or can(roles, entry.action)


DISINFECTION_REFUSALS = (disinfection_views.NOT_ALLOWED, disinfection_views.NOT_YOURS)
MEMBERS_REFUSALS = (members_views.ERRORS["not_allowed"],)
CHECKIN_REFUSALS = (checkin_views.NOT_CLASS_STAFF,)

COMMANDS: list[Command] = [
    Command("notice", Action.SEND_NOTICES, allowed=may_send_notices, refusals=NOTICES_REFUSALS),
    Command("notices", Action.SEND_NOTICES, allowed=may_send_notices, refusals=NOTICES_REFUSALS),
    Command(
        "stop",
        Action.RECEIVE_NOTICES,
        changes=True,
        reset=True,
        refusals=("/stop is for parents: it stops the kindergarten's notices.",),
    ),
    Command("start", None),
    Command("help", None),
    Command("help", None, chat="group"),
    Command("me", None),
    Command("lang", None),
    Command("lang", None, args="en", changes=True),
    Command("cancel", None),
    Command("invite", Action.INVITE_STAFF),
    Command("invites", Action.INVITE_STAFF),
    Command("bind", Action.BIND_GROUP, chat="group"),
    Command("unbind", Action.BIND_GROUP, chat="group", changes=True, reset=True),
    Command("members", Action.MANAGE_MEMBERS),
    Command("samples", Action.LOG_SAMPLES),
    Command("delivery", Action.CHECK_DELIVERIES),
    Command("epidemic", Action.SET_EPIDEMIC_MODE),
    Command("epidemic", Action.SET_EPIDEMIC_MODE, args="on", changes=True),
    Command("checkin", Action.MORNING_CHECK_OWN_CLASS, refusals=CHECKIN_REFUSALS),
    Command("leave", Action.TAKE_LEAVE),
    Command("zone", Action.MANAGE_ZONES),
    Command("calendar", Action.MANAGE_CALENDAR),
    Command(
        "disinfect",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
    ),
    Command("tasks", Action.VIEW_TASKS),
    Command("plan", Action.IMPORT_PLAN),
]

BUTTONS: list[Button] = [
    Button("smp:v1:m:{site}:{day}:lunch", Action.LOG_SAMPLES),
    Button("smp:v1:c:{samples}", Action.CHECK_SAMPLES, changes=True, reset=True),
    Button("smp:v1:d:{samples}", Action.LOG_SAMPLES, changes=True, reset=True),
    Button("smp:v1:h:{samples}", Action.HOLD_SAMPLES),
    Button("smp:v1:r:{held_samples}", Action.RELEASE_SAMPLES, changes=True, reset=True),
    Button("smp:v1:w:{disposed_samples}", Action.CHECK_SAMPLES, changes=True, reset=True),
    Button(
        "ntd:v1:site:{site}",
        Action.SEND_NOTICES,
        allowed=may_send_notices,
        refusals=NOTICES_REFUSALS,
    ),
    Button("ntc:v1:pv", None, targets_site=False),
    Button("ck:v1:m:{klass}", Action.MORNING_CHECK_OWN_CLASS, refusals=CHECKIN_REFUSALS),
    Button(
        "ck:v1:start",
        Action.MORNING_CHECK_OWN_CLASS,
        refusals=CHECKIN_REFUSALS,
        targets_site=False,
    ),
    Button("lang:v1:en", None, changes=True, targets_site=False),
    Button("inv:v1:s:{site}", Action.INVITE_STAFF),
    Button("inv:v1:r:{site}:caregiver", Action.INVITE_STAFF),
    Button(
        "inv:v1:r:{site}:logistics_head",
        Action.INVITE_LEADERSHIP,
        allowed=lambda roles: may_invite(roles, Role.LOGISTICS_HEAD),
        refusals=("Only {roles} can do this.",),
    ),
    Button("inv:v1:c:{site}:caregiver:{klass}", Action.INVITE_STAFF, changes=True),
    Button("inv:v1:x:{invite}", Action.INVITE_STAFF, changes=True),
    Button("bind:v1:{site}:staff", Action.BIND_GROUP, chat="group", changes=True),
    Button("bind:v1:{site}:kitchen", Action.BIND_GROUP, chat="group", changes=True),
    Button("mem:v1:l:{site}:0", Action.MANAGE_MEMBERS),
    Button("mem:v1:l:{site}:1", Action.MANAGE_MEMBERS),
    *(
        Button(f"mem:v1:{step}:{{member}}", Action.MANAGE_MEMBERS, refusals=MEMBERS_REFUSALS)
        for step in ("m", "r", "c", "x")
    ),
    Button(
        "mem:v1:R:{member}:kitchen",
        Action.MANAGE_MEMBERS,
        refusals=MEMBERS_REFUSALS,
        changes=True,
        reset=True,
    ),
    Button(
        "mem:v1:C:{member}:caregiver:{klass}",
        Action.MANAGE_MEMBERS,
        refusals=MEMBERS_REFUSALS,
        changes=True,
    ),
    Button(
        "mem:v1:X:{member}",
        Action.MANAGE_MEMBERS,
        refusals=MEMBERS_REFUSALS,
        changes=True,
        reset=True,
    ),
    Button(
        "dis:v1:p:{day}",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
        targets_site=False,
    ),
    Button(
        "dis:v1:a:{area}:{day}",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
    ),
    Button(
        "dis:v1:m:{area}:{day}:cabinet",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
        changes=True,
    ),
    Button(
        "dis:v1:c:{area}:{day}:500",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
        changes=True,
    ),
    Button(
        "dis:v1:b:{day}:{area}",
        Action.DISINFECT_OWN_CLASS,
        chat="group",
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
    ),
    Button(
        "dis:v1:k:{day}:{klass}",
        Action.DISINFECT_OWN_CLASS,
        chat="group",
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
    ),
    Button("epi:v1:{site}:on", Action.SET_EPIDEMIC_MODE, changes=True),
    Button("epi:v1:{site}:off", Action.SET_EPIDEMIC_MODE, changes=True),
    Button(
        "dis:v1:e:{record}",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
        changes=True,
    ),
    Button(
        "dis:v1:x:{record}",
        Action.DISINFECT_OWN_CLASS,
        allowed=may_disinfect_own_room,
        refusals=DISINFECTION_REFUSALS,
        changes=True,
        reset=True,
    ),
]

REPAIRS_NOT_FOUND = (repairs_views.ERRORS["no_ticket"],)
BUTTONS += [
    Button("rp:v1:v:{ticket}", Action.REPORT_REPAIR, refusals=REPAIRS_NOT_FOUND),
    Button("rp:v1:pg:1", Action.REPORT_REPAIR, targets_site=False),
    Button("rp:v1:asg:{ticket}", Action.ASSIGN_REPAIR, refusals=REPAIRS_NOT_FOUND),
    Button(
        "rp:v1:acc:{ticket}",
        Action.ACCEPT_REPAIR,
        refusals=REPAIRS_NOT_FOUND,
        changes=True,
        reset=True,
    ),
]
COMMANDS += [
    Command("repair", Action.REPORT_REPAIR),
    Command("hazard", Action.REPORT_REPAIR),
    Command("tickets", Action.REPORT_REPAIR),
    Command("ticket", Action.REPORT_REPAIR, args="1"),
]

# The calendar: {task} is the health teacher's inspection (responsible: her role, or a
# manager); {rule} a recurring rule only managers change.
CALENDAR_REFUSALS = ("Only {who} or the director can complete this task.",)


def may_complete_inspection(roles: Sequence[Role]) -> bool:
    return Role.HEALTH_TEACHER in roles or can(roles, Action.MANAGE_CALENDAR)


BUTTONS += [
    Button("cal:v1:r", Action.MANAGE_CALENDAR, targets_site=False),
    Button("cal:v1:pi", Action.IMPORT_PLAN, targets_site=False),
    Button("cal:v1:rr:{rule}", Action.MANAGE_CALENDAR),
    Button("cal:v1:rp:{rule}", Action.MANAGE_CALENDAR),
    Button("cal:v1:rl:{rule}:7", Action.MANAGE_CALENDAR, changes=True),
    Button("cal:v1:ra:{rule}", Action.MANAGE_CALENDAR, changes=True, reset=True),
    Button("cal:v1:s:{task}", None, allowed=may_complete_inspection, refusals=CALENDAR_REFUSALS),
    Button(
        "cal:v1:d:{task}",
        None,
        allowed=may_complete_inspection,
        refusals=CALENDAR_REFUSALS,
        changes=True,
        reset=True,
    ),
]

# The summary and the ledgers: managers (director, logistics head, health teacher).
COMMANDS += [
    Command("today", Action.VIEW_SUMMARY),
    Command("week", Action.VIEW_SUMMARY),
    Command("export", Action.EXPORT_LEDGERS),
    Command("export", Action.EXPORT_LEDGERS, args="disinfection 2026-11-01 2026-11-30"),
]
BUTTONS += [
    Button("sum:v1:dis:{site}:{day}", Action.VIEW_SUMMARY),
    Button("sum:v1:tix:{site}:{day}", Action.VIEW_SUMMARY),
    Button("exp:v1:k:{site}:disinfection", Action.EXPORT_LEDGERS),
    Button("exp:v1:g:{site}:disinfection:20261101:20261130", Action.EXPORT_LEDGERS),
]

# Callback prefixes in use (the hostile test forges data with each, and with unknown ones).
PREFIXES = [
    "lang",
    "inv",
    "bind",
    "dis",
    "mem",
    "cal",
    "rp",
    "ck",
    "sum",
    "exp",
    "epi",
    "smp",
    "dlv",
    "ntd",
    "ntc",
]
# Plain texts that act as commands (the private menu's buttons), Chinese and English.
MENU_TEXTS = [
    "🧴 消毒打卡",
    "🩺 晨检",
    "✅ 责任区自查",
    "➕ 邀请",
    "👥 成员",
    "📢 告家长书",
    "📬 我的订阅",
    "👤 我的",
    "❓ 帮助",
    "🔧 报修",
    "⚠️ 隐患",
    "🧴 Disinfection",
    "🔧 Repair",
    "➕ Invite",
    "📅 工作日历",
    "📅 Work calendar",
    "📊 今日概况",
    "📁 台账导出",
    "📊 Today",
    "📁 Ledgers",
    "🥡 留样",
    "📦 验收",
    "🥡 Food samples",
    "📦 Deliveries",
]
# A refusal every entry may give instead of its own: the button no longer matches anything.
EXPIRED_REFUSAL = EXPIRED
