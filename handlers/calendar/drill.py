"""Recording a drill: type → children → staff → evacuation time → problems → photos."""

from __future__ import annotations

import unicodedata

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.parsing import NumberError, parse_int
from bot.views import calendar as views
from handlers.calendar.tasks import load_checked, show
from handlers.common import reply
from jobs.calendar import request_card_refresh
from storage.calendar import Task, TaskError, get_task
from storage.calendar_models import DrillType
from storage.drills import (
    MAX_PEOPLE,
    MAX_SECONDS,
    MIN_SECONDS,
    DrillEntry,
    add_drill_photo,
    check_seconds,
    drill_for,
    record_drill,
)
from storage.site_settings import get_site_settings
from storage.sites import get_site

END = ConversationHandler.END
DRILL_CHILDREN, DRILL_STAFF, DRILL_SECONDS, DRILL_PROBLEMS, DRILL_PHOTOS = range(10, 15)
PENDING = "drill"
NOTHING = {"无", "没有", "none", "no", "-", "—", "无问题"}


async def start(update: Update, context: BotContext, task: Task) -> int:
    await show(update, *views.drill_type_picker(context._, task))
    return END


async def step_type(update: Update, context: BotContext, args: list[str]) -> int:
    DrillType(args[1])  # an unknown type is an expired button (ValueError), checked first
    if await load_checked(update, context, args[0]) is None:
        return END
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    context.user_data[PENDING] = {"occ": int(args[0]), "type": DrillType(args[1]).value}
    await show(update, context._("How many children took part? Type a number:"))
    return DRILL_CHILDREN


def _pending(context: BotContext) -> dict[str, object] | None:
    return (context.user_data or {}).get(PENDING)


async def _read_count(update: Update, context: BotContext, key: str) -> bool | None:
    """Keep a typed head count; False when it is not one (asked again), None when no drill."""
    pending = _pending(context)
    message = update.effective_message
    if pending is None or message is None:
        return None
    try:
        pending[key] = parse_int(
            message.text or "", low=0, high=MAX_PEOPLE, units=("人", "名", "个")
        )
    except NumberError:
        await reply(update, context._("Please type a whole number from 0 to {high}.").format(
            high=MAX_PEOPLE))  # fmt: skip
        return False
    return True


async def on_children(update: Update, context: BotContext) -> int:
    stored = await _read_count(update, context, "children")
    if not stored:
        return END if stored is None else DRILL_CHILDREN
    await reply(update, context._("How many staff took part?"))
    return DRILL_STAFF


async def on_staff(update: Update, context: BotContext) -> int:
    stored = await _read_count(update, context, "staff")
    if not stored:
        return END if stored is None else DRILL_STAFF
    await reply(update, context._("How long did the evacuation take? e.g. 2:35 or 155 (seconds):"))
    return DRILL_SECONDS


def parse_duration(text: str) -> int:
    """2:35, 2分35秒, 155, 155秒 → seconds (NumberError or TaskError when it is not a time)."""
    raw = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    for unit, factor in (("小时", 3600), ("hours", 3600), ("hour", 3600), ("h", 3600)):
        if raw.endswith(unit):
            return check_seconds(parse_int(raw[: -len(unit)], low=-99, high=99) * factor)
    minutes, seconds = "0", raw
    if ":" in raw:
        minutes, seconds = raw.split(":", 1)
    elif "分" in raw:
        minutes, _, seconds = raw.partition("分")
        seconds = seconds.removeprefix("钟")
    seconds = seconds.removesuffix("秒钟").removesuffix("秒") or "0"
    value = parse_int(minutes, low=-999, high=999) * 60 + parse_int(
        seconds, low=-99999, high=99999, units=("s", "sec")
    )
    return check_seconds(value)


async def on_seconds(update: Update, context: BotContext) -> int:
    pending = _pending(context)
    message = update.effective_message
    if pending is None or message is None:
        return END
    try:
        pending["seconds"] = parse_duration(message.text or "")
    except (NumberError, TaskError):
        await reply(update, context._(
            "Please type a time from {low} seconds to {high} minutes, e.g. 2:35 or 155."
        ).format(low=MIN_SECONDS, high=MAX_SECONDS // 60))  # fmt: skip
        return DRILL_SECONDS
    await reply(update, context._("What problems were found? Type them, or 无 if none:"))
    return DRILL_PROBLEMS


async def on_problems(update: Update, context: BotContext) -> int:
    pending = _pending(context)
    message = update.effective_message
    person = context.person
    if pending is None or message is None or person is None:
        return END
    text = (message.text or "").strip()
    if text.lower() in NOTHING:
        text = ""
    elif len(text) < 2 or text.strip("。.,，0123456789 ") == "":
        await reply(update, context._("Please describe the problems in a few words, or type 无."))
        return DRILL_PROBLEMS
    task = get_task(session=context.db, occurrence_id=int(str(pending["occ"])))
    site = get_site(session=context.db, site_id=task.rule.site_id) if task else None
    if task is None or site is None:
        return END
    entry = DrillEntry(
        DrillType(str(pending["type"])), int(str(pending["children"])),
        int(str(pending["staff"])), int(str(pending["seconds"])), text,
    )  # fmt: skip
    try:
        record = record_drill(session=context.db, site=site, task=task, person_id=person.id,
                              entry=entry, now=context.app.clock())  # fmt: skip
    except TaskError as error:
        if error.code == "problems_too_long":
            await reply(update, context._("That is {length} characters; at most {limit}, please.")
                        .format(**error.details))  # fmt: skip
            return DRILL_PROBLEMS
        await reply(update, context._("This task is already closed."))
        return END
    target = get_site_settings(site).evacuation_target_seconds
    await reply(
        update, views.drill_recorded(context._, record.evacuation_seconds, record.slow, target)
    )
    request_card_refresh(context.app, site.id or 0)
    return DRILL_PHOTOS


async def on_text_instead_of_photo(update: Update, context: BotContext) -> int:
    await reply(update, context._("Send photos of the drill now; /skip to finish."))
    return DRILL_PHOTOS


async def on_photo(update: Update, context: BotContext) -> int:
    pending = _pending(context)
    message = update.effective_message
    if pending is None or message is None or not message.photo:
        return END
    record = drill_for(session=context.db, occurrence_id=int(str(pending["occ"])))
    if record is None:
        return END
    add_drill_photo(session=context.db, record=record, file_id=message.photo[-1].file_id)
    await reply(update, context._("📷 Photo added to the drill record ({count}).").format(
        count=len(record.photos)))  # fmt: skip
    return DRILL_PHOTOS
