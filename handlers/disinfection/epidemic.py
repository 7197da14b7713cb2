"""/epidemic: more disinfection rounds a day in epidemic seasons, switched with a button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.i18n import N_
from bot.keyboards import inline_keyboard
from bot.parsing import parse_id
from handlers.common import refuse, reply
from jobs.disinfection import request_board_refresh
from storage.disinfection import local_today, set_epidemic_mode
from storage.models import Site
from storage.people import sites_where_allowed
from storage.permissions import Action, can
from storage.site_settings import get_site_settings
from storage.sites import get_site

PREFIX = "epi"
SWITCH_ON, SWITCH_OFF = N_("Switch on"), N_("Switch off")
SWITCH = {"on": True, "开": True, "开启": True, "off": False, "关": False, "关闭": False}


def _sites(context: BotContext) -> list[Site]:
    site_ids = sites_where_allowed(context.roles, Action.SET_EPIDEMIC_MODE)
    return [s for s in (get_site(session=context.db, site_id=i) for i in site_ids) if s]


async def cmd_epidemic(update: Update, context: BotContext) -> None:
    """Show the state with 开启 / 关闭 buttons; `/epidemic on|off` still switches at once."""
    sites = _sites(context)
    if not sites:
        await refuse(update, context, Action.SET_EPIDEMIC_MODE)
        return
    wanted = SWITCH.get(context.args[0].lower()) if context.args else None
    if wanted is not None:
        lines = [_switch(context, site, wanted) for site in sites]
        await reply(update, "\n".join(lines))
        return
    text, markup = _state(context, sites)
    await reply(update, text, reply_markup=markup)


def _state(context: BotContext, sites: list[Site]) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = context._
    lines, rows = [], []
    for site in sites:
        settings = get_site_settings(site)
        lines.append(
            _("{site}: epidemic mode is {state}, {rounds} round(s) a day.").format(
                site=site.name,
                state=_("on") if settings.epidemic_mode else _("off"),
                rounds=settings.rounds_today,
            )
        )
        prefix = f"{site.name} · " if len(sites) > 1 else ""
        rows.append(
            [
                InlineKeyboardButton(prefix + _(label), callback_data=pack(PREFIX, site.id, value))
                for value, label in (("on", SWITCH_ON), ("off", SWITCH_OFF))
            ]
        )
    return "\n".join(lines), inline_keyboard(rows)


def _switch(context: BotContext, site: Site, on: bool) -> str:
    _ = context._
    person_id = context.person.id if context.person else None
    settings = set_epidemic_mode(session=context.db, site=site, on=on, person_id=person_id)
    request_board_refresh(context.app, site.id or 0, local_today(site, context.app.clock()))
    text = (
        _("{site}: epidemic mode on — disinfect {rounds} rounds a day.")
        if on
        else _("{site}: epidemic mode off — {rounds} round(s) a day.")
    )
    return text.format(site=site.name, rounds=settings.rounds_today)


async def on_epidemic_button(update: Update, context: BotContext) -> None:
    """开启 / 关闭: re-checks that the presser may still switch it at that site."""
    query = update.callback_query
    assert query is not None
    parts = unpack(PREFIX, query.data) or []
    site_id = parse_id(parts[0]) if len(parts) == 2 else None
    site = get_site(session=context.db, site_id=site_id) if site_id else None
    if site is None or parts[1] not in {"on", "off"}:
        await on_expired_button(update, context)
        return
    if not can([r.role for r in context.roles if r.site_id == site.id], Action.SET_EPIDEMIC_MODE):
        await refuse(update, context, Action.SET_EPIDEMIC_MODE)
        return
    await query.answer()
    done = _switch(context, site, parts[1] == "on")
    text, markup = _state(context, _sites(context))
    await query.edit_message_text(f"{done}\n\n{text}", reply_markup=markup)
