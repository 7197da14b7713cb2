"""PTB persistence in our own database: conversation states and per-user scratch data.

Only small JSON values live here (ids, chosen options), never ORM objects. An update's
conversation state is written with its own changes, so a restart resumes exactly where the
update left off; PTB's own periodic flush is only a fallback:
- the update's first commit also writes the state it most likely ends in: the user's data
  as it is at that moment, and the conversation it is in ended (a flow's commit is nearly
  always its last step), so most updates need one transaction;
- after the handlers, the update's finishing transaction writes whatever differs from that
  (a state the conversation moved on to, data changed after the commit).
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from copy import deepcopy
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from telegram.ext import Application, BasePersistence, PersistenceInput
from telegram.ext._handlers.conversationhandler import PendingState
from telegram.ext._utils.trackingdict import TrackingDict
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.models import ConversationState

USER, CONVERSATION = "user", "conversation"
# (name, key) of the conversation the update is being handled in (bot.conversations).
current_conversation: ContextVar[tuple[str, ConversationKey] | None] = ContextVar(
    "current_conversation", default=None
)
# (kind, name, key, data) of a row to write; data None deletes the row.
Change = tuple[str, str, str, Any]

_TABLE = ConversationState.__table__  # type: ignore[attr-defined]
# Built once, values bound per call; an update's deletions are one statement.
_DELETE = delete(_TABLE).where(
    tuple_(_TABLE.c.kind, _TABLE.c.name, _TABLE.c.key).in_(bindparam("rows", expanding=True))
)


@cache
def _upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # inline: no implicit RETURNING of the new id, so it can go in a closing round trip.
    statement = insert(_TABLE).inline()
    return statement.on_conflict_do_update(
        index_elements=["kind", "name", "key"], set_={"data": statement.excluded.data}
    )


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

    def _changed(self, kind: str, key: str, data: Any, name: str = "") -> list[Change]:
        """The write this value needs, if it differs from what is stored (noted as stored)."""
        value = None if data is None or data == {} else data
        where = (kind, name, key)
        if self._stored.get(where) == value:  # unchanged, or empty and never stored
            return []
        # A copy: a dict handed over live and later changed in place must still compare as
        # a change.
        self._stored[where] = deepcopy(value)
        return [(kind, name, key, value)]

    def _save(self, changes: list[Change], session: Session | None = None) -> None:
        """Into `session`'s transaction (committed by its owner), or in one of its own."""
        if not changes:
            return
        if session is not None:
            _write(session, changes)
            return
        with Session(self.engine) as own:
            _write(own, changes)
            own.commit()

    def write_changes(
        self, app: Application[Any, Any, Any, Any, Any, Any], session: Session | None
    ) -> None:
        """What `Application.update_persistence` writes, into the update's finishing
        transaction (or, without one, a transaction of its own if anything changed),
        without yielding to the event loop (PTB 22's bookkeeping)."""
        changed = app._user_ids_to_be_updated_in_persistence
        dropped = app._user_ids_to_be_deleted_in_persistence
        app._user_ids_to_be_updated_in_persistence = set()
        app._user_ids_to_be_deleted_in_persistence = set()
        changes = []
        for user_id in changed - dropped:
            changes += self._changed(USER, str(user_id), app.user_data[user_id])
        for user_id in dropped:
            changes += self._changed(USER, str(user_id), None)
        for name, states in app._conversation_handler_conversations.items():
            for key, state in states.pop_accessed_write_items():
                if isinstance(state, PendingState):  # a non-blocking handler still running
                    states.mark_as_accessed(key)
                    state = state.resolve() if state.done() else state.old_state
                new_state = None if state is TrackingDict.DELETED else state
                changes += self._changed(CONVERSATION, json.dumps(list(key)), new_state, name)
        self._save(changes, session)

    def write_at_first_commit(
        self,
        session: Session,
        app: Application[Any, Any, Any, Any, Any, Any],
        user_id: int | None,
    ) -> None:
        """Into the update's first commit: its user's data as it is now, and its conversation
        ended. What the update changes later, or a state it moves on to, the finishing
        transaction writes (`write_changes` compares with what is stored)."""
        changes = []
        if user_id is not None and user_id in app.user_data:
            changes += self._changed(USER, str(user_id), app.user_data[user_id])
        conversation = current_conversation.get()
        if conversation is not None:
            name, key = conversation
            changes += self._changed(CONVERSATION, json.dumps(list(key)), None, name)
        self._save(changes, session)

    def forget(self) -> None:
        """After a failed write: assume nothing is stored, so the next flush writes it all."""
        self._stored.clear()

    def stored_user_data(self, user_id: int) -> dict[Any, Any]:
        """One user's data as the database holds it (one query), noted as stored."""
        key = str(user_id)
        with Session(self.engine) as session:
            row = session.exec(
                select(ConversationState).where(
                    ConversationState.kind == USER,
                    ConversationState.name == "",
                    ConversationState.key == key,
                )
            ).first()
        data = row.data if row is not None else None
        self._stored[(USER, "", key)] = deepcopy(data)
        return dict(data or {})

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(row.key): dict(row.data) for row in self._rows(USER)}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._save(self._changed(USER, str(user_id), data))

    async def drop_user_data(self, user_id: int) -> None:
        self._save(self._changed(USER, str(user_id), None))

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return {tuple(json.loads(row.key)): row.data for row in self._rows(CONVERSATION, name)}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._save(self._changed(CONVERSATION, json.dumps(list(key)), new_state, name))

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


def _write(session: Session, changes: list[Change]) -> None:
    """Deletions in one statement, the rest as upserts on the unique (kind, name, key)."""
    connection = session.connection()
    gone = [(kind, name, key) for kind, name, key, data in changes if data is None]
    kept = [
        {"kind": kind, "name": name, "key": key, "data": data}
        for kind, name, key, data in changes
        if data is not None
    ]
    if gone:
        connection.execute(_DELETE, {"rows": gone})
    if kept:
        connection.execute(_upsert(connection.dialect.name), kept)
