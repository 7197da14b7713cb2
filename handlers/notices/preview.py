"""The last steps of /notice: the preview exactly as a parent sees it, then confirm and queue."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.views import notice_compose as screens
from bot.views.notices import parent_messages
from handlers.notices.draft import SENT, Rights, classes_for, drop_draft, show
from jobs.notice_sender import send_part, wake_sender
from storage.notices import NoticeError, audience, create_notice
from storage.site_settings import get_site_settings
from storage.sites import get_site

END = ConversationHandler.END


def _targets(context: BotContext, d: dict[str, Any], r: Rights) -> tuple[list[int], str]:
    """(class ids, '小一班、小二班' or 'Whole site'); re-checked against what this sender may."""
    if d.get("whole") and r.whole_site:
        return [], context._("🏫 Whole site")
    allowed = dict(classes_for(context, r))
    chosen = [c for c in d.get("classes", []) if c in allowed]
    return chosen, "、".join(allowed[c] for c in chosen)


async def step_preview(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    _ = context._
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    class_ids, label = _targets(context, d, r)
    if not class_ids and not (d.get("whole") and r.whole_site):
        await query.answer(_("Choose at least one class."), show_alert=True)
        return END
    parents = len(audience(session=context.db, site_id=r.site_id, class_ids=class_ids))
    if not parents:
        await query.answer(
            _("No parent has joined these classes yet: share the parents' link first (/invite)."),
            show_alert=True,
        )
        return END
    await query.answer()
    await query.edit_message_text(_("👀 Preview:"))
    attachment = tuple(d["att"]) if d.get("att") else None
    for part in parent_messages(
        _,
        site_name=r.site_name,
        title=d["title"],
        parts=d["parts"],
        attachment=attachment,
        delivery_id=None,
    ):
        await send_part(context.app, update.effective_chat.id, part)
    text, markup = screens.confirm_screen(_, label, parents)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)
    return END


async def step_send(
    update: Update, context: BotContext, d: dict[str, Any], r: Rights, args: list[str]
) -> int:
    """Queue one delivery per parent; the draft is gone at once, so a double tap sends nothing."""
    _ = context._
    query = update.callback_query
    assert query is not None and context.person is not None and context.user_data is not None
    class_ids, _label = _targets(context, d, r)
    site = get_site(session=context.db, site_id=r.site_id)
    if site is None or not d.get("parts") or (not class_ids and not d.get("whole")):
        raise KeyError("incomplete draft")
    drop_draft(context)
    try:
        notice, parents = create_notice(
            session=context.db,
            site_id=r.site_id,
            author_id=context.person.id,
            title=d["title"],
            parts=d["parts"],
            class_ids=class_ids,
            attachment=tuple(d["att"]) if d.get("att") else None,
            now=context.app.clock(),
            reminder_hours=get_site_settings(site).notice_reminder_hours,
            default_language=site.language,
        )
    except NoticeError:
        await query.answer(_("No parent to send it to: nothing was sent."), show_alert=True)
        return END
    assert notice.id is not None
    context.user_data[SENT] = notice.id
    wake_sender(context.app)
    await query.answer()
    await show(update, screens.sent_screen(_, notice.title, parents, notice.id))
    return END
