"""One update from the inbox to done: skip what was done, retry what a passing outage broke.

The update's `done_at` is written in the transaction of its first commit (a session event
on the update's session), so a crash can never leave its effects stored and the update
pending, nor the other way round. That commit also writes the conversation state the update
most likely ends in (`UpdateRun.write_state`); after the handlers, one more transaction
writes what differs from it, if anything, and the `done_at` of an update that changed
nothing. On PostgreSQL the state, the mark and the COMMIT go in one round trip
(`storage.db.closing_round_trip`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    PendingRollbackError,
)
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session
from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from storage.db import closing_round_trip
from storage.inbox import done_before, mark_done

if TYPE_CHECKING:
    from bot.context import HouqinApplication

log = logging.getLogger(__name__)
# Waits before each new try of an update an outage broke (database or Telegram): ~1 min in all.
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0, 15.0)


class AlreadyDone(Exception):
    """Another process finished this update first: this run's changes are rolled back."""


@dataclass
class UpdateRun:
    update: Update
    # Writes the conversation state into the first commit; `forget_state` after it failed.
    write_state: Callable[[Session, Update], None] | None = None
    forget_state: Callable[[], None] | None = None
    writing_state: bool = False  # in the first commit, until its transaction ends
    marked: bool = False  # done_at committed with the update's own changes
    outage: BaseException | None = None  # a passing failure (see is_outage) interrupted it


current_run: ContextVar[UpdateRun | None] = ContextVar("current_run", default=None)


def is_outage(error: BaseException) -> bool:
    """A passing failure worth running the update again for: a lost or refused database
    connection, Telegram unreachable, slow (timeout), failing (5xx) or flooded (429) —
    not a bug, a bad value, or a refusal (BadRequest, Forbidden)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, RetryAfter):
        return True
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return True
    return isinstance(error, OperationalError | InterfaceError | PendingRollbackError)


class UpdateSession(Session):
    """The session of one update: its first commit also records the update as done."""


def _close(session: Session, update_id: int, write_state: Callable[[], None]) -> bool:
    """The update's last writes, its done mark and COMMIT (one round trip on PostgreSQL);
    False, with nothing committed, when another process had finished the update."""
    connection = session.connection()
    try:
        with closing_round_trip(connection) as commit:
            write_state()
            mark_done(connection=connection, update_id=update_id)
            commit()
    except IntegrityError as error:
        if done_before(error):
            return False
        raise
    return True


@event.listens_for(UpdateSession, "before_commit")
def _mark_with_the_first_commit(session: Session) -> None:
    run = session.info.get("run")
    if not isinstance(run, UpdateRun) or run.marked:
        return
    session.flush()  # the ORM's inserts want their ids back: before the closing round trip

    def write_state() -> None:
        if run.write_state is not None:
            run.writing_state = True
            run.write_state(session, run.update)

    if not _close(session, run.update.update_id, write_state):
        raise AlreadyDone(run.update.update_id)


@event.listens_for(UpdateSession, "after_commit")
def _marked(session: Session) -> None:
    run = session.info.get("run")
    if isinstance(run, UpdateRun):
        run.marked = True


@event.listens_for(UpdateSession, "after_transaction_end")
def _state_not_written(session: Session, transaction: SessionTransaction) -> None:
    """The first commit failed: what it was to write is not stored (the finish writes it)."""
    run = session.info.get("run")
    if not isinstance(run, UpdateRun) or transaction.nested or not run.writing_state:
        return
    run.writing_state = False
    if not run.marked and run.forget_state is not None:
        run.forget_state()


def close_quietly(session: Session) -> None:
    """Close the update's session; a connection that died must not end PTB's update loop."""
    try:
        session.close()
    except Exception as error:
        log.warning("The update's database session was lost (%s); discarded", error)
        try:
            session.invalidate()
        except Exception:
            log.debug("Invalidating the lost session failed too", exc_info=True)


class Processor:
    """Runs updates through the inbox for one application."""

    def __init__(self, app: HouqinApplication) -> None:
        self.app = app
        self.tries: dict[int, int] = {}
        self._retries: set[asyncio.Task[None]] = set()

    def should_skip(self, update: Update) -> bool:
        try:
            done = self.app.inbox.was_done(update.update_id)
        except Exception as error:  # the database is away: process it; its effects decide
            log.warning("Could not look up update %s in the inbox: %s", update.update_id, error)
            return False
        if done:
            log.info("Update %s was processed before; not again", update.update_id)
        return done

    def may_retry(self, run: UpdateRun) -> bool:
        """Only an update none of whose changes were committed may simply be run again."""
        return not run.marked and self.tries.get(run.update.update_id, 0) < len(RETRY_DELAYS)

    async def finish(self, run: UpdateRun) -> None:
        """Persist the conversation state and mark done, or schedule a retry after an outage."""
        update_id = run.update.update_id
        if run.outage is not None:
            self._retry(run)
            return
        try:
            self._commit_done(run)
        except Exception as error:
            log.error("Update %s: could not record it as done: %s", update_id, error)
            self.app.persistence_forget()
            if self.may_retry(run):
                self._retry(run)
            return
        self.tries.pop(update_id, None)
        self.app.inbox.done(update_id)

    def _commit_done(self, run: UpdateRun) -> None:
        update_id = run.update.update_id
        # Never yields to the event loop: nothing else runs between an update and its end.
        if run.marked:  # done_at went in with its first change: only the state is left
            self.app.write_persistence(None)  # nothing to do when the state did not change
            return
        with Session(self.app.engine) as session:
            if _close(session, update_id, lambda: self.app.write_persistence(session)):
                session.commit()
            else:
                log.warning("Update %s was finished by another process; discarded", update_id)

    def _retry(self, run: UpdateRun) -> None:
        update_id = run.update.update_id
        tries = self.tries.get(update_id, 0)
        self.tries[update_id] = tries + 1
        self.app.inbox.replays.add(update_id)
        log.warning(
            "Update %s was interrupted (%s); try %d in %.1f s",
            update_id,
            run.outage,
            tries + 2,
            RETRY_DELAYS[tries],
        )
        self._later(RETRY_DELAYS[tries], lambda: self._again(run))

    async def _again(self, run: UpdateRun) -> None:
        """Run the update again from what is stored: nothing of the interrupted run was."""
        try:
            self.app.restore_user_data(run.update)
        except Exception as error:  # the database is still away: a later try
            log.warning(
                "Update %s: could not read the stored user data: %s", run.update.update_id, error
            )
            if self.may_retry(run):
                self._retry(run)
                return
        await self.app.update_queue.put(run.update)

    def _later(self, delay: float, action: Callable[[], Any]) -> None:
        async def wait_then() -> None:
            await asyncio.sleep(delay)
            await action()

        task = asyncio.get_running_loop().create_task(wait_then())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    def cancel_retries(self) -> None:
        """At stop: the updates stay pending in the inbox and are processed at the next start."""
        for task in list(self._retries):
            task.cancel()
