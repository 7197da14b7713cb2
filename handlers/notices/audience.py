"""/notice's middle steps: an image or a PDF (or none), then the classes it goes to."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.views import notice_compose as screens
from handlers.common import reply
from handlers.notices.draft import (
    NOT_ALLOWED_TEXT,
    Rights,
    button_id,
    classes_for,
    draft,
    rights,
    show,
)

END = ConversationHandler.END
ASK_ATTACHMENT = 22


async def on_attachment(update: Update, context: BotContext) -> int:
    """An image or a PDF is attached; anything else is refused and asked again."""
    _ = context._
    d = draft(context)
    message = update.effective_message
    if d is None or message is None:
        return END
    if message.photo:
        d["att"] = ["photo", message.photo[-1].file_id]
    elif message.document and message.document.mime_type == "application/pdf":
        d["att"] = ["document", message.document.file_id]
    else:
        await reply(
            update,
            _("Only an image or a PDF can be attached. Send one, or tap Skip."),
            reply_markup=screens.attachment_prompt(_)[1],
        )
        return ASK_ATTACHMENT
    r = rights(context.roles, d["site"])
    return await show_audience(update, context, d, r) if r else END


async def step_skip(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer()
    d["att"] = None
    return await show_audience(update, context, d, r)


async def show_audience(update: Update, context: BotContext, d: dict[str, Any], r: Rights) -> int:
    if not r.whole_site and len(r.own_classes) == 1:
        d["classes"] = list(r.own_classes)
    whole = bool(d.get("whole")) if r.whole_site else None
    screen = screens.audience_picker(
        context._, classes_for(context, r), set(d["classes"]), whole=whole
    )
    await show(update, screen)
    return END


async def step_class(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    class_id = button_id(args[0])
    assert update.callback_query is not None
    if class_id not in dict(classes_for(context, r)):
        await update.callback_query.answer(
            context._("You can send notices only to your own class."), show_alert=True
        )
        return END
    await update.callback_query.answer()
    chosen = set(d["classes"]) ^ {class_id}
    d.update(classes=sorted(chosen), whole=False)
    return await show_audience(update, context, d, r)


async def step_whole(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    assert update.callback_query is not None
    if not r.whole_site:
        await update.callback_query.answer(context._(NOT_ALLOWED_TEXT), show_alert=True)
        return END
    await update.callback_query.answer()
    d.update(whole=not d.get("whole"), classes=[])
    return await show_audience(update, context, d, r)
