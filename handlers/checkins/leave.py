"""/leave 11月25日-11月27日 病假 (or buttons): away staff are neither asked nor reminded, and
their zone goes to the stand-in they name."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_, format_day
from bot.keyboards import in_rows, inline_keyboard
from bot.views import checkins as views
from handlers.checkins.common import END, show, toast
from handlers.common import refuse, reply
from storage.checkins import local_today
from storage.models import Site
from storage.people import sites_where_allowed
from storage.permissions import Action
from storage.school_days import (
    CalendarError,
    add_leave,
    get_leave,
    parse_day_range,
    set_stand_in,
)
from storage.sites import get_site
from storage.zones import is_staff, list_staff, list_zones

QUICK_REASONS = {"s": "病假", "p": "事假"}


def _site(context: BotContext) -> Site | None:
    site_ids = sites_where_allowed(context.roles, Action.TAKE_LEAVE)
    return get_site(session=context.db, site_id=site_ids[0]) if site_ids else None


async def cmd_leave(update: Update, context: BotContext) -> int:
    _ = context._
    site = _site(context)
    if site is None or context.person is None:
        await refuse(update, context, Action.TAKE_LEAVE)
        return END
    args = context.args or []
    if not args:
        rows = [
            [
                views._button(_("Today · sick leave"), "lv", 0, "s"),
                views._button(_("Today · personal"), "lv", 0, "p"),
            ],
            [views._button(_("Tomorrow · personal"), "lv", 1, "p")],
        ]
        await reply(update, _(USAGE), reply_markup=inline_keyboard(rows))
        return END
    today = local_today(site, context.app.clock())
    try:
        start, end = parse_day_range(args[0], today)
    except CalendarError:
        await reply(update, _(USAGE))
        return END
    reason = " ".join(args[1:]) or _("leave")
    return await _record(update, context, site, start, end, reason)


USAGE = N_(
    "Leave: /leave 11月25日-11月27日 病假 (a range or one day, then the reason), or tap below."
)


async def step_quick(update: Update, context: BotContext, args: list[str]) -> int:
    site = _site(context)
    if site is None or context.person is None:
        return await toast(update, context._("Only staff can take leave here."))
    today = local_today(site, context.app.clock())
    day = today + timedelta(days=int(args[0]) if args[0] in {"0", "1"} else 0)
    return await _record(update, context, site, day, day, QUICK_REASONS.get(args[1], "事假"))


async def _record(
    update: Update, context: BotContext, site: Site, start: date, end: date, reason: str
) -> int:
    _ = context._
    person = context.person
    assert person is not None and site.id is not None
    try:
        leave = add_leave(
            session=context.db,
            site_id=site.id,
            person_id=person.id,
            start=start,
            end=end,
            reason=reason,
            today=local_today(site, context.app.clock()),
        )
    except CalendarError as error:
        return await toast(update, views.error_text(_, error))
    text = _(
        "🏖 Leave recorded: {start} – {end} · {reason}. You will not be asked or reminded then."
    ).format(
        start=format_day(start, context.language),
        end=format_day(end, context.language),
        reason=leave.reason,
    )
    zones = [z for z in list_zones(session=context.db, site_id=site.id) if z.person_id == person.id]
    if not zones:
        await show(update, text)
        return END
    staff = [p for p in list_staff(session=context.db, site_id=site.id) if p.id != person.id]
    buttons = [views._button(p.display_name, "si", leave.id, p.id) for p in staff[:12]]
    rows = [*in_rows(buttons, 3), [views._button(_("Nobody"), "si", leave.id, 0)]]
    zone_names = "、".join(z.name for z in zones)
    await show(
        update,
        text + "\n" + _("Who checks {zones} meanwhile?").format(zones=zone_names),
        inline_keyboard(rows),
    )
    return END


async def step_stand_in(update: Update, context: BotContext, args: list[str]) -> int:
    _ = context._
    leave = get_leave(session=context.db, leave_id=int(args[0]))
    person = context.person
    if leave is None or person is None or leave.person_id != person.id:
        return await toast(update, _("Only the person on leave chooses their stand-in."))
    stand_in = int(args[1]) or None
    if stand_in is not None and not is_staff(
        session=context.db, site_id=leave.site_id, person_id=stand_in
    ):
        return await toast(update, _(views.ERRORS["not_staff"]))
    set_stand_in(session=context.db, leave=leave, stand_in_id=stand_in, person_id=person.id)
    name = next(
        (
            p.display_name
            for p in list_staff(session=context.db, site_id=leave.site_id)
            if p.id == stand_in
        ),
        None,
    )
    await show(
        update,
        _("Stand-in: {name}.").format(name=name)
        if name
        else _("No stand-in: your zone is not checked meanwhile."),
    )
    return END
