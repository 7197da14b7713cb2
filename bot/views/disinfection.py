"""What disinfection looks like in chat: the board card, pickers and confirmations."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_clock, format_day
from bot.keyboards import inline_keyboard
from bot.labels import METHOD_LABELS, area_label
from storage.disinfection import (
    LATE_ENTRY_DAYS,
    DisinfectionError,
    DisinfectionRecord,
    Room,
    planned_round,
)
from storage.disinfection_status import AreaStatus
from storage.site_settings import SiteSettings

PREFIX = "dis"
CHLORINE_PRESETS = (250, 500, 1000)

ERRORS = {
    "already_done": N_("Already done today; nothing was recorded twice."),
    "uv_running": N_("A UV session is running in this room; end it first."),
    "uv_too_short": N_(
        "The UV lamp must run {minutes} minutes; {left} more to go. To switch it off early, tap Abort."
    ),
    "already_ended": N_("This UV session has already ended."),
    "not_started": N_("There is no UV session to end: tap Start first."),
    "concentration_range": N_("Please enter a concentration between {low} and {high} mg/L."),
    "concentration_missing": N_("Please choose the concentration."),
    "method_not_allowed": N_("This method is not used at your site."),
    "future_day": N_("You cannot record a day that has not come yet."),
    "too_old": N_("Late entries go back at most {days} days."),
    "reason_required": N_("A late entry needs a reason."),
    "not_allowed": N_(
        "Only the staff of this class, the caregiver lead or the health teacher can confirm this room."
    ),
}

NOT_ALLOWED = ERRORS["not_allowed"]


def error_text(_: Translate, error: DisinfectionError) -> str:
    return _(ERRORS.get(error.code, ERRORS["already_done"])).format(**error.detail)


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(code: str) -> date:
    """The day of a button; ValueError (an expired button) for anything but a plausible day."""
    if len(code) != 8 or not code.isascii() or not code.isdigit() or code < "20000101":
        raise ValueError(f"not a day: {code[:20]!r}")
    return date(int(code[:4]), int(code[4:6]), int(code[6:8]))


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def method_text(_: Translate, record: DisinfectionRecord) -> str:
    label = _(METHOD_LABELS[record.method])
    if record.concentration_mg_l:
        return f"{label} {record.concentration_mg_l} mg/L"
    return label


def room_picker(
    _: Translate, language: str, day: date, today: date, pending: list[AreaStatus]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Private chat: the rooms this person may confirm that are still to do."""
    buttons = [
        InlineKeyboardButton(
            area_label(_, a.class_name, a.area.kind, a.area.name),
            callback_data=pack(PREFIX, "a", a.area.id, day_code(day)),
        )
        for a in pending
    ]
    rows = _rows(buttons, 2)
    previous = day - timedelta(days=1)
    if previous >= today - timedelta(days=LATE_ENTRY_DAYS):  # step back one day at a time
        label = _("📅 Late entry: {day}").format(day=format_day(previous, language))
        rows.append(
            [InlineKeyboardButton(label, callback_data=pack(PREFIX, "p", day_code(previous)))]
        )
    shown_day = format_day(day, language)
    if not pending:
        return _("{day}: every room you look after is disinfected ✅").format(
            day=shown_day
        ), inline_keyboard(rows)
    return _("Which room did you disinfect? ({day})").format(day=shown_day), inline_keyboard(rows)


def _round(room: Room) -> tuple[int, ...]:
    """The round a button records, carried in it: a double tap cannot record the next one."""
    number = planned_round(room)
    return (number,) if number is not None else ()


def method_picker(
    _: Translate, title: str, room: Room, settings: SiteSettings
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(
            _(METHOD_LABELS[m]),
            callback_data=pack(PREFIX, "m", room.area.id, day_code(room.day), m, *_round(room)),
        )
        for m in settings.disinfection_methods
    ]
    return _("{room}: which method?").format(room=title), inline_keyboard(_rows(buttons, 2))


def concentration_picker(
    _: Translate, title: str, room: Room
) -> tuple[str, InlineKeyboardMarkup | None]:
    area_id, day = room.area.id, room.day
    buttons = [
        InlineKeyboardButton(
            f"{mg} mg/L",
            callback_data=pack(PREFIX, "c", area_id, day_code(day), mg, *_round(room)),
        )
        for mg in CHLORINE_PRESETS
    ]
    other = InlineKeyboardButton(
        _("Other…"), callback_data=pack(PREFIX, "o", area_id, day_code(day), *_round(room))
    )
    return _("{room}: chlorine concentration?").format(room=title), inline_keyboard(
        [buttons, [other]]
    )


def uv_prompt(
    _: Translate, title: str, room: Room, minutes: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    start = InlineKeyboardButton(
        _("▶️ Start"),
        callback_data=pack(PREFIX, "u", room.area.id, day_code(room.day), *_round(room)),
    )
    text = _(
        "{room}: make sure no child is in the room, switch on the UV lamp, then tap Start. It must run {minutes} minutes."
    )
    return text.format(room=title, minutes=minutes), inline_keyboard([[start]])


def uv_running(
    _: Translate, title: str, record: DisinfectionRecord, minutes: int, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup | None]:
    assert record.started_at is not None and record.id is not None
    buttons = [
        InlineKeyboardButton(_("⏹ End"), callback_data=pack(PREFIX, "e", record.id)),
        InlineKeyboardButton(_("✖️ Abort"), callback_data=pack(PREFIX, "x", record.id)),
    ]
    text = _(
        "⏳ {room}: UV lamp on since {time}. I will remind you after {minutes} minutes to switch it off and ventilate."
    )
    return text.format(
        room=title, time=format_clock(record.started_at, zone), minutes=minutes
    ), inline_keyboard([buttons])


def recorded(
    _: Translate, title: str, record: DisinfectionRecord, operator: str, zone: ZoneInfo
) -> str:
    late = (
        "\n" + _("Marked as a late entry. Reason: {reason}").format(reason=record.late_reason)
        if record.late
        else ""
    )
    if record.started_at and record.ended_at:
        minutes = int((record.ended_at - record.started_at).total_seconds() // 60)
        when = _("{start}–{end} ({minutes} min)").format(
            start=format_clock(record.started_at, zone),
            end=format_clock(record.ended_at, zone),
            minutes=minutes,
        )
    else:
        when = format_clock(record.ended_at or record.created_at, zone)
    text = _("✅ Recorded: {room} · {method} · {when} · {name}").format(
        room=title, method=method_text(_, record), when=when, name=operator
    )
    return text + late + "\n" + _("You may send a photo now to attach it (optional).")


def uv_reminder(
    _: Translate, title: str, record: DisinfectionRecord, minutes: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    assert record.id is not None
    end = InlineKeyboardButton(_("⏹ End"), callback_data=pack(PREFIX, "e", record.id))
    text = _(
        "⏰ {room}: the UV lamp has run {minutes} minutes. Switch it off, open the windows to ventilate, then tap End."
    )
    return text.format(room=title, minutes=minutes), inline_keyboard([[end]])
