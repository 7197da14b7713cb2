"""/tasks and 📅 工作日历: this week's and overdue tasks; done with a tap, then a note or photo."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.views import calendar as views
from handlers.common import refuse, reply
from jobs.calendar import request_card_refresh
from storage.calendar import (
    Task,
    TaskError,
    add_note,
    add_photo,
    complete_task,
    ensure_occurrences,
    get_task,
    is_manager,
    is_responsible,
    list_tasks,
    local_now,
    may_complete,
    skip_task,
    state_of,
)
from storage.calendar_models import DrillRecord, TaskKind, TaskStatus
from storage.drills import compliance_gaps, latest_drill
from storage.models import Site
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.sites import get_site

END = ConversationHandler.END
ASK_NOTE, ASK_SKIP_REASON = range(2)
PENDING = "calendar"  # user_data: the task a note, photo or reason is for


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the tapped message in private chat; otherwise answer with a new message."""
    query = update.callback_query
    chat = update.effective_chat
    if query is not None and query.message is not None and chat and chat.type == "private":
        await query.edit_message_text(text, reply_markup=markup)
        return
    await reply(update, text, reply_markup=markup)


def _sites(context: BotContext) -> list[Site]:
    ids = sites_where_allowed(context.roles, Action.VIEW_TASKS)
    return [s for s in (get_site(session=context.db, site_id=i) for i in ids) if s is not None]


async def cmd_tasks(update: Update, context: BotContext) -> int:
    """Overdue and this week's tasks: one's own, or all of them for the director."""
    sites = _sites(context)
    person = context.person
    if not sites or person is None:
        await refuse(update, context, Action.VIEW_TASKS)
        return END
    site = sites[0]
    now = context.app.clock()
    today = local_now(site, now).date()
    ensure_occurrences(session=context.db, site=site, today=today)
    manager = is_manager(context.roles, site.id or 0)
    sunday = today + timedelta(days=6 - today.weekday())
    chosen = []
    for task in list_tasks(
        session=context.db, site_id=site.id or 0, start=today - timedelta(days=92),
        end=today + timedelta(days=31),
    ):  # fmt: skip
        state = state_of(site, task.rule, task.occurrence, now)
        mine = manager or is_responsible(context.roles, person.id, task.rule)
        if mine and (
            state in (TaskStatus.OVERDUE, TaskStatus.DUE)
            or today <= task.occurrence.due_date <= sunday
        ):
            chosen.append((task, state))
    gaps = compliance_gaps(session=context.db, site=site, now=now) if manager else []
    drill = latest_drill(session=context.db, site_id=site.id or 0) if manager else None
    line = (
        views.last_drill(context._, context.language, drill, ZoneInfo(site.timezone))
        if drill
        else None
    )
    text, markup = views.task_list(
        context._, context.language, chosen, gaps, manager, line,
        drill.id if drill and drill.photos else None,
    )  # fmt: skip
    await reply(update, text, reply_markup=markup)
    return END


async def load_checked(
    update: Update, context: BotContext, raw_id: str
) -> tuple[Site, Task] | None:
    """The task of a button, if it exists and the presser may complete it (else a toast)."""
    query = update.callback_query
    assert query is not None
    task = get_task(session=context.db, occurrence_id=int(raw_id))
    site = get_site(session=context.db, site_id=task.rule.site_id) if task else None
    person = context.person
    if task is None or site is None or person is None:
        await query.answer(context._(views.NOT_FOUND), show_alert=True)
        return None
    if not may_complete(context.roles, person.id, task.rule):
        name = views.who(context._, task)
        await query.answer(
            context._("Only {who} or the director can complete this task.").format(who=name),
            show_alert=True,
        )
        return None
    if task.occurrence.status in (TaskStatus.DONE, TaskStatus.SKIPPED):
        await query.answer(context._("This task is already closed."), show_alert=True)
        return None
    return site, task


async def step_done(update: Update, context: BotContext, args: list[str]) -> int:
    """✅ on a reminder or a list: record it now (a drill asks for its record first)."""
    loaded = await load_checked(update, context, args[0])
    if loaded is None:
        return END
    site, task = loaded
    assert update.callback_query is not None and context.person is not None
    await update.callback_query.answer()
    if task.rule.kind == TaskKind.DRILL:
        from handlers.calendar import drill  # the drill record is its own short dialogue

        return await drill.start(update, context, task)
    try:
        occurrence = complete_task(
            session=context.db, site=site, task=task, person_id=context.person.id,
            now=context.app.clock(),
        )  # fmt: skip
    except TaskError:
        await show(update, context._("This task is already closed."))
        return END
    _remember(context, task)
    await show(update, views.done_text(context._, task, occurrence.late))
    request_card_refresh(context.app, site.id or 0)
    return ASK_NOTE


def _remember(context: BotContext, task: Task) -> None:
    assert context.user_data is not None
    context.user_data[PENDING] = {"occ": task.id}


def pending_task(context: BotContext) -> Task | None:
    pending = (context.user_data or {}).get(PENDING)
    if not pending:
        return None
    return get_task(session=context.db, occurrence_id=int(pending["occ"]))


async def on_note(update: Update, context: BotContext) -> int:
    task = pending_task(context)
    message = update.effective_message
    if task is None or message is None or context.person is None:
        return END
    try:
        add_note(session=context.db, occurrence=task.occurrence, note=message.text or "",
                 person_id=context.person.id)  # fmt: skip
    except TaskError as error:
        await reply(update, note_error(context, error))
        return ASK_NOTE
    await reply(update, context._("📝 Note saved. Send a photo, or /skip to finish."))
    return ASK_NOTE


def note_error(context: BotContext, error: TaskError) -> str:
    _ = context._
    if error.code == "note_too_long":
        return _("That is {length} characters; at most {limit}, please.").format(**error.details)
    return _("Please type a few words (or /skip).")


async def on_photo(update: Update, context: BotContext) -> int:
    task = pending_task(context)
    message = update.effective_message
    if task is None or message is None or not message.photo:
        return END
    add_photo(session=context.db, occurrence=task.occurrence, file_id=message.photo[-1].file_id)
    await reply(update, context._("📷 Photo attached to {title}.").format(title=task.rule.title))
    return ASK_NOTE


async def step_skip(update: Update, context: BotContext, args: list[str]) -> int:
    loaded = await load_checked(update, context, args[0])
    if loaded is None:
        return END
    _site, task = loaded
    assert update.callback_query is not None
    await update.callback_query.answer()
    _remember(context, task)
    await show(update, context._("Why is “{title}” skipped? Type the reason:").format(
        title=task.rule.title))  # fmt: skip
    return ASK_SKIP_REASON


async def on_skip_reason(update: Update, context: BotContext) -> int:
    task = pending_task(context)
    message = update.effective_message
    if task is None or message is None or context.person is None:
        return END
    try:
        skip_task(session=context.db, task=task, person_id=context.person.id,
                  reason=message.text or "", now=context.app.clock())  # fmt: skip
    except TaskError as error:
        if error.code == "note_too_long":
            await reply(update, note_error(context, error))
        else:
            await reply(update, context._("Please type the reason in a few words (or /cancel)."))
        return ASK_SKIP_REASON
    (context.user_data or {}).pop(PENDING, None)
    await reply(update, context._("➖ Skipped: {title}.").format(title=task.rule.title))
    request_card_refresh(context.app, task.rule.site_id)
    return END


async def step_drill_photos(update: Update, context: BotContext, args: list[str]) -> int:
    """📷 on the list: the managers see the last drill's photos."""
    query = update.callback_query
    assert query is not None
    record = context.db.get(DrillRecord, int(args[0]))
    if record is None or not is_manager(context.roles, record.site_id):
        await refuse(update, context, Action.MANAGE_CALENDAR)
        return END
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    for file_id in record.photos[:10]:
        await context.bot.send_photo(chat.id, file_id)
    return END


async def cmd_finish(update: Update, context: BotContext) -> int:
    """/skip (or /cancel): end the optional note and photo."""
    (context.user_data or {}).pop(PENDING, None)
    (context.user_data or {}).pop("drill", None)
    await reply(update, context._("Done. 👍"))
    return END
