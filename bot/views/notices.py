"""What notices look like: the parent's messages (also the preview), figures, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import N_, Translate, format_clock, format_day
from bot.keyboards import inline_keyboard
from storage.notice_figures import Figures, Waiting

PREFIX = "ntc"
ACK_LABEL = N_("✅ Read and understood")
ACKNOWLEDGED = N_("✅ Read · {when}")
# At most this many names of parents who have not read a notice, per class, in the figures.
NAMES_SHOWN = 30


@dataclass(frozen=True)
class Part:
    """One message of a notice as a parent receives it."""

    kind: str  # "text", "photo" or "document"
    text: str
    file_id: str | None = None
    markup: InlineKeyboardMarkup | None = None


def parent_messages(
    _: Translate,
    *,
    site_name: str,
    title: str,
    parts: list[str],
    attachment: tuple[str, str] | None,
    delivery_id: int | None,
) -> list[Part]:
    """The messages a parent gets; `delivery_id=None` is the sender's preview."""
    messages = []
    if attachment is not None:
        messages.append(Part(attachment[0], f"📢 {title}", attachment[1]))
    count = len(parts)
    for number, body in enumerate(parts, start=1):
        header = f"📢 {title}" + (f" ({number}/{count})" if count > 1 else "")
        text = f"{header}\n\n{body}"
        markup = None
        if number == count:
            text += f"\n\n— {site_name}"
            data = pack(PREFIX, "ack", delivery_id) if delivery_id else pack(PREFIX, "pv")
            button = InlineKeyboardButton(_(ACK_LABEL), callback_data=data)
            markup = inline_keyboard([[button]])
        messages.append(Part("text", text, markup=markup))
    return messages


def acknowledged_text(_: Translate, text: str, at: datetime, zone: ZoneInfo, lang: str) -> str:
    when = f"{format_day(at.astimezone(zone).date(), lang)} {format_clock(at, zone)}"
    return f"{text}\n\n" + _(ACKNOWLEDGED).format(when=when)


def figures_text(
    _: Translate, title: str, sent_at: datetime, figures: Figures, zone: ZoneInfo, lang: str
) -> str:
    when = f"{format_day(sent_at.astimezone(zone).date(), lang)} {format_clock(sent_at, zone)}"
    lines = [
        f"📊 {title} · {when}",
        _("Read {acked}/{delivered} · delivered {delivered}/{total}").format(
            acked=figures.acknowledged, delivered=figures.delivered, total=figures.total
        ),
    ]
    extra = []
    if figures.pending:
        extra.append(_("sending {n}").format(n=figures.pending))
    if figures.blocked:
        extra.append(_("blocked the bot {n}").format(n=figures.blocked))
    if figures.failed:
        extra.append(_("failed {n}").format(n=figures.failed))
    if extra:
        lines.append(" · ".join(extra))
    for line in figures.classes:
        lines.append("")
        lines.append(
            _("【{name}】read {acked}/{delivered}").format(
                name=line.class_name, acked=line.acknowledged, delivered=line.delivered
            )
            + (" · " + _("blocked {n}").format(n=line.blocked) if line.blocked else "")
        )
        if line.waiting:
            lines.append(_("Not yet read: {names}").format(names=waiting_names(line.waiting)))
    return "\n".join(lines)


def waiting_names(waiting: list[Waiting]) -> str:
    names = [
        f"{w.name}（{'、'.join(w.children)}）" if w.children else w.name
        for w in waiting[:NAMES_SHOWN]
    ]
    more = len(waiting) - NAMES_SHOWN
    return "、".join(names) + (f" …+{more}" if more > 0 else "")


def figures_markup(_: Translate, notice_id: int) -> InlineKeyboardMarkup | None:
    button = InlineKeyboardButton(_("🔄 Refresh"), callback_data=pack(PREFIX, "fig", notice_id))
    return inline_keyboard([[button]])


def reminder_text(_: Translate, title: str) -> str:
    return _(
        "Reminder: please read the notice 「{title}」 above and tap ✅ Read and understood."
    ).format(title=title)


def teacher_list_text(_: Translate, title: str, class_name: str, waiting: list[Waiting]) -> str:
    return _(
        "📢 「{title}」: {count} parents of {class_name} have not read it yet: {names}\n"
        "They have been reminded once; you may want to call them."
    ).format(title=title, count=len(waiting), class_name=class_name, names=waiting_names(waiting))
