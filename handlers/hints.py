"""Answers for what no flow takes: free text, a private command sent in a group, a stray photo.

Nothing a person sends goes unanswered: each gets one line saying what they can do here.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.context import BotContext
from bot.i18n import N_
from bot.keyboards import inline_keyboard
from bot.menu import MENU
from bot.views.text import SEP
from handlers.common import reply
from storage.permissions import Role

# Commands that only make sense in the private chat with the bot.
PRIVATE_ONLY = (
    "start",
    "me",
    "lang",
    "invite",
    "invites",
    "members",
    "disinfect",
    "tickets",
    "ticket",
    "samples",
    "tasks",
    "today",
    "week",
    "export",
)

JOIN_HINT = N_("To join, open the invitation link your director sent you.")
PARENT_HINT = N_(
    "Here you receive the school's notices and confirm them with a button; "
    "for anything else please contact the class teacher."
)


def what_you_can_do(context: BotContext) -> str:
    """One line: the menu buttons this person has, or how a parent or stranger uses the bot."""
    _ = context._
    roles = context.roles
    if not roles:
        return _(JOIN_HINT)
    if all(r.role == Role.PARENT for r in roles):
        return _(PARENT_HINT)
    labels = [_(item.label) for item in MENU if item.visible(roles) and item.key != "help"]
    return _("Use the menu buttons: {buttons}; /help lists everything.").format(
        buttons=SEP.join(labels)
    )


async def on_free_text(update: Update, context: BotContext) -> None:
    """Private text that no conversation was waiting for."""
    await reply(update, what_you_can_do(context))


async def on_private_command_in_group(update: Update, context: BotContext) -> None:
    """`/disinfect` & co. in a group: point to the private chat, with a button to open it."""
    _ = context._
    message = update.effective_message
    command = (message.text or "").split()[0].split("@")[0] if message else ""
    button = InlineKeyboardButton(
        _("💬 Open the private chat"), url=f"https://t.me/{context.bot.username}"
    )
    await reply(
        update,
        _("{command} works in our private chat: tap the button below.").format(command=command),
        reply_markup=inline_keyboard([[button]]),
    )


async def on_stray_photo(update: Update, context: BotContext) -> None:
    """A photo from someone who does not confirm disinfection."""
    _ = context._
    await reply(update, _("I do not need photos here.") + "\n" + what_you_can_do(context))
