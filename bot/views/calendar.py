"""Texts and buttons of the safety calendar, shared by its handlers and its jobs."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_day
from bot.keyboards import inline_keyboard
from bot.labels import role_label
from storage.calendar import Task
from storage.calendar_models import DrillRecord, DrillType, Recurrence, TaskKind, TaskStatus
from storage.drills import Gap

PREFIX = "cal"
ICONS = {
    TaskStatus.UPCOMING: "⬜",
    TaskStatus.DUE: "🔔",
    TaskStatus.OVERDUE: "⚠️",
    TaskStatus.DONE: "✅",
    TaskStatus.SKIPPED: "➖",
}
DRILL_LABELS = {
    DrillType.EVACUATION: N_("Evacuation"),
    DrillType.FIRE: N_("Fire"),
    DrillType.EARTHQUAKE: N_("Earthquake"),
    DrillType.ANTI_TERROR: N_("Anti-terror"),
    DrillType.OTHER: N_("Other drill"),
}
RECURRENCE_LABELS = {
    Recurrence.ONCE: N_("once"),
    Recurrence.WEEKLY: N_("every {n} week(s)"),
    Recurrence.MONTHLY: N_("every {n} month(s)"),
    Recurrence.FIRST_SCHOOL_DAY: N_("first school day of every {n} month(s)"),
    Recurrence.QUARTERLY: N_("every quarter"),
    Recurrence.TERM: N_("every term"),
}
NOT_FOUND = N_("This task no longer exists.")
MAX_LISTED = 12  # tasks with a button in one list
MAX_LINES = 30  # task lines in one message (Telegram takes 4096 characters at most)


def who(_: Translate, task: Task, person_name: str | None = None) -> str:
    if person_name:
        return person_name
    return role_label(_, task.rule.role) if task.rule.role else _("Director / logistics head")


def task_line(_: Translate, language: str, task: Task, state: TaskStatus) -> str:
    """⚠️ 11月25日 (周三) 园舍安全检查 · 保健老师"""
    title = task.rule.title if len(task.rule.title) <= 60 else task.rule.title[:59] + "…"
    line = f"{ICONS[state]} {format_day(task.occurrence.due_date, language)} {title}"
    return f"{line} · {who(_, task)}"


def gap_text(_: Translate, gap: Gap) -> str:
    """本季度疏散演练未完成，剩余12天 / 疏散演练逾期未完成（已过 3 天）"""
    title = gap.task.rule.title
    if gap.days_left < 0:
        return _("{title} not done, {days} days overdue").format(title=title, days=-gap.days_left)
    period = {
        Recurrence.QUARTERLY: _("This quarter's"),
        Recurrence.MONTHLY: _("This month's"),
        Recurrence.TERM: _("This term's"),
    }.get(Recurrence(gap.task.rule.recurrence), _("This period's"))
    return _("{period} {title} not done yet, {days} days left").format(
        period=period, title=title, days=gap.days_left
    )


def complete_button(_: Translate, task: Task) -> InlineKeyboardButton:
    label = _("📝 Record the drill") if task.rule.kind == TaskKind.DRILL else _("✅ Done")
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, "d", task.id))


def task_buttons(_: Translate, task: Task) -> InlineKeyboardMarkup | None:
    skip = InlineKeyboardButton(_("➖ Skip"), callback_data=pack(PREFIX, "s", task.id))
    return inline_keyboard([[complete_button(_, task), skip]])


def reminder(_: Translate, language: str, task: Task, due_today: bool) -> str:
    day = format_day(task.occurrence.due_date, language)
    head = _("🔔 Due today: {title}") if due_today else _("📅 Coming up: {title} (due {day})")
    lines = [head.format(title=task.rule.title, day=day)]
    if task.rule.description and task.rule.description != task.rule.title:
        lines.append(task.rule.description)
    lines.append(_("Tap below when it is done; you can add a note and a photo."))
    return "\n".join(lines)


def escalation(_: Translate, language: str, site_name: str, task: Task, names: str) -> str:
    return "\n".join(
        [
            _("⚠️ {site}: overdue since {day}: {title}").format(
                site=site_name,
                day=format_day(task.occurrence.due_date, language),
                title=task.rule.title,
            ),
            _("Responsible: {names}").format(names=names or "—"),
        ]
    )


def task_list(
    _: Translate,
    language: str,
    tasks: list[tuple[Task, TaskStatus]],
    gaps: list[Gap],
    manager: bool,
    drill_line: str | None = None,
    drill_id: int | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/tasks: overdue first, then this week's; a button for each open one."""
    lines = [_("📅 Your tasks: overdue and this week")]
    if manager:
        lines[0] = _("📅 Tasks of the site: overdue and this week")
    lines += [f"❗ {gap_text(_, gap)}" for gap in gaps]
    if drill_line:
        lines.append(drill_line)
    if not tasks:
        lines.append(_("Nothing due this week. 👍"))
    lines += capped(_, [task_line(_, language, task, state) for task, state in tasks])
    open_tasks = [t for t, s in tasks if s not in (TaskStatus.DONE, TaskStatus.SKIPPED)]
    # Drills first: they carry the compliance gaps.
    open_tasks.sort(key=lambda t: t.rule.kind != TaskKind.DRILL)
    rows = [
        [InlineKeyboardButton(f"{'📝' if t.rule.kind == TaskKind.DRILL else '✅'} {t.rule.title[:30]}",
                              callback_data=pack(PREFIX, "d", t.id))]
        for t in open_tasks[:MAX_LISTED]
    ]  # fmt: skip
    if drill_id is not None:
        rows.append(
            [InlineKeyboardButton(_("📷 Drill photos"), callback_data=pack(PREFIX, "dp", drill_id))]
        )
    if manager:
        rows.append(
            [
                InlineKeyboardButton(_("⚙️ Calendar rules"), callback_data=pack(PREFIX, "r")),
                InlineKeyboardButton(_("📥 Import a term plan"), callback_data=pack(PREFIX, "pi")),
            ]
        )
    return "\n".join(lines), inline_keyboard(rows)


def month_card(
    _: Translate,
    language: str,
    site_name: str,
    month: date,
    tasks: list[tuple[Task, TaskStatus]],
    gaps: list[Gap],
) -> str:
    """The staff group's live card: 📅 11月工作 · 已完成 3/9, then what is left, then what is done."""
    done = [t for t, s in tasks if s in (TaskStatus.DONE, TaskStatus.SKIPPED)]
    head = _("📅 {site} · tasks of {month}/{year} · done {done}/{total}").format(
        site=site_name, month=month.month, year=month.year, done=len(done), total=len(tasks)
    )
    order = {TaskStatus.OVERDUE: 0, TaskStatus.DUE: 1, TaskStatus.UPCOMING: 2}
    pending = sorted(
        ((t, s) for t, s in tasks if s in order),
        key=lambda pair: (order[pair[1]], pair[0].occurrence.due_date),
    )
    lines = [head, *(f"❗ {gap_text(_, gap)}" for gap in gaps)]
    lines += capped(
        _,
        [task_line(_, language, t, s) for t, s in pending]
        + [task_line(_, language, t, s) for t, s in tasks if s not in order],
    )
    return "\n".join(lines)


def capped(_: Translate, lines: list[str]) -> list[str]:
    """At most MAX_LINES lines, then how many more there are."""
    if len(lines) <= MAX_LINES:
        return lines
    more = len(lines) - MAX_LINES + 1
    return [*lines[: MAX_LINES - 1], _("… and {n} more").format(n=more)]


def last_drill(_: Translate, language: str, record: DrillRecord, zone: ZoneInfo) -> str:
    """🚨 上次演练：10月31日（周六） 疏散 · 用时 2:35 ⚠️ · 照片 1 张"""
    parts = [_(DRILL_LABELS.get(DrillType(record.drill_type), DRILL_LABELS[DrillType.OTHER]))]
    if record.evacuation_seconds is not None:
        seconds = record.evacuation_seconds
        parts.append(
            _("took {m}:{s:02d}").format(m=seconds // 60, s=seconds % 60)
            + (" ⚠️" if record.slow else "")
        )
    if record.photos:
        parts.append(_("{n} photo(s)").format(n=len(record.photos)))
    day = format_day(record.held_at.astimezone(zone).date(), language)
    return _("🚨 Last drill: {day} {what}").format(day=day, what=" · ".join(parts))


def done_text(_: Translate, task: Task, late: bool) -> str:
    text = _("✅ Recorded: {title}.").format(title=task.rule.title)
    if late:
        text += " " + _("(late entry)")
    return text + "\n" + _("Send a photo or type a note if you like; /skip to finish.")


def drill_type_picker(_: Translate, task: Task) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(_(label), callback_data=pack(PREFIX, "t", task.id, kind.value))
        for kind, label in DRILL_LABELS.items()
    ]
    text = _("📝 {title}: what kind of drill was it?").format(title=task.rule.title)
    return text, inline_keyboard([buttons[:3], buttons[3:]])


def drill_recorded(_: Translate, seconds: int | None, slow: bool, target: int) -> str:
    text = _("✅ Drill recorded.")
    if seconds is not None:
        text += " " + _("Evacuation took {m}:{s:02d}.").format(m=seconds // 60, s=seconds % 60)
    if slow:
        text += "\n" + _(
            "⚠️ Slower than the {target}-second target: look at the problems found."
        ).format(target=target)
    return text + "\n" + _("Send photos of the drill now; /skip to finish.")


def recurrence_text(_: Translate, recurrence: str, interval: int) -> str:
    return _(RECURRENCE_LABELS[Recurrence(recurrence)]).format(n=interval)
