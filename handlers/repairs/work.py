"""Working a ticket: 接单 / 指派 / 开始 / 完成 (note + after photo) / 无法处理, then the check
✅ 已修好 / ❌ 没修好. Every button re-checks who pressed it, in storage."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import Forbidden

from bot.context import BotContext
from bot.i18n import N_
from bot.keyboards import in_rows, inline_keyboard
from bot.views import repairs as views
from bot.views import repairs_forms as forms
from handlers.common import reply
from handlers.repairs.common import (
    AFTER_PHOTO,
    END,
    NOTE,
    REASON,
    answer_error,
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
from storage.repairs_models import Status, Ticket, TicketKind
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
    cancel,
    cannot_fix,
    complete,
    may_verify,
    reject,
    start,
    verify,
)
from storage.sites import get_site

# What each typed reason is for, and who hears about it.
REASON_PROMPTS = {
    "cf": N_("Why can it not be fixed (e.g. needs a purchase, an outside contractor)?"),
    "no": N_("What is still wrong?"),
    "cx": N_("Why is it cancelled?"),
}


async def on_work_button(update: Update, context: BotContext, step: str, args: list[str]) -> int:
    found = ticket_for(context, args[0])
    if found is None:
        return await answer_error(update, context, TicketError("not_found", number=""))
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
            return await _verified(update, context, ticket, actor)
        else:
            return await _ask_reason(update, context, ticket, actor, step)
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


async def _private(update: Update, context: BotContext, text: str, markup: object = None) -> bool:
    """Ask in private chat (a tap in a group continues there); False if we cannot."""
    user = update.effective_user
    assert user is not None
    try:
        await context.bot.send_message(user.id, text, reply_markup=markup)  # type: ignore[arg-type]
    except Forbidden:
        await toast(update, context._("Please open a private chat with me and send /start first."))
        return False
    return True


async def _ask_note(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> int:
    need_assignee(ticket, actor)
    if ticket.status not in TRANSITIONS["complete"][0]:
        raise TicketError("bad_transition", status=ticket.status)
    remember(context, flow="complete", ticket=ticket.id)
    asked = await _private(
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


async def _verified(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> int:
    verify(session=context.db, ticket=ticket, actor=actor, now=context.app.clock())
    await toast(update, context._("Thank you!"))
    await edit(update, context._("✅ {code} verified. Thank you!").format(code=ticket.code))
    await notify_person(
        context.app,
        ticket.id or 0,
        ticket.fixed_by_id,
        "verified",
        N_("👍 {code} was checked and is fixed."),
    )
    return END


async def _ask_reason(
    update: Update, context: BotContext, ticket: Ticket, actor: Actor, step: str
) -> int:
    if step not in REASON_PROMPTS:
        raise TicketError("changed")
    # Refuse before asking: only who may take this step is asked for a reason.
    if step == "no" and (ticket.status != Status.DONE or not may_verify(ticket, actor)):
        raise TicketError(
            "not_verifier" if ticket.status == Status.DONE else "bad_transition",
            status=ticket.status,
        )
    if (
        step == "cf"
        and ticket.assignee_id != actor.person_id
        and not actor.can(Action.ASSIGN_REPAIR)
    ):
        raise TicketError("not_assignee")
    remember(context, flow="reason", step=step, ticket=ticket.id)
    text = context._(REASON_PROMPTS[step]) + f" ({ticket.code})"
    asked = await _private(update, context, text)
    await toast(update, context._("I asked you in our private chat.") if asked else None)
    return REASON if asked else END


async def on_reason_text(update: Update, context: BotContext) -> int:
    data = pending(context)
    message = update.effective_message
    found = (
        ticket_for(context, str(data.get("ticket", ""))) if data.get("flow") == "reason" else None
    )
    if found is None or message is None:
        return END
    ticket, actor = found
    step, now, text = str(data["step"]), context.app.clock(), message.text or ""
    try:
        if step == "cf":
            cannot_fix(session=context.db, ticket=ticket, actor=actor, reason=text, now=now)
            await notify_person(
                context.app,
                ticket.id or 0,
                ticket.reporter_id,
                "cannot",
                N_("🚫 {code} cannot be fixed for now."),
            )
        elif step == "no":
            reject(session=context.db, ticket=ticket, actor=actor, reason=text, now=now)
            await notify_person(
                context.app,
                ticket.id or 0,
                ticket.assignee_id,
                "reopened",
                N_("❌ {code} is not fixed yet and was reopened."),
            )
        else:
            cancel(session=context.db, ticket=ticket, actor=actor, reason=text, now=now)
    except TicketError as error:
        await answer_error(update, context, error)
        return REASON if error.code in {"empty_text", "too_long"} else END
    forget(context)
    await reply(
        update,
        context._("{code}: {status}.").format(
            code=ticket.code, status=context._(views.STATUS_LABELS[ticket.status])
        ),
    )
    request_card_refresh(context.app, ticket.site_id)
    return END
