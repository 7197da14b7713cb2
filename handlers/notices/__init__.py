"""告家长书: parents join and subscribe; staff compose, send and follow notices."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern
from bot.context import BotContext
from bot.conversations import Conversation
from bot.menu import any_menu_button, menu_button
from bot.views import notice_compose
from handlers.common import reply
from handlers.notices import audience, compose, parents
from handlers.notices.draft import drop_draft

END = ConversationHandler.END


async def cmd_cancel(update: Update, context: BotContext) -> int:
    drop_draft(context)
    if context.user_data is not None:
        context.user_data.pop(parents.CHILD, None)
    await reply(update, context._("Cancelled."))
    return END


def conversation() -> Conversation:
    """/start (joining, a parent then names the child) and /notice with their typed steps."""
    private = filters.ChatType.PRIVATE
    typed = private & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    attachment = private & ~filters.COMMAND & ~any_menu_button()
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[
            CommandHandler("start", parents.cmd_start, private),
            CommandHandler("notice", compose.cmd_notice, private),
            MessageHandler(menu_button("notice"), compose.cmd_notice),
            CallbackQueryHandler(compose.on_button, pattern=pattern(notice_compose.PREFIX)),
        ],
        states={
            parents.ASK_CHILD: [MessageHandler(typed, parents.on_child_name)],
            compose.ASK_TITLE: [MessageHandler(typed, compose.on_title)],
            compose.ASK_BODY: [MessageHandler(typed, compose.on_body)],
            audience.ASK_ATTACHMENT: [MessageHandler(attachment, audience.on_attachment)],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="notices",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=600,
    )
