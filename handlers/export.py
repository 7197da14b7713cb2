"""/export: a ledger (台账) as an XLSX file — pick the ledger and the period, or type them:
`/export disinfection 2026-09-01 2026-11-30`. The file is built in a worker thread."""

from __future__ import annotations

import asyncio
from datetime import date

from telegram import InlineKeyboardButton, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.keyboards import in_rows, inline_keyboard
from bot.parsing import parse_id
from bot.views import ledgers as ledger_views
from bot.views.export import KIND_LABELS, build_ledger_file, error_text, parse_date, periods
from handlers.common import refuse, reply
from storage.disinfection import local_today
from storage.ledgers import LEDGERS, LedgerError, check_period
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.sites import get_site

PREFIX = "exp"


async def cmd_export(update: Update, context: BotContext) -> None:
    _ = context._
    site_ids = sites_where_allowed(context.roles, Action.EXPORT_LEDGERS)
    if not site_ids:
        await refuse(update, context, Action.EXPORT_LEDGERS)
        return
    if context.args:
        await _typed(update, context, site_ids[0], context.args)
        return
    buttons = [
        InlineKeyboardButton(_(KIND_LABELS[kind]), callback_data=pack(PREFIX, "k", site_id, kind))
        for site_id in site_ids[:1]
        for kind in LEDGERS
    ]
    await reply(
        update,
        _("Which ledger? (Or type /export disinfection 2026-09-01 2026-11-30)"),
        reply_markup=inline_keyboard(in_rows(buttons, 2)),
    )


async def _typed(update: Update, context: BotContext, site_id: int, args: list[str]) -> None:
    _ = context._
    kind = args[0].lower()
    if kind not in LEDGERS or len(args) != 3:
        kinds = ", ".join(LEDGERS)
        await reply(
            update,
            _(
                "Type /export LEDGER FROM TO, e.g. /export disinfection 2026-09-01 2026-11-30. Ledgers: {kinds}"
            ).format(kinds=kinds),
        )
        return
    site = get_site(session=context.db, site_id=site_id)
    assert site is not None
    today = local_today(site, context.app.clock())
    start, end = parse_date(args[1], today), parse_date(args[2], today)
    if start is None or end is None:
        await reply(update, _("I could not read the dates. Write them like 2026-09-01 or 9月1日."))
        return
    await _send(update, context, site_id, kind, start, end)


async def on_export_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = unpack(PREFIX, query.data) or []
    site_id = parse_id(parts[1]) if len(parts) >= 3 else None
    if site_id is None or parts[2] not in LEDGERS:
        await on_expired_button(update, context)
        return
    if site_id not in sites_where_allowed(context.roles, Action.EXPORT_LEDGERS):
        await refuse(update, context, Action.EXPORT_LEDGERS)
        return
    site = get_site(session=context.db, site_id=site_id)
    if site is None:
        await on_expired_button(update, context)
        return
    _, kind = context._, parts[2]
    if parts[0] == "k" and len(parts) == 3:
        await query.answer()
        today = local_today(site, context.app.clock())
        buttons = [
            InlineKeyboardButton(
                label, callback_data=pack(PREFIX, "g", site_id, kind, f"{s:%Y%m%d}", f"{e:%Y%m%d}")
            )
            for label, s, e in periods(_, today)
        ]
        await query.edit_message_text(
            _("{ledger}: which period?").format(ledger=_(KIND_LABELS[kind])),
            reply_markup=inline_keyboard(in_rows(buttons, 2)),
        )
        return
    if parts[0] == "g" and len(parts) == 5:
        start, end = parse_date(parts[3], None), parse_date(parts[4], None)
        if start is None or end is None:
            await on_expired_button(update, context)
            return
        await query.answer(_("Preparing the file…"))
        await _send(update, context, site_id, kind, start, end)
        return
    await on_expired_button(update, context)


async def _send(
    update: Update, context: BotContext, site_id: int, kind: str, start: date, end: date
) -> None:
    _ = context._
    try:
        check_period(start, end)
    except LedgerError as error:
        await reply(update, error_text(_, error))
        return
    message = update.effective_message
    assert message is not None
    content, filename, count = await asyncio.to_thread(
        build_ledger_file, context.app.engine, site_id, kind, start, end, context.language
    )
    await message.reply_document(
        content,
        filename=filename,
        caption=_("{ledger} · {start} – {end} · {count} records").format(
            ledger=_(ledger_views.TITLES[kind]),
            start=ledger_views.chinese_date(start, context.language),
            end=ledger_views.chinese_date(end, context.language),
            count=count,
        ),
    )
