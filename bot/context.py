"""The application and callback context types: one DB session per update, opened here."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.cards import CardEditor
from bot.config import Settings
from bot.i18n import Translate, translator
from bot.inbox import Inbox, replaying
from bot.persistence import SQLPersistence
from bot.processing import (
    AlreadyDone,
    Processor,
    UpdateRun,
    UpdateSession,
    close_quietly,
    current_run,
    is_outage,
)
from storage.models import Site
from storage.people import Identity, RoleAtSite, Sender, load_identity
from storage.types import utcnow

_update_session: ContextVar[Session | None] = ContextVar("update_session", default=None)


class HouqinApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application plus the settings and database engine of this deployment."""

    def __init__(
        self, *, settings: Settings, engine: Engine, inbox: Inbox | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.engine = engine
        # Tests replace the clock to act out a day; everything time-driven reads it.
        self.clock: Callable[[], datetime] = utcnow
        self.card_editor = CardEditor(settings.card_edit_interval)
        # site id → fingerprint of what its jobs were built from (see jobs.schedule).
        self.scheduled_sites: dict[int, str] = {}
        # site id → keys of the planned items scheduled for it (see jobs.plan).
        self.planned_jobs: dict[int, set[str]] = {}

        self.inbox = inbox or Inbox(engine)
        self.processor = Processor(self)

    def open_session(self) -> Session:
        """The update's session; its first commit also marks the update done (bot.processing)."""
        return UpdateSession(self.engine, expire_on_commit=False, info={"run": current_run.get()})

    async def process_update(self, update: object) -> None:
        """Through the inbox: skipped if done before, marked done with its effects, never raises."""
        if not isinstance(update, Update):
            await self._process(update)
            return
        if self.processor.should_skip(update):
            return
        run = UpdateRun(update, self._write_state, self.persistence_forget)
        token = current_run.set(run)
        replay = replaying.set(update.update_id in self.inbox.replays)
        try:
            await self._process(update)
            await self.processor.finish(run)
        finally:
            replaying.reset(replay)
            current_run.reset(token)

    async def _process(self, update: object) -> None:
        # Handlers share one lazily opened session per update; it is always closed here.
        token = _update_session.set(None)
        try:
            await super().process_update(update)
        finally:
            session = _update_session.get()
            if session is not None:
                close_quietly(session)
            _update_session.reset(token)

    async def process_error(
        self, update: object | None, error: Exception, job: Any = None, coroutine: Any = None
    ) -> bool:
        run = current_run.get()
        if run is not None and update is run.update:
            if isinstance(error, AlreadyDone):
                return True  # its changes were rolled back; the other process answered
            if is_outage(error) and self.processor.may_retry(run):
                run.outage = error  # tried again shortly; the user is not told of it
                return True
        return await super().process_error(update, error, job, coroutine)

    def write_persistence(self, session: Session | None) -> None:
        """Write changed conversation state into `session`'s transaction (not committed), or,
        without one, in a transaction of its own if anything changed."""
        if not isinstance(self.persistence, SQLPersistence):
            return
        self.persistence.write_changes(self, session)

    def _write_state(self, session: Session, update: Update) -> None:
        if isinstance(self.persistence, SQLPersistence):
            user = update.effective_user
            self.persistence.write_at_first_commit(session, self, user.id if user else None)

    def restore_user_data(self, update: Update) -> None:
        """The sender's data as stored, replacing what an interrupted run changed in memory
        (a draft it dropped before a commit that then failed)."""
        user = update.effective_user
        if user is None or not isinstance(self.persistence, SQLPersistence):
            return
        data = self._user_data[user.id]  # in place: contexts made later see the same dict
        data.clear()
        data.update(self.persistence.stored_user_data(user.id))

    def persistence_forget(self) -> None:
        if isinstance(self.persistence, SQLPersistence):
            self.persistence.forget()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with the update's DB session, the sender and their language."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._identity: Identity | None = None

    @property
    def app(self) -> HouqinApplication:
        assert isinstance(self.application, HouqinApplication)
        return self.application

    @property
    def db(self) -> Session:
        session = _update_session.get()
        if session is None:
            session = self.app.open_session()
            _update_session.set(session)
        return session

    @property
    def person(self) -> Sender | None:
        """The sender, if they have ever joined a site (loaded once per update)."""
        return self._load_identity().sender

    @property
    def roles(self) -> list[RoleAtSite]:
        return self._load_identity().roles

    def site(self, site_id: int) -> Site | None:
        """A site the sender has a role at, as loaded with their roles (read-only); None for
        any other site."""
        return self._load_identity().sites.get(site_id)

    def _load_identity(self) -> Identity:
        if self._identity is None:
            if self._user_id is None:
                return Identity(None, [], {})
            self._identity = load_identity(session=self.db, telegram_user_id=self._user_id)
        return self._identity

    def forget_person(self) -> None:
        """Reload the sender after a change of roles or language in this update."""
        self._identity = None

    @property
    def language(self) -> str:
        person = self.person
        return (person.language if person and person.language else None) or (
            self.app.settings.default_language
        )

    @property
    def _(self) -> Translate:
        return translator(self.language)


def sender_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user else ""
