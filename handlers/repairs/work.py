"""Working a ticket: 接单 / 指派 / 开始 / 完成 (note + after photo) / 无法处理, then the check
✅ 已修好 / ❌ 没修好. Every button re-checks who pressed it, in storage."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.keyboards import in_rows, inline_keyboard
from bot.views import repairs as views
from bot.views import repairs_forms as forms
from handlers.common import reply
from handlers.repairs import check
from handlers.repairs.common import (
    AFTER_PHOTO,
    END,
    NOTE,
    answer_error,
    ask_privately,
    edit,
    forget,
    pending,
    remember,
    ticket_for,
    toast,
)
from jobs.repairs import after_ticket_done, notify_person
from jobs.repairs_card import request_card_refresh
from storage.permissions import Action
from storage.repairs import MAX_DESCRIPTION
from storage.repairs_models import Ticket, TicketKind
from storage.repairs_queries import list_maintenance, names_of
from storage.repairs_rules import (
    TRANSITIONS,
    Actor,
    TicketError,
    clean_text,
    need,
    need_assignee,
)
from storage.repairs_steps import (
    accept,
    assign,
    complete,
    start,
)
from storage.sites import get_site


async def on_work_button(update: Update, context: BotContext, step: str, args: list[str]) -> int:
    found = ticket_for(context, args[0])
    if found is None:
        return await answer_error(update, context, TicketError("no_ticket"))
    ticket, actor = found
    now = context.app.clock()
    try:
        if step == "acc":
            accept(session=context.db, ticket=ticket, actor=actor, now=now)
        elif step == "asg":
            need(actor, Action.ASSIGN_REPAIR)
            return await _show_workers(update, context, ticket)
        elif step == "asp":
            assign(
                session=context.db, ticket=ticket, actor=actor, assignee_id=int(args[1]), now=now
            )
            await notify_person(
                context.app,
                ticket.id or 0,
                ticket.assignee_id,
                "assigned",
                N_("👷 {code} has been assigned to you."),
            )
        elif step == "st":
            start(session=context.db, ticket=ticket, actor=actor, now=now)
        elif step == "fin":
            return await _ask_note(update, context, ticket, actor)
        elif step == "ok":
            return await check.verified(update, context, ticket, actor)
        else:
            return await check.ask_reason(update, context, ticket, actor, step)
    except TicketError as error:
        return await answer_error(update, context, error)
    await toast(update, context._(views.STATUS_LABELS[ticket.status]))
    await _redraw(update, context, ticket, actor)
    request_card_refresh(context.app, ticket.site_id)
    return END


async def _redraw(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> None:
    site = get_site(session=context.db, site_id=ticket.site_id)
    assert site is not None
    names = names_of(session=context.db, person_ids=[ticket.reporter_id, ticket.assignee_id])
    text = views.summary(
        context._, context.language, ticket, names, ZoneInfo(site.timezone), context.app.clock()
    )
    markup = views.work_buttons(context._, ticket, lead=True)
    await edit(update, text, markup)


async def _show_workers(update: Update, context: BotContext, ticket: Ticket) -> int:
    workers = list_maintenance(session=context.db, site_id=ticket.site_id)
    buttons = [views.button(p.display_name, "asp", ticket.id, p.id) for p in workers]
    await toast(update)
    markup = inline_keyboard(in_rows(buttons, 3))
    if markup is None:
        await reply(update, context._("There is no maintenance worker at this site yet."))
        return END
    await edit(update, context._("👷 Assign {code} to:").format(code=ticket.code), markup)
    return END


async def _ask_note(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> int:
    need_assignee(ticket, actor)
    if ticket.status not in TRANSITIONS["complete"][0]:
        raise TicketError("bad_transition", status=ticket.status)
    remember(context, flow="complete", ticket=ticket.id)
    asked = await ask_privately(
        update,
        context,
        context._("✅ {code}: what did you do? Type a short note:").format(code=ticket.code),
    )
    await toast(update, context._("I asked you in our private chat.") if asked else None)
    return NOTE if asked else END


async def on_note_text(update: Update, context: BotContext) -> int:
    data = pending(context)
    if data.get("flow") != "complete" or update.effective_message is None:
        return END
    try:
        data["note"] = clean_text(update.effective_message.text, MAX_DESCRIPTION)
    except TicketError as error:
        await answer_error(update, context, error)
        return NOTE
    remember(context, **data)
    await reply(
        update,
        context._("Now send a photo of the result."),
        reply_markup=forms.skip_photo(context._, "fp", data["ticket"]),
    )
    return AFTER_PHOTO


async def on_after_photo(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or not message.photo:
        await reply(update, context._("That is not a photo. Send a photo, or tap Skip."))
        return AFTER_PHOTO
    return await _complete(update, context, [message.photo[-1].file_id])


async def on_skip_after_photo(update: Update, context: BotContext, args: list[str]) -> int:
    await toast(update)
    return await _complete(update, context, [])


async def _complete(update: Update, context: BotContext, photos: list[str]) -> int:
    data = pending(context)
    found = (
        ticket_for(context, str(data.get("ticket", ""))) if data.get("flow") == "complete" else None
    )
    if found is None or "note" not in data:
        forget(context)
        return await answer_error(update, context, TicketError("changed"))
    ticket, actor = found
    try:
        complete(
            session=context.db,
            ticket=ticket,
            actor=actor,
            note=str(data["note"]),
            photo_file_ids=photos,
            now=context.app.clock(),
        )
    except TicketError as error:
        if error.code == "photo_required":
            await reply(update, views.error_text(context._, error))
            return AFTER_PHOTO
        forget(context)
        return await answer_error(update, context, error)
    forget(context)
    checker = (
        N_("the logistics lead or the health teacher")
        if ticket.kind == TicketKind.HAZARD
        else N_("the reporter")
    )
    await reply(
        update,
        context._("✅ {code} is done; {who} will check it.").format(
            code=ticket.code, who=context._(checker)
        ),
    )
    await after_ticket_done(context.app, ticket.id or 0)
    return END
