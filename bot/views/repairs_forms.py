"""Reporting screens: the group draft, the pickers of the private report, the ticket list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translate
from bot.keyboards import in_rows, inline_keyboard
from bot.views.repairs import CATEGORY_LABELS, STATUS_LABELS, button, headline, is_overdue
from storage.repairs_models import Category, Ticket, TicketKind, Urgency

ASK_DESCRIPTION = N_("What is wrong? Describe it in a sentence:")
ASK_PHOTO = N_("Send a photo of it, or tap Skip.")
ASK_LOCATION_TEXT = N_("Type where it is:")


def urgency_label(_: Translate, urgency: str) -> str:
    return _("🔴 Urgent") if urgency == Urgency.URGENT else _("⚪ Normal")


def draft_card(
    _: Translate, ticket: Ticket, author: str, photo_count: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The draft under a group report: what was understood, to be confirmed by its author."""
    lines = [
        _("📝 Repair draft — {name}, please check and submit:").format(name=author),
        _("Where: {location}").format(location=ticket.location or _("(not recognised)")),
        _("Kind: {category} · {urgency}").format(
            category=_(CATEGORY_LABELS[ticket.category]),
            urgency=urgency_label(_, ticket.urgency),
        ),
        _("Problem: {description}").format(description=ticket.description),
    ]
    if photo_count:
        lines.append(_("📷 {count} photo(s)").format(count=photo_count))
    tid = ticket.id
    other = Urgency.NORMAL if ticket.urgency == Urgency.URGENT else Urgency.URGENT
    markup = inline_keyboard(
        [
            [button(_("✅ Submit"), "dc", tid)],
            [
                button(_("📍 Place"), "dl", tid),
                button(_("🔧 Kind"), "dk", tid),
                button(urgency_label(_, other), "du", tid, other),
            ],
            [button(_("✖️ Withdraw"), "dx", tid)],
        ]
    )
    return "\n".join(lines), markup


def place_picker(
    _: Translate, places: Sequence[str], step: str, tid: object = "-", typed: bool = False
) -> InlineKeyboardMarkup | None:
    """The site's classes and places as buttons (by index into the same list)."""
    buttons = [button(name, step, tid, index) for index, name in enumerate(places)]
    rows = in_rows(buttons, 3)
    if typed:
        rows.append([button(_("✏️ Type it"), step, tid, "t")])
    return inline_keyboard(rows)


def category_picker(_: Translate, step: str, tid: object = "-") -> InlineKeyboardMarkup | None:
    buttons = [button(_(CATEGORY_LABELS[c]), step, tid, c.value) for c in Category]
    return inline_keyboard(in_rows(buttons, 2))


def urgency_picker(_: Translate) -> InlineKeyboardMarkup | None:
    return inline_keyboard(
        [
            [
                button(urgency_label(_, Urgency.URGENT), "nu", Urgency.URGENT),
                button(urgency_label(_, Urgency.NORMAL), "nu", Urgency.NORMAL),
            ]
        ]
    )


def skip_photo(_: Translate, step: str, tid: object = "-") -> InlineKeyboardMarkup | None:
    return inline_keyboard([[button(_("⏭ Skip"), step, tid)]])


def report_title(_: Translate, kind: str) -> str:
    return _("⚠️ Report a hazard") if kind == TicketKind.HAZARD else _("🔧 Report a repair")


def ticket_list(
    _: Translate,
    tickets: Sequence[Ticket],
    *,
    everyone: bool,
    page: int,
    more: bool,
    now: datetime,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of tickets, overdue first, each with a button to open it."""
    title = _("🔧 Open tickets") if everyone else _("🔧 My tickets")
    lines = [f"{title} · " + _("page {page}").format(page=page + 1)]
    for ticket in tickets:
        late = " · " + _("⚠️ overdue") if is_overdue(ticket, now) else ""
        lines.append(f"{headline(_, ticket)} · {_(STATUS_LABELS[ticket.status])}{late}")
    if not tickets:
        lines.append(_("No open tickets."))
    codes = [button(t.code, "v", t.id) for t in tickets]
    paging = []
    if page > 0:
        paging.append(button(_("◀ Previous"), "pg", page - 1))
    if more:
        paging.append(button(_("Next ▶"), "pg", page + 1))
    return "\n".join(lines), inline_keyboard([*in_rows(codes, 4), paging])
