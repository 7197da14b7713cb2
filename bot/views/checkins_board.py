"""The check-ins' group cards, reminders, escalations, the health alert and the follow-up."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.i18n import Translate, format_clock, format_day
from bot.keyboards import inline_keyboard
from bot.views.checkins import (
    SYMPTOM_LABELS,
    WINDOW_LABELS,
    _button,
    child_line,
    day_code,
    figures,
)
from storage.checkin_models import CheckinAnswer, SickChild
from storage.checkins import TEMPLATES, Template
from storage.checkins_status import MorningDay, ZoneDay


def _late(_: Translate, answer: CheckinAnswer) -> str:
    return " " + _("(late entry)") if answer.late else ""


def morning_board(_: Translate, language: str, status: MorningDay) -> str:
    """🩺 今日晨检: the figure first, then who has not reported, then the classes done."""
    zone = ZoneInfo(status.site.timezone)
    done = [c for c in status.classes if c.answer is not None]
    lines = [
        _("🩺 Morning check {day}").format(day=format_day(status.day, language)),
        _("{site} · due {time} · reported {done}/{total}").format(
            site=status.site.name,
            time=format_clock(status.times.due, zone),
            done=len(done),
            total=len(status.classes),
        ),
    ]
    if status.missing:
        lines.append(
            _("Not yet: {classes}").format(classes="、".join(c.class_name for c in status.missing))
        )
    expected = present = 0
    for line in done:
        report = line.report
        assert report is not None and line.answer is not None
        expected, present = expected + report.expected, present + report.present
        lines.append(
            f"✅ {line.class_name}：{figures(_, report)} · {line.answered_by}{_late(_, line.answer)}"
        )
        if report.sick:
            lines.append(
                "    "
                + _("Sick: {names}").format(names="、".join(child_line(_, c) for c in report.sick))
            )
        home = [c for c in report.unwell if c.sent_home]
        if home:
            lines.append(
                "    "
                + _("Sent home: {names}").format(names="、".join(child_line(_, c) for c in home))
            )
    if expected:
        lines.append(
            _("Attendance {present}/{expected} ({rate:.0%})").format(
                present=present, expected=expected, rate=present / expected
            )
        )
    return "\n".join(lines)


def zone_board(_: Translate, language: str, status: ZoneDay) -> str:
    """✅ 责任区自查: each zone with its start and end marks."""
    windows = TEMPLATES[Template.ZONE].windows
    answered = sum(1 for z in status.zones for w in windows if z.answers.get(w.name))
    lines = [
        _("✅ Zone self-checks {day}").format(day=format_day(status.day, language)),
        _("{site} · answered {done}/{total}").format(
            site=status.site.name, done=answered, total=len(status.zones) * len(windows)
        ),
    ]
    for line in status.zones:
        marks = []
        for window in windows:
            answer = line.answers.get(window.name)
            mark = "⬜" if answer is None else ("✅" if answer.data.get("ok") else "⚠️")
            late = _late(_, answer) if answer else ""
            marks.append(f"{_(WINDOW_LABELS[window.name])} {mark}{late}")
        who = line.person_name or _("nobody")
        lines.append(f"{line.duty.zone.name}（{who}）：{' · '.join(marks)}")
    return "\n".join(lines)


def followup_message(
    _: Translate, language: str, class_name: str, children: list[SickChild], day: date
) -> tuple[str, InlineKeyboardMarkup | None]:
    """因病缺勤追踪: is each child back today? One row of buttons per child."""
    lines = [
        _("🤒 Sick-absence follow-up · {klass} · {day}").format(
            klass=class_name, day=format_day(day, language)
        )
    ]
    rows = []
    code = day_code(day)
    for child in children:
        lines.append(
            _("• {name} ({symptom}), away since {since}: back today?").format(
                name=child.name,
                symptom=_(SYMPTOM_LABELS.get(child.symptom, SYMPTOM_LABELS["other"])),
                since=format_day(child.first_day, language),
            )
        )
        rows.append(
            [
                _button(_("✅ {name} back").format(name=child.name), "f", child.id, code, "b"),
                _button(_("🤒 Still sick"), "f", child.id, code, "s"),
                _button(_("Other reason"), "f", child.id, code, "o"),
            ]
        )
    return "\n".join(lines), inline_keyboard(rows)


def health_alert(
    _: Translate, site_name: str, class_name: str, names: list[str], day: date, language: str
) -> str:
    return _(
        "⚠️ {site} · {klass}: {count} children with fever or a rash today ({day}): {names}. Please check at once."
    ).format(
        site=site_name,
        klass=class_name,
        count=len(names),
        day=format_day(day, language),
        names="、".join(names),
    )


def morning_reminder(_: Translate, classes: tuple[str, ...], due: str) -> str:
    return _("⏰ The morning check was due at {time} and is not reported yet: {classes}.").format(
        time=due, classes="、".join(classes)
    )


def zone_reminder(_: Translate, window: str, zones: tuple[str, ...], due: str) -> str:
    return _("⏰ Zone self-check ({window}) was due at {time}: {zones}.").format(
        window=_(WINDOW_LABELS[window]), time=due, zones="、".join(zones)
    )


def escalation(
    _: Translate,
    site_name: str,
    what: str,
    day: date,
    language: str,
    missing: list[str],
    reminded: str,
) -> str:
    lines = [
        _("⚠️ {site}: {what} still missing on {day}:").format(
            site=site_name, what=what, day=format_day(day, language)
        ),
        *(f"• {m}" for m in missing),
        _("Reminded: {names}").format(names=reminded or "—"),
    ]
    return "\n".join(lines)
