"""The private-chat menu: a persistent reply keyboard with the buttons of one's roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.ext import filters

from bot.i18n import LOCALES, N_, Translate, translator
from storage.people import RoleAtSite
from storage.permissions import Action, can


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    visible: Callable[[list[RoleAtSite]], bool]


def _allowed(*actions: Action) -> Callable[[list[RoleAtSite]], bool]:
    return lambda roles: any(can([r.role for r in roles], action) for action in actions)


def _class_staff(action: Action) -> Callable[[list[RoleAtSite]], bool]:
    """Roles tied to a class that allow the action (a class teacher, a caregiver)."""
    return lambda roles: any(r.class_id is not None and can([r.role], action) for r in roles)


def _any_role(roles: list[RoleAtSite]) -> bool:
    return bool(roles)


# Order is the order on the keyboard, two buttons a row.
MENU: list[MenuItem] = [
    MenuItem(
        "disinfection",
        N_("🧴 Disinfection"),
        _allowed(Action.DISINFECT_OWN_CLASS, Action.DISINFECT_ANY_CLASS),
    ),
    MenuItem("morning_check", N_("🩺 Morning check"), _class_staff(Action.MORNING_CHECK_OWN_CLASS)),
    MenuItem("zone_check", N_("✅ Zone self-check"), _allowed(Action.ZONE_CHECK)),
    MenuItem("today", N_("📊 Today"), _allowed(Action.VIEW_SUMMARY)),
    MenuItem("export", N_("📁 Ledgers"), _allowed(Action.EXPORT_LEDGERS)),
    MenuItem("repair", N_("🔧 Repair"), _allowed(Action.REPORT_REPAIR)),
    MenuItem("hazard", N_("⚠️ Hazard"), _allowed(Action.REPORT_REPAIR)),
    MenuItem("samples", N_("🥡 Food samples"), _allowed(Action.LOG_SAMPLES)),
    MenuItem("deliveries", N_("📦 Deliveries"), _allowed(Action.CHECK_DELIVERIES)),
    MenuItem("calendar", N_("📅 Work calendar"), _allowed(Action.VIEW_TASKS)),
    MenuItem("invite", N_("➕ Invite"), _allowed(Action.INVITE_STAFF)),
    MenuItem("members", N_("👥 Members"), _allowed(Action.MANAGE_MEMBERS)),
    MenuItem(
        "notice",
        N_("📢 Notice to parents"),
        _allowed(Action.SEND_NOTICES, Action.SEND_CLASS_NOTICES),
    ),
    MenuItem("subscription", N_("📬 My subscription"), _allowed(Action.RECEIVE_NOTICES)),
    MenuItem("me", N_("👤 Me"), _any_role),
    MenuItem("help", N_("❓ Help"), _any_role),
]


def menu_keyboard(
    _: Translate, roles: list[RoleAtSite]
) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    buttons = [KeyboardButton(_(item.label)) for item in MENU if item.visible(roles)]
    if not buttons:
        return ReplyKeyboardRemove()
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_button(key: str) -> filters.BaseFilter:
    """Matches a tap on this menu button in any language, in private chats."""
    msgid = next(item.label for item in MENU if item.key == key)
    labels = sorted({translator(lang)(msgid) for lang in LOCALES})
    return filters.ChatType.PRIVATE & filters.Text(labels)


def any_menu_button() -> filters.BaseFilter:
    """Matches a tap on any menu button: typed answers in a conversation exclude these."""
    labels = sorted({translator(lang)(item.label) for item in MENU for lang in LOCALES})
    return filters.Text(labels)
