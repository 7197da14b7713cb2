"""What food samples look like in chat: pickers, prompts, reminders and disposal cards."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_clock, format_day
from bot.keyboards import in_rows, inline_keyboard
from bot.parsing import NumberError
from storage.meals import get_meal
from storage.models import Site
from storage.samples import SampleError
from storage.samples_models import SampleDish, SampleLog
from storage.site_settings import MealSetting

PREFIX = "smp"

MEAL_LABELS = {
    "breakfast": N_("Breakfast"),
    "lunch": N_("Lunch"),
    "snack": N_("Afternoon snack"),
    "dinner": N_("Dinner"),
}

ERRORS = {
    "below_minimum": N_(
        "{grams} g is below this site's minimum of {minimum} g per dish. "
        "Take a bigger sample and type its weight."
    ),
    "already_logged": N_("This meal's samples are already logged; nothing was stored twice."),
    "no_dishes": N_("Tick at least one dish first."),
    "unknown_meal": N_("This meal is not served at your site."),
    "name_too_long": N_("That name is {length} characters long; at most {limit}, please."),
    "name_empty": N_("Please type the dish's name."),
    "reason_too_long": N_("That reason is {length} characters long; at most {limit}, please."),
    "reason_empty": N_("Please type the reason in words."),
    "own_samples": N_("A second person must check the samples: you took them yourself."),
    "already_checked": N_("These samples have already been checked."),
    "already_disposed": N_("These samples have already been disposed of."),
    "held": N_("These samples are held; the health teacher or director must release them first."),
    "not_due": N_("Not due yet: the samples must be kept {left} more (until {due})."),
    "not_disposed": N_("These samples have not been disposed of yet."),
    "own_disposal": N_("A witness must be someone else: you disposed of them yourself."),
    "already_witnessed": N_("This disposal has already been witnessed."),
    "not_held": N_("These samples are not held."),
    "too_many_dishes": N_("At most {limit} dishes per meal."),
}


def error_text(_: Translate, error: SampleError) -> str:
    return _(ERRORS.get(error.code, ERRORS["already_logged"])).format(**error.detail)


def grams_error(_: Translate, error: NumberError) -> str:
    return _(
        "Please type the weight in grams as a whole number between {low} and {high}, e.g. 150."
    ).format(low=error.low or 1, high=error.high or 2000)


def temperature_error(_: Translate, low: object, high: object) -> str:
    return _("Please type the fridge's temperature in °C between {low} and {high}, e.g. 4.").format(
        low=low, high=high
    )


def duration(_: Translate, left: timedelta) -> str:
    minutes = max(1, int(left.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    return _("{minutes} min").format(minutes=minutes)


def meal_name(_: Translate, meal: MealSetting) -> str:
    return meal.name or _(MEAL_LABELS.get(meal.key, meal.key))


def meal_of(_: Translate, site: Site, key: str) -> str:
    try:
        return meal_name(_, get_meal(site, key))
    except LookupError:
        return key


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(code: str) -> date:
    if len(code) != 8 or not code.isdigit():
        raise ValueError(code)
    return date(int(code[:4]), int(code[4:6]), int(code[6:8]))


def meal_picker(
    _: Translate,
    language: str,
    site: Site,
    day: date,
    meals: list[tuple[MealSetting, SampleLog | None]],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Today's meals: logged ones with their time, a button for each still to log."""
    zone = ZoneInfo(site.timezone)
    lines = [_("🥡 Food samples · {day}").format(day=format_day(day, language))]
    buttons = []
    for meal, log in meals:
        name = meal_name(_, meal)
        if log is None:
            lines.append(f"⬜ {name}")
            buttons.append(
                InlineKeyboardButton(
                    name, callback_data=pack(PREFIX, "m", site.id, day_code(day), meal.key)
                )
            )
        else:
            checked = "" if log.checked_by_id else " · " + _("unchecked")
            lines.append(f"✅ {name} · {format_clock(log.taken_at, zone)}{checked}")
    lines.append(
        _("Which meal are you sampling?") if buttons else _("Every meal of today is logged ✅")
    )
    return "\n".join(lines), inline_keyboard(in_rows(buttons, 2))


def dish_picker(
    _: Translate, meal: str, offered: list[str], ticked: list[str]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Dishes logged before as buttons (tap to tick); a new one is typed."""
    buttons = [
        InlineKeyboardButton(
            ("☑️ " if name in ticked else "") + name, callback_data=pack(PREFIX, "t", index)
        )
        for index, name in enumerate(offered)
    ]
    rows = in_rows(buttons, 2)
    if ticked:
        rows.append(
            [
                InlineKeyboardButton(
                    _("Next ➡️ ({count})").format(count=len(ticked)), callback_data=pack(PREFIX, "n")
                )
            ]
        )
    text = "\n".join(
        [
            _("🥡 {meal}: tick every dish served, or type a new dish's name.").format(meal=meal),
            _("Ticked: {dishes}").format(dishes="、".join(ticked) or "—"),
        ]
    )
    return text, inline_keyboard(rows)


def ask_grams(_: Translate, dish: str, minimum: int) -> str:
    return _("How many grams of {dish}? (at least {minimum} g)").format(dish=dish, minimum=minimum)


def ask_temperature(_: Translate) -> str:
    return _("The sample fridge's temperature now, in °C?")


def ask_photo(_: Translate, warning: str | None) -> str:
    prompt = _("📷 Now send a photo of the sealed, labelled samples in the fridge.")
    return f"{warning}\n{prompt}" if warning else prompt


def fridge_warning(_: Translate, celsius: object, low: int, high: int) -> str:
    return _(
        "⚠️ {celsius} °C is outside {low}–{high} °C: check the fridge. The health teacher is told."
    ).format(celsius=celsius, low=low, high=high)


def dish_lines(dishes: list[SampleDish]) -> str:
    return " · ".join(f"{d.dish} {d.grams} g" for d in dishes)


def logged(
    _: Translate, language: str, site: Site, log: SampleLog, dishes: list[SampleDish], taker: str
) -> str:
    zone = ZoneInfo(site.timezone)
    return "\n".join(
        [
            _("✅ Samples logged: {day} {meal}").format(
                day=format_day(log.day, language), meal=meal_of(_, site, log.meal)
            ),
            dish_lines(dishes),
            _("Fridge {celsius} °C · taken {time} by {name} · unchecked").format(
                celsius=log.fridge_temp_c, time=format_clock(log.taken_at, zone), name=taker
            ),
            _("Dispose of them after {due}.").format(due=when(language, log.dispose_due_at, zone)),
        ]
    )


def when(language: str, moment: datetime, zone: ZoneInfo) -> str:
    return f"{format_day(moment.astimezone(zone).date(), language)} {format_clock(moment, zone)}"


def check_request(
    _: Translate, language: str, site: Site, log: SampleLog, dishes: list[SampleDish], taker: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    text = "\n".join(
        [
            _("🥡 Please check the samples {taker} took: {day} {meal}").format(
                taker=taker, day=format_day(log.day, language), meal=meal_of(_, site, log.meal)
            ),
            dish_lines(dishes),
        ]
    )
    button = InlineKeyboardButton(_("✅ Checked"), callback_data=pack(PREFIX, "c", log.id))
    return text, inline_keyboard([[button]])


def disposal_due(
    _: Translate, language: str, site: Site, log: SampleLog, dishes: list[SampleDish]
) -> tuple[str, InlineKeyboardMarkup | None]:
    zone = ZoneInfo(site.timezone)
    text = "\n".join(
        [
            _("🗑 Samples due for disposal ({due}): {day} {meal}").format(
                due=when(language, log.dispose_due_at, zone),
                day=format_day(log.day, language),
                meal=meal_of(_, site, log.meal),
            ),
            dish_lines(dishes),
        ]
    )
    buttons = [
        InlineKeyboardButton(_("🗑 Disposed"), callback_data=pack(PREFIX, "d", log.id)),
        InlineKeyboardButton(_("🔒 Hold"), callback_data=pack(PREFIX, "h", log.id)),
    ]
    return text, inline_keyboard([buttons])


def witness_request(
    _: Translate, language: str, site: Site, log: SampleLog, disposer: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    zone = ZoneInfo(site.timezone)
    text = _("🗑 {name} disposed of the samples of {day} {meal} at {time}. Please witness:").format(
        name=disposer,
        day=format_day(log.day, language),
        meal=meal_of(_, site, log.meal),
        time=format_clock(log.disposed_at or log.dispose_due_at, zone),
    )
    button = InlineKeyboardButton(_("👁 Witnessed"), callback_data=pack(PREFIX, "w", log.id))
    return text, inline_keyboard([[button]])


def held_list(
    _: Translate, language: str, site: Site, logs: list[SampleLog]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The daily list of held samples, each with a release button."""
    lines = [_("🔒 Held food samples at {site}: {count}").format(site=site.name, count=len(logs))]
    buttons = []
    for log in logs:
        label = f"{format_day(log.day, language)} {meal_of(_, site, log.meal)}"
        lines.append(f"• {label} · {log.hold_reason}")
        buttons.append(
            InlineKeyboardButton(
                _("Release {what}").format(what=label), callback_data=pack(PREFIX, "r", log.id)
            )
        )
    return "\n".join(lines), inline_keyboard([[b] for b in buttons])
