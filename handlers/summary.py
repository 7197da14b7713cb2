"""/today and /week: the daily summary on demand, with its chart; buttons open the details."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from telegram import Update

from bot.callbacks import unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.parsing import parse_id
from bot.views import summary as views
from bot.views.repairs_forms import ticket_list
from bot.views.summary_charts import summary_chart, week_chart
from handlers.common import refuse, reply
from storage.disinfection import local_today
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.repairs_queries import PAGE_SIZE, list_open
from storage.sites import get_site
from storage.summary import build_summary, week_summary


async def cmd_today(update: Update, context: BotContext) -> None:
    """Today's figures of each site the sender manages, with the 14-day chart."""
    site_ids = sites_where_allowed(context.roles, Action.VIEW_SUMMARY)
    if not site_ids:
        await refuse(update, context, Action.VIEW_SUMMARY)
        return
    message = update.effective_message
    assert message is not None
    for site_id in site_ids:
        site = get_site(session=context.db, site_id=site_id)
        if site is None:
            continue
        now = context.app.clock()
        summary = build_summary(session=context.db, site=site, day=local_today(site, now), now=now)
        _ = context._
        await reply(
            update,
            views.summary_text(_, context.language, summary),
            reply_markup=views.summary_keyboard(_, summary),
        )
        chart = await asyncio.to_thread(
            summary_chart, context.app.engine, site_id, summary.day, context.language
        )
        await message.reply_photo(chart)


async def cmd_week(update: Update, context: BotContext) -> None:
    """The last seven days, and the classes compared."""
    site_ids = sites_where_allowed(context.roles, Action.VIEW_SUMMARY)
    if not site_ids:
        await refuse(update, context, Action.VIEW_SUMMARY)
        return
    message = update.effective_message
    assert message is not None
    for site_id in site_ids:
        site = get_site(session=context.db, site_id=site_id)
        if site is None:
            continue
        end = local_today(site, context.app.clock())
        week = week_summary(session=context.db, site=site, start=end - timedelta(days=6), end=end)
        await reply(update, views.week_text(context._, context.language, week))
        chart = await asyncio.to_thread(week_chart, week, context.language)
        if chart is not None:
            await message.reply_photo(chart)


async def on_summary_button(update: Update, context: BotContext) -> None:
    """`sum:v1:dis:<site>:<day>`: the rooms still to do that day; `sum:v1:tix:<site>:<day>`:
    the site's open tickets, overdue first, each a button that opens it."""
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data)
    if not parts or len(parts) != 3 or parts[0] not in {"dis", "tix"}:
        await on_expired_button(update, context)
        return
    site_id, day = parse_id(parts[1]), views.parse_day_code(parts[2])
    if site_id is None or day is None:
        await on_expired_button(update, context)
        return
    if site_id not in sites_where_allowed(context.roles, Action.VIEW_SUMMARY):
        await refuse(update, context, Action.VIEW_SUMMARY)
        return
    site = get_site(session=context.db, site_id=site_id)
    if site is None:
        await on_expired_button(update, context)
        return
    await query.answer()
    now = context.app.clock()
    if parts[0] == "tix":
        found = list_open(session=context.db, site_id=site_id, now=now)
        text, markup = ticket_list(
            context._, found[:PAGE_SIZE], everyone=True, page=0, more=len(found) > PAGE_SIZE, now=now
        )
        await reply(update, text, reply_markup=markup)
        return
    summary = build_summary(session=context.db, site=site, day=day, now=now)
    await reply(update, views.missing_rooms_text(context._, context.language, summary))
