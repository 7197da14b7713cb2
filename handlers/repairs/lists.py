"""/tickets (mine; every open one for leads and maintenance, paged, overdue first) and
/ticket 142 (details, photos, history and the buttons the viewer may use)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.keyboards import inline_keyboard
from bot.parsing import parse_id
from bot.views import repairs as views
from bot.views import repairs_forms as forms
from handlers.common import refuse, reply
from handlers.repairs.common import actor_at, answer_error, edit, report_site, ticket_for, toast
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.repairs_models import PhotoStage, Status, Ticket
from storage.repairs_queries import (
    PAGE_SIZE,
    find_ticket,
    list_history,
    list_mine,
    list_open,
    list_photos,
    names_of,
)
from storage.repairs_rules import Actor, TicketError
from storage.repairs_steps import may_verify
from storage.sites import get_site


def _page(context: BotContext, page: int) -> tuple[str, InlineKeyboardMarkup | None] | None:
    site = report_site(context)
    person = context.person
    if site is None or person is None:
        return None
    actor = actor_at(context, site.id or 0)
    everyone = actor is not None and actor.can(Action.VIEW_ALL_TICKETS)
    now = context.app.clock()
    if everyone:
        found = list_open(session=context.db, site_id=site.id or 0, now=now, page=page)
    else:
        found = list_mine(session=context.db, person_id=person.id, now=now, page=page)
    more = len(found) > PAGE_SIZE
    return forms.ticket_list(
        context._, found[:PAGE_SIZE], everyone=everyone, page=page, more=more, now=now
    )


async def cmd_tickets(update: Update, context: BotContext) -> None:
    shown = _page(context, 0)
    if shown is None:
        await refuse(update, context, Action.REPORT_REPAIR)
        return
    text, markup = shown
    await reply(update, text, reply_markup=markup)


async def on_page_button(update: Update, context: BotContext, args: list[str]) -> None:
    page = parse_id(args[0])
    shown = _page(context, page) if page is not None and page < 10_000 else None
    if shown is None:
        await answer_error(update, context, TicketError("changed"))
        return
    await toast(update)
    await edit(update, *shown)


def _parse_number(text: str, year: int) -> tuple[int, int] | None:
    """ "142", "#142", "2026-0142" or "#2026-0142" → (year, number)."""
    code = text.strip().lstrip("#")
    year_text, _dash, number_text = code.rpartition("-")
    number = parse_id(number_text)
    if year_text:
        year = parse_id(year_text) or 0
    return (year, number) if number is not None and number < 1_000_000 and year else None


async def cmd_ticket(update: Update, context: BotContext) -> None:
    site = report_site(context)
    if site is None:
        await refuse(update, context, Action.REPORT_REPAIR)
        return
    _ = context._
    args = context.args or []
    year = context.app.clock().astimezone(ZoneInfo(site.timezone)).year
    parsed = _parse_number(args[0], year) if args else None
    if parsed is None:
        await reply(update, _("Which ticket? For example: /ticket 142"))
        return
    site_ids = sites_where_allowed(context.roles, Action.REPORT_REPAIR)
    ticket = find_ticket(session=context.db, site_ids=site_ids, year=parsed[0], number=parsed[1])
    actor = actor_at(context, ticket.site_id) if ticket else None
    if ticket is None or actor is None:
        code = f"#{parsed[0]}-{parsed[1]:04d}"
        await reply(update, views.error_text(_, TicketError("not_found", number=code)))
        return
    await _show_ticket(update, context, ticket, actor)


async def on_view_button(update: Update, context: BotContext, args: list[str]) -> None:
    found = ticket_for(context, args[0])
    if found is None:
        await answer_error(update, context, TicketError("no_ticket"))
        return
    await toast(update)
    await _show_ticket(update, context, *found)


def viewer_buttons(
    context: BotContext, ticket: Ticket, actor: Actor
) -> InlineKeyboardMarkup | None:
    _ = context._
    if ticket.status == Status.DONE and may_verify(ticket, actor):
        return views.verify_buttons(_, ticket)
    lead = actor.can(Action.ASSIGN_REPAIR)
    worker = actor.can(Action.ACCEPT_REPAIR)
    if not (lead or worker or ticket.assignee_id == actor.person_id):
        return None
    work = views.work_buttons(_, ticket, lead=lead, worker=worker)
    rows = [list(row) for row in (work.inline_keyboard if work else ())]
    if lead and ticket.status in {Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED}:
        rows.append([views.button(_("✖️ Cancel ticket"), "cx", ticket.id)])
    return inline_keyboard(rows)


async def _show_ticket(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> None:
    _ = context._
    site = get_site(session=context.db, site_id=ticket.site_id)
    zone = ZoneInfo(site.timezone if site else context.app.settings.default_timezone)
    events = list_history(session=context.db, ticket_id=ticket.id or 0)
    names = names_of(
        session=context.db,
        person_ids=[ticket.reporter_id, ticket.assignee_id, *(e.person_id for e in events)],
    )
    now = context.app.clock()
    text = "\n".join(
        [
            views.summary(_, context.language, ticket, names, zone, now),
            _("History:"),
            *views.history_lines(_, events, names, zone),
        ]
    )
    message = update.effective_message
    assert message is not None
    for stage, label in ((PhotoStage.BEFORE, _("Before:")), (PhotoStage.AFTER, _("After:"))):
        for photo in list_photos(session=context.db, ticket_id=ticket.id or 0, stage=stage)[:2]:
            await message.chat.send_photo(photo.file_id, caption=f"{label} {ticket.code}")
    await message.chat.send_message(
        text[:4096], reply_markup=viewer_buttons(context, ticket, actor)
    )
