"""The ConversationHandler every flow uses: it says which conversation an update is in, so
the update's first commit can also write the state that conversation most likely ends in
(see `SQLPersistence.write_at_first_commit`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ConversationHandler

from bot.context import BotContext
from bot.persistence import current_conversation


class Conversation(ConversationHandler[BotContext]):
    async def handle_update(
        self,
        update: Update,
        application: Application[Any, BotContext, Any, Any, Any, Any],
        check_result: Any,
        context: BotContext,
    ) -> object | None:
        # check_result is PTB's (state, conversation key, handler, handler's check result).
        token = current_conversation.set((self.name or "", check_result[1]))
        try:
            return await super().handle_update(update, application, check_result, context)
        finally:
            current_conversation.reset(token)
