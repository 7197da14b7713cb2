"""Joining by deep link (`/start <code>`), and /start without a code."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext, sender_name
from bot.i18n import N_, translator
from bot.labels import role_label
from bot.views.members import joined_notice
from handlers.common import reply, reply_with_menu
from jobs.outbox import send_once
from storage.invites import InviteError, Joined, redeem_invite
from storage.people import list_people_with_action
from storage.permissions import Action

REFUSALS = {
    "unknown": N_("This invitation link is not valid. Please ask for a new one."),
    "expired": N_("This invitation has expired. Please ask for a new one."),
    "used_up": N_("This invitation has already been used. Please ask for a new one."),
    "revoked": N_("This invitation was withdrawn. Please ask for a new one."),
}


async def cmd_start(update: Update, context: BotContext) -> Joined | None:
    """Join with an invitation code (returns what was joined), or greet and explain."""
    _ = context._
    user = update.effective_user
    if user is None:
        return None
    if not context.args:
        await _greet(update, context)
        return None
    try:
        joined = redeem_invite(
            session=context.db,
            code=context.args[0],
            telegram_user_id=user.id,
            display_name=sender_name(update),
        )
    except InviteError as error:
        await reply(update, _(REFUSALS.get(error.code, REFUSALS["unknown"])))
        return None
    context.forget_person()
    _ = context._
    role = role_label(_, joined.role, joined.school_class.name if joined.school_class else None)
    if joined.already_member:
        text = _("You are already {role} at {site}.").format(role=role, site=joined.site.name)
    else:
        text = _("Welcome to {site}, {name}! Your role: {role}.").format(
            site=joined.site.name, name=joined.person.display_name, role=role
        )
    await reply_with_menu(update, context, text + "\n" + _("Use the buttons below to begin."))
    if not joined.already_member:
        await _announce(context, joined)
    return joined


async def _announce(context: BotContext, joined: Joined) -> None:
    """One line to the director and logistics head: who joined, as what."""
    site = joined.site
    assert site.id is not None
    for manager in list_people_with_action(
        session=context.db, site_id=site.id, action=Action.MANAGE_MEMBERS
    ):
        if manager.id == joined.person.id:
            continue
        language = manager.language or site.language
        text = joined_notice(
            translator(language),
            joined.person.display_name,
            site.name,
            joined.role,
            joined.school_class.name if joined.school_class else None,
        )
        await send_once(
            context.app,
            context.db,
            key=f"member-joined:{joined.membership_id}:{manager.id}",
            chat_id=manager.telegram_user_id,
            text=text,
        )


async def _greet(update: Update, context: BotContext) -> None:
    _ = context._
    if context.roles:
        await reply_with_menu(update, context, _("Welcome back! Use the buttons below."))
        return
    await reply(
        update,
        _(
            "Hello! I am the Logistics Assistant of your kindergarten or school.\n"
            "To join, open the invitation link your director sent you. "
            "If you have none, please ask the director or the logistics office."
        ),
    )
