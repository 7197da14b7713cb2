"""PTB persistence in our own database: conversation states and per-user scratch data.

Only small JSON values live here (ids, chosen options), never ORM objects. After each
update the application writes what the update changed in the transaction that marks it
done (`persistence_session`), so a restart resumes exactly where the update left off;
PTB's own periodic flush is only a fallback.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from copy import deepcopy
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.ext import Application, BasePersistence, PersistenceInput
from telegram.ext._handlers.conversationhandler import PendingState
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.models import ConversationState

USER, CONVERSATION = "user", "conversation"
# Set while an update is finished: writes go into its transaction, committed by the caller.
persistence_session: ContextVar[Session | None] = ContextVar("persistence_session", default=None)


class SQLPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, engine: Engine, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self.engine = engine
        # What the database holds, so unchanged data (most users have none) costs no query.
        self._stored: dict[tuple[str, str, str], Any] = {}

    def _rows(self, kind: str, name: str = "") -> list[ConversationState]:
        with Session(self.engine) as session:
            query = select(ConversationState).where(
                ConversationState.kind == kind, ConversationState.name == name
            )
            rows = list(session.exec(query))
        self._stored.update({(kind, name, row.key): row.data for row in rows})
        return rows

    def _put(self, kind: str, key: str, data: Any, name: str = "") -> None:
        value = None if data is None or data == {} else data
        where = (kind, name, key)
        if self._stored.get(where) == value:  # unchanged, or empty and never stored
            return
        # A copy: a dict handed over live and later changed in place must still compare as
        # a change.
        self._stored[where] = deepcopy(value)
        shared = persistence_session.get()
        if shared is not None:
            self._write(shared, kind, name, key, value)
            return
        with Session(self.engine) as session:
            self._write(session, kind, name, key, value)
            session.commit()

    def write_changes(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """What `Application.update_persistence` writes, without yielding to the event loop,
        so it fits in the update's own finishing transaction (PTB 22's bookkeeping)."""
        changed = app._user_ids_to_be_updated_in_persistence
        dropped = app._user_ids_to_be_deleted_in_persistence
        app._user_ids_to_be_updated_in_persistence = set()
        app._user_ids_to_be_deleted_in_persistence = set()
        for user_id in changed - dropped:
            self._put(USER, str(user_id), deepcopy(app.user_data[user_id]))
        for user_id in dropped:
            self._put(USER, str(user_id), None)
        for name, states in app._conversation_handler_conversations.items():
            for key, state in states.pop_accessed_write_items():
                if isinstance(state, PendingState):  # a non-blocking handler still running
                    states.mark_as_accessed(key)
                    state = state.resolve() if state.done() else state.old_state
                new_state = None if state is TrackingDict.DELETED else state
                self._put(CONVERSATION, json.dumps(list(key)), new_state, name=name)

    def forget(self) -> None:
        """After a failed write: assume nothing is stored, so the next flush writes it all."""
        self._stored.clear()

    @staticmethod
    def _write(session: Session, kind: str, name: str, key: str, value: Any) -> None:
        """One statement: delete the row, or insert it or replace its data (an upsert on the
        unique (kind, name, key))."""
        connection = session.connection()
        table = ConversationState.__table__  # type: ignore[attr-defined]
        if value is None:
            connection.execute(
                delete(table).where(
                    table.c.kind == kind, table.c.name == name, table.c.key == key
                )
            )
            return
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table).values(kind=kind, name=name, key=key, data=value)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=["kind", "name", "key"], set_={"data": statement.excluded.data}
            )
        )

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(row.key): dict(row.data) for row in self._rows(USER)}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._put(USER, str(user_id), data)

    async def drop_user_data(self, user_id: int) -> None:
        self._put(USER, str(user_id), None)

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return {tuple(json.loads(row.key)): row.data for row in self._rows(CONVERSATION, name)}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._put(CONVERSATION, json.dumps(list(key)), new_state, name=name)

    # Chat, bot and callback data are not used: the database tables are the state.
    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def flush(self) -> None:
        return None
