"""The summary's sections in words: the figure first, then each problem with whom to ask."""

from __future__ import annotations

from bot.i18n import N_, Translate, format_day
from bot.labels import ROLE_LABELS
from bot.views.samples import meal_of
from storage.calendar_queries import GapRow
from storage.missed import JobRun
from storage.models import Site
from storage.permissions import Role
from storage.summary_sections import (
    MorningSection,
    NoticesSection,
    RepairsSection,
    SamplesSection,
    TasksSection,
)

SEP = " · "
# At most this many problem lines per section; the rest is counted.
SHOWN = 6


def _ask(_: Translate, names: tuple[str, ...]) -> str:
    return _("ask {names}").format(names="、".join(names)) if names else ""


def _line(*parts: str) -> str:
    return "• " + SEP.join(p for p in parts if p)


def _capped(_: Translate, lines: list[str]) -> list[str]:
    if len(lines) <= SHOWN:
        return lines
    return [*lines[:SHOWN], _("… and {count} more").format(count=len(lines) - SHOWN)]


def repairs_lines(_: Translate, section: RepairsSection) -> str:
    if not (section.open or section.new_today or section.closed_today):
        return _("🔧 Repairs: nothing open.")
    head = [
        _("🔧 Repairs"),
        _("new {count}").format(count=section.new_today),
        _("closed {count}").format(count=section.closed_today),
        _("open {count}").format(count=section.open),
    ]
    if section.reopened_today:
        head.append(_("reopened {count}").format(count=section.reopened_today))
    if section.overdue:
        head.append(_("⚠️ overdue {count}").format(count=len(section.overdue)))
    lines = [
        _line(
            f"{t.code} {t.location} {t.description[:30]}".strip(),
            _("{days} days overdue").format(days=t.days_overdue)
            if t.days_overdue
            else _("{hours} h overdue").format(hours=max(1, t.hours_overdue)),
            _ask(_, t.ask),
        )
        for t in section.overdue
    ]
    return "\n".join([SEP.join(head), *_capped(_, lines)])


def samples_lines(_: Translate, site: Site, section: SamplesSection) -> str:
    head = [_("🥡 Food samples {logged}/{expected}").format(
        logged=section.logged, expected=section.expected
    )]  # fmt: skip
    for count, label in (
        (section.below_minimum, _("below the minimum {count}")),
        (section.disposals_due, _("disposal due {count}")),
        (section.disposals_done, _("disposed {count}")),
        (section.held, _("held {count}")),
        (section.rejected_items, _("⚠️ delivery items rejected {count}")),
    ):
        if count:
            head.append(label.format(count=count))
    lines = []
    if section.missing_meals:
        meals = "、".join(meal_of(_, site, key) for key in section.missing_meals)
        lines.append(_line(_("not logged: {meals}").format(meals=meals), _ask(_, section.ask)))
    if section.disposals_due:
        lines.append(_line(_("samples to dispose of"), _ask(_, section.ask)))
    return "\n".join([SEP.join(head), *lines])


def gap_line(_: Translate, gap: GapRow) -> str:
    """本季度疏散演练未完成，剩余12天 / 疏散演练逾期未完成（已过 3 天）"""
    if gap.days_left < 0:
        return _("{title} not done, {days} days overdue").format(
            title=gap.title, days=-gap.days_left
        )
    period = {
        "quarterly": _("This quarter's"),
        "monthly": _("This month's"),
        "term": _("This term's"),
    }.get(gap.recurrence, _("This period's"))
    return _("{period} {title} not done yet, {days} days left").format(
        period=period, title=gap.title, days=gap.days_left
    )


def tasks_lines(_: Translate, language: str, section: TasksSection) -> str:
    head = [
        _("📅 Tasks"),
        _("done today {count}").format(count=len(section.done_today)),
        _("due this week {count}").format(count=len(section.due_this_week)),
    ]
    if section.overdue:
        head.append(_("⚠️ overdue {count}").format(count=len(section.overdue)))
    lines = [
        _line(
            task.title,
            _("due {day}").format(day=format_day(task.due_date, language)),
            _ask(_, (_(ROLE_LABELS[Role(task.role)]),) if task.role else ()),
        )
        for task in section.overdue
    ]
    lines += [_line(gap_line(_, gap)) for gap in section.gaps if gap.days_left >= 0]
    return "\n".join([SEP.join(head), *_capped(_, lines)])


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 100


def notices_lines(_: Translate, section: NoticesSection) -> str:
    """The week's notices: the share acknowledged, each notice, the classes behind."""
    if not section.notices:
        return _("📣 Parent notices: none sent this week.")
    head = _("📣 Parent notices: {acknowledged}/{delivered} acknowledged ({percent}%)").format(
        acknowledged=section.acknowledged,
        delivered=section.delivered,
        percent=_percent(section.acknowledged, section.delivered),
    )
    lines = [
        _line(f"《{n.title}》 {n.acknowledged}/{n.delivered}")
        for n in section.notices
        if n.acknowledged < n.delivered
    ]
    lines += [
        _line(
            _("{name} behind: {percent}% acknowledged").format(
                name=share.class_name, percent=_percent(share.acknowledged, share.delivered)
            ),
            _ask(_, teachers) or _("no class teacher on record"),
        )
        for share, teachers in section.behind
    ]
    return "\n".join([head, *_capped(_, lines)])


def missed_lines(_: Translate, missed: list[JobRun]) -> str | None:
    if not missed:
        return None
    lines = [_line(run.what or run.kind) for run in missed]
    head = _("⏸ Missed while the bot was down: {count}").format(count=len(missed))
    return "\n".join([head, *_capped(_, lines)])


ABSENCE_LABELS = {
    "sick": N_("sick {count}"),
    "personal": N_("personal {count}"),
    "other": N_("other {count}"),
}
ZONE_WINDOWS = {"start": N_("start of day"), "end": N_("end of day")}


def morning_lines(_: Translate, section: MorningSection) -> str | None:
    """Classes reported, attendance, absences by reason, sick children, who is missing."""
    if not section.school_day:
        return None
    head = [
        _("🩺 Morning check {reported}/{classes}").format(
            reported=section.reported, classes=section.classes
        )
    ]
    if section.rate is not None:
        head.append(_("attendance {rate}%").format(rate=round(section.rate * 100)))
    head += [
        _(ABSENCE_LABELS[reason]).format(count=count)
        for reason, count in section.absences.items()
        if count and reason in ABSENCE_LABELS
    ]
    if section.sick_followed:
        head.append(_("followed up {count}").format(count=section.sick_followed))
    if section.sent_home:
        head.append(_("⚠️ sent home {count}").format(count=section.sent_home))
    lines = [
        _line(_("not reported: {name}").format(name=name), _ask(_, ask))
        for name, ask in section.missing_classes
    ]
    lines += [
        _line(
            _("zone not checked ({window}): {zone}").format(
                window=_(ZONE_WINDOWS.get(window, window)), zone=zone
            ),
            _ask(_, (person,) if person else ()),
        )
        for window, zone, person in section.zones_missing
    ]
    return "\n".join([SEP.join(head), *_capped(_, lines)])
