"""What checking in a delivery (验收) looks like in chat."""

from __future__ import annotations

from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import Translate
from bot.keyboards import in_rows, inline_keyboard
from storage.samples_models import Supplier

PREFIX = "dlv"


def number(value: Decimal) -> str:
    """20, 2.5 — no trailing zeros, never 2E+1."""
    return format(value.normalize(), "f")


def supplier_picker(
    _: Translate, suppliers: list[Supplier]
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(s.name, callback_data=pack(PREFIX, "s", s.id)) for s in suppliers
    ]
    text = (
        _("📦 Which supplier delivered? Tap one, or type a new supplier's name.")
        if buttons
        else _("📦 Which supplier delivered? Type the supplier's name.")
    )
    return text, inline_keyboard(in_rows(buttons, 2))


def ask_certificate(_: Translate, supplier: str) -> tuple[str, InlineKeyboardMarkup | None]:
    text = _(
        "New supplier {name}. Type the expiry date of its food business licence "
        "(e.g. 2027-06-30), or tap Skip."
    ).format(name=supplier)
    skip = InlineKeyboardButton(_("Skip"), callback_data=pack(PREFIX, "x"))
    return text, inline_keyboard([[skip]])


def ask_item(_: Translate) -> str:
    return _("Type an item and its quantity, e.g. 猪肉 20 kg.")


def item_error(_: Translate) -> str:
    return _(
        "Please type the item's name, then its quantity (a number up to 100000) and unit, e.g. 大米 25 kg."
    )


def ask_storage(
    _: Translate, name: str, quantity: Decimal, unit: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(_("Room temperature"), callback_data=pack(PREFIX, "k", 0)),
        InlineKeyboardButton(_("❄️ Chilled / frozen"), callback_data=pack(PREFIX, "k", 1)),
    ]
    return _("{name} {quantity} {unit}: how is it kept?").format(
        name=name, quantity=number(quantity), unit=unit
    ), inline_keyboard([buttons])


def ask_temperature(_: Translate) -> str:
    return _("Its temperature on arrival, in °C?")


def temperature_error(_: Translate, low: object, high: object) -> str:
    return _("Please type a temperature between {low} and {high} °C, e.g. -18.").format(
        low=low, high=high
    )


def ask_verdict(_: Translate, name: str) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(_("✅ Accept"), callback_data=pack(PREFIX, "a", 1)),
        InlineKeyboardButton(_("❌ Reject"), callback_data=pack(PREFIX, "a", 0)),
    ]
    return _("{name}: accept or reject?").format(name=name), inline_keyboard([buttons])


def ask_reason(_: Translate, name: str) -> str:
    return _("Why is {name} rejected? Type the reason:").format(name=name)


def item_done(_: Translate, lines: list[str]) -> tuple[str, InlineKeyboardMarkup | None]:
    buttons = [
        InlineKeyboardButton(_("➕ Next item"), callback_data=pack(PREFIX, "i")),
        InlineKeyboardButton(_("📷 Finish"), callback_data=pack(PREFIX, "f")),
    ]
    return "\n".join([_("Items so far:"), *lines]), inline_keyboard([buttons])


def item_line(_: Translate, item: dict[str, str | bool | None]) -> str:
    parts = [f"{item['name']} {number(Decimal(str(item['quantity'])))} {item['unit']}".strip()]
    if item.get("temperature") is not None:
        parts.append(f"{item['temperature']} °C")
    parts.append(
        _("accepted") if item["accepted"] else _("rejected: {reason}").format(reason=item["reason"])
    )
    return "• " + " · ".join(parts)


def ask_photo(_: Translate) -> str:
    return _("📷 Send a photo of the delivery note and the certificates.")


def recorded(_: Translate, supplier: str, lines: list[str], rejected: int) -> str:
    head = _("✅ Delivery from {supplier} recorded ({count} items, {rejected} rejected).").format(
        supplier=supplier, count=len(lines), rejected=rejected
    )
    return "\n".join([head, *lines])
