"""The sender's screens while composing a notice: template, draft, attachment, audience, confirm."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import Translate
from bot.keyboards import in_rows, inline_keyboard
from bot.views.notice_templates import TEMPLATES
from bot.views.notices import PREFIX as FIGURES_PREFIX

PREFIX = "ntd"
# The draft screen shows at most this much of a long body.
SHOWN = 3000

Screen = tuple[str, InlineKeyboardMarkup | None]


def _button(label: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=pack(PREFIX, *parts))


def _cancel(_: Translate) -> InlineKeyboardButton:
    return _button(_("✖️ Cancel"), "x")


def site_picker(_: Translate, sites: list[tuple[int, str]]) -> Screen:
    buttons = [_button(name, "site", site_id) for site_id, name in sites]
    return _("📢 Notice to parents: which site?"), inline_keyboard([*in_rows(buttons, 2)])


def template_picker(_: Translate, site_name: str) -> Screen:
    templates = [_button(_(title), "tpl", key) for key, (title, _body) in TEMPLATES.items()]
    rows = [*in_rows(templates, 2), [_button(_("✏️ Write a new notice"), "new")], [_cancel(_)]]
    text = _("📢 Notice to parents · {site}\nChoose a template, or write a new notice:").format(
        site=site_name
    )
    return text, inline_keyboard(rows)


def draft_screen(_: Translate, title: str, body: str, *, can_save: bool) -> Screen:
    shown = body if len(body) <= SHOWN else body[:SHOWN] + "…"
    text = _("📝 Draft ({count} characters)").format(count=len(body)) + f"\n\n{title}\n\n{shown}"
    rows = [
        [_button(_("➡️ Next"), "next"), _button(_("✏️ Change the text"), "edit")],
        [_button(_("💾 Save as this site's template"), "save")] if can_save else [],
        [_cancel(_)],
    ]
    return text, inline_keyboard(rows)


def too_long(_: Translate, count: int, limit: int, parts: int, max_parts: int) -> Screen:
    if parts > max_parts:
        text = _(
            "The text has {count} characters: too long even in {max_parts} messages "
            "(at most {limit} each). Please type a shorter text:"
        ).format(count=count, max_parts=max_parts, limit=limit)
        return text, inline_keyboard([[_cancel(_)]])
    text = _(
        "The text has {count} characters; one message holds at most {limit}. "
        "Send it as {parts} messages, or type a shorter text:"
    ).format(count=count, limit=limit, parts=parts)
    split = _button(_("✂️ Send as {parts} messages").format(parts=parts), "split")
    return text, inline_keyboard([[split], [_cancel(_)]])


def attachment_prompt(_: Translate) -> Screen:
    text = _("📎 Send one image or one PDF to attach, or tap Skip:")
    return text, inline_keyboard([[_button(_("Skip"), "skip")], [_cancel(_)]])


def audience_picker(
    _: Translate, classes: list[tuple[int, str]], chosen: set[int], *, whole: bool | None
) -> Screen:
    """`whole` is None when the sender may not address the whole site (a class teacher)."""
    rows: list[list[InlineKeyboardButton]] = []
    if whole is not None:
        rows.append([_button(("✅ " if whole else "⬜ ") + _("🏫 Whole site"), "all")])
    toggles = [
        _button(("✅ " if class_id in chosen and not whole else "⬜ ") + name, "cls", class_id)
        for class_id, name in classes
    ]
    rows += in_rows(toggles, 3)
    rows += [[_button(_("👀 Preview"), "aud")], [_cancel(_)]]
    return _("Who should receive it? Tap the classes (several allowed):"), inline_keyboard(rows)


def confirm_screen(_: Translate, audience: str, parents: int) -> Screen:
    text = _("👆 This is what parents will see.\nSend to: {audience} · {parents} parents?").format(
        audience=audience, parents=parents
    )
    rows = [
        [_button(_("✅ Send"), "send")],
        [_button(_("✏️ Back to the text"), "back"), _cancel(_)],
    ]
    return text, inline_keyboard(rows)


def sent_screen(_: Translate, title: str, parents: int, notice_id: int) -> Screen:
    text = _("📤 Sending 「{title}」 to {parents} parents.").format(title=title, parents=parents)
    button = InlineKeyboardButton(
        _("📊 Who has read it"), callback_data=pack(FIGURES_PREFIX, "fig", notice_id)
    )
    return text, inline_keyboard([[button]])
