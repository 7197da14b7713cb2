"""/bind and /unbind in a group: tie a staff, maintenance or kitchen group to a site."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.callbacks import pack, unpack
from bot.context import BotContext
from bot.errors import on_expired_button
from bot.keyboards import inline_keyboard
from bot.labels import PURPOSE_LABELS, needed_roles
from bot.parsing import require_id
from handlers.common import refuse, reply
from storage.groups import bind_group, get_group, move_group, unbind_group
from storage.models import GroupPurpose
from storage.people import sites_where_allowed
from storage.permissions import Action, can
from storage.sites import get_site

PREFIX = "bind"


def _is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in {"group", "supergroup"}


async def cmd_bind(update: Update, context: BotContext) -> None:
    """Offer the purposes (and sites, for someone who leads several)."""
    _ = context._
    if not _is_group(update):
        await reply(update, _("Send /bind inside the group you want to bind."))
        return
    site_ids = sites_where_allowed(context.roles, Action.BIND_GROUP)
    if not site_ids:
        await refuse(update, context, Action.BIND_GROUP)
        return
    names = {r.site_id: r.site_name for r in context.roles}
    rows = [
        [
            InlineKeyboardButton(
                f"{names[site_id]} · {_(label)}" if len(site_ids) > 1 else _(label),
                callback_data=pack(PREFIX, site_id, purpose.value),
            )
        ]
        for site_id in site_ids
        for purpose, label in PURPOSE_LABELS.items()
    ]
    await reply(update, _("What is this group for?"), reply_markup=inline_keyboard(rows))


async def on_bind_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    _ = context._
    parts = unpack(PREFIX, query.data) or []
    try:
        site_id, purpose = require_id(parts[0]), GroupPurpose(parts[1])
    except (IndexError, ValueError):
        await on_expired_button(update, context)
        return
    if not _is_group(update):  # a forged button pressed in a private chat
        await query.answer(_("Send /bind inside the group you want to bind."), show_alert=True)
        return
    if not can([r.role for r in context.roles if r.site_id == site_id], Action.BIND_GROUP):
        await refuse(update, context, Action.BIND_GROUP)
        return
    chat = update.effective_chat
    if await _owned_elsewhere(update, context, site_id):
        return
    group = bind_group(
        session=context.db,
        site_id=site_id,
        chat_id=chat.id,
        purpose=purpose,
        title=chat.title or "",
        person_id=context.person.id if context.person else None,
    )
    site_name = next(r.site_name for r in context.roles if r.site_id == group.site_id)
    text = _("This group is now the {purpose} of {site}.").format(
        purpose=_(PURPOSE_LABELS[purpose]), site=site_name
    )
    await query.answer(text)
    await query.edit_message_text(text)


async def _owned_elsewhere(update: Update, context: BotContext, site_id: int) -> bool:
    """A group bound to another site moves only when a manager of that site moves it."""
    assert update.callback_query is not None and update.effective_chat is not None
    current = get_group(session=context.db, chat_id=update.effective_chat.id)
    if current is None or current.site_id == site_id:
        return False
    if can([r.role for r in context.roles if r.site_id == current.site_id], Action.BIND_GROUP):
        return False
    owner = get_site(session=context.db, site_id=current.site_id)
    _ = context._
    text = _("This group belongs to {site}; only its {roles} can bind it elsewhere.").format(
        site=owner.name if owner else "?", roles=needed_roles(_, Action.BIND_GROUP)
    )
    await update.callback_query.answer(text, show_alert=True)
    return True


async def cmd_unbind(update: Update, context: BotContext) -> None:
    _ = context._
    chat = update.effective_chat
    if not _is_group(update) or chat is None:
        await reply(update, _("Send /unbind inside the group you want to unbind."))
        return
    group = get_group(session=context.db, chat_id=chat.id)
    if group is None:
        await reply(update, _("This group is not bound to any site."))
        return
    if not can([r.role for r in context.roles if r.site_id == group.site_id], Action.BIND_GROUP):
        await refuse(update, context, Action.BIND_GROUP)
        return
    unbind_group(
        session=context.db, chat_id=chat.id, person_id=context.person.id if context.person else None
    )
    await reply(update, _("This group is no longer bound; I will stop posting here."))


async def on_group_migrated(update: Update, context: BotContext) -> None:
    """Telegram gives a group a new id when it becomes a supergroup; follow it."""
    message = update.effective_message
    if message and message.migrate_to_chat_id:
        move_group(
            session=context.db, old_chat_id=message.chat.id, new_chat_id=message.migrate_to_chat_id
        )
    elif message and message.migrate_from_chat_id:  # the same move, told in the new chat
        move_group(
            session=context.db,
            old_chat_id=message.migrate_from_chat_id,
            new_chat_id=message.chat.id,
        )
