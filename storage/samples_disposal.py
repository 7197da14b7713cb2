"""After logging: the second person's check, disposal when due, its witness, holds."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.audit import record_event
from storage.people import RoleAtSite
from storage.permissions import Action
from storage.samples import SampleError, check_reason, may
from storage.samples_models import SampleLog, SampleState


def _event(session: Session, log: SampleLog, person_id: int, action: str, **detail: object) -> None:
    record_event(
        session=session,
        action=f"samples.{action}",
        site_id=log.site_id,
        person_id=person_id,
        log_id=log.id,
        **detail,
    )
    session.commit()


def check_log(
    *, session: Session, log: SampleLog, person_id: int, roles: list[RoleAtSite], now: datetime
) -> None:
    """A second person (kitchen or health teacher) confirms the samples were taken."""
    if not may(roles, log.site_id, Action.CHECK_SAMPLES):
        raise SampleError("not_allowed", action=Action.CHECK_SAMPLES)
    if log.taken_by_id == person_id:
        raise SampleError("own_samples")
    if log.checked_by_id is not None:
        raise SampleError("already_checked")
    log.checked_by_id, log.checked_at = person_id, now
    session.add(log)
    _event(session, log, person_id, "check")


def dispose(
    *, session: Session, log: SampleLog, person_id: int, roles: list[RoleAtSite], now: datetime
) -> None:
    """Record the disposal; never before it is due, never while held."""
    if not may(roles, log.site_id, Action.LOG_SAMPLES):
        raise SampleError("not_allowed", action=Action.LOG_SAMPLES)
    if log.state == SampleState.DISPOSED:
        raise SampleError("already_disposed")
    if log.state == SampleState.HELD:
        raise SampleError("held")
    if now < log.dispose_due_at:
        raise SampleError("not_due", left=log.dispose_due_at - now, due_at=log.dispose_due_at)
    log.state = SampleState.DISPOSED
    log.disposed_by_id, log.disposed_at = person_id, now
    session.add(log)
    _event(session, log, person_id, "dispose")


def witness(
    *, session: Session, log: SampleLog, person_id: int, roles: list[RoleAtSite], now: datetime
) -> None:
    """A second person saw the disposal."""
    if not may(roles, log.site_id, Action.CHECK_SAMPLES):
        raise SampleError("not_allowed", action=Action.CHECK_SAMPLES)
    if log.state != SampleState.DISPOSED:
        raise SampleError("not_disposed")
    if log.disposed_by_id == person_id:
        raise SampleError("own_disposal")
    if log.witness_id is not None:
        raise SampleError("already_witnessed")
    log.witness_id, log.witnessed_at = person_id, now
    session.add(log)
    _event(session, log, person_id, "witness")


def hold(
    *,
    session: Session,
    log: SampleLog,
    person_id: int,
    roles: list[RoleAtSite],
    reason: str,
    now: datetime,
) -> None:
    """Keep the samples past their time (e.g. a suspected food-borne illness)."""
    if not may(roles, log.site_id, Action.HOLD_SAMPLES):
        raise SampleError("not_allowed", action=Action.HOLD_SAMPLES)
    if log.state != SampleState.KEPT:
        raise SampleError("already_disposed" if log.state == SampleState.DISPOSED else "held")
    log.hold_reason = check_reason(reason)
    log.state = SampleState.HELD
    log.held_by_id, log.held_at = person_id, now
    log.released_by_id, log.released_at = None, None
    session.add(log)
    _event(session, log, person_id, "hold", reason=log.hold_reason)


def release(
    *, session: Session, log: SampleLog, person_id: int, roles: list[RoleAtSite], now: datetime
) -> None:
    """The health teacher or director lets held samples go to disposal."""
    if not may(roles, log.site_id, Action.RELEASE_SAMPLES):
        raise SampleError("not_allowed", action=Action.RELEASE_SAMPLES)
    if log.state != SampleState.HELD:
        raise SampleError("not_held")
    log.state = SampleState.KEPT
    log.released_by_id, log.released_at = person_id, now
    session.add(log)
    _event(session, log, person_id, "release")


def disposal_key(log: SampleLog) -> str:
    """The reminder's idempotency key: a release starts a new round of reminding."""
    generation = int(log.released_at.timestamp()) if log.released_at else 0
    return f"samples-dispose:{log.id}:{generation}"
