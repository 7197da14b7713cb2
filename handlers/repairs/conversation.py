"""One conversation for repairs: every "rp:" button enters it; typed answers (a place, a
description, a note, a reason) and photos are its states, keyed by user so a tap in a
group continues in private chat."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern, unpack
from bot.context import BotContext
from bot.conversations import Conversation
from bot.errors import on_expired_button
from bot.menu import any_menu_button, menu_button
from bot.views import repairs as views
from handlers.common import refuse, reply
from handlers.repairs import check, group, lists, report, work
from handlers.repairs.common import (
    AFTER_PHOTO,
    DESCRIPTION,
    END,
    NOTE,
    PHOTO,
    REASON,
    WHERE,
    forget,
)
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.repairs_guess import TRIGGER

DRAFT_STEPS = {"dc", "dl", "dp", "dk", "dq", "du", "dx"}
REPORT_STEPS = {"nl", "nk", "np", "nu"}
WORK_STEPS = {"acc", "asg", "asp", "st", "fin", "cf", "ok", "no", "cx"}


async def on_button(update: Update, context: BotContext) -> int:
    """Every repairs button; each names its ticket and is re-checked in storage."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    if context.person is None or not args:
        await on_expired_button(update, context)
        return END
    if not sites_where_allowed(context.roles, Action.REPORT_REPAIR):
        await refuse(update, context, Action.REPORT_REPAIR)  # a parent sees no ticket
        return END
    try:
        if step in DRAFT_STEPS:
            await group.on_draft_button(update, context, step, args)
            return END
        if step in REPORT_STEPS:
            return await report.on_report_button(update, context, step, args)
        if step in WORK_STEPS:
            return await work.on_work_button(update, context, step, args)
        if step == "fp":
            return await work.on_skip_after_photo(update, context, args)
        if step == "v":
            await lists.on_view_button(update, context, args)
            return END
        if step == "pg":
            await lists.on_page_button(update, context, args)
            return END
    except (ValueError, IndexError):
        pass  # a forged or garbled button
    await on_expired_button(update, context)
    return END


async def cmd_cancel(update: Update, context: BotContext) -> int:
    forget(context)
    await reply(update, context._("Cancelled."))
    return END


def conversation() -> Conversation:
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    anything = private & (typed | filters.PHOTO | filters.Document.ALL | filters.VIDEO)
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[
            CallbackQueryHandler(on_button, pattern=pattern(views.PREFIX)),
            MessageHandler(menu_button("repair"), report.cmd_report),
            MessageHandler(menu_button("hazard"), report.cmd_hazard),
            CommandHandler("repair", report.cmd_report, private),
            CommandHandler("hazard", report.cmd_hazard, private),
        ],
        states={
            WHERE: [MessageHandler(typed, report.on_location_text)],
            DESCRIPTION: [MessageHandler(typed, report.on_description_text)],
            PHOTO: [MessageHandler(anything, report.on_report_photo)],
            NOTE: [MessageHandler(typed, work.on_note_text)],
            AFTER_PHOTO: [MessageHandler(anything, work.on_after_photo)],
            REASON: [MessageHandler(typed, check.on_reason_text)],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="repairs",
        persistent=True,
        allow_reentry=True,
        # Keyed by user only: 完成 tapped in the maintenance group asks for the note privately.
        per_chat=False,
        per_user=True,
        per_message=False,
        conversation_timeout=1800,
    )


def group_report_filter() -> filters.BaseFilter:
    """A group message or photo caption that starts with 报修 / #报修 / repair."""
    return filters.ChatType.GROUPS & (filters.Regex(TRIGGER) | filters.CaptionRegex(TRIGGER))
