"""📦 验收: supplier → items (quantity, cold-chain °C, accepted / rejected) → photo → stored.

The half-done delivery waits in persisted user_data; nothing is stored before the photo.
"""

from __future__ import annotations

import re
import warnings
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern, unpack
from bot.context import BotContext
from bot.conversations import Conversation
from bot.errors import on_expired_button
from bot.menu import any_menu_button, menu_button
from bot.parsing import NumberError, parse_decimal, parse_id
from bot.views import deliveries as views
from handlers.common import refuse, reply
from handlers.disinfection.rooms import show
from storage.deliveries import (
    SUPPLIER_NAME_LENGTH,
    UNITS,
    NewItem,
    add_certificate,
    create_delivery,
    get_or_create_supplier,
    get_supplier,
    list_suppliers,
)
from storage.permissions import Action
from storage.samples import FRIDGE_HIGH, FRIDGE_LOW, SampleError, check_dish_name, check_reason, may

ASK_SUPPLIER, ASK_CERTIFICATE, ASK_ITEM, ASK_TEMPERATURE, ASK_REASON, ASK_PHOTO, CHOOSING = range(
    10, 17
)
END = ConversationHandler.END
PENDING = "delivery"
_ITEM = re.compile(r"^(?P<name>.+?)\s*(?P<amount>[0-9０-９][0-9０-９.．]*\s*\S*)$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _pending(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    pending: dict[str, Any] = context.user_data.get(PENDING) or {}
    return pending


async def cmd_delivery(update: Update, context: BotContext) -> int:
    site_ids = [r.site_id for r in context.roles]
    allowed = [s for s in dict.fromkeys(site_ids) if may(context.roles, s, Action.CHECK_DELIVERIES)]
    if not allowed:
        await refuse(update, context, Action.CHECK_DELIVERIES)
        return END
    assert context.user_data is not None
    context.user_data[PENDING] = {"site": allowed[0], "items": []}
    suppliers = list_suppliers(session=context.db, site_id=allowed[0])
    text, markup = views.supplier_picker(context._, suppliers)
    await reply(update, text, reply_markup=markup)
    return ASK_SUPPLIER


async def on_supplier_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or message is None:
        return END
    try:
        name = check_dish_name(message.text or "")
    except SampleError:
        await reply(update, context._("Please type the supplier's name."))
        return ASK_SUPPLIER
    if len(name) > SUPPLIER_NAME_LENGTH:
        await reply(
            update,
            context._("That name is {length} characters long; at most {limit}, please.").format(
                length=len(name), limit=SUPPLIER_NAME_LENGTH
            ),
        )
        return ASK_SUPPLIER
    pending["supplier_name"] = name
    text, markup = views.ask_certificate(context._, name)
    await reply(update, text, reply_markup=markup)
    return ASK_CERTIFICATE


async def on_certificate_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or message is None:
        return END
    match = _DATE.match((message.text or "").strip())
    try:
        if match is None:
            raise ValueError
        expires = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        await reply(update, context._("Please type a date such as 2027-06-30, or tap Skip."))
        return ASK_CERTIFICATE
    pending["certificate"] = expires.isoformat()
    await reply(update, views.ask_item(context._))
    return ASK_ITEM


async def on_item_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or message is None:
        return END
    match = _ITEM.match(" ".join((message.text or "").split()))
    try:
        if match is None:
            raise NumberError("not_a_number")
        name = check_dish_name(match["name"])
        amount = match["amount"]
        quantity = parse_decimal(
            amount, low=Decimal("0.01"), high=Decimal(100000), places=2, units=UNITS
        )
    except (NumberError, SampleError):
        await reply(update, views.item_error(context._))
        return ASK_ITEM
    unit = re.sub(r"^[0-9０-９.．\s]+", "", amount).strip()
    pending["item"] = {"name": name, "quantity": str(quantity), "unit": unit[:10]}
    text, markup = views.ask_storage(context._, name, quantity, unit)
    await reply(update, text, reply_markup=markup)
    return CHOOSING


async def on_temperature_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or "item" not in pending or message is None:
        return END
    try:
        celsius = parse_decimal(
            message.text or "", low=FRIDGE_LOW, high=FRIDGE_HIGH, units=("°c", "℃", "度", "c")
        )
    except NumberError:
        await reply(update, views.temperature_error(context._, FRIDGE_LOW, FRIDGE_HIGH))
        return ASK_TEMPERATURE
    pending["item"]["temperature"] = str(celsius)
    text, markup = views.ask_verdict(context._, pending["item"]["name"])
    await reply(update, text, reply_markup=markup)
    return CHOOSING


async def on_reason_text(update: Update, context: BotContext) -> int:
    pending, message = _pending(context), update.effective_message
    if not pending or "item" not in pending or message is None:
        return END
    try:
        reason = check_reason(message.text or "")
    except SampleError:
        await reply(update, context._("Please type the reason in words."))
        return ASK_REASON
    return await _item_finished(update, context, accepted=False, reason=reason)


async def _item_finished(
    update: Update, context: BotContext, *, accepted: bool, reason: str | None
) -> int:
    pending = _pending(context)
    item = {**pending.pop("item"), "accepted": accepted, "reason": reason}
    pending["items"].append(item)
    text, markup = views.item_done(
        context._, [views.item_line(context._, i) for i in pending["items"]]
    )
    await show(update, text, markup)
    return CHOOSING


async def on_button(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    parts = unpack(views.PREFIX, query.data) or [""]
    step, args = parts[0], parts[1:]
    pending = _pending(context)
    flag = parse_id(args[0]) if args else None
    if (
        not pending
        or step not in {"s", "x", "k", "a", "i", "f"}
        or (step in {"s", "k", "a"} and flag is None)
    ):
        await on_expired_button(update, context)
        return END
    if not may(context.roles, pending["site"], Action.CHECK_DELIVERIES):
        await refuse(update, context, Action.CHECK_DELIVERIES)
        return END
    await query.answer()
    if step == "s":
        supplier = get_supplier(session=context.db, supplier_id=flag or 0)
        if supplier is None or supplier.site_id != pending["site"]:
            return END
        pending["supplier_id"] = supplier.id
    if step in {"s", "x", "i"}:
        await show(update, views.ask_item(context._))
        return ASK_ITEM
    if step == "k" and "item" in pending:
        pending["item"]["chilled"] = bool(flag)
        if flag:
            await show(update, views.ask_temperature(context._))
            return ASK_TEMPERATURE
        text, markup = views.ask_verdict(context._, pending["item"]["name"])
        await show(update, text, markup)
        return CHOOSING
    if step == "a" and "item" in pending:
        if flag:
            return await _item_finished(update, context, accepted=True, reason=None)
        await show(update, views.ask_reason(context._, pending["item"]["name"]))
        return ASK_REASON
    if step == "f" and pending["items"]:
        await show(update, views.ask_photo(context._))
        return ASK_PHOTO
    return CHOOSING


async def on_photo(update: Update, context: BotContext) -> int:
    pending, message, person = _pending(context), update.effective_message, context.person
    if not pending or not pending.get("items") or message is None or not message.photo:
        return END
    assert person is not None and context.user_data is not None
    session, site_id = context.db, pending["site"]
    if "supplier_id" in pending:
        supplier = get_supplier(session=session, supplier_id=pending["supplier_id"])
    else:
        supplier = get_or_create_supplier(
            session=session, site_id=site_id, name=pending["supplier_name"]
        )
        if pending.get("certificate"):
            add_certificate(
                session=session,
                supplier=supplier,
                name="食品经营许可证",
                expires_on=date.fromisoformat(pending["certificate"]),
            )
    assert supplier is not None and supplier.id is not None
    items = [
        NewItem(
            name=i["name"],
            quantity=Decimal(i["quantity"]),
            unit=i["unit"],
            chilled=bool(i.get("chilled")),
            temperature_c=Decimal(i["temperature"]) if i.get("temperature") else None,
            accepted=i["accepted"],
            reject_reason=i["reason"],
        )
        for i in pending["items"]
    ]
    create_delivery(
        session=session,
        site_id=site_id,
        supplier_id=supplier.id,
        person_id=person.id,
        items=items,
        photo_file_id=message.photo[-1].file_id,
        now=context.app.clock(),
    )
    lines = [views.item_line(context._, i) for i in pending["items"]]
    context.user_data.pop(PENDING, None)
    rejected = sum(not i.accepted for i in items)
    await reply(update, views.recorded(context._, supplier.name, lines, rejected))
    return END


async def on_not_a_photo(update: Update, context: BotContext) -> int:
    await reply(update, views.ask_photo(context._))
    return ASK_PHOTO


async def cmd_cancel(update: Update, context: BotContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    await reply(update, context._("Cancelled."))
    return END


def conversation() -> Conversation:
    typed = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~any_menu_button()
    buttons: Any = CallbackQueryHandler(on_button, pattern=pattern(views.PREFIX))
    warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
    return Conversation(
        entry_points=[
            CommandHandler("delivery", cmd_delivery, filters.ChatType.PRIVATE),
            MessageHandler(menu_button("deliveries"), cmd_delivery),
            buttons,
        ],
        states={
            ASK_SUPPLIER: [buttons, MessageHandler(typed, on_supplier_text)],
            ASK_CERTIFICATE: [buttons, MessageHandler(typed, on_certificate_text)],
            ASK_ITEM: [MessageHandler(typed, on_item_text)],
            ASK_TEMPERATURE: [MessageHandler(typed, on_temperature_text)],
            ASK_REASON: [MessageHandler(typed, on_reason_text)],
            CHOOSING: [buttons],
            ASK_PHOTO: [
                MessageHandler(filters.ChatType.PRIVATE & filters.PHOTO, on_photo),
                MessageHandler(typed, on_not_a_photo),
            ],
        },
        fallbacks=[CommandHandler("cancel", cmd_cancel)],
        name="deliveries",
        persistent=True,
        allow_reentry=True,
        per_chat=True,
        per_user=True,
        per_message=False,
        conversation_timeout=1800,
    )
