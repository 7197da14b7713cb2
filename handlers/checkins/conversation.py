"""Every check-in button ("ck:v1:…") and the typed answers the check-ins wait for."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from typing import Any

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
from bot.views import checkins as views
from handlers.checkins import admin, leave, morning, submit, zone
from handlers.checkins.common import (
    ASK_EXPECTED,
    ASK_HAZARD,
    ASK_NAME,
    ASK_PHOTO,
    ASK_REASON,
    ASK_ZONE_REASON,
    DRAFT,
    END,
    ZONE_DRAFT,
    draft,
    set_draft,
)
from handlers.common import refuse, reply
from storage.checkins_morning import checkable_classes
from storage.permissions import Action

Step = Callable[[Update, BotContext, list[str]], Awaitable[int]]
DraftStep = Callable[[Update, BotContext, dict[str, Any], list[str]], Awaitable[int]]


async def on_button(update: Update, context: BotContext) -> int:
    """Dispatch a check-in button; morning-draft steps need the draft they belong to."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    if (
        context.person is None
        or (step not in STEPS and step not in DRAFT_STEPS)
        or any(not fits_an_id(part) for part in args)
    ):
        await on_expired_button(update, context)
        return END
    try:
        if step in STEPS:
            return await STEPS[step](update, context, args)
        state = draft(context)
        if state is None:
            await on_expired_button(update, context)
            return END
        return await DRAFT_STEPS[step](update, context, state, args)
    except (ValueError, IndexError, KeyError):
        await on_expired_button(update, context)
        return END


# Ids are 32-bit in the database: a forged larger number is an expired button, not an error.
MAX_ID = 2**31 - 1


def fits_an_id(part: str) -> bool:
    return not part.isdigit() or len(part) <= 9 or (len(part) == 10 and int(part) <= MAX_ID)


async def _start(update: Update, context: BotContext, args: list[str]) -> int:
    """A reminder's 🩺 button: refused here (one answer to the tap), or the class's screen."""
    if not checkable_classes(context.roles):
        await refuse(update, context, Action.MORNING_CHECK_OWN_CLASS)
        return END
    if update.callback_query is not None:
        await update.callback_query.answer()
    return await morning.cmd_morning(update, context)


async def _zone_list(update: Update, context: BotContext, args: list[str]) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    return await zone.cmd_zone_check(update, context)


async def _no_photo(update: Update, context: BotContext, args: list[str]) -> int:
    pending = context.user_data.get(ZONE_DRAFT) if context.user_data else None
    if not pending or not pending.get("hazard"):
        await on_expired_button(update, context)
        return END
    return await zone.save_zone(update, context, pending)


async def _zone_replace(update: Update, context: BotContext, args: list[str]) -> int:
    pending = context.user_data.get(ZONE_DRAFT) if context.user_data else None
    if not pending:
        await on_expired_button(update, context)
        return END
    if args and args[0] == "keep":
        set_draft(context, ZONE_DRAFT, None)
        await update.callback_query.answer(context._("Kept the first answer; nothing changed."))  # type: ignore[union-attr]
        return END
    return await zone.save_zone(update, context, pending)


async def _zone_keep(update: Update, context: BotContext, args: list[str]) -> int:
    return await _zone_replace(update, context, ["keep"])


STEPS: dict[str, Step] = {
    "start": _start,
    "m": lambda u, c, a: morning.open_class(u, c, int(a[0])),
    "again": lambda u, c, a: morning.open_class(u, c, int(a[0]), replace=True),
    "f": submit.step_followup,
    "z": zone.step_zone,
    "zl": _zone_list,
    "np": _no_photo,
    "zr": _zone_replace,
    "zx": _zone_keep,
    "lv": leave.step_quick,
    "si": leave.step_stand_in,
    "za": admin.step_zone_person,
}
DRAFT_STEPS: dict[str, DraftStep] = {
    "all": lambda u, c, s, a: submit.submit(u, c, s, all_present=True),
    "ok": lambda u, c, s, a: submit.submit(u, c, s),
    "s": lambda u, c, s, a: morning.step_count(u, c, s, "sick"),
    "p": lambda u, c, s, a: morning.step_count(u, c, s, "personal"),
    "o": lambda u, c, s, a: morning.step_count(u, c, s, "other"),
    "w": lambda u, c, s, a: morning.ask_name(u, c, s, unwell=True),
    "u": lambda u, c, s, a: morning.step_undo(u, c, s),
    "n": lambda u, c, s, a: morning.take_name(u, c, s, s["known"][int(a[0])]),
    "y": lambda u, c, s, a: morning.step_symptom(u, c, s, a[0]),
    "h": lambda u, c, s, a: morning.step_sent_home(u, c, s, a[0]),
    "e": lambda u, c, s, a: _ask_expected(u, c),
    "ec": lambda u, c, s, a: submit.confirm_expected(u, c, s, int(a[0])),
    "back": lambda u, c, s, a: _back(u, c, s),
    "r": lambda u, c, s, a: submit.step_replace(u, c, s),
    "x": lambda u, c, s, a: submit.step_keep(u, c, s),
}


async def _ask_expected(update: Update, context: BotContext) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply(update, context._("Type the number of children expected:"))
    return ASK_EXPECTED


async def _back(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    state.pop("pending", None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    return await morning.show_counter(update, context)


async def cmd_cancel(update: Update, context: BotContext) -> int:
    set_draft(context, DRAFT, None)
    set_draft(context, ZONE_DRAFT, None)
    await reply(update, context._("Cancelled."))
    return END


def conversation() -> Conversation:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[
            CallbackQueryHandler(on_button, pattern=pattern(views.PREFIX)),
            MessageHandler(menu_button("morning_check"), morning.cmd_morning),
            MessageHandler(menu_button("zone_check"), zone.cmd_zone_check),
            CommandHandler("checkin", morning.cmd_morning, filters.ChatType.PRIVATE),
        ],
        states={
            ASK_NAME: [MessageHandler(typed, submit.on_name_text)],
            ASK_EXPECTED: [MessageHandler(typed, submit.on_expected_text)],
            ASK_REASON: [MessageHandler(typed, submit.on_reason_text)],
            ASK_HAZARD: [MessageHandler(typed, zone.on_hazard_text)],
            ASK_PHOTO: [
                MessageHandler(filters.ChatType.PRIVATE & filters.PHOTO, zone.on_hazard_photo)
            ],
            ASK_ZONE_REASON: [MessageHandler(typed, zone.on_zone_reason)],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="checkins",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=900,
    )
