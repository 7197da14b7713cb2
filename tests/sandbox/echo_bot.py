"""A tiny real PTB bot for end-to-end tests: echoes text, answers /start, edits on a tap."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import SandboxServer

CONFIRM = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="confirm:v1")]])


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    code = " ".join(context.args or []) or "无"
    await update.effective_message.reply_text(f"欢迎！邀请码：{code}", reply_markup=CONFIRM)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    text = update.effective_message.text
    await update.effective_message.reply_text(f"收到：{text}", reply_markup=CONFIRM)


async def on_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer("已确认 ✅")
    text = getattr(query.message, "text", "") or ""
    await query.edit_message_text(f"{text}（已确认）")


def build_echo_app(server: SandboxServer) -> Application:
    urls = server.bot_urls()
    app = (
        ApplicationBuilder()
        .token(server.token)
        .base_url(urls["base_url"])
        .base_file_url(urls["base_file_url"])
        .build()
    )
    app.add_handler(CommandHandler("start", cmd_start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_confirm, pattern=r"^confirm:v1$"))
    return app
