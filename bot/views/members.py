"""What the member list looks like: a paged list by class and role, one person's card, pickers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_day
from bot.keyboards import in_rows, inline_keyboard
from bot.labels import ROLE_LABELS, role_label
from storage.members import Member
from storage.models import SchoolClass
from storage.permissions import CLASS_ROLES, Role

PREFIX = "mem"
PAGE_SIZE = 10

ERRORS = {
    "gone": N_("This person is no longer a member; the list has changed."),
    "self": N_("You cannot change or remove your own membership; ask another manager."),
    "not_allowed": N_("Only the director can change or remove leadership roles."),
    "needs_class": N_("This role belongs to a class: choose the class."),
    "duplicate": N_("This person already holds that role."),
}


def member_label(_: Translate, member: Member) -> str:
    """李芳 · 小一班 · 保育员"""
    return f"{member.name} · {role_label(_, member.role, member.class_name)}"


def member_list(
    _: Translate, site_id: int, site_name: str, members: list[Member], page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of members, grouped by class, with a button per person and page arrows."""
    pages = max(1, -(-len(members) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = members[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        _("👥 {site}: {count} member(s) · page {page}/{pages}").format(
            site=site_name, count=len(members), page=page + 1, pages=pages
        )
    ]
    heading: str | None = None
    for member in shown:
        group = member.class_name or _("Whole site")
        if group != heading:
            heading = group
            lines.append(f"【{group}】")
        lines.append(f"• {member.name} · {_(ROLE_LABELS[member.role])}")
    lines.append(_("Tap a person to change their role or class, or to remove them."))
    buttons = [
        InlineKeyboardButton(member_label(_, m), callback_data=pack(PREFIX, "m", m.id))
        for m in shown
    ]
    arrows = []
    if page > 0:
        arrows.append(
            InlineKeyboardButton(
                _("‹ Previous"), callback_data=pack(PREFIX, "l", site_id, page - 1)
            )
        )
    if page < pages - 1:
        arrows.append(
            InlineKeyboardButton(_("Next ›"), callback_data=pack(PREFIX, "l", site_id, page + 1))
        )
    return "\n".join(lines), inline_keyboard([*in_rows(buttons, 2), arrows])


def _back(_: Translate, member: Member) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        _("↩ Back to the list"), callback_data=pack(PREFIX, "l", member.membership.site_id, 0)
    )


def member_card(
    _: Translate, language: str, member: Member, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    joined: datetime = member.membership.created_at
    text = "\n".join(
        [
            member_label(_, member),
            _("Member since {day}").format(
                day=format_day(joined.astimezone(zone).date(), language)
            ),
        ]
    )
    mid = member.id
    row = [InlineKeyboardButton(_("Change role"), callback_data=pack(PREFIX, "r", mid))]
    if member.role in CLASS_ROLES:
        row.append(InlineKeyboardButton(_("Change class"), callback_data=pack(PREFIX, "c", mid)))
    remove = InlineKeyboardButton(_("🗑 Remove"), callback_data=pack(PREFIX, "x", mid))
    return text, inline_keyboard([row, [remove, _back(_, member)]])


def role_picker(
    _: Translate, member: Member, roles: list[Role]
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(_(ROLE_LABELS[r]), callback_data=pack(PREFIX, "R", member.id, r.value))
        for r in roles
        if r != member.role
    ]
    text = _("{member}: which role instead?").format(member=member_label(_, member))
    return text, inline_keyboard([*in_rows(buttons, 2), [_back(_, member)]])


def class_picker(
    _: Translate, member: Member, role: Role, classes: list[SchoolClass]
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(c.name, callback_data=pack(PREFIX, "C", member.id, role.value, c.id))
        for c in classes
        if not (role == member.role and c.name == member.class_name)
    ]
    text = _("{member}: which class, as {role}?").format(
        member=member_label(_, member), role=_(ROLE_LABELS[role])
    )
    return text, inline_keyboard([*in_rows(buttons, 3), [_back(_, member)]])


def remove_prompt(_: Translate, member: Member) -> tuple[str, InlineKeyboardMarkup | None]:
    yes = InlineKeyboardButton(_("🗑 Yes, remove"), callback_data=pack(PREFIX, "X", member.id))
    text = _(
        "Remove {member}? Their buttons and commands stop working at once; the history is kept."
    ).format(member=member_label(_, member))
    return text, inline_keyboard([[yes, _back(_, member)]])


def joined_notice(_: Translate, name: str, site: str, role: str, class_name: str | None) -> str:
    """The one line a director hears when someone joins by an invitation."""
    return _("🆕 {name} joined {site} by invitation: {role}.").format(
        name=name, site=site, role=role_label(_, role, class_name)
    )
