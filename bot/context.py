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
from storage.people import RoleAtSite, Sender, load_identity
from storage.types import utcnow

_update_session: ContextVar[Session | None] = ContextVar("update_session", default=None)


class HouqinApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application plus the settings and database engine of this deployment."""

    def __init__(self, *, settings: Settings, engine: Engine, **kwargs: Any) -> None:
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

    def open_session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    async def process_update(self, update: object) -> None:
        # Handlers share one lazily opened session per update; it is always closed here.
        token = _update_session.set(None)
        try:
            await super().process_update(update)
        finally:
            session = _update_session.get()
            if session is not None:
                session.close()
            _update_session.reset(token)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Callback context with the update's DB session, the sender and their language."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self._person: Sender | None = None
        self._person_loaded = False
        self._roles: list[RoleAtSite] | None = None

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
        self._load_identity()
        return self._person

    @property
    def roles(self) -> list[RoleAtSite]:
        self._load_identity()
        return self._roles or []

    def _load_identity(self) -> None:
        if self._person_loaded or self._user_id is None:
            return
        self._person, self._roles = load_identity(session=self.db, telegram_user_id=self._user_id)
        self._person_loaded = True

    def forget_person(self) -> None:
        """Reload the sender after a change of roles or language in this update."""
        self._person, self._person_loaded, self._roles = None, False, None

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
