"""Buttons on notices: ✅ acknowledgement (parents), the preview's button, and the figures."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, Message, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.keyboards import inline_keyboard
from bot.views import notices as views
from handlers.common import reply
from handlers.notices.draft import NOT_ALLOWED_TEXT, button_id, rights, sending_sites
from storage.notice_figures import list_recent_notices, notice_figures
from storage.notices import Ack, acknowledge, get_notice
from storage.sites import get_site


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    try:
        if parts[0] == "ack":
            await _acknowledge(update, context, button_id(parts[1]))
        elif parts[0] == "pv":
            await query.answer(
                context._("This is the preview: a parent taps here to confirm they have read it."),
                show_alert=True,
            )
        elif parts[0] == "fig":
            await _figures(update, context, button_id(parts[1]))
        else:
            await on_expired_button(update, context)
    except (ValueError, IndexError):
        await on_expired_button(update, context)


async def _acknowledge(update: Update, context: BotContext, delivery_id: int) -> None:
    """Only the parent the notice was sent to counts; the message then shows it was read."""
    _ = context._
    query = update.callback_query
    assert query is not None
    person = context.person
    now = context.app.clock()
    result, delivery = acknowledge(
        session=context.db,
        delivery_id=delivery_id,
        person_id=person.id if person else None,
        now=now,
    )
    if result == Ack.UNKNOWN or delivery is None:
        await on_expired_button(update, context)
        return
    if result == Ack.NOT_YOURS:
        await query.answer(
            _("This notice was sent to another parent: your tap does not count for them."),
            show_alert=True,
        )
        return
    notice = get_notice(session=context.db, notice_id=delivery.notice_id)
    site = get_site(session=context.db, site_id=notice.site_id) if notice else None
    zone = ZoneInfo(site.timezone if site else "Asia/Shanghai")
    at = delivery.acknowledged_at or now
    if result == Ack.ALREADY:
        await query.answer(_("You have already confirmed this notice. Thank you!"))
    else:
        await query.answer(_("Thank you! The kindergarten can see you have read it."))
    message = query.message
    if isinstance(message, Message) and message.text and message.reply_markup:
        text = views.acknowledged_text(_, message.text, at, zone, context.language)
        await query.edit_message_text(text, reply_markup=None)


async def _figures(update: Update, context: BotContext, notice_id: int) -> None:
    query = update.callback_query
    assert query is not None
    notice = get_notice(session=context.db, notice_id=notice_id)
    if notice is None:
        await on_expired_button(update, context)
        return
    r = rights(context.roles, notice.site_id)
    if r is None or not r.may_address(notice.class_ids):
        await query.answer(context._(NOT_ALLOWED_TEXT), show_alert=True)
        return
    await query.answer()
    assert notice.id is not None
    figures = notice_figures(session=context.db, notice_id=notice.id)
    site = get_site(session=context.db, site_id=notice.site_id)
    zone = ZoneInfo(site.timezone if site else "Asia/Shanghai")
    text = views.figures_text(
        context._, notice.title, notice.created_at, figures, zone, context.language
    )
    await query.edit_message_text(
        text[:4000], reply_markup=views.figures_markup(context._, notice.id)
    )


async def cmd_notices(update: Update, context: BotContext) -> None:
    """The notices this person sent or may follow, newest first; a tap shows the figures."""
    _ = context._
    sites = sending_sites(context.roles)
    if not sites:
        await reply(update, _(NOT_ALLOWED_TEXT))
        return
    notices = list_recent_notices(
        session=context.db,
        site_ids=[s.site_id for s in sites if s.whole_site],
        class_ids=[c for s in sites if not s.whole_site for c in s.own_classes],
    )
    if not notices:
        await reply(update, _("No notices have been sent yet. Send one with /notice."))
        return
    buttons = [
        [InlineKeyboardButton(f"📊 {n.title}", callback_data=pack(views.PREFIX, "fig", n.id))]
        for n in notices
    ]
    await reply(
        update,
        _("Notices sent: tap one to see who has read it."),
        reply_markup=inline_keyboard(buttons),
    )
