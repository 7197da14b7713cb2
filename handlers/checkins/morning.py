"""🩺 晨检: open the class, count absences with +1 buttons, name the sick, submit.

The draft (plain ids and names) lives in the persistent user_data, so a restart loses
nothing; every button re-checks that the person reports for this class.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.context import BotContext
from bot.keyboards import inline_keyboard
from bot.views import checkins as views
from handlers.checkins.common import (
    ASK_EXPECTED,
    ASK_NAME,
    DRAFT,
    END,
    draft,
    set_draft,
    show,
    toast,
)
from handlers.common import refuse
from storage.checkins import Template, class_subject, current_answer, local_today
from storage.checkins_morning import (
    Child,
    MorningReport,
    checkable_classes,
    get_expected,
    known_child_names,
    load_class_and_site,
    may_check_class,
    report_from_data,
)
from storage.models import SchoolClass, Site
from storage.permissions import Action
from storage.school_days import closed_reason, is_school_day
from storage.sites import get_class


async def cmd_morning(update: Update, context: BotContext) -> int:
    """🩺 晨检 / /checkin: the own class's screen (a picker when one reports for several)."""
    classes = checkable_classes(context.roles)
    if not classes:
        await refuse(update, context, Action.MORNING_CHECK_OWN_CLASS)
        return END
    if len(classes) == 1:
        return await open_class(update, context, classes[0][1])
    await show(update, *views.class_picker(context._, classes))
    return END


def load_class(context: BotContext, class_id: int) -> tuple[Site, SchoolClass] | None:
    """The active class of a button or draft with its site (one query), or None."""
    return load_class_and_site(session=context.db, class_id=class_id)


async def open_class(
    update: Update, context: BotContext, class_id: int, replace: bool = False
) -> int:
    _ = context._
    loaded = load_class(context, class_id)
    if loaded is None or not may_check_class(context.roles, loaded[0].id or 0, class_id):
        return await toast(update, _(views.NOT_CLASS_STAFF))
    site, school_class = loaded
    day = local_today(site, context.app.clock())
    if not is_school_day(session=context.db, site=site, day=day):
        reason = closed_reason(session=context.db, site_id=site.id or 0, day=day)
        text = _(views.ERRORS["closed_day"]) + (f"（{reason}）" if reason else "")
        return await toast(update, text)
    existing = current_answer(
        session=context.db,
        site_id=site.id or 0,
        template=Template.MORNING,
        window="morning",
        subject=class_subject(class_id),
        day=day,
    )
    if existing is not None and not replace:
        report = report_from_data(existing.data)
        text = _("{klass} has already reported today: {figures}").format(
            klass=school_class.name, figures=views.figures(_, report)
        )
        markup = inline_keyboard(
            [[views._button(_("🔁 Report again (replaces today's)"), "again", class_id)]]
        )
        await show(update, text, markup)
        return END
    expected = get_expected(session=context.db, class_id=class_id)
    set_draft(
        context,
        DRAFT,
        {
            "class": class_id,
            "day": views.day_code(day),
            "expected": expected or 0,
            "sick": [],
            "personal": 0,
            "other": 0,
            "unwell": [],
            "order": [],
            "replace": replace,
        },
    )
    if expected is None:
        await show(
            update,
            _("How many children does {klass} have (expected each day)? Type the number:").format(
                klass=school_class.name
            ),
        )
        return ASK_EXPECTED
    return await show_counter(update, context)


def report_of(state: dict[str, Any]) -> MorningReport:
    return MorningReport(
        expected=int(state["expected"]),
        sick=tuple(Child(name, symptom) for name, symptom in state["sick"]),
        personal=int(state["personal"]),
        other=int(state["other"]),
        unwell=tuple(Child(n, s, bool(h)) for n, s, h in state["unwell"]),
    )


async def show_counter(update: Update, context: BotContext) -> int:
    state = draft(context)
    if state is None:
        return END
    school_class = get_class(session=context.db, class_id=state["class"])
    text, markup = views.morning_screen(
        context._,
        context.language,
        school_class.name if school_class else "",
        views.parse_day(state["day"]),
        report_of(state),
    )
    await show(update, text, markup)
    return END


async def step_count(update: Update, context: BotContext, state: dict[str, Any], kind: str) -> int:
    """事假 +1 / 其他 +1 / 病假 +1 (asks the name): never more absent than expected."""
    report = report_of(state)
    if report.absent + 1 > report.expected:
        text = context._(views.ERRORS["too_many_absent"]).format(
            absent=report.absent + 1, expected=report.expected
        )
        return await toast(update, text)
    if kind == "sick":
        return await ask_name(update, context, state, unwell=False)
    state[kind] += 1
    state["order"].append(kind)
    await _answer(update)
    return await show_counter(update, context)


async def ask_name(
    update: Update, context: BotContext, state: dict[str, Any], *, unwell: bool
) -> int:
    if unwell and len(state["unwell"]) >= report_of(state).present:
        return await toast(
            update,
            context._(views.ERRORS["too_many_unwell"]).format(present=report_of(state).present),
        )
    known = known_child_names(session=context.db, class_id=state["class"])
    taken = {name for name, *_rest in state["sick"]}
    state["known"] = [n for n in known if n not in taken]
    state["pending"] = {"kind": "unwell" if unwell else "sick"}
    await _answer(update)
    await show(update, *views.name_prompt(context._, state["known"], unwell=unwell))
    return ASK_NAME


async def step_undo(update: Update, context: BotContext, state: dict[str, Any]) -> int:
    if state["order"]:
        kind = state["order"].pop()
        if kind in {"sick", "unwell"}:
            state[kind].pop()
        else:
            state[kind] -= 1
    await _answer(update)
    return await show_counter(update, context)


async def step_symptom(
    update: Update, context: BotContext, state: dict[str, Any], symptom: str
) -> int:
    pending = state.get("pending") or {}
    if "name" not in pending or symptom not in views.SYMPTOM_LABELS:
        return await toast(update, context._(views.ERRORS["symptom"]))
    await _answer(update)
    if pending["kind"] == "unwell":
        pending["symptom"] = symptom
        await show(update, *views.sent_home_prompt(context._, pending["name"]))
        return END
    state["sick"].append([pending["name"], symptom])
    state["order"].append("sick")
    state.pop("pending", None)
    return await show_counter(update, context)


async def step_sent_home(
    update: Update, context: BotContext, state: dict[str, Any], home: str
) -> int:
    pending = state.pop("pending", None) or {}
    if "symptom" not in pending:
        return await show_counter(update, context)
    state["unwell"].append([pending["name"], pending["symptom"], home == "1"])
    state["order"].append("unwell")
    await _answer(update)
    return await show_counter(update, context)


async def take_name(update: Update, context: BotContext, state: dict[str, Any], name: str) -> int:
    """A typed or tapped name: ask the symptom next."""
    pending = state.setdefault("pending", {"kind": "sick"})
    pending["name"] = name
    await _answer(update)
    await show(update, *views.symptom_prompt(context._, name))
    return END


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
