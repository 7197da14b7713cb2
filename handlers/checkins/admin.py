"""/zone (logistics lead: zones and who checks each) and /calendar (director: closed days)."""

from __future__ import annotations

from datetime import timedelta

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
from storage.school_days import CalendarError, list_closed_days, parse_day_range, set_days
from storage.sites import get_site
from storage.zones import ZoneError, clean_zone_name, list_staff, list_zones, remove_zone, set_zone

NEW_ZONE = "checkin_new_zone"  # user_data: the zone name waiting for its person
ZONE_USAGE = N_("/zone add NAME — a new zone, then pick who checks it · /zone remove NAME")
CALENDAR_USAGE = N_(
    "/calendar close 10月1日-10月7日 国庆 — close days · /calendar open 10月10日 调休 — open a day"
)


def _site(context: BotContext, action: Action) -> Site | None:
    site_ids = sites_where_allowed(context.roles, action)
    return get_site(session=context.db, site_id=site_ids[0]) if site_ids else None


async def cmd_zone(update: Update, context: BotContext) -> int:
    _ = context._
    site = _site(context, Action.MANAGE_ZONES)
    if site is None or context.person is None:
        await refuse(update, context, Action.MANAGE_ZONES)
        return END
    args = context.args or []
    verb, name = (args[0].lower(), " ".join(args[1:])) if args else ("", "")
    if verb == "add" and name:
        try:
            name = clean_zone_name(name)
        except ZoneError as error:
            await reply(update, views.error_text(_, error))
            return END
        assert context.user_data is not None
        context.user_data[NEW_ZONE] = {"site": site.id, "name": name}
        staff = list_staff(session=context.db, site_id=site.id or 0)
        buttons = [views._button(p.display_name, "za", p.id) for p in staff[:30]]
        await reply(
            update,
            _("Who self-checks {zone}?").format(zone=name),
            reply_markup=inline_keyboard(in_rows(buttons, 3)),
        )
        return END
    if verb == "remove" and name:
        zone = next(
            (z for z in list_zones(session=context.db, site_id=site.id or 0) if z.name == name),
            None,
        )
        if zone is None:
            await reply(update, _("There is no zone called {zone}.").format(zone=name))
            return END
        remove_zone(session=context.db, zone=zone, by=context.person.id)
        await reply(update, _("Zone {zone} removed.").format(zone=name))
        return END
    await reply(update, _zone_list(context, site) + "\n\n" + _(ZONE_USAGE))
    return END


def _zone_list(context: BotContext, site: Site) -> str:
    _ = context._
    zones = list_zones(session=context.db, site_id=site.id or 0)
    names = {p.id: p.display_name for p in list_staff(session=context.db, site_id=site.id or 0)}
    lines = [_("Zones of {site}:").format(site=site.name)]
    lines += [f"• {z.name}（{names.get(z.person_id, '—')}）" for z in zones] or [_("none yet")]
    return "\n".join(lines)


async def step_zone_person(update: Update, context: BotContext, args: list[str]) -> int:
    _ = context._
    pending = context.user_data.get(NEW_ZONE) if context.user_data else None
    site = _site(context, Action.MANAGE_ZONES)
    if site is None or site.id is None or context.person is None:
        await refuse(update, context, Action.MANAGE_ZONES)
        return END
    if not pending or pending["site"] != site.id:
        return await toast(update, _("Send /zone add NAME first."))
    try:
        zone = set_zone(
            session=context.db,
            site_id=site.id,
            name=pending["name"],
            person_id=int(args[0]),
            by=context.person.id,
        )
    except ZoneError as error:
        return await toast(update, views.error_text(_, error))
    assert context.user_data is not None
    context.user_data.pop(NEW_ZONE, None)
    person = next(
        (p for p in list_staff(session=context.db, site_id=site.id) if p.id == zone.person_id), None
    )
    await show(
        update,
        _("✅ Zone {zone}: checked by {name}.").format(
            zone=zone.name, name=person.display_name if person else "—"
        ),
    )
    return END


async def cmd_calendar(update: Update, context: BotContext) -> int:
    _ = context._
    site = _site(context, Action.MANAGE_CALENDAR)
    if site is None or context.person is None:
        await refuse(update, context, Action.MANAGE_CALENDAR)
        return END
    today = local_today(site, context.app.clock())
    args = context.args or []
    if len(args) >= 2 and args[0].lower() in {"close", "open"}:
        closed = args[0].lower() == "close"
        reason = " ".join(args[2:])
        try:
            start, end = parse_day_range(args[1], today)
            count = set_days(
                session=context.db,
                site=site,
                start=start,
                end=end,
                closed=closed,
                reason=reason,
                person_id=context.person.id,
                today=today,
            )
        except CalendarError as error:
            await reply(update, views.error_text(_, error) + "\n" + _(CALENDAR_USAGE))
            return END
        text = (
            _("Closed {count} day(s): {start} – {end}.")
            if closed
            else _("Opened {count} day(s): {start} – {end}.")
        )
        await reply(
            update,
            text.format(
                count=count,
                start=format_day(start, context.language),
                end=format_day(end, context.language),
            ),
        )
        return END
    days = list_closed_days(
        session=context.db, site_id=site.id or 0, start=today, end=today + timedelta(days=120)
    )
    lines = [_("Closed days ahead (weekends aside):")]
    lines += [f"• {format_day(d.day, context.language)} {d.reason}" for d in days] or [_("none")]
    await reply(update, "\n".join(lines) + "\n\n" + _(CALENDAR_USAGE))
    return END
