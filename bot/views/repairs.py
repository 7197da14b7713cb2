"""What a ticket looks like in chat: its summary, the maintenance post, prompts, the card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_clock, format_day
from bot.keyboards import inline_keyboard
from storage.repairs_models import UNFIXED, Category, Status, Ticket, TicketEvent, TicketKind
from storage.repairs_rules import TicketError

PREFIX = "rp"

CATEGORY_LABELS: dict[str, str] = {
    Category.ELECTRIC: N_("Electric"),
    Category.PLUMBING: N_("Plumbing"),
    Category.DOORS: N_("Doors and locks"),
    Category.FURNITURE: N_("Furniture"),
    Category.TOYS: N_("Toys and play equipment"),
    Category.AV: N_("Teaching / AV"),
    Category.IT: N_("IT"),
    Category.OTHER: N_("Other"),
}

STATUS_LABELS: dict[str, str] = {
    Status.DRAFT: N_("Draft"),
    Status.NEW: N_("Waiting to be taken"),
    Status.ACCEPTED: N_("Taken"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.DONE: N_("Done, to be checked"),
    Status.VERIFIED: N_("Verified"),
    Status.REOPENED: N_("Reopened"),
    Status.CANNOT_FIX: N_("Cannot fix"),
    Status.CANCELLED: N_("Cancelled"),
}

ACTION_LABELS: dict[str, str] = {
    "draft": N_("reported"),
    "confirm": N_("opened"),
    "accept": N_("took it"),
    "assign": N_("assigned it"),
    "start": N_("started"),
    "complete": N_("finished"),
    "cannot_fix": N_("cannot fix"),
    "verify": N_("verified"),
    "reject": N_("not fixed"),
    "cancel": N_("cancelled"),
    "reopen": N_("reopened"),
}

ERRORS = {
    "empty_text": N_("Please describe it in words."),
    "too_long": N_("That is {count} characters; at most {limit} please."),
    "bad_transition": N_("This ticket is {status} now; that step is not possible."),
    "changed": N_("Someone changed this ticket just now; nothing was done twice."),
    "not_author": N_("Only the person who reported it can confirm or change this draft."),
    "not_assignee": N_("Only the person this ticket is assigned to can do this."),
    "not_maintenance": N_("Only a maintenance worker of this site can be assigned."),
    "fixer_cannot_verify": N_("A hazard is checked by someone other than the person who fixed it."),
    "not_verifier": N_(
        "Only the reporter or the logistics lead checks a repair; a hazard, the logistics lead or the health teacher."
    ),
    "photo_required": N_("A fixed hazard needs a photo of the result."),
    "not_found": N_("There is no ticket {number} at your site."),
    "no_ticket": N_("There is no such ticket at your site."),
    "bad_category": N_("Please choose one of the kinds."),
    "bad_urgency": N_("Please choose urgent or normal."),
    "bad_field": N_("This cannot be changed."),
    "not_allowed": N_("You cannot do this."),
}


def error_text(_: Translate, error: TicketError) -> str:
    detail = dict(error.detail)
    if "status" in detail:
        detail["status"] = _(STATUS_LABELS.get(str(detail["status"]), "Draft"))
    return _(ERRORS.get(error.code, ERRORS["changed"])).format(**detail)


def when(moment: datetime | None, zone: ZoneInfo, language: str) -> str:
    if moment is None:
        return "—"
    return f"{format_day(moment.astimezone(zone).date(), language)} {format_clock(moment, zone)}"


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    return ticket.status in UNFIXED and ticket.due_at is not None and ticket.due_at < now


def headline(_: Translate, ticket: Ticket) -> str:
    """🔧 #2026-0142 小一班 · 水龙头漏水"""
    mark = "⚠️" if ticket.kind == TicketKind.HAZARD else "🔧"
    where = f" {ticket.location}" if ticket.location else ""
    return f"{mark} {ticket.code}{where} · {ticket.description[:40]}"


def summary(
    _: Translate,
    language: str,
    ticket: Ticket,
    names: Mapping[int, str],
    zone: ZoneInfo,
    now: datetime,
) -> str:
    """The whole ticket in a few lines (the maintenance post, /ticket, prompts)."""
    kind = _("Hazard") if ticket.kind == TicketKind.HAZARD else _("Repair")
    urgency = _("Urgent") if ticket.urgency == "urgent" else _("Normal")
    lines = [
        f"{'⚠️' if ticket.kind == TicketKind.HAZARD else '🔧'} {kind} {ticket.code}",
        _("Where: {location}").format(location=ticket.location or "—"),
        _("Kind: {category} · {urgency}").format(
            category=_(CATEGORY_LABELS.get(ticket.category, "Other")), urgency=urgency
        ),
        _("Problem: {description}").format(description=ticket.description),
        _("Reported by {name} · {time}").format(
            name=names.get(ticket.reporter_id, "?"), time=when(ticket.created_at, zone, language)
        ),
        _("Status: {status}").format(status=_(STATUS_LABELS[ticket.status])),
    ]
    if ticket.assignee_id is not None:
        lines.append(_("Assigned to {name}").format(name=names.get(ticket.assignee_id, "?")))
    if ticket.due_at is not None and ticket.status in UNFIXED:
        due = _("Due {time}").format(time=when(ticket.due_at, zone, language))
        lines.append(due + (" · " + _("⚠️ overdue") if is_overdue(ticket, now) else ""))
    if ticket.done_note and ticket.status in {Status.DONE, Status.VERIFIED}:
        lines.append(_("Fix: {note}").format(note=ticket.done_note))
    if ticket.reason and ticket.status in {Status.CANNOT_FIX, Status.CANCELLED, Status.REOPENED}:
        lines.append(_("Reason: {reason}").format(reason=ticket.reason))
    return "\n".join(lines)


def button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, *parts))


def work_buttons(
    _: Translate, ticket: Ticket, *, lead: bool = False, worker: bool = True
) -> InlineKeyboardMarkup | None:
    """The buttons for the ticket's next step: 接单 / 指派, then 开始 / 完成 / 无法处理."""
    tid = ticket.id
    row: list[InlineKeyboardButton] = []
    if ticket.status in {Status.NEW, Status.REOPENED} and ticket.assignee_id is None and worker:
        row.append(button(_("✋ Take it"), "acc", tid))
    if ticket.status == Status.ACCEPTED or (
        ticket.status == Status.REOPENED and ticket.assignee_id is not None
    ):
        row.append(button(_("▶️ Start"), "st", tid))
    if ticket.status in {Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED} and (
        ticket.assignee_id is not None
    ):
        row.append(button(_("✅ Finished"), "fin", tid))
    second: list[InlineKeyboardButton] = []
    if ticket.status in UNFIXED and ticket.assignee_id is not None:
        second.append(button(_("🚫 Cannot fix"), "cf", tid))
    if ticket.status in UNFIXED and lead:
        second.append(button(_("👷 Assign"), "asg", tid))
    return inline_keyboard([row, second])


def verify_buttons(_: Translate, ticket: Ticket) -> InlineKeyboardMarkup | None:
    return inline_keyboard(
        [[button(_("✅ Fixed"), "ok", ticket.id), button(_("❌ Not fixed"), "no", ticket.id)]]
    )


def history_lines(
    _: Translate, events: Sequence[TicketEvent], names: Mapping[int, str], zone: ZoneInfo
) -> list[str]:
    lines = []
    for event in events:
        who = names.get(event.person_id or 0, _("the bot"))
        text = (
            f"{format_clock(event.at, zone)} {who} {_(ACTION_LABELS.get(event.action, 'reported'))}"
        )
        if event.note:
            text += f"：{event.note}"
        lines.append(f"• {event.at.astimezone(zone):%m-%d} {text}")
    return lines


CARD_SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    (N_("To take"), (Status.NEW, Status.REOPENED)),
    (N_("In hand"), (Status.ACCEPTED, Status.IN_PROGRESS)),
    (N_("To check"), (Status.DONE,)),
]
CARD_LINES = 30


def card(
    _: Translate,
    language: str,
    day_label: str,
    tickets: Sequence[Ticket],
    total: int,
    now: datetime,
) -> str:
    """The maintenance group's live card: open tickets by status, overdue marked."""
    overdue = sum(1 for t in tickets if is_overdue(t, now))
    lines = [
        _("🔧 Repairs · {day}").format(day=day_label),
        _("Open {total} · overdue {overdue}").format(total=total, overdue=overdue),
    ]
    shown = 0
    for title, statuses in CARD_SECTIONS:
        section = [t for t in tickets if t.status in statuses]
        if not section:
            continue
        lines.append(f"【{_(title)}】")
        for ticket in section[: CARD_LINES - shown]:
            late = " " + _("⚠️ overdue") if is_overdue(ticket, now) else ""
            lines.append(headline(_, ticket) + late)
            shown += 1
    if total > shown:
        lines.append(_("… and {more} more: /tickets").format(more=total - shown))
    if total == 0:
        lines.append(_("Nothing open. 👍"))
    return "\n".join(lines)
