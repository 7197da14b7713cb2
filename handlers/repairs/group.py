"""A report typed in the staff group ("报修 小一班 水龙头漏水", with or without a photo)
becomes a draft that only its author confirms, after correcting what was guessed."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.views import repairs_forms as forms
from handlers.common import refuse, reply
from handlers.repairs.common import actor_at, answer_error, edit, ticket_for, toast
from jobs.repairs import after_ticket_opened
from storage.models import GroupPurpose
from storage.permissions import Action
from storage.repairs import (
    confirm_draft,
    create_draft,
    place_names,
    update_draft,
    withdraw_draft,
)
from storage.repairs_guess import guess
from storage.repairs_models import Category, Status, Ticket
from storage.repairs_queries import list_photos, load_report_target
from storage.repairs_rules import Actor, TicketError
from storage.site_settings import parse_settings
from storage.sites import get_site


async def on_group_report(update: Update, context: BotContext) -> None:
    """A message or photo starting with 报修 / #报修 / repair in a bound staff group."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    target = load_report_target(session=context.db, chat_id=chat.id)
    if target is None or target.purpose != GroupPurpose.STAFF:
        return  # only a bound staff group takes reports; elsewhere it is ordinary chat
    actor = actor_at(context, target.site_id)
    if actor is None or not actor.can(Action.REPORT_REPAIR):
        await refuse(update, context, Action.REPORT_REPAIR)
        return
    if message.document is not None or message.video is not None:
        await reply(update, context._("Please send it as a photo, not as a file."))
        return
    places = parse_settings(target.settings).repair_places
    guessed = guess(message.text or message.caption or "", target.class_names, places)
    try:
        ticket = create_draft(
            session=context.db,
            site_id=target.site_id,
            reporter_id=actor.person_id,
            description=guessed.description,
            location=guessed.location,
            category=guessed.category,
            photo_file_ids=[message.photo[-1].file_id] if message.photo else [],
            source_chat_id=chat.id,
            now=context.app.clock(),
        )
    except TicketError as error:
        await answer_error(update, context, error)
        return
    text, markup = forms.draft_card(
        context._, ticket, context.person.display_name if context.person else "", len(message.photo)
    )
    await message.reply_text(text, reply_markup=markup)


async def _show_draft(update: Update, context: BotContext, ticket: Ticket) -> None:
    photos = list_photos(session=context.db, ticket_id=ticket.id or 0)
    author = context.person.display_name if context.person else ""
    await edit(update, *forms.draft_card(context._, ticket, author, len(photos)))


async def on_draft_button(update: Update, context: BotContext, step: str, args: list[str]) -> None:
    """dc submit · dl/dp place · dk/dq kind · du urgency · dx withdraw; the author only."""
    found = ticket_for(context, args[0])
    if found is None:
        await answer_error(update, context, TicketError("no_ticket"))
        return
    ticket, actor = found
    if actor.person_id != ticket.reporter_id:
        await answer_error(update, context, TicketError("not_author"))
        return
    now = context.app.clock()
    try:
        if step == "dc":
            await _submit(update, context, ticket, actor)
            return
        if step == "dx":
            withdraw_draft(session=context.db, ticket=ticket, actor=actor, now=now)
            await toast(update)
            await edit(update, context._("✖️ Draft withdrawn."))
            return
        if ticket.status != Status.DRAFT:
            raise TicketError("bad_transition", status=ticket.status)
        await _correct(update, context, ticket, actor, step, args[1:])
    except TicketError as error:
        await answer_error(update, context, error)


async def _correct(
    update: Update, context: BotContext, ticket: Ticket, actor: Actor, step: str, args: list[str]
) -> None:
    _ = context._
    site = get_site(session=context.db, site_id=ticket.site_id)
    assert site is not None
    places = place_names(session=context.db, site=site)
    await toast(update)
    if step == "dl":
        await edit(update, _("📍 Where is it?"), forms.place_picker(_, places, "dp", ticket.id))
        return
    if step == "dk":
        await edit(update, _("🔧 What kind?"), forms.category_picker(_, "dq", ticket.id))
        return
    changes: dict[str, str] = {}
    if step == "dp":
        changes["location"] = places[int(args[0])]
    elif step == "dq":
        changes["category"] = Category(args[0])
    elif step == "du":
        changes["urgency"] = args[0]
    update_draft(session=context.db, ticket=ticket, actor=actor, now=context.app.clock(), **changes)
    await _show_draft(update, context, ticket)


async def _submit(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> None:
    ticket = confirm_draft(session=context.db, ticket=ticket, actor=actor, now=context.app.clock())
    await toast(update, context._("Submitted: {code}").format(code=ticket.code))
    await edit(
        update,
        context._("✅ Submitted {code}: {where} · {what}. Maintenance has been told.").format(
            code=ticket.code, where=ticket.location or "—", what=ticket.description
        ),
    )
    await after_ticket_opened(context.app, ticket.id or 0)
