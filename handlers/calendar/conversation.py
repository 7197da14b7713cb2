"""One persistent conversation for the calendar's typed answers; its buttons carry their state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import pattern, unpack
from bot.context import BotContext
from bot.conversations import Conversation
from bot.errors import on_expired_button
from bot.menu import any_menu_button
from bot.parsing import parse_id
from bot.views.calendar import PREFIX
from handlers.calendar import drill, plan, rules, tasks

END = ConversationHandler.END
Step = Callable[[Update, BotContext, list[str]], Awaitable[int]]
# Steps whose first argument is an id (checked before anything is loaded).
_STEPS: dict[str, Step] = {
    "d": tasks.step_done,
    "s": tasks.step_skip,
    "t": drill.step_type,
    "dp": tasks.step_drill_photos,
    "rr": rules.step_rule,
    "ra": rules.step_rule,
    "rl": rules.step_rule,
    "rp": rules.step_rule,
    "rs": rules.step_rule,
    "rq": rules.step_rule,
}
_PLAN_STEPS = {"pk", "pr", "ps", "pp", "py", "pc", "px"}


async def on_button(update: Update, context: BotContext) -> int:
    """Every calendar button; each step re-checks who pressed it."""
    query = update.callback_query
    assert query is not None
    parts = unpack(PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    try:
        if context.person is None:
            raise ValueError("not a member")
        if step == "r":
            return await rules.step_rules(update, context, args)
        if step == "pi":
            return await plan.cmd_plan(update, context)
        if step in _PLAN_STEPS:
            return await plan.step_plan(update, context, step, args)
        if step in _STEPS and args and parse_id(args[0]) is not None:
            return await _STEPS[step](update, context, args)
        raise ValueError(f"unknown step {step!r}")
    except (ValueError, IndexError, KeyError):
        await on_expired_button(update, context)
        return END


def conversation() -> Conversation:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    photo = filters.ChatType.PRIVATE & filters.PHOTO
    return Conversation(
        entry_points=[
            CallbackQueryHandler(on_button, pattern=pattern(PREFIX)),
            CommandHandler("plan", plan.cmd_plan, filters.ChatType.PRIVATE),
        ],
        states={
            tasks.ASK_NOTE: [
                MessageHandler(typed, tasks.on_note),
                MessageHandler(photo, tasks.on_photo),
            ],
            tasks.ASK_SKIP_REASON: [MessageHandler(typed, tasks.on_skip_reason)],
            drill.DRILL_CHILDREN: [MessageHandler(typed, drill.on_children)],
            drill.DRILL_STAFF: [MessageHandler(typed, drill.on_staff)],
            drill.DRILL_SECONDS: [MessageHandler(typed, drill.on_seconds)],
            drill.DRILL_PROBLEMS: [MessageHandler(typed, drill.on_problems)],
            drill.DRILL_PHOTOS: [
                MessageHandler(photo, drill.on_photo),
                MessageHandler(typed, drill.on_text_instead_of_photo),
            ],
            plan.PLAN_INPUT: [
                MessageHandler(typed, plan.on_plan_text),
                MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, plan.on_plan_file),
                MessageHandler(
                    filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.TEXT, plan.on_other
                ),
            ],
        },
        fallbacks=[
            CommandHandler("skip", tasks.cmd_finish),
            CommandHandler("cancel", tasks.cmd_finish),
        ],
        name="calendar",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=900,
    )
