"""/members: the director and logistics head see who is at their site, change or remove them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.keyboards import inline_keyboard
from bot.parsing import parse_id
from bot.views import members as views
from handlers.common import refuse, reply
from storage.members import (
    Member,
    MemberError,
    change_membership,
    check_may_manage,
    get_member,
    list_members,
    remove_membership,
)
from storage.people import sites_where_allowed
from storage.permissions import CLASS_ROLES, Action, Role, can, may_invite
from storage.sites import get_class, get_site, list_classes

PREFIX = views.PREFIX


async def cmd_members(update: Update, context: BotContext) -> None:
    """The member list of one's site (a site picker first for someone at several)."""
    _ = context._
    site_ids = sites_where_allowed(context.roles, Action.MANAGE_MEMBERS)
    if not site_ids:
        await refuse(update, context, Action.MANAGE_MEMBERS)
        return
    if len(site_ids) == 1:
        text, markup = _page(context, site_ids[0], 0)
        await reply(update, text, reply_markup=markup)
        return
    names = {r.site_id: r.site_name for r in context.roles}
    buttons = [
        [InlineKeyboardButton(names[s], callback_data=pack(PREFIX, "l", s, 0))] for s in site_ids
    ]
    await reply(update, _("Members of which site?"), reply_markup=inline_keyboard(buttons))


def _page(context: BotContext, site_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    site = get_site(session=context.db, site_id=site_id)
    assert site is not None
    members = list_members(session=context.db, site_id=site_id)
    return views.member_list(context._, site_id, site.name, members, page)


def _site_roles(context: BotContext, site_id: int) -> list[str]:
    return [r.role for r in context.roles if r.site_id == site_id]


async def on_members_button(update: Update, context: BotContext) -> None:
    """Every step re-checks that the presser may still manage this person."""
    query = update.callback_query
    assert query is not None
    parts = unpack(PREFIX, query.data) or [""]
    step, ids = parts[0], [parse_id(p) for p in parts[1:]]
    if step not in _STEPS or None in ids[:1] or context.person is None:
        await on_expired_button(update, context)
        return
    try:
        await _STEPS[step](update, context, parts[1:])
    except MemberError as error:
        await query.answer(context._(views.ERRORS[error.code]), show_alert=True)
    except (ValueError, IndexError):
        await on_expired_button(update, context)


async def _step_list(update: Update, context: BotContext, args: list[str]) -> None:
    site_id, page = int(args[0]), int(args[1])
    if not can(_site_roles(context, site_id), Action.MANAGE_MEMBERS):
        await refuse(update, context, Action.MANAGE_MEMBERS)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    text, markup = _page(context, site_id, page)
    await update.callback_query.edit_message_text(text, reply_markup=markup)


def _checked(context: BotContext, membership_id: str, new_role: Role | None = None) -> Member:
    """The member of a button, if this presser may manage them (MemberError otherwise)."""
    member = get_member(session=context.db, membership_id=int(membership_id))
    if member is None:
        raise MemberError("gone")
    assert context.person is not None
    check_may_manage(
        _site_roles(context, member.membership.site_id), context.person.id, member, new_role
    )
    return member


async def _show(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(text, reply_markup=markup)


async def _step_member(update: Update, context: BotContext, args: list[str]) -> None:
    member = _checked(context, args[0])
    site = get_site(session=context.db, site_id=member.membership.site_id)
    assert site is not None
    zone = ZoneInfo(site.timezone)
    await _show(update, *views.member_card(context._, context.language, member, zone))


async def _step_role_picker(update: Update, context: BotContext, args: list[str]) -> None:
    member = _checked(context, args[0])
    roles = [r for r in Role if may_invite(_site_roles(context, member.membership.site_id), r)]
    await _show(update, *views.role_picker(context._, member, roles))


async def _step_set_role(update: Update, context: BotContext, args: list[str]) -> None:
    role = Role(args[1])
    member = _checked(context, args[0], role)
    if role in CLASS_ROLES:
        await _class_picker(update, context, member, role)
        return
    await _change(update, context, member, role, None)


async def _class_picker(update: Update, context: BotContext, member: Member, role: Role) -> None:
    classes = list_classes(session=context.db, site_id=member.membership.site_id)
    await _show(update, *views.class_picker(context._, member, role, classes))


async def _step_class_picker(update: Update, context: BotContext, args: list[str]) -> None:
    member = _checked(context, args[0])
    await _class_picker(update, context, member, member.role)


async def _step_set_class(update: Update, context: BotContext, args: list[str]) -> None:
    role = Role(args[1])
    member = _checked(context, args[0], role)
    school_class = get_class(session=context.db, class_id=int(args[2]))
    if school_class is None or school_class.site_id != member.membership.site_id:
        raise MemberError("gone")
    await _change(update, context, member, role, school_class.id)


async def _change(
    update: Update, context: BotContext, member: Member, role: Role, class_id: int | None
) -> None:
    assert context.person is not None
    change_membership(
        session=context.db, member=member, role=role, class_id=class_id, person_id=context.person.id
    )
    changed = get_member(session=context.db, membership_id=member.id)
    assert changed is not None
    text, markup = _page(context, member.membership.site_id, 0)
    done = context._("✅ Now: {member}").format(member=views.member_label(context._, changed))
    await _show(update, f"{done}\n\n{text}", markup)


async def _step_remove_prompt(update: Update, context: BotContext, args: list[str]) -> None:
    member = _checked(context, args[0])
    await _show(update, *views.remove_prompt(context._, member))


async def _step_remove(update: Update, context: BotContext, args: list[str]) -> None:
    member = _checked(context, args[0])
    assert context.person is not None
    remove_membership(
        session=context.db, member=member, person_id=context.person.id, now=context.app.clock()
    )
    text, markup = _page(context, member.membership.site_id, 0)
    done = context._("🗑 Removed: {member}").format(member=views.member_label(context._, member))
    await _show(update, f"{done}\n\n{text}", markup)


_STEPS = {
    "l": _step_list,
    "m": _step_member,
    "r": _step_role_picker,
    "R": _step_set_role,
    "c": _step_class_picker,
    "C": _step_set_class,
    "x": _step_remove_prompt,
    "X": _step_remove,
}
