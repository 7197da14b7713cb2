"""Logging a meal: meal → tick dishes → grams each → fridge °C → photo → stored.

Nothing is stored until the photo arrives; the half-done entry waits in the persisted
user_data (plain values only), so a restart loses nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.parsing import NumberError, parse_decimal, parse_int
from bot.views import samples as views
from handlers.common import refuse, reply
from handlers.disinfection.rooms import show
from jobs.plan import add_items
from jobs.samples import disposal_item
from jobs.samples_notify import after_logging
from storage.meals import get_meal, local_today
from storage.models import Site
from storage.permissions import Action
from storage.samples import (
    FRIDGE_HIGH,
    FRIDGE_LOW,
    GRAMS_LIMIT,
    MAX_DISHES,
    NewLog,
    SampleError,
    check_dish_name,
    check_grams,
    create_log,
    find_log,
    fridge_in_range,
    known_dishes,
    may,
)
from storage.samples_ledger import meals_of_day
from storage.site_settings import get_site_settings

PICK_DISHES, ASK_GRAMS, ASK_TEMP, ASK_PHOTO, ASK_HOLD_REASON = range(5)
END = ConversationHandler.END
PENDING = "samples"  # user_data key of the entry being made
TEMPERATURE_UNITS = ("°c", "℃", "度", "c")


def logging_sites(context: BotContext) -> list[Site]:
    ids = dict.fromkeys(r.site_id for r in context.roles)
    sites = [context.site(i) for i in ids]
    return [s for s in sites if s and may(context.roles, s.id or 0, Action.LOG_SAMPLES)]


async def cmd_samples(update: Update, context: BotContext) -> int:
    """🥡 留样: today's meals, a button for each still to log."""
    sites = logging_sites(context)
    if not sites:
        await refuse(update, context, Action.LOG_SAMPLES)
        return END
    site = sites[0]
    day = local_today(site, context.app.clock())
    meals = [(m.meal, m.log) for m in meals_of_day(session=context.db, site=site, day=day)]
    text, markup = views.meal_picker(context._, context.language, site, day, meals)
    await reply(update, text, reply_markup=markup)
    return END


def _pending(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    pending: dict[str, Any] = context.user_data.get(PENDING) or {}
    return pending


def _entry_site(context: BotContext) -> Site | None:
    """The site of the entry being made, while the sender may still log samples there."""
    site = context.site(_pending(context)["site"])
    return site if site and may(context.roles, site.id or 0, Action.LOG_SAMPLES) else None


async def _no_longer_allowed(update: Update, context: BotContext) -> int:
    """The sender lost their role at the entry's site meanwhile: the entry is dropped."""
    assert context.user_data is not None
    context.user_data.pop(PENDING, None)
    await refuse(update, context, Action.LOG_SAMPLES)
    return END


async def step_meal(update: Update, context: BotContext, args: list[str]) -> int:
    site = context.site(int(args[0]))
    if site is None:
        raise ValueError("no such site")
    if not may(context.roles, site.id or 0, Action.LOG_SAMPLES):
        await refuse(update, context, Action.LOG_SAMPLES)
        return END
    day, meal = views.parse_day(args[1]), get_meal(site, args[2])
    if day != local_today(site, context.app.clock()):
        raise ValueError("not today")
    assert update.callback_query is not None
    if find_log(session=context.db, site_id=site.id or 0, day=day, meal=meal.key):
        await update.callback_query.answer(
            views.error_text(context._, SampleError("already_logged")), show_alert=True
        )
        return END
    await update.callback_query.answer()
    offered = known_dishes(session=context.db, site_id=site.id or 0)
    assert context.user_data is not None
    context.user_data[PENDING] = {
        "site": site.id,
        "day": args[1],
        "meal": meal.key,
        "offered": offered,
        "ticked": [],
    }
    await _show_dishes(update, context, site)
    return PICK_DISHES


async def _show_dishes(update: Update, context: BotContext, site: Site) -> None:
    pending = _pending(context)
    meal = views.meal_of(context._, site, pending["meal"])
    await show(update, *views.dish_picker(context._, meal, pending["offered"], pending["ticked"]))


async def step_tick(update: Update, context: BotContext, args: list[str]) -> int:
    pending = _pending(context)
    if not pending:
        raise ValueError("nothing pending")
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    name = pending["offered"][int(args[0])]
    ticked: list[str] = pending["ticked"]
    assert update.callback_query is not None
    if name in ticked:
        ticked.remove(name)
    elif len(ticked) >= MAX_DISHES:
        await update.callback_query.answer(
            context._(views.ERRORS["too_many_dishes"]).format(limit=MAX_DISHES), show_alert=True
        )
        return PICK_DISHES
    else:
        ticked.append(name)
    await update.callback_query.answer()
    await _show_dishes(update, context, site)
    return PICK_DISHES


async def on_dish_text(update: Update, context: BotContext) -> int:
    """A typed dish's name adds it, ticked."""
    pending, message = _pending(context), update.effective_message
    if not pending or message is None:
        return END
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    try:
        name = check_dish_name(message.text or "")
    except SampleError as error:
        await reply(update, views.error_text(context._, error))
        return PICK_DISHES
    if name not in pending["ticked"]:
        if len(pending["ticked"]) >= MAX_DISHES:
            await reply(update, context._(views.ERRORS["too_many_dishes"]).format(limit=MAX_DISHES))
            return PICK_DISHES
        pending["ticked"].append(name)
    if name not in pending["offered"]:
        pending["offered"].append(name)
    await _show_dishes(update, context, site)
    return PICK_DISHES


async def step_next(update: Update, context: BotContext, args: list[str]) -> int:
    pending = _pending(context)
    if not pending:
        raise ValueError("nothing pending")
    assert update.callback_query is not None
    if not pending["ticked"]:
        await update.callback_query.answer(context._(views.ERRORS["no_dishes"]), show_alert=True)
        return PICK_DISHES
    await update.callback_query.answer()
    pending["grams"] = []
    return await _ask_next_grams(update, context)


async def _ask_next_grams(update: Update, context: BotContext) -> int:
    pending = _pending(context)
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    done = len(pending["grams"])
    if done < len(pending["ticked"]):
        minimum = get_site_settings(site).sample_min_grams
        await show(update, views.ask_grams(context._, pending["ticked"][done], minimum))
        return ASK_GRAMS
    await reply(update, views.ask_temperature(context._))
    return ASK_TEMP


async def on_grams_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or message is None or "grams" not in pending:
        return END
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    try:
        grams = parse_int(message.text or "", low=1, high=GRAMS_LIMIT, units=("g", "克"))
        check_grams(get_site_settings(site), grams)
    except NumberError as error:
        await reply(update, views.grams_error(context._, error))
        return ASK_GRAMS
    except SampleError as error:
        await reply(update, views.error_text(context._, error))
        return ASK_GRAMS
    pending["grams"].append(grams)
    return await _ask_next_grams(update, context)


async def on_temperature_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or message is None or "grams" not in pending:
        return END
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    try:
        celsius = parse_decimal(
            message.text or "", low=FRIDGE_LOW, high=FRIDGE_HIGH, units=TEMPERATURE_UNITS
        )
    except NumberError:
        await reply(update, views.temperature_error(context._, FRIDGE_LOW, FRIDGE_HIGH))
        return ASK_TEMP
    pending["celsius"] = str(celsius)
    settings = get_site_settings(site)
    warning = None
    if not fridge_in_range(settings, celsius):
        low, high = settings.sample_fridge_min_c, settings.sample_fridge_max_c
        warning = views.fridge_warning(context._, celsius, low, high)
    await reply(update, views.ask_photo(context._, warning))
    return ASK_PHOTO


async def on_photo(update: Update, context: BotContext) -> int:
    """The photo completes the entry: store it, ask for the check, plan the disposal."""
    pending, message, person = _pending(context), update.effective_message, context.person
    if not pending or "celsius" not in pending or message is None or not message.photo:
        return END
    assert person is not None and context.user_data is not None
    site = _entry_site(context)
    if site is None:
        return await _no_longer_allowed(update, context)
    entry = NewLog(
        site=site,
        day=views.parse_day(pending["day"]),
        meal=pending["meal"],
        dishes=list(zip(pending["ticked"], pending["grams"], strict=True)),
        fridge_temp_c=Decimal(pending["celsius"]),
        photo_file_id=message.photo[-1].file_id,
        taken_by_id=person.id,
    )
    context.user_data.pop(PENDING, None)
    try:
        log, dishes = create_log(session=context.db, entry=entry, now=context.app.clock())
    except SampleError as error:
        await reply(update, views.error_text(context._, error))
        return END
    await reply(
        update,
        views.logged(context._, context.language, site, log, dishes, person.display_name),
    )
    add_items(context.app, [disposal_item(log)])
    # The check requests and a fridge alert go out from the job queue, after this answer.
    after_logging(context.app, log.id or 0)
    return END


async def on_not_a_photo(update: Update, context: BotContext) -> int:
    await reply(update, views.ask_photo(context._, None))
    return ASK_PHOTO
