"""✅ 责任区自查: ✅ 无隐患 in one tap; ⚠️ 发现隐患 asks a description and a photo, then opens a
hazard ticket with the zone and the reporter filled in."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.keyboards import inline_keyboard
from bot.views import checkins as views
from handlers.checkins.common import (
    ASK_HAZARD,
    ASK_PHOTO,
    ASK_ZONE_REASON,
    END,
    ZONE_DRAFT,
    set_draft,
    show,
    toast,
)
from handlers.checkins.hazard import open_hazard
from handlers.common import refuse, reply
from jobs.checkins import request_card
from storage.checkins import (
    CheckinError,
    Template,
    clean_reason,
    is_late,
    local_today,
    window_named,
    window_times,
)
from storage.checkins_status import zone_day
from storage.checkins_zone import clean_hazard, record_zone_check
from storage.models import Site
from storage.permissions import Action
from storage.sites import get_site
from storage.zones import get_zone


async def cmd_zone_check(update: Update, context: BotContext) -> int:
    """The zones this person answers for today, with the window that is open now."""
    _ = context._
    person = context.person
    if person is None:
        await refuse(update, context, Action.ZONE_CHECK)
        return END
    shown = False
    for site_id in dict.fromkeys(r.site_id for r in context.roles):
        site = get_site(session=context.db, site_id=site_id)
        if site is None:
            continue
        now = context.app.clock()
        day = local_today(site, now)
        status = zone_day(session=context.db, site=site, day=day)
        window = _open_window(site, day, now)
        for line in status.zones:
            if line.duty.person_id != person.id:
                continue
            shown = True
            text, markup = views.zone_question(
                _, line.duty.zone.name, line.duty.zone.id or 0, window, day, context.language
            )
            await reply(update, text, reply_markup=markup)
    if not shown:
        await reply(update, _("You have no zone to self-check today."))
    return END


def _open_window(site: Site, day: date, now: datetime) -> str:
    """The end-of-day window once it has opened, else the start-of-day one."""
    end = window_times(site, window_named(Template.ZONE, "end"), day)
    return "end" if now >= end.opens else "start"


async def step_zone(update: Update, context: BotContext, args: list[str]) -> int:
    """z:<zone>:<window>:<day>:ok|hz"""
    _ = context._
    zone = get_zone(session=context.db, zone_id=int(args[0]))
    window, choice = args[1], args[3]
    views.parse_day(args[2])  # a malformed day is an expired button
    if window not in views.WINDOW_LABELS or window == "morning":
        raise ValueError("window")
    if zone is None or context.person is None:
        return await toast(update, _(views.ERRORS["no_zone"]))
    pending = {"zone": zone.id, "window": window, "day": args[2], "hazard": None, "photo": None}
    if choice == "hz":
        set_draft(context, ZONE_DRAFT, pending)
        await show(update, _("⚠️ Describe the hazard (what and where):"))
        return ASK_HAZARD
    return await save_zone(update, context, pending)


async def save_zone(update: Update, context: BotContext, pending: dict[str, Any]) -> int:
    _ = context._
    zone = get_zone(session=context.db, zone_id=pending["zone"])
    site = get_site(session=context.db, site_id=zone.site_id) if zone else None
    person = context.person
    if zone is None or site is None or person is None:
        return await toast(update, _(views.ERRORS["no_zone"]))
    day, now = views.parse_day(pending["day"]), context.app.clock()
    if is_late(site, Template.ZONE, pending["window"], day, now) and not pending.get("reason"):
        set_draft(context, ZONE_DRAFT, pending)
        await show(
            update,
            _(
                "The time for this self-check has passed, so it will be a late entry (补录). Please type the reason:"
            ),
        )
        return ASK_ZONE_REASON
    try:
        answer = record_zone_check(
            session=context.db,
            site=site,
            zone=zone,
            window=pending["window"],
            day=day,
            person_id=person.id,
            hazard=pending["hazard"],
            photo_file_id=pending["photo"],
            now=now,
            late_reason=pending.get("reason"),
            replace=bool(pending.get("replace")),
        )
    except CheckinError as error:
        set_draft(context, ZONE_DRAFT, None)
        if error.code == "already_answered":
            set_draft(context, ZONE_DRAFT, {**pending, "replace": True})
            markup = views.replace_or_keep(_, "zr", "zx")
            await show(
                update,
                _(
                    "{zone} was already self-checked. Replace that answer? Both are kept in the history."
                ).format(zone=zone.name),
                markup,
            )
            return END
        await toast(update, views.error_text(_, error))
        return END
    context.db.commit()
    ticket = None
    if pending["hazard"]:
        ticket = await open_hazard(context.app, context.db, answer, zone, person.id, now)
    set_draft(context, ZONE_DRAFT, None)
    late = " " + _("(late entry)") if answer.late else ""
    if pending["hazard"] is None:
        text = _("✅ {zone}: no hazard, recorded.").format(zone=zone.name) + late
    else:
        text = (
            _("⚠️ {zone}: hazard recorded{ticket}.").format(
                zone=zone.name, ticket=_(" · ticket {code}").format(code=ticket) if ticket else ""
            )
            + late
        )
    await show(update, text)
    request_card(context.app, site.id or 0, day, Template.ZONE)
    return END


async def on_hazard_text(update: Update, context: BotContext) -> int:
    pending = context.user_data.get(ZONE_DRAFT) if context.user_data else None
    message = update.effective_message
    if not pending or message is None:
        return END
    try:
        pending["hazard"] = clean_hazard(message.text or "")
    except CheckinError as error:
        await reply(update, views.error_text(context._, error))
        return ASK_HAZARD
    markup = inline_keyboard([[views._button(context._("No photo"), "np")]])
    await reply(
        update, context._("📷 Now send a photo of it (or tap No photo):"), reply_markup=markup
    )
    return ASK_PHOTO


async def on_hazard_photo(update: Update, context: BotContext) -> int:
    pending = context.user_data.get(ZONE_DRAFT) if context.user_data else None
    message = update.effective_message
    if not pending or message is None or not message.photo:
        return END
    pending["photo"] = message.photo[-1].file_id
    return await save_zone(update, context, pending)


async def on_zone_reason(update: Update, context: BotContext) -> int:
    pending = context.user_data.get(ZONE_DRAFT) if context.user_data else None
    message = update.effective_message
    if not pending or message is None:
        return END
    try:
        pending["reason"] = clean_reason(message.text)
    except CheckinError as error:
        await reply(update, views.error_text(context._, error))
        return ASK_ZONE_REASON
    return await save_zone(update, context, pending)
