"""What every repairs handler needs: the ticket behind a button, the actor, answers."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.parsing import parse_id
from bot.views import repairs as views
from handlers.common import refusal_text, reply
from storage.models import Site
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.repairs_models import Ticket
from storage.repairs_queries import get_ticket
from storage.repairs_rules import Actor, TicketError
from storage.sites import get_site

END = ConversationHandler.END
# user_data key of what waits for typed input: a report being written, a note, a reason.
PENDING = "repairs"
# The conversation's states.
WHERE, DESCRIPTION, PHOTO, NOTE, AFTER_PHOTO, REASON = range(6)


def actor_at(context: BotContext, site_id: int) -> Actor | None:
    """The sender with their roles at this site; None when they have none there."""
    person = context.person
    roles = frozenset(r.role for r in context.roles if r.site_id == site_id)
    if person is None or not roles:
        return None
    return Actor(person.id, roles)


def ticket_for(context: BotContext, ticket_id: str) -> tuple[Ticket, Actor] | None:
    """The ticket a button names, if the sender belongs to its site (else as if none)."""
    tid = parse_id(ticket_id)
    ticket = get_ticket(session=context.db, ticket_id=tid) if tid is not None else None
    if ticket is None:
        return None
    actor = actor_at(context, ticket.site_id)
    return (ticket, actor) if actor is not None else None


def report_site(context: BotContext) -> Site | None:
    """The first site where the sender may report (a parent has none)."""
    site_ids = sites_where_allowed(context.roles, Action.REPORT_REPAIR)
    return get_site(session=context.db, site_id=site_ids[0]) if site_ids else None


async def answer_error(update: Update, context: BotContext, error: TicketError) -> int:
    """A refused step: a toast for a button, a message for typed input."""
    action = error.detail.get("action")
    if error.code == "not_allowed" and isinstance(action, Action):
        text = refusal_text(context, action)  # names who may
    else:
        text = views.error_text(context._, error)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)
    return END


async def toast(update: Update, text: str | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text)


async def edit(update: Update, text: str, markup: Any = None) -> None:
    """Rewrite the message the button was on: its caption when it is a photo."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    message = query.message
    try:
        if getattr(message, "photo", None):
            await query.edit_message_caption(caption=text[:1024], reply_markup=markup)
        else:
            await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in error.message:
            raise


def pending(context: BotContext) -> dict[str, Any]:
    data = context.user_data.get(PENDING) if context.user_data is not None else None
    return data if isinstance(data, dict) else {}


def remember(context: BotContext, **values: Any) -> None:
    assert context.user_data is not None
    context.user_data[PENDING] = values


def forget(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)


async def ask_privately(
    update: Update, context: BotContext, text: str, markup: object = None
) -> bool:
    """Ask in private chat (a tap in a group continues there); False if we cannot."""
    user = update.effective_user
    assert user is not None
    try:
        await context.bot.send_message(user.id, text, reply_markup=markup)  # type: ignore[arg-type]
    except Forbidden:
        await toast(update, context._("Please open a private chat with me and send /start first."))
        return False
    return True
