"""/me, /lang and /help: one's own roles, language and what one can do."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update

from bot.callbacks import pack, unpack
from bot.commands import help_text
from bot.context import BotContext, sender_name
from bot.errors import on_expired_button
from bot.i18n import normalize_language
from bot.keyboards import inline_keyboard
from bot.labels import role_label
from handlers.common import reply, reply_with_menu
from storage.people import get_or_create_person, set_language

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


async def cmd_me(update: Update, context: BotContext) -> None:
    """List the sender's sites and roles."""
    _ = context._
    if not context.roles:
        await reply(update, _("You have not joined any site yet. Open your invitation link."))
        return
    lines = [_("{name}, your roles:").format(name=sender_name(update))]
    for role in context.roles:
        lines.append(f"• {role.site_name}: {role_label(_, role.role, role.class_name)}")
    await reply_with_menu(update, context, "\n".join(lines))


async def cmd_help(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    private = chat is not None and chat.type == "private"
    text = help_text(context._, context.roles, private=private)
    if private:
        await reply_with_menu(update, context, text)
    else:
        await reply(update, text)


async def cmd_lang(update: Update, context: BotContext) -> None:
    """`/lang en` switches at once; `/lang` offers buttons."""
    _ = context._
    if context.args:
        language = normalize_language(context.args[0])
        if language is None:
            await reply(update, _("Unknown language. Choose 中文 or English."))
            return
        await _switch(update, context, language)
        return
    buttons = [
        InlineKeyboardButton(name, callback_data=pack("lang", code))
        for code, name in LANGUAGE_NAMES.items()
    ]
    await reply(update, _("Choose your language:"), reply_markup=inline_keyboard([buttons]))


async def on_language_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    parts = unpack("lang", query.data)
    if not parts or parts[0] not in LANGUAGE_NAMES:
        await on_expired_button(update, context)
        return
    await query.answer()
    await _switch(update, context, parts[0])


async def _switch(update: Update, context: BotContext, language: str) -> None:
    user = update.effective_user
    assert user is not None
    person = get_or_create_person(
        session=context.db, telegram_user_id=user.id, display_name=sender_name(update)
    )
    set_language(session=context.db, person=person, language=language)
    context.forget_person()
    await reply_with_menu(
        update,
        context,
        context._("Language set to {language}.").format(language=LANGUAGE_NAMES[language]),
    )
