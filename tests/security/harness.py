"""Sending catalog entries as a given person, and reading the answer as allowed or refused."""

from __future__ import annotations

import re
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.i18n import translator
from tests.security.catalog import EXPIRED_REFUSAL, Button, Command
from tests.security.world import STAFF_GROUP, World
from tests.support.networking import BOT_USER, Call
from tests.support.telegram import Group, Telegram, User, answers

ZH = translator("zh")
APOLOGY = ZH("Sorry, something went wrong. Please try again in a moment.")
TAKEN = "This group belongs to {site}; only its {roles} can bind it elsewhere."
GENERIC_REFUSAL = "Only {roles} can do this."


def _pattern(msgid: str) -> re.Pattern[str]:
    """The Chinese text of a message id as a regex: its {placeholders} match anything."""
    parts = re.split(r"\{\w+\}", ZH(msgid))
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


def visible(calls: list[Call]) -> list[str]:
    """What the person sees: messages, edits and toasts."""
    shown = [c.text for c in calls if c.text and c.method != "answerCallbackQuery"]
    return shown + [a for a in answers(calls) if a]


def refused(calls: list[Call], entry: Command | Button) -> bool:
    """Whether the answer is a refusal: "only … can do this", or the entry's own refusals."""
    patterns = [_pattern(m) for m in (GENERIC_REFUSAL, TAKEN, EXPIRED_REFUSAL, *entry.refusals)]
    return any(p.search(text) for p in patterns for text in visible(calls))


def bot_message(chat: dict[str, Any], message_id: int = 1) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat,
        "from": BOT_USER,
        "text": "…",
    }


def private(user: User) -> dict[str, Any]:
    return {"id": user.id, "type": "private", "first_name": user.first_name}


async def perform(
    telegram: Telegram,
    world: World,
    entry: Command | Button,
    user: User,
    group: Group = STAFF_GROUP,
) -> list[Call]:
    """Send the command, or press the button, as this user in the entry's kind of chat."""
    in_group = entry.chat == "group"
    if isinstance(entry, Command):
        return await telegram.send(user, entry.text(world.ids), group if in_group else None)
    chat = group.to_dict() if in_group else private(user)
    return await telegram.press_data(user, bot_message(chat), world.format(entry.data))


class ErrorSpy:
    """Records every error that reaches the application's error handler."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.errors: list[tuple[object, BaseException | None]] = []
        app.add_error_handler(self._record)

    async def _record(self, update: object, context: Any) -> None:
        self.errors.append((update, context.error))

    def describe(self) -> str:
        return "\n".join(
            f"{error!r} for {update.to_dict() if isinstance(update, Update) else update}"
            for update, error in self.errors
        )
