"""One tap each: check a meal's samples, dispose when due, witness, hold with a reason, release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.views import samples as views
from handlers.common import refuse, reply
from handlers.samples.entry import ASK_HOLD_REASON, END, PENDING
from jobs.plan import replan_site
from jobs.samples_notify import ask_for_witness, tell_held
from storage.models import Site
from storage.permissions import Action
from storage.samples import SampleError, check_reason, get_log, may
from storage.samples_disposal import check_log, dispose, hold, release, witness
from storage.samples_models import SampleLog, SampleState
from storage.sites import get_site


def _load(context: BotContext, log_id: str) -> tuple[SampleLog, Site]:
    log = get_log(session=context.db, log_id=int(log_id))
    site = get_site(session=context.db, site_id=log.site_id) if log else None
    if log is None or site is None:
        raise ValueError("no such samples")
    return log, site


async def _refused(
    update: Update, context: BotContext, error: SampleError, site: Site | None = None
) -> int:
    action = error.detail.get("action")
    if error.code == "not_allowed" and isinstance(action, Action):
        await refuse(update, context, action)
        return END
    assert update.callback_query is not None
    detail = dict(error.detail)
    due_at, left = detail.get("due_at"), detail.get("left")
    if site is not None and isinstance(due_at, datetime) and isinstance(left, timedelta):
        detail["due"] = views.when(context.language, due_at, ZoneInfo(site.timezone))
        detail["left"] = views.duration(context._, left)
    text = context._(views.ERRORS.get(error.code, views.ERRORS["already_logged"])).format(**detail)
    await update.callback_query.answer(text, show_alert=True)
    return END


async def _done(update: Update, text: str) -> None:
    """Answer the tap and put the outcome where the buttons were."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(text)


async def _tap(
    update: Update,
    context: BotContext,
    change: Callable[..., object],
    log: SampleLog,
    site: Site | None = None,
) -> bool:
    """Apply a one-tap change as the person who tapped; a refusal is answered, False."""
    assert context.person is not None
    try:
        change(
            session=context.db,
            log=log,
            person_id=context.person.id,
            roles=context.roles,
            now=context.app.clock(),
        )
    except SampleError as error:
        await _refused(update, context, error, site)
        return False
    return True


def _name(context: BotContext) -> str:
    return context.person.display_name if context.person else ""


async def step_check(update: Update, context: BotContext, args: list[str]) -> int:
    log, _site = _load(context, args[0])
    if await _tap(update, context, check_log, log):
        await _done(update, context._("✅ Checked by {name}.").format(name=_name(context)))
    return END


async def step_dispose(update: Update, context: BotContext, args: list[str]) -> int:
    log, site = _load(context, args[0])
    if await _tap(update, context, dispose, log, site):
        text = context._("🗑 Disposed of by {name}; a witness is asked to confirm.")
        await _done(update, text.format(name=_name(context)))
        await ask_for_witness(context.app, context.db, site, log)
    return END


async def step_witness(update: Update, context: BotContext, args: list[str]) -> int:
    log, _site = _load(context, args[0])
    if await _tap(update, context, witness, log):
        text = context._("👁 Disposal witnessed by {name}.")
        await _done(update, text.format(name=_name(context)))
    return END


async def step_hold(update: Update, context: BotContext, args: list[str]) -> int:
    log, _site = _load(context, args[0])
    if not may(context.roles, log.site_id, Action.HOLD_SAMPLES):
        await refuse(update, context, Action.HOLD_SAMPLES)
        return END
    if log.state != SampleState.KEPT:
        code = "already_disposed" if log.state == SampleState.DISPOSED else "held"
        return await _refused(update, context, SampleError(code))
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    context.user_data[PENDING] = {"hold": log.id}
    await reply(update, context._("🔒 Why are these samples held? Type the reason:"))
    return ASK_HOLD_REASON


async def on_hold_reason(update: Update, context: BotContext) -> int:
    assert context.user_data is not None
    pending = context.user_data.get(PENDING) or {}
    message, person = update.effective_message, context.person
    if "hold" not in pending or message is None or person is None:
        return END
    log, site = _load(context, str(pending["hold"]))
    try:
        check_reason(message.text or "")
        hold(
            session=context.db,
            log=log,
            person_id=person.id,
            roles=context.roles,
            reason=message.text or "",
            now=context.app.clock(),
        )
    except SampleError as error:
        if error.code in {"reason_empty", "reason_too_long"}:
            await reply(update, views.error_text(context._, error))
            return ASK_HOLD_REASON
        context.user_data.pop(PENDING, None)
        await reply(update, views.error_text(context._, error))
        return END
    context.user_data.pop(PENDING, None)
    await reply(
        update,
        context._(
            "🔒 Held: {reason}. Kept until the health teacher or director releases them."
        ).format(reason=log.hold_reason),
    )
    replan_site(context.app, site.id or 0)
    await tell_held(
        context.app, context.db, site, [log], f"samples-held-now:{log.id}:{log.held_at}"
    )
    return END


async def step_release(update: Update, context: BotContext, args: list[str]) -> int:
    log, site = _load(context, args[0])
    if await _tap(update, context, release, log):
        text = context._("🔓 Released by {name}; the kitchen will be asked to dispose of them.")
        await _done(update, text.format(name=_name(context)))
        replan_site(context.app, site.id or 0)
    return END
