"""Submitting a morning check (补录 reason, replacement after a confirmation), the typed
answers (names, the headcount, reasons) and the sick-absence follow-up buttons."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.i18n import format_clock
from bot.keyboards import inline_keyboard
from bot.parsing import NumberError, parse_int
from bot.views import checkins as views
from handlers.checkins.common import (
    ASK_EXPECTED,
    ASK_NAME,
    ASK_REASON,
    DRAFT,
    END,
    draft,
    set_draft,
    show,
    toast,
)
from handlers.checkins.morning import load_class, report_of, show_counter, take_name
from handlers.common import reply
from jobs.checkins import request_card
from jobs.checkins_reminders import send_health_alert
from storage.checkins import (
    CheckinError,
    Template,
    clean_reason,
    is_late,
    window_named,
    window_times,
)
from storage.checkins_morning import (
    MorningReport,
    clean_child_name,
    get_expected,
    get_sick_child,
    may_check_class,
    record_followup,
    record_morning_check,
    set_expected,
)
from storage.site_settings import get_site_settings

FOLLOWUP_REASONS = {"b": "back", "s": "sick", "o": "other"}


async def submit(
    update: Update, context: BotContext, state: dict[str, Any], *, all_present: bool = False
) -> int:
    """Store the draft (全到: everyone present), or ask what is missing first."""
    _ = context._
    loaded = load_class(context, state["class"])
    person = context.person
    if (
        loaded is None
        or person is None
        or not may_check_class(context.roles, loaded[0].id or 0, state["class"])
    ):
        return await toast(update, _(views.NOT_CLASS_STAFF))
    site, school_class = loaded
    day, now = views.parse_day(state["day"]), context.app.clock()
    report = MorningReport(expected=int(state["expected"])) if all_present else report_of(state)
    state["all"] = all_present
    if is_late(site, Template.MORNING, "morning", day, now) and not state.get("reason"):
        due = window_times(site, window_named(Template.MORNING, "morning"), day).due
        await show(
            update,
            _(
                "It is past {time}, so this will be a late entry (补录). Please type the reason:"
            ).format(time=format_clock(due, ZoneInfo(site.timezone))),
        )
        return ASK_REASON
    # Dropped before the commit, so the answer and the emptied draft are stored together.
    set_draft(context, DRAFT, None)
    try:
        answer = record_morning_check(
            session=context.db,
            site=site,
            school_class=school_class,
            day=day,
            person_id=person.id,
            report=report,
            now=now,
            late_reason=state.get("reason"),
            replace=bool(state.get("replace")),
        )
    except CheckinError as error:
        if error.code == "already_answered":
            set_draft(context, DRAFT, state)  # 替换 needs it
            markup = views.replace_or_keep(_, "r", "x")
            await show(
                update,
                _(
                    "{klass} was already reported today. Replace that answer with this one? Both are kept in the history."
                ).format(klass=school_class.name),
                markup,
            )
            return END
        await show(update, views.error_text(_, error))
        return END
    late = (
        ("\n" + _("Marked as a late entry. Reason: {reason}").format(reason=answer.late_reason))
        if answer.late
        else ""
    )
    await show(
        update,
        _("✅ Recorded: {klass} · {figures}").format(
            klass=school_class.name, figures=views.figures(_, report)
        )
        + late,
    )
    request_card(context.app, site.id or 0, day, Template.MORNING)
    await send_health_alert(context.app, context.db, site, school_class, day, report)
    return END


async def step_replace(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    state["replace"] = True
    return await submit(update, context, state, all_present=bool(state.get("all")))


async def step_keep(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    set_draft(context, DRAFT, None)
    await show(update, context._("Kept the first answer; nothing changed."))
    return END


async def on_name_text(update: Update, context: BotContext) -> int:
    state = draft(context)
    message = update.effective_message
    if state is None or message is None or "pending" not in state:
        return END
    try:
        name = clean_child_name(message.text or "")
    except CheckinError as error:
        await reply(update, views.error_text(context._, error))
        return ASK_NAME
    return await take_name(update, context, state, name)


async def on_expected_text(update: Update, context: BotContext) -> int:
    """A typed headcount: stored at once the first time; a change asks for a confirmation."""
    _ = context._
    state = draft(context)
    message = update.effective_message
    loaded = load_class(context, state["class"]) if state else None
    if state is None or message is None or loaded is None:
        return END
    site, school_class = loaded
    high = get_site_settings(site).class_size_max
    try:
        number = parse_int(message.text or "", low=1, high=high, units=("人", "名", "个"))
    except NumberError:
        await reply(update, _(views.ERRORS["expected_range"]).format(low=1, high=high))
        return ASK_EXPECTED
    before = get_expected(session=context.db, class_id=school_class.id or 0)
    if before is None:
        return await confirm_expected(update, context, state, number)
    markup = inline_keyboard(
        [[views._button(_("✅ Confirm"), "ec", number), views._button(_("✖️ Back"), "back")]]
    )
    await reply(
        update,
        _("Change {klass}'s expected children from {before} to {after}?").format(
            klass=school_class.name, before=before, after=number
        ),
        reply_markup=markup,
    )
    return END


async def confirm_expected(
    update: Update, context: BotContext, state: dict[str, Any], number: int
) -> int:
    loaded = load_class(context, state["class"])
    person = context.person
    if loaded is None or person is None:
        return END
    site, school_class = loaded
    if len(state["sick"]) + state["personal"] + state["other"] > number:
        return await toast(
            update,
            context._(views.ERRORS["too_many_absent"]).format(
                absent=report_of(state).absent, expected=number
            ),
        )
    try:
        set_expected(
            session=context.db,
            site=site,
            class_id=school_class.id or 0,
            expected=number,
            person_id=person.id,
            now=context.app.clock(),
        )
    except CheckinError as error:
        return await toast(update, views.error_text(context._, error))
    state["expected"] = number
    return await show_counter(update, context)


async def on_reason_text(update: Update, context: BotContext) -> int:
    state = draft(context)
    message = update.effective_message
    if state is None or message is None:
        return END
    try:
        state["reason"] = clean_reason(message.text)
    except CheckinError as error:
        await reply(update, views.error_text(context._, error))
        return ASK_REASON
    return await submit(update, context, state, all_present=bool(state.get("all")))


async def step_followup(update: Update, context: BotContext, args: list[str]) -> int:
    """✅ back / 🤒 still sick / other reason, for one child on one day."""
    _ = context._
    child = get_sick_child(session=context.db, sick_child_id=int(args[0]))
    person = context.person
    if (
        child is None
        or person is None
        or not may_check_class(context.roles, child.site_id, child.class_id)
    ):
        return await toast(update, _(views.NOT_CLASS_STAFF))
    try:
        record_followup(
            session=context.db,
            child=child,
            day=views.parse_day(args[1]),
            back=args[2] == "b",
            reason=FOLLOWUP_REASONS[args[2]],
            person_id=person.id,
        )
    except CheckinError as error:
        return await toast(update, views.error_text(_, error))
    text = (
        _("{name} is back ✅").format(name=child.name)
        if args[2] == "b"
        else _("{name}: noted, still away.").format(name=child.name)
    )
    assert update.callback_query is not None
    await update.callback_query.answer(text)
    await reply(update, text)
    return END
