"""The daily summary in words: one line per section when all is well, the problems named
with whom to ask, and buttons that open the details."""

from __future__ import annotations

from datetime import date, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import Translate, format_day
from bot.keyboards import inline_keyboard
from bot.labels import AREA_LABELS
from bot.views.summary_sections import (
    missed_lines,
    morning_lines,
    notices_lines,
    repairs_lines,
    samples_lines,
    tasks_lines,
)
from storage.summary import DaySummary, DisinfectionSection, MissingRoom, WeekSummary

PREFIX = "sum"
# At most this many problem lines per section in the message; the rest behind a button.
SHOWN = 6


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def summary_text(_: Translate, language: str, summary: DaySummary) -> str:
    header = _("📋 {site} · daily summary {day}").format(
        site=summary.site.name, day=format_day(summary.day, language)
    )
    sections = [
        *disinfection_lines(_, summary.disinfection),
        morning_lines(_, summary.morning),
        repairs_lines(_, summary.repairs),
        samples_lines(_, summary.site, summary.samples),
        tasks_lines(_, language, summary.tasks),
        notices_lines(_, summary.notices),
        missed_lines(_, summary.missed),
    ]
    return "\n\n".join([header, *(s for s in sections if s)])


def summary_keyboard(_: Translate, summary: DaySummary) -> InlineKeyboardMarkup | None:
    site, day = summary.site.id or 0, day_code(summary.day)
    buttons = []
    if len(summary.disinfection.missing) > SHOWN:
        buttons.append(
            InlineKeyboardButton(
                _("🧴 Missing rooms ({count})").format(count=len(summary.disinfection.missing)),
                callback_data=pack(PREFIX, "dis", site, day),
            )
        )
    if summary.repairs.overdue:
        buttons.append(
            InlineKeyboardButton(
                _("🔧 Overdue tickets ({count})").format(count=len(summary.repairs.overdue)),
                callback_data=pack(PREFIX, "tix", site, day),
            )
        )
    return inline_keyboard([[b] for b in buttons])


def _room(_: Translate, room: MissingRoom) -> str:
    return room.area_name or _(AREA_LABELS.get(room.area_kind, AREA_LABELS["other"]))


def missing_room_lines(_: Translate, missing: list[MissingRoom]) -> list[str]:
    """One line per class: its rooms still to do and whom to ask."""
    lines = []
    grouped: dict[str, list[MissingRoom]] = {}
    for room in missing:
        grouped.setdefault(room.class_name, []).append(room)
    for class_name, rooms in grouped.items():
        names = "、".join(_room(_, room) for room in rooms)
        ask = sorted({name for room in rooms for name in room.ask})
        line = f"• {class_name} {names}".rstrip()
        if ask:
            line += " · " + _("ask {names}").format(names="、".join(ask))
        lines.append(line)
    return lines


def disinfection_lines(_: Translate, section: DisinfectionSection) -> list[str]:
    if section.expected == 0:
        return [_("🧴 Disinfection: no rooms to disinfect.")]
    head = _("🧴 Disinfection {done}/{expected}").format(
        done=section.done, expected=section.expected
    )
    extras = []
    if section.late_entries:
        extras.append(_("late entries {count}").format(count=section.late_entries))
    if section.uv_left_open:
        extras.append(_("⚠️ UV lamp left on {count}").format(count=section.uv_left_open))
    if not section.missing:
        head += " · " + _("all done")
    head = " · ".join([head, *extras])
    lines = missing_room_lines(_, section.missing)
    if len(lines) > SHOWN:
        lines = [*lines[:SHOWN], _("… and {count} more classes").format(count=len(lines) - SHOWN)]
    return ["\n".join([head, *lines])]


def parse_day_code(code: str) -> date | None:
    try:
        return datetime.strptime(code, "%Y%m%d").date() if len(code) == 8 else None
    except ValueError:
        return None


def missing_rooms_text(_: Translate, language: str, summary: DaySummary) -> str:
    section = summary.disinfection
    head = _("🧴 {site} · rooms not disinfected {day}: {count}").format(
        site=summary.site.name, day=format_day(summary.day, language), count=len(section.missing)
    )
    return "\n".join([head, *missing_room_lines(_, section.missing)])


def week_text(_: Translate, language: str, week: WeekSummary) -> str:
    lines = [
        _("📈 {site} · the week {start} – {end}").format(
            site=week.site.name,
            start=format_day(week.start, language),
            end=format_day(week.end, language),
        )
    ]
    for point in week.days:
        if point.disinfection_rate is None:
            continue
        lines.append(
            _("{day} · disinfection {rate}%").format(
                day=format_day(point.day, language), rate=round(point.disinfection_rate * 100)
            )
        )
    behind = [(name, rate) for name, rate in week.classes if rate < 1]
    if behind:
        lines.append(_("Classes behind:"))
        lines += [
            f"• {name} {round(rate * 100)}%" for name, rate in sorted(behind, key=lambda c: c[1])
        ]
    return "\n".join(lines)
