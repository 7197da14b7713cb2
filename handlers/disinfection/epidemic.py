"""/epidemic on|off: more disinfection rounds a day in epidemic seasons."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from handlers.common import refuse, reply
from jobs.disinfection import request_board_refresh
from storage.disinfection import local_today, set_epidemic_mode
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.site_settings import get_site_settings
from storage.sites import get_site

SWITCH = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}


async def cmd_epidemic(update: Update, context: BotContext) -> None:
    _ = context._
    site_ids = sites_where_allowed(context.roles, Action.SET_EPIDEMIC_MODE)
    if not site_ids:
        await refuse(update, context, Action.SET_EPIDEMIC_MODE)
        return
    sites = [s for s in (get_site(session=context.db, site_id=i) for i in site_ids) if s]
    wanted = SWITCH.get(context.args[0].lower()) if context.args else None
    if wanted is None:
        lines = [
            _("{site}: epidemic mode is {state}, {rounds} round(s) a day.").format(
                site=site.name,
                state=_("on") if get_site_settings(site).epidemic_mode else _("off"),
                rounds=get_site_settings(site).rounds_today,
            )
            for site in sites
        ]
        await reply(update, "\n".join([*lines, _("Send /epidemic on or /epidemic off.")]))
        return
    lines = []
    person_id = context.person.id if context.person else None
    for site in sites:
        settings = set_epidemic_mode(session=context.db, site=site, on=wanted, person_id=person_id)
        text = (
            _("{site}: epidemic mode on — disinfect {rounds} rounds a day.")
            if wanted
            else _("{site}: epidemic mode off — {rounds} round(s) a day.")
        )
        lines.append(text.format(site=site.name, rounds=settings.rounds_today))
        request_board_refresh(context.app, site.id or 0, local_today(site, context.app.clock()))
    await reply(update, "\n".join(lines))
