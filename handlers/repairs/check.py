"""Checking and closing a ticket: ✅ 已修好, ❌ 没修好 (with what is still wrong), 无法处理 and
取消 with a reason. Who may is decided in storage; the reason is asked in private chat."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_
from bot.views import repairs as views
from handlers.common import reply
from handlers.repairs.common import (
    END,
    REASON,
    answer_error,
    ask_privately,
    edit,
    forget,
    pending,
    remember,
    ticket_for,
    toast,
)
from jobs.repairs import notify_person
from jobs.repairs_card import request_card_refresh
from storage.permissions import Action
from storage.repairs_models import Status, Ticket
from storage.repairs_rules import (
    Actor,
    TicketError,
)
from storage.repairs_steps import (
    cancel,
    cannot_fix,
    may_verify,
    reject,
    verify,
)

# The step each typed reason completes, and who is told about it (what, text, whom).
STEPS: dict[str, Callable[..., Ticket]] = {"cf": cannot_fix, "no": reject, "cx": cancel}
TOLD = {
    "cf": ("cannot", N_("🚫 {code} cannot be fixed for now."), "reporter_id"),
    "no": ("reopened", N_("❌ {code} is not fixed yet and was reopened."), "assignee_id"),
}
# What each typed reason is for, and who hears about it.
REASON_PROMPTS = {
    "cf": N_("Why can it not be fixed (e.g. needs a purchase, an outside contractor)?"),
    "no": N_("What is still wrong?"),
    "cx": N_("Why is it cancelled?"),
}


async def verified(update: Update, context: BotContext, ticket: Ticket, actor: Actor) -> int:
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


async def ask_reason(
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
    asked = await ask_privately(update, context, text)
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
    step, text = str(data["step"]), message.text or ""
    try:
        STEPS[step](
            session=context.db, ticket=ticket, actor=actor, reason=text, now=context.app.clock()
        )
    except TicketError as error:
        await answer_error(update, context, error)
        return REASON if error.code in {"empty_text", "too_long"} else END
    if step in TOLD:
        what, message_id, whom = TOLD[step]
        await notify_person(context.app, ticket.id or 0, getattr(ticket, whom), what, message_id)
    forget(context)
    await reply(
        update,
        context._("{code}: {status}.").format(
            code=ticket.code, status=context._(views.STATUS_LABELS[ticket.status])
        ),
    )
    request_card_refresh(context.app, ticket.site_id)
    return END
