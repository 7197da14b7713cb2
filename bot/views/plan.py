"""The term plan's review in chat: pages of proposed tasks with keep / drop / role buttons."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import pack
from bot.i18n import Translate
from bot.keyboards import in_rows, inline_keyboard
from bot.labels import role_label
from bot.views.calendar import PREFIX
from storage.permissions import Role

PAGE = 8
# Roles a plan item can be given (a parent never holds a task).
TASK_ROLES = [r for r in Role if r != Role.PARENT]


def pages(draft: dict[str, Any]) -> int:
    return max(1, (len(draft["items"]) + PAGE - 1) // PAGE)


def _role(_: Translate, role: str | None) -> str:
    return role_label(_, role) if role else _("not assigned (director)")


def item_line(_: Translate, number: int, item: dict[str, Any]) -> str:
    mark = "" if item["keep"] else "❌ "
    drill = " · 🚨" if item["d"] else ""
    return f"{number}. {mark}{_('{m}/{y}').format(m=item['m'], y=item['y'])} {item['t']} · {_role(_, item['r'])}{drill}"


def review(_: Translate, draft: dict[str, Any]) -> tuple[str, InlineKeyboardMarkup | None]:
    page = draft["page"]
    items = draft["items"]
    kept = sum(1 for i in items if i["keep"])
    months = " · ".join(_("{m}/{y}: {n}").format(m=m, y=y, n=n) for m, y, n in draft["months"])
    lines = [
        _("📥 Term plan: {n} tasks found — page {page}/{pages}").format(
            n=len(items), page=page + 1, pages=pages(draft)
        ),
        months,
    ]
    if draft.get("ignored"):
        lines.append(
            _("Lines that are not tasks (headings, prose): {n}").format(n=draft["ignored"])
        )
    rows: list[list[InlineKeyboardButton]] = []
    for index in range(page * PAGE, min(len(items), (page + 1) * PAGE)):
        item = items[index]
        lines.append(item_line(_, index + 1, item))
        toggle = _("❌ Drop {n}") if item["keep"] else _("↩️ Keep {n}")
        rows.append(
            [
                InlineKeyboardButton(toggle.format(n=index + 1),
                                     callback_data=pack(PREFIX, "pk", draft["id"], index)),
                InlineKeyboardButton(_("👤 Role {n}").format(n=index + 1),
                                     callback_data=pack(PREFIX, "pr", draft["id"], index)),
            ]
        )  # fmt: skip
    rows.append(_pager(draft))
    rows.append(
        [
            InlineKeyboardButton(_("✅ Schedule {n} tasks").format(n=kept),
                                 callback_data=pack(PREFIX, "pc", draft["id"])),
            InlineKeyboardButton(_("✖ Cancel"), callback_data=pack(PREFIX, "px", draft["id"])),
        ]
    )  # fmt: skip
    lines.append(_("Nothing is scheduled until you confirm."))
    return "\n".join(lines), inline_keyboard(rows)


def _pager(draft: dict[str, Any]) -> list[InlineKeyboardButton]:
    page, nav = draft["page"], []
    if page > 0:
        nav.append(
            InlineKeyboardButton("◀", callback_data=pack(PREFIX, "pp", draft["id"], page - 1))
        )
    if page + 1 < pages(draft):
        nav.append(
            InlineKeyboardButton("▶", callback_data=pack(PREFIX, "pp", draft["id"], page + 1))
        )
    return nav


def role_picker(
    _: Translate, draft: dict[str, Any], index: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    item = draft["items"][index]
    buttons = [
        InlineKeyboardButton(role_label(_, role), callback_data=pack(PREFIX, "ps", draft["id"], index, role.value))
        for role in TASK_ROLES
    ]  # fmt: skip
    buttons.append(
        InlineKeyboardButton(_("not assigned (director)"),
                             callback_data=pack(PREFIX, "ps", draft["id"], index, "-"))
    )  # fmt: skip
    text = _("Who is responsible for “{title}”?").format(title=item["t"])
    return text, inline_keyboard(in_rows(buttons, 2))


def past_question(
    _: Translate, draft: dict[str, Any], months: list[tuple[int, int]]
) -> tuple[str, InlineKeyboardMarkup | None]:
    names = "、".join(_("{m}/{y}").format(m=m, y=y) for m, y in months)
    text = _(
        "These months are already past: {months}. Schedule them next year, or skip them?"
    ).format(months=names)
    return text, inline_keyboard(
        [
            [
                InlineKeyboardButton(_("📆 Next year"), callback_data=pack(PREFIX, "py", draft["id"], "next")),
                InlineKeyboardButton(_("⏭ Skip them"), callback_data=pack(PREFIX, "py", draft["id"], "skip")),
            ],
            [InlineKeyboardButton(_("✖ Cancel"), callback_data=pack(PREFIX, "px", draft["id"]))],
        ]
    )  # fmt: skip
