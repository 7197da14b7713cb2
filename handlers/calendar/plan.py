"""/plan: paste a term plan or send a .txt / .docx → review page by page → confirm → scheduled."""

from __future__ import annotations

import calendar
import secrets
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import N_
from bot.views import plan as views
from handlers.calendar.tasks import show
from handlers.common import refuse, reply
from jobs.calendar import request_card_refresh
from storage.calendar import ensure_occurrences, local_now
from storage.people import sites_where_allowed
from storage.permissions import Action, Role
from storage.plan_dates import default_first_year, month_year
from storage.plan_files import PlanFileError, check_file, read_plan_file
from storage.plan_import import ParsedPlan, parse_plan
from storage.plan_store import PlannedTask, schedule_plan
from storage.sites import get_site

END = ConversationHandler.END
PLAN_INPUT = 20
MAX_ITEMS = 200  # a term is 5 months of at most a few dozen items each
DRAFT = "plan"  # user_data: the proposal under review (plain values, persisted)
FILE_ERRORS = {
    "unsupported": N_(
        "I can read pasted text, .txt files and .docx files only. Please send the plan as one of these."
    ),
    "too_big": N_("That file is too big for a term plan (at most 2 MB)."),
    "not_text": N_(
        "That file is not readable text. Please send a .txt or .docx file, or paste the text."
    ),
    "bad_docx": N_(
        "That .docx file cannot be opened. Please save it again in Word, or paste the text."
    ),
}


async def cmd_plan(update: Update, context: BotContext) -> int:
    if not sites_where_allowed(context.roles, Action.IMPORT_PLAN):
        await refuse(update, context, Action.IMPORT_PLAN)
        return END
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply(update, context._(
        "📥 Paste the term's work plan here, or send it as a .txt or .docx file. "
        "Months (三月份, 9月份：…) and their items become tasks. /cancel to stop."
    ))  # fmt: skip
    return PLAN_INPUT


async def on_plan_text(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None
    return await _propose(update, context, message.text or "")


async def on_plan_file(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    try:
        check_file(document.file_name or "", document.file_size)
        file = await document.get_file()
        text = read_plan_file(document.file_name or "", bytes(await file.download_as_bytearray()))
    except PlanFileError as error:
        await reply(update, context._(FILE_ERRORS[error.code]))
        return PLAN_INPUT
    return await _propose(update, context, text)


async def on_other(update: Update, context: BotContext) -> int:
    await reply(update, context._(FILE_ERRORS["unsupported"]))
    return PLAN_INPUT


async def _propose(update: Update, context: BotContext, text: str) -> int:
    _ = context._
    plan = parse_plan(text)
    if not plan.months:
        await reply(update, _(
            "I found no month heading (such as 三月份 or 9月份：), so nothing can be scheduled. "
            "Please check the plan and send it again, or /cancel."
        ))  # fmt: skip
        return PLAN_INPUT
    if not plan.items:
        await reply(
            update,
            _(
                "I found the months but no items under them. Please send the plan again, or /cancel."
            ),
        )
        return PLAN_INPUT
    if len(plan.items) > MAX_ITEMS:
        await reply(update, _(
            "This plan has {n} items; at most {limit} can be imported at once. "
            "Please send it in parts (one term at a time)."
        ).format(n=len(plan.items), limit=MAX_ITEMS))  # fmt: skip
        return PLAN_INPUT
    site_id = sites_where_allowed(context.roles, Action.IMPORT_PLAN)[0]
    site = get_site(session=context.db, site_id=site_id)
    assert site is not None
    today = local_now(site, context.app.clock()).date()
    draft = build_draft(site_id, plan, default_first_year(plan.months, today))
    assert context.user_data is not None
    context.user_data[DRAFT] = draft
    past = past_months(draft, today)
    text, markup = views.past_question(_, draft, past) if past else views.review(_, draft)
    await reply(update, text, reply_markup=markup)
    return END


def build_draft(site_id: int, plan: ParsedPlan, first_year: int) -> dict[str, Any]:
    first = plan.months[0]
    items = [
        {"m": i.month, "y": month_year(i.month, first, first_year), "t": i.title, "r": i.role,
         "d": i.drill, "keep": True}
        for i in plan.items
    ]  # fmt: skip
    draft = {"id": secrets.token_hex(3), "site": site_id, "items": items, "page": 0,
             "ignored": sum(1 for s in plan.skipped if s.reason != "heading")}  # fmt: skip
    _count_months(draft)
    return draft


def _count_months(draft: dict[str, Any]) -> None:
    counts: dict[tuple[int, int], int] = {}
    for item in draft["items"]:
        counts[(item["m"], item["y"])] = counts.get((item["m"], item["y"]), 0) + 1
    draft["months"] = [(m, y, n) for (m, y), n in counts.items()]


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def past_months(draft: dict[str, Any], today: date) -> list[tuple[int, int]]:
    return [(m, y) for m, y, _n in draft["months"] if _last_day(y, m) < today]


def _draft(context: BotContext, draft_id: str) -> dict[str, Any] | None:
    draft = (context.user_data or {}).get(DRAFT)
    return draft if draft and draft["id"] == draft_id else None


async def step_plan(update: Update, context: BotContext, step: str, args: list[str]) -> int:
    """The review's buttons: pk keep/drop, pr role picker, ps set role, pp page, py past, pc, px."""
    query = update.callback_query
    assert query is not None
    draft = _draft(context, args[0])
    if draft is None or not sites_where_allowed(context.roles, Action.IMPORT_PLAN):
        await query.answer(
            context._("This proposal has expired. Send /plan again."), show_alert=True
        )
        return END
    _check_args(draft, step, args)  # a forged value raises before any answer
    await query.answer()
    _ = context._
    if step == "pc":
        return await _confirm(update, context, draft)
    if step == "px":
        (context.user_data or {}).pop(DRAFT, None)
        await show(update, _("Cancelled: nothing was scheduled."))
        return END
    if step == "pr":
        await show(update, *views.role_picker(_, draft, int(args[1])))
        return END
    if step == "pk":
        item = draft["items"][int(args[1])]
        item["keep"] = not item["keep"]
    elif step == "ps":
        draft["items"][int(args[1])]["r"] = None if args[2] == "-" else Role(args[2]).value
    elif step == "pp":
        draft["page"] = max(0, min(int(args[1]), views.pages(draft) - 1))
    elif step == "py":
        _resolve_past(context, draft, args[1])
    await show(update, *views.review(_, draft))
    return END


def _check_args(draft: dict[str, Any], step: str, args: list[str]) -> None:
    if step in ("pk", "pr", "ps") and not 0 <= int(args[1]) < len(draft["items"]):
        raise ValueError("no such item")
    if step == "ps" and args[2] != "-":
        Role(args[2])
    if step == "pp":
        int(args[1])
    if step == "py" and args[1] not in ("next", "skip"):
        raise ValueError("not offered")


def _resolve_past(context: BotContext, draft: dict[str, Any], choice: str) -> None:
    site = get_site(session=context.db, site_id=draft["site"])
    assert site is not None
    past = set(past_months(draft, local_now(site, context.app.clock()).date()))
    if choice == "next":
        for item in draft["items"]:
            if (item["m"], item["y"]) in past:
                item["y"] += 1
    else:
        draft["items"] = [i for i in draft["items"] if (i["m"], i["y"]) not in past]
    draft["page"] = 0
    _count_months(draft)


async def _confirm(update: Update, context: BotContext, draft: dict[str, Any]) -> int:
    kept = [i for i in draft["items"] if i["keep"]]
    tasks = [PlannedTask(i["t"], i["r"], i["d"], _last_day(i["y"], i["m"])) for i in kept]
    person = context.person
    schedule_plan(session=context.db, site_id=draft["site"], tasks=tasks,
                  person_id=person.id if person else None)  # fmt: skip
    site = get_site(session=context.db, site_id=draft["site"])
    assert site is not None
    ensure_occurrences(
        session=context.db, site=site, today=local_now(site, context.app.clock()).date()
    )
    (context.user_data or {}).pop(DRAFT, None)
    await show(update, context._("✅ {n} tasks scheduled. Each is reminded on the first of its month "
                                 "and on its last day. See them with /tasks.").format(n=len(tasks)))  # fmt: skip
    request_card_refresh(context.app, draft["site"])
    return END
