"""/notice (📢 告家长书): template or new text → attachment → audience → preview → confirm."""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.callbacks import unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.views import notice_compose as screens
from bot.views.notice_templates import TEMPLATES, shipped_template
from handlers.common import reply
from handlers.notices import audience, preview
from handlers.notices.draft import (
    NOT_ALLOWED_TEXT,
    SENT,
    Rights,
    button_id,
    draft,
    drop_draft,
    rights,
    sending_sites,
    show,
    start_draft,
)
from storage.notice_templates import get_site_template, save_site_template
from storage.notices import MAX_PARTS, TITLE_MAX, body_limit, split_body

END = ConversationHandler.END
ASK_TITLE, ASK_BODY = range(20, 22)
ASK_ATTACHMENT = audience.ASK_ATTACHMENT
_MEANINGFUL = re.compile(r"[^\W\d_]")


async def cmd_notice(update: Update, context: BotContext) -> int:
    """Start a notice: pick the site (if several), then a template or a new text."""
    _ = context._
    sites = sending_sites(context.roles)
    if not sites:
        await reply(update, _(NOT_ALLOWED_TEXT))
        return END
    if len(sites) > 1:
        await show(update, screens.site_picker(_, [(s.site_id, s.site_name) for s in sites]))
        return END
    start_draft(context, sites[0].site_id)
    await show(update, screens.template_picker(_, sites[0].site_name))
    return END


async def on_button(update: Update, context: BotContext) -> int:
    """Every composing button; each re-checks who is pressing and the draft it acts on."""
    query = update.callback_query
    assert query is not None
    parts = unpack(screens.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    if step == "site":
        try:
            return await _step_site(update, context, args)
        except (ValueError, IndexError):  # forged or garbled: an expired button
            await on_expired_button(update, context)
            return END
    current = draft(context)
    r = rights(context.roles, current["site"]) if current else None
    if step not in _STEPS or current is None or r is None:
        await _stale(update, context)
        return END
    try:
        return await _STEPS[step](update, context, current, r, args)
    except (ValueError, IndexError, KeyError):
        await on_expired_button(update, context)
        return END


async def _stale(update: Update, context: BotContext) -> None:
    """A button of a draft that is gone: already sent, cancelled, or never ours."""
    _ = context._
    sent = context.user_data.get(SENT) if context.user_data else None
    assert update.callback_query is not None
    if sent:
        await update.callback_query.answer(
            _("This notice has already been sent; it is not sent twice."), show_alert=True
        )
    else:
        await on_expired_button(update, context)


async def _step_site(update: Update, context: BotContext, args: list[str]) -> int:
    r = rights(context.roles, button_id(args[0]))
    assert update.callback_query is not None
    if r is None:
        await update.callback_query.answer(context._(NOT_ALLOWED_TEXT), show_alert=True)
        return END
    await update.callback_query.answer()
    start_draft(context, r.site_id)
    await show(update, screens.template_picker(context._, r.site_name))
    return END


async def _step_template(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    key = args[0]
    if key not in TEMPLATES:
        raise KeyError(key)
    own = get_site_template(
        session=context.db, site_id=r.site_id, key=key, language=context.language
    )
    title, body = (own.title, own.body) if own else shipped_template(context._, key)
    d.update(tpl=key, title=title, body=body, parts=None)
    return await _answer_and_show_draft(update, context, d, r)


async def _answer_and_show_draft(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights
) -> int:
    if update.callback_query is not None:
        await update.callback_query.answer()
    can_save = r.whole_site and bool(d.get("tpl"))
    await show(update, screens.draft_screen(context._, d["title"], d["body"], can_save=can_save))
    return END


async def _step_new(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    d.update(tpl=None, title=None, body=None, parts=None)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(
        update,
        (context._("Type the title (at most {limit} characters):").format(limit=TITLE_MAX), None),
    )
    return ASK_TITLE


async def _step_edit(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(
        update, (context._("Type the new text of 「{title}」:").format(title=d["title"]), None)
    )
    return ASK_BODY


async def _step_save(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    assert update.callback_query is not None
    if not r.whole_site or not d.get("tpl") or context.person is None:
        await update.callback_query.answer(context._(NOT_ALLOWED_TEXT), show_alert=True)
        return END
    save_site_template(
        session=context.db,
        site_id=r.site_id,
        key=d["tpl"],
        language=context.language,
        title=d["title"],
        body=d["body"],
        person_id=context.person.id,
    )
    await update.callback_query.answer(
        context._("Saved: your site's template now reads like this.")
    )
    return END


async def on_title(update: Update, context: BotContext) -> int:
    _ = context._
    d = draft(context)
    message = update.effective_message
    if d is None or message is None:
        return END
    title = (message.text or "").strip()
    if len(title) > TITLE_MAX:
        await reply(
            update,
            _("The title has {count} characters; at most {limit}. Please type it again:").format(
                count=len(title), limit=TITLE_MAX
            ),
        )
        return ASK_TITLE
    if not _MEANINGFUL.search(title):
        await reply(update, _("A notice needs a title, e.g. 防溺水安全告家长书. Please type it:"))
        return ASK_TITLE
    d["title"] = title
    await reply(update, _("Now type the text of the notice:"))
    return ASK_BODY


async def on_body(update: Update, context: BotContext) -> int:
    _ = context._
    d = draft(context)
    message = update.effective_message
    if d is None or message is None or not d.get("title"):
        return END
    body = (message.text or "").strip()
    if not _MEANINGFUL.search(body):
        await reply(update, _("The notice is empty. Please type its text:"))
        return ASK_BODY
    d.update(body=body, parts=None)
    r = rights(context.roles, d["site"])
    if r is None:
        return END
    return await _answer_and_show_draft(update, context, d, r)


async def _step_next(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    """After the text: split it if it is too long (with the sender's consent), then attachment."""
    assert update.callback_query is not None
    if not d.get("title") or not d.get("body"):
        raise KeyError("incomplete draft")
    await update.callback_query.answer()
    parts = split_body(d["title"], d["body"])
    if len(parts) > 1 and d.get("parts") != parts:
        limit = body_limit(d["title"])
        await show(
            update, screens.too_long(context._, len(d["body"]), limit, len(parts), MAX_PARTS)
        )
        return ASK_BODY
    d["parts"] = parts
    await show(update, screens.attachment_prompt(context._))
    return ASK_ATTACHMENT


async def _step_split(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    parts = split_body(d["title"], d["body"])
    if len(parts) > MAX_PARTS:
        raise ValueError("too long")
    d["parts"] = parts
    return await _step_next(update, context, d, r, args)


async def _step_cancel(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    drop_draft(context)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, (context._("Cancelled: nothing was sent."), None))
    return END


async def _step_back(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    return await _answer_and_show_draft(update, context, d, r)


_STEPS = {
    "tpl": _step_template,
    "new": _step_new,
    "edit": _step_edit,
    "save": _step_save,
    "next": _step_next,
    "split": _step_split,
    "skip": audience.step_skip,
    "cls": audience.step_class,
    "all": audience.step_whole,
    "aud": preview.step_preview,
    "send": preview.step_send,
    "back": _step_back,
    "x": _step_cancel,
}
