"""/invite: pick role → pick class → link and QR code; /invites: list and withdraw."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import segno
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import EXPIRED, on_expired_button
from bot.i18n import format_day
from bot.keyboards import inline_keyboard
from bot.labels import ROLE_LABELS, role_label
from bot.parsing import require_id
from handlers.common import refuse, reply
from storage.invites import create_invite, get_invite, list_open_invites, revoke_invite
from storage.models import Invite
from storage.people import sites_where_allowed
from storage.permissions import CLASS_ROLES, Action, Role, can, may_invite
from storage.sites import get_class, get_site, list_classes

PREFIX = "inv"


def _site_roles(context: BotContext, site_id: int) -> list[str]:
    return [r.role for r in context.roles if r.site_id == site_id]


async def cmd_invite(update: Update, context: BotContext) -> None:
    """Start an invitation: choose the site (if several), then the role."""
    _ = context._
    site_ids = sites_where_allowed(context.roles, Action.INVITE_STAFF)
    if not site_ids:
        await refuse(update, context, Action.INVITE_STAFF)
        return
    if len(site_ids) == 1:
        text, markup = _role_picker(context, site_ids[0])
        await reply(update, text, reply_markup=markup)
        return
    names = {r.site_id: r.site_name for r in context.roles}
    buttons = [
        [InlineKeyboardButton(names[s], callback_data=pack(PREFIX, "s", s))] for s in site_ids
    ]
    await reply(update, _("Invite to which site?"), reply_markup=inline_keyboard(buttons))


def _role_picker(context: BotContext, site_id: int) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = context._
    roles = [r for r in Role if may_invite(_site_roles(context, site_id), r)]
    buttons = [
        InlineKeyboardButton(_(ROLE_LABELS[r]), callback_data=pack(PREFIX, "r", site_id, r.value))
        for r in roles
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return _("Invite whom? Choose the role:"), inline_keyboard(rows)


def _class_picker(
    context: BotContext, site_id: int, role: Role
) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = context._
    classes = list_classes(session=context.db, site_id=site_id)
    buttons = [
        InlineKeyboardButton(c.name, callback_data=pack(PREFIX, "c", site_id, role.value, c.id))
        for c in classes
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if not rows:
        return _("This site has no classes yet. Add classes first (houqin class add)."), None
    return _("Which class?"), inline_keyboard(rows)


async def on_invite_button(update: Update, context: BotContext) -> None:
    """Every step re-checks that the presser may still invite this role at this site."""
    query = update.callback_query
    assert query is not None
    _ = context._
    parts = unpack(PREFIX, query.data) or []
    try:
        step, site_id = parts[0], require_id(parts[1])
        role = Role(parts[2]) if step in {"r", "c"} else None
        class_id = require_id(parts[3]) if step == "c" else None
    except (IndexError, ValueError):
        await on_expired_button(update, context)
        return
    if step == "x":
        await _withdraw(update, context, invite_id=site_id)
        return
    site_roles = _site_roles(context, site_id)
    if not (may_invite(site_roles, role) if role else can(site_roles, Action.INVITE_STAFF)):
        await refuse(update, context, Action.INVITE_STAFF)
        return
    await query.answer()
    if role is None:
        await query.edit_message_text(*_role_picker(context, site_id))  # type: ignore[arg-type]
    elif role in CLASS_ROLES and class_id is None:
        text, markup = _class_picker(context, site_id, role)
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await _issue(update, context, site_id, role, class_id)


async def _issue(
    update: Update, context: BotContext, site_id: int, role: Role, class_id: int | None
) -> None:
    _ = context._
    query = update.callback_query
    assert query is not None and context.person is not None
    site = get_site(session=context.db, site_id=site_id)
    school_class = get_class(session=context.db, class_id=class_id) if class_id else None
    if site is None or (
        class_id is not None and (school_class is None or school_class.site_id != site_id)
    ):
        await query.edit_message_text(_(EXPIRED))
        return
    invite = create_invite(
        session=context.db,
        site_id=site_id,
        role=role,
        class_id=class_id,
        created_by=context.person.id,
    )
    link = invite_link(context.bot.username, invite.code)
    text = _invite_summary(context, invite)
    await query.edit_message_text(f"{text}\n{link}\n" + _("Forward it; one tap joins."))
    png = io.BytesIO()
    segno.make(link, error="m").save(png, kind="png", scale=8, border=2)
    png.seek(0)
    assert query.message is not None
    await context.bot.send_photo(query.message.chat.id, png, caption=text)


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def _invite_summary(context: BotContext, invite: Invite) -> str:
    _ = context._
    site = get_site(session=context.db, site_id=invite.site_id)
    assert site is not None
    school_class = (
        get_class(session=context.db, class_id=invite.class_id) if invite.class_id else None
    )
    local_expiry = invite.expires_at.astimezone(ZoneInfo(site.timezone))
    return _("Invitation for {role} at {site}, valid until {until}, {uses} use(s) left.").format(
        role=role_label(_, invite.role, school_class.name if school_class else None),
        site=site.name,
        until=format_day(local_expiry.date(), context.language),
        uses=invite.max_uses - invite.uses,
    )


async def cmd_invites(update: Update, context: BotContext) -> None:
    """List open invitations with a button to withdraw each."""
    _ = context._
    site_ids = sites_where_allowed(context.roles, Action.INVITE_STAFF)
    if not site_ids:
        await refuse(update, context, Action.INVITE_STAFF)
        return
    invites = list_open_invites(session=context.db, site_ids=site_ids)[:20]
    if not invites:
        await reply(update, _("There are no open invitations."))
        return
    lines, buttons = [_("Open invitations:")], []
    for number, invite in enumerate(invites, start=1):
        lines.append(f"{number}. {_invite_summary(context, invite)}")
        buttons.append(
            InlineKeyboardButton(
                _("Withdraw {number}").format(number=number),
                callback_data=pack(PREFIX, "x", invite.id),
            )
        )
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    await reply(update, "\n".join(lines), reply_markup=inline_keyboard(rows))


async def _withdraw(update: Update, context: BotContext, invite_id: int) -> None:
    _ = context._
    query = update.callback_query
    assert query is not None
    invite = get_invite(session=context.db, invite_id=invite_id)
    if invite is None or not may_invite(_site_roles(context, invite.site_id), Role(invite.role)):
        await refuse(update, context, Action.INVITE_STAFF)
        return
    person_id = context.person.id if context.person else None
    if revoke_invite(session=context.db, invite_id=invite_id, person_id=person_id) is None:
        await query.answer(_("Already withdrawn."))
        return
    await query.answer(_("Invitation withdrawn."))
    await reply(update, _("Invitation withdrawn; its link no longer works."))
