"""The staff group's daily disinfection card, laid out for a phone.

The figure first ("已完成 7/12"), then the rooms still to do, plainly, class by class, then the
rooms done, compactly (one line for a class whose rooms are all done). It always fits
Telegram's limits (4,096 characters, 100 buttons): details are dropped step by step for a
large school, and past a number of rooms the buttons name classes instead of rooms.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import Translate, format_clock, format_day
from bot.keyboards import in_rows, inline_keyboard
from bot.labels import area_label
from bot.views.disinfection import PREFIX, day_code
from bot.views.text import SEP, keep_whole, utf16_length
from storage.disinfection_status import AreaStatus, DayStatus, RoundStatus, State

MAX_TEXT = 4096
# Room buttons up to this many rooms to do; beyond, one button per class (at most MAX_BUTTONS).
MAX_ROOM_BUTTONS = 40
MAX_BUTTONS = 60
# Detail levels tried in turn until the card fits: full, no names, done rooms summarized.
LEVELS = (0, 1, 2)


def board(
    _: Translate, language: str, status: DayStatus, now: datetime | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The day's card with a button for every room still to do (or every class, if many)."""
    overdue = now is not None and now >= status.deadline
    markup, more = _buttons(_, status)
    for level in LEVELS:
        text = _text(_, language, status, overdue, level, more)
        if utf16_length(text) <= MAX_TEXT:
            return text, markup
    return _cut(text), markup


def _cut(text: str) -> str:
    lines = text.splitlines()
    while lines and utf16_length("\n".join([*lines, "…"])) > MAX_TEXT:
        lines.pop()
    return "\n".join([*lines, "…"])


def _text(
    _: Translate, language: str, status: DayStatus, overdue: bool, level: int, more: bool
) -> str:
    zone = ZoneInfo(status.site.timezone)
    figure = _("Done {done}/{total} · {site} · due {time}").format(
        done=status.done_count,
        total=len(status.areas),
        site=status.site.name,
        time=format_clock(status.deadline, zone),
    )
    if status.rounds > 1:
        figure += SEP + _("{rounds} rounds a day").format(rounds=status.rounds)
    lines = [_("🧴 Disinfection {day}").format(day=format_day(status.day, language)), figure]
    classes = [(name, list(areas)) for name, areas in groupby(status.areas, _class_name)]
    todo = [(name, [a for a in areas if not a.done]) for name, areas in classes]
    todo = [(name, areas) for name, areas in todo if areas]
    if todo:
        lines.append(_("⚠️ Overdue, still to do:") if overdue else _("⬜ Still to do:"))
        for name, areas in todo:
            rooms = SEP.join(_todo_room(_, a, zone, overdue) for a in areas)
            lines.append(_("{class_name}: {rooms}").format(class_name=name, rooms=rooms))
    if status.done_count:
        lines.append(_("✅ Done:"))
        lines += _done_lines(_, classes, zone, level)
    if more:
        lines.append(_("More rooms to do: tap 🧴 Disinfection in our private chat."))
    return "\n".join(lines)


def _class_name(area_status: AreaStatus) -> str:
    return area_status.class_name


def _done_lines(
    _: Translate, classes: list[tuple[str, list[AreaStatus]]], zone: ZoneInfo, level: int
) -> list[str]:
    all_done = [name for name, areas in classes if all(a.done for a in areas)]
    lines = []
    if level >= 2 and all_done:
        lines.append(_("All done: {classes}").format(classes="、".join(all_done)))
    for name, areas in classes:
        done = [a for a in areas if a.done]
        if not done or (level >= 2 and name in all_done):
            continue
        if len(done) == len(areas):
            lines.append(_("{class_name}: all done ✅").format(class_name=name))
        elif level < 2:
            rooms = SEP.join(_done_room(_, a, zone, level) for a in done)
            lines.append(_("{class_name}: {rooms}").format(class_name=name, rooms=rooms))
    return lines


def _room_name(_: Translate, area_status: AreaStatus) -> str:
    return area_label(_, "", area_status.area.kind, area_status.area.name)


def _mark(rs: RoundStatus, overdue: bool) -> str:
    if rs.state == State.DONE:
        return "✅"
    if rs.state == State.RUNNING:
        return "⏳"
    if rs.state == State.FORGOTTEN or overdue:
        return "⚠️"
    return "⬜"


def _todo_room(_: Translate, area_status: AreaStatus, zone: ZoneInfo, overdue: bool) -> str:
    """活动室 ⬜, 午睡室 ✅⬜ (two rounds), 午睡室 ⏳ 紫外线 12:10 开始 李芳"""
    marks = "".join(_mark(r, overdue) for r in area_status.rounds)
    text = f"{_room_name(_, area_status)} {marks}"
    for rs in area_status.rounds:
        if rs.state in {State.RUNNING, State.FORGOTTEN} and rs.record and rs.record.started_at:
            since = (
                _("UV since {time}")
                if rs.state == State.RUNNING
                else _("UV since {time}, not ended")
            )
            text += " " + since.format(time=format_clock(rs.record.started_at, zone))
            text += f" {rs.operator}"
    return text


def _done_room(_: Translate, area_status: AreaStatus, zone: ZoneInfo, level: int) -> str:
    """活动室 ✅ 10:05 李芳（补录）; two rounds: 活动室 ✅ 09:00 ✅ 14:00 李芳"""
    text = _room_name(_, area_status)
    for rs in area_status.rounds:
        text += " ✅"
        if rs.record is not None:
            text += " " + format_clock(rs.record.ended_at or rs.record.created_at, zone)
    last = area_status.rounds[-1]
    if level == 0 and last.operator:
        text += f" {last.operator}"
    if any(r.record is not None and r.record.late for r in area_status.rounds):
        text += keep_whole(_("(late entry)"))
    return text


def _buttons(_: Translate, status: DayStatus) -> tuple[InlineKeyboardMarkup | None, bool]:
    """Room buttons, or class buttons for a large school; True when some were left out."""
    code = day_code(status.day)
    pending = status.pending
    if len(pending) <= MAX_ROOM_BUTTONS:
        buttons = [
            InlineKeyboardButton(
                area_label(_, a.class_name, a.area.kind, a.area.name),
                callback_data=pack(PREFIX, "b", code, a.area.id),
            )
            for a in pending
        ]
        return inline_keyboard(in_rows(buttons, 2)), False
    by_class: dict[int, tuple[str, int]] = {}
    for a in pending:
        name, count = by_class.get(a.area.class_id or 0, (a.class_name, 0))
        by_class[a.area.class_id or 0] = (name, count + 1)
    buttons = [
        InlineKeyboardButton(f"{name} ⬜{count}", callback_data=pack(PREFIX, "k", code, class_id))
        for class_id, (name, count) in list(by_class.items())[:MAX_BUTTONS]
    ]
    return inline_keyboard(in_rows(buttons, 3)), len(by_class) > MAX_BUTTONS
