"""🔧 报修 / ⚠️ 隐患 in private chat: where → what kind → what is wrong → a photo → urgency.

The answers so far wait in user_data (persisted); buttons carry only the choice.
"""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.errors import on_expired_button
from bot.views import repairs_forms as forms
from handlers.common import refuse, reply
from handlers.repairs.common import (
    DESCRIPTION,
    END,
    PHOTO,
    WHERE,
    answer_error,
    edit,
    forget,
    pending,
    remember,
    report_site,
    toast,
)
from jobs.repairs import after_ticket_opened
from storage.permissions import Action
from storage.repairs import MAX_DESCRIPTION, open_ticket, place_names
from storage.repairs_models import Category, TicketKind, Urgency
from storage.repairs_rules import TicketError, clean_text
from storage.sites import get_site


async def cmd_report(update: Update, context: BotContext) -> int:
    return await _begin(update, context, TicketKind.REPAIR)


async def cmd_hazard(update: Update, context: BotContext) -> int:
    return await _begin(update, context, TicketKind.HAZARD)


async def _begin(update: Update, context: BotContext, kind: TicketKind) -> int:
    site = report_site(context)
    if site is None:
        await refuse(update, context, Action.REPORT_REPAIR)
        return END
    _ = context._
    remember(context, flow="report", kind=kind.value, site=site.id, photos=[])
    places = place_names(session=context.db, site=site)
    await reply(
        update,
        forms.report_title(_, kind) + "\n" + _("📍 Where is it?"),
        reply_markup=forms.place_picker(_, places, "nl", typed=True),
    )
    return END


def _draft(context: BotContext) -> dict[str, object] | None:
    data = pending(context)
    return data if data.get("flow") == "report" else None


async def on_report_button(update: Update, context: BotContext, step: str, args: list[str]) -> int:
    """nl place · nk kind · np skip photo · nu urgency (which files the ticket)."""
    draft = _draft(context)
    if draft is None:
        await on_expired_button(update, context)
        return END
    _ = context._
    await toast(update)
    if step == "nl":
        if args[-1] == "t":
            await edit(update, _(forms.ASK_LOCATION_TEXT))
            return WHERE
        site = get_site(session=context.db, site_id=int(str(draft["site"])))
        assert site is not None
        draft["location"] = place_names(session=context.db, site=site)[int(args[-1])]
        return await _after_location(update, context, draft)
    if step == "nk":
        draft["category"] = Category(args[-1]).value
        await edit(update, _(forms.ASK_DESCRIPTION))
        return DESCRIPTION
    if step == "np":
        await edit(update, _("Urgent or normal?"), forms.urgency_picker(_))
        return END
    return await _file(update, context, draft, Urgency(args[-1]))


async def _after_location(update: Update, context: BotContext, draft: dict[str, object]) -> int:
    _ = context._
    if draft["kind"] == TicketKind.HAZARD:
        draft["category"] = Category.OTHER.value
        await _say(update, _(forms.ASK_DESCRIPTION))
        return DESCRIPTION
    await _say(update, _("🔧 What kind?"), forms.category_picker(_, "nk"))
    return END


async def _say(update: Update, text: str, markup: object = None) -> None:
    """Edit the screen after a tap; answer anew after typed input."""
    if update.callback_query is not None:
        await edit(update, text, markup)
    else:
        await reply(update, text, reply_markup=markup)


async def on_location_text(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    if draft is None or update.effective_message is None:
        return END
    try:
        draft["location"] = clean_text(update.effective_message.text, 100)
    except TicketError as error:
        await answer_error(update, context, error)
        return WHERE
    return await _after_location(update, context, draft)


async def on_description_text(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    if draft is None or update.effective_message is None:
        return END
    try:
        draft["description"] = clean_text(update.effective_message.text, MAX_DESCRIPTION)
    except TicketError as error:
        await answer_error(update, context, error)
        return DESCRIPTION
    _ = context._
    await reply(update, _(forms.ASK_PHOTO), reply_markup=forms.skip_photo(_, "np"))
    return PHOTO


async def on_report_photo(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    message = update.effective_message
    if draft is None or message is None:
        return END
    _ = context._
    if not message.photo:
        await reply(update, _("That is not a photo. Send a photo, or tap Skip."))
        return PHOTO
    photos = draft.setdefault("photos", [])
    assert isinstance(photos, list)
    photos.append(message.photo[-1].file_id)
    await reply(update, _("Urgent or normal?"), reply_markup=forms.urgency_picker(_))
    return END


async def _file(
    update: Update, context: BotContext, draft: dict[str, object], urgency: Urgency
) -> int:
    if "description" not in draft:
        await on_expired_button(update, context)
        return END
    person = context.person
    assert person is not None
    try:
        ticket = open_ticket(
            session=context.db,
            now=context.app.clock(),
            site_id=int(str(draft["site"])),
            reporter_id=person.id,
            kind=TicketKind(str(draft["kind"])),
            description=str(draft["description"]),
            location=str(draft.get("location", "")),
            category=str(draft.get("category", Category.OTHER)),
            urgency=urgency,
            photo_file_ids=list(draft.get("photos") or []),  # type: ignore[call-overload]
        )
    except TicketError as error:
        forget(context)
        return await answer_error(update, context, error)
    forget(context)
    await edit(
        update,
        context._("✅ Submitted {code}: {where} · {what}. Maintenance has been told.").format(
            code=ticket.code, where=ticket.location or "—", what=ticket.description
        ),
    )
    await after_ticket_opened(context.app, ticket.id or 0)
    return END
