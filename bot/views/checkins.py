"""What the check-ins look like in chat: the morning-check screen, the zone question, errors.

Shared by the handlers and the jobs (reminders open the same screens).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_day
from bot.keyboards import in_rows, inline_keyboard
from storage.checkins import CheckinError
from storage.checkins_morning import Child, MorningReport
from storage.school_days import CalendarError

PREFIX = "ck"

SYMPTOM_LABELS = {
    "fever": N_("Fever"),
    "cough": N_("Cough"),
    "diarrhoea": N_("Diarrhoea"),
    "rash": N_("Rash"),
    "other": N_("Other"),
}
REASON_LABELS = {"sick": N_("sick"), "personal": N_("personal"), "other": N_("other")}
WINDOW_LABELS = {
    "morning": N_("Morning check"),
    "start": N_("start of day"),
    "end": N_("end of day"),
}

ERRORS = {
    "future_day": N_("You cannot answer for a day that has not come yet."),
    "too_old": N_("Late entries go back at most {days} days."),
    "closed_day": N_("The kindergarten is closed that day: there is nothing to report."),
    "reason_required": N_("Please give a reason in words."),
    "reason_long": N_("That is {count} characters; please keep it within {limit}."),
    "already_answered": N_("This was already answered."),
    "expected_range": N_("Please enter a number of children between {low} and {high}."),
    "negative": N_("Numbers cannot be negative."),
    "too_many_absent": N_("{absent} absent is more than the {expected} children expected."),
    "too_many_unwell": N_("Only {present} children are present."),
    "name_empty": N_("Please type the child's name."),
    "name_long": N_("That name is {count} characters; please keep it within {limit}."),
    "symptom": N_("Please choose a symptom."),
    "hazard_empty": N_("Please describe the hazard in words."),
    "hazard_long": N_("That is {count} characters; please keep it within {limit}."),
    "not_your_zone": N_("This zone is not yours to check today."),
    "no_zone": N_("This zone no longer exists."),
    "already_back": N_("This child is already back."),
    "no_window": N_("This check-in has no such window."),
    "range_backwards": N_("The range ends before it starts."),
    "range_too_long": N_("A range can cover at most {days} days."),
    "range_too_far": N_("That is too far ahead: at most {days} days from today."),
    "leave_past": N_("That leave is already over."),
    "leave_reason": N_("Please give the reason, e.g. 病假 or 事假."),
    "not_staff": N_("Only staff of this site can be responsible for a zone."),
    "zone_name_empty": N_("Please give the zone a name in words."),
    "zone_name_long": N_("That name is {count} characters; please keep it within {limit}."),
    "bad_day": N_("I could not read the day {text}: write it like 11月25日 or 2026-11-25."),
}
NOT_CLASS_STAFF = N_(
    "Only the class teacher or caregiver of this class can report its morning check."
)


def error_text(_: Translate, error: CheckinError | CalendarError | Any) -> str:
    return _(ERRORS.get(error.code, ERRORS["already_answered"])).format(**error.detail)


def day_code(day: date) -> str:
    return day.strftime("%Y%m%d")


def parse_day(code: str) -> date:
    return date(int(code[:4]), int(code[4:6]), int(code[6:8]))


def child_line(_: Translate, child: Child, *, home: bool = False) -> str:
    text = f"{child.name}（{_(SYMPTOM_LABELS[child.symptom])}）"
    if home:
        text += " " + (_("sent home") if child.sent_home else _("stays"))
    return text


def figures(_: Translate, report: MorningReport) -> str:
    """应到 25 · 实到 23 · 缺勤 2（病假 2）"""
    parts = [
        _("expected {n}").format(n=report.expected),
        _("present {n}").format(n=report.present),
        _("absent {n}").format(n=report.absent),
    ]
    reasons = [
        f"{_(REASON_LABELS[key])} {n}"
        for key, n in (
            ("sick", len(report.sick)),
            ("personal", report.personal),
            ("other", report.other),
        )
        if n
    ]
    text = " · ".join(parts)
    return text + (f"（{'，'.join(reasons)}）" if reasons else "")


def morning_screen(
    _: Translate, language: str, class_name: str, day: date, report: MorningReport
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The counter: 全到 in one tap, or absences added one by one, then 提交."""
    lines = [
        _("🩺 {klass} morning check · {day}").format(
            klass=class_name, day=format_day(day, language)
        ),
        figures(_, report),
    ]
    if report.sick:
        lines.append(
            _("Sick: {names}").format(names="、".join(child_line(_, c) for c in report.sick))
        )
    if report.unwell:
        lines.append(
            _("Unwell at the check: {names}").format(
                names="、".join(child_line(_, c, home=True) for c in report.unwell)
            )
        )
    empty = report.absent == 0 and not report.unwell
    first = (
        [_button(_("✅ All present ({n})").format(n=report.expected), "all")]
        if empty
        else [_button(_("📤 Submit"), "ok")]
    )
    rows = [
        first,
        [
            _button(_("🤒 Sick +1"), "s"),
            _button(_("📝 Personal +1"), "p"),
            _button(_("Other +1"), "o"),
        ],
        [_button(_("🌡 Unwell at the check"), "w")],
        [_button(_("↩️ Undo"), "u"), _button(_("✏️ Change expected"), "e")],
    ]
    if not empty:
        lines.append(_("Tap Submit when the list is complete."))
    return "\n".join(lines), inline_keyboard(rows)


def _button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, *parts))


def replace_or_keep(_: Translate, replace: str, keep: str) -> InlineKeyboardMarkup:
    """🔁 Replace it / ✖️ Keep the first, for an answer given already (steps `replace`, `keep`)."""
    return InlineKeyboardMarkup(
        [[_button(_("🔁 Replace it"), replace), _button(_("✖️ Keep the first"), keep)]]
    )


def name_prompt(
    _: Translate, known: list[str], *, unwell: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    text = (
        _("Name of the child found unwell? Type it, or tap a name below.")
        if unwell
        else _("Name of the child absent through illness? Type it, or tap a name below.")
    )
    buttons = [_button(name, "n", index) for index, name in enumerate(known)]
    return text, inline_keyboard([*in_rows(buttons, 3), [_button(_("✖️ Back"), "back")]])


def symptom_prompt(_: Translate, name: str) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [_button(_(label), "y", key) for key, label in SYMPTOM_LABELS.items()]
    return _("{name}: which symptom?").format(name=name), inline_keyboard(in_rows(buttons, 3))


def sent_home_prompt(_: Translate, name: str) -> tuple[str, InlineKeyboardMarkup | None]:
    rows = [[_button(_("🏠 Sent home"), "h", 1), _button(_("Stays in class"), "h", 0)]]
    return _("{name}: sent home?").format(name=name), inline_keyboard(rows)


def class_picker(
    _: Translate, classes: list[tuple[int, int, str]]
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [_button(name, "m", class_id) for _site, class_id, name in classes]
    return _("Which class?"), inline_keyboard(in_rows(buttons, 2))


def zone_question(
    _: Translate, zone_name: str, zone_id: int, window: str, day: date, language: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The one private message of a zone self-check: ✅ 无隐患 / ⚠️ 发现隐患."""
    text = _("✅ Zone self-check ({window}) · {zone} · {day}").format(
        window=_(WINDOW_LABELS[window]), zone=zone_name, day=format_day(day, language)
    )
    code = day_code(day)
    rows = [
        [
            _button(_("✅ No hazard"), "z", zone_id, window, code, "ok"),
            _button(_("⚠️ Hazard found"), "z", zone_id, window, code, "hz"),
        ]
    ]
    return text, inline_keyboard(rows)


def reminder_markup(_: Translate, *, zone: bool) -> InlineKeyboardMarkup | None:
    label = _("✅ Zone self-check") if zone else _("🩺 Morning check")
    return inline_keyboard([[_button(label, "zl" if zone else "start")]])
