"""The draft of a notice while it is composed: plain values in user_data (persisted), and who may
send it where (re-checked at every step)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.i18n import N_
from bot.parsing import parse_id
from handlers.common import reply
from storage.people import RoleAtSite
from storage.permissions import Action, can
from storage.sites import list_classes

DRAFT = "notice-draft"
SENT = "notice-sent"  # the id of the last notice sent from a draft (answers a double tap)
NOT_ALLOWED_TEXT = N_(
    "Only the director or the logistics vice-director (any class), or a class teacher "
    "(their own class), can send notices to parents."
)


@dataclass(frozen=True)
class Rights:
    """What this person may address at one site."""

    site_id: int
    site_name: str
    whole_site: bool
    own_classes: list[int]

    def may_address(self, class_ids: list[int]) -> bool:
        if self.whole_site:
            return True
        return bool(class_ids) and set(class_ids) <= set(self.own_classes)


def rights(roles: list[RoleAtSite], site_id: int) -> Rights | None:
    here = [r for r in roles if r.site_id == site_id]
    whole = any(can([r.role], Action.SEND_NOTICES) for r in here)
    own = [
        r.class_id
        for r in here
        if r.class_id is not None and can([r.role], Action.SEND_CLASS_NOTICES)
    ]
    if not whole and not own:
        return None
    return Rights(site_id, here[0].site_name, whole, list(dict.fromkeys(own)))


def sending_sites(roles: list[RoleAtSite]) -> list[Rights]:
    sites = dict.fromkeys(r.site_id for r in roles)
    found = [rights(roles, site_id) for site_id in sites]
    return [r for r in found if r is not None]


def draft(context: BotContext) -> dict[str, Any] | None:
    data = context.user_data.get(DRAFT) if context.user_data is not None else None
    return data if isinstance(data, dict) else None


def start_draft(context: BotContext, site_id: int) -> dict[str, Any]:
    assert context.user_data is not None
    context.user_data[DRAFT] = {"site": site_id, "classes": [], "whole": False}
    return context.user_data[DRAFT]


def drop_draft(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def classes_for(context: BotContext, r: Rights) -> list[tuple[int, str]]:
    """The classes this sender may choose among, in the site's order."""
    classes = list_classes(session=context.db, site_id=r.site_id)
    return [
        (c.id, c.name)
        for c in classes
        if c.id is not None and (r.whole_site or c.id in r.own_classes)
    ]


async def show(update: Update, screen: tuple[str, InlineKeyboardMarkup | None]) -> None:
    """Edit the message whose button was tapped; answer typed input with a new message."""
    text, markup = screen
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)


def button_id(text: str) -> int:
    """An id from callback data; ValueError (an expired button) when it is not one."""
    value = parse_id(text)
    if value is None:
        raise ValueError(f"not an id: {text!r}")
    return value
