"""The notice outbox: rows claimed, delivered, retried or given up, one (notice, parent) each.

Only the sender in jobs.notices writes here. Every change is a conditional UPDATE committed
at once, so a row's status is what happened to it, whatever the process does next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Engine

from storage.notice_models import DeliveryStatus, Notice, NoticeDelivery

_D = NoticeDelivery.__table__  # type: ignore[attr-defined]
_N = Notice.__table__  # type: ignore[attr-defined]
# A send that failed for a passing reason is tried again later, at most this often in all.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Due:
    """A delivery to make, with what the parent's messages are built from."""

    id: int
    notice_id: int
    chat_id: int
    language: str
    parts_sent: int
    attempts: int
    title: str
    parts: list[str]
    attachment_kind: str | None
    attachment_file_id: str | None
    site_id: int


_DUE = (
    select(
        _D.c.id,
        _D.c.notice_id,
        _D.c.chat_id,
        _D.c.language,
        _D.c.parts_sent,
        _D.c.attempts,
        _N.c.title,
        _N.c.parts,
        _N.c.attachment_kind,
        _N.c.attachment_file_id,
        _N.c.site_id,
    )
    .select_from(_D.join(_N, _N.c.id == _D.c.notice_id))
    .where(_D.c.status == DeliveryStatus.QUEUED, _D.c.next_attempt_at <= bindparam("now"))
    .order_by(_D.c.next_attempt_at, _D.c.id)
    .limit(bindparam("limit"))
)


def due_deliveries(*, engine: Engine, now: datetime, limit: int) -> list[Due]:
    """Queued rows whose time has come, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(_DUE, {"now": now, "limit": limit}).all()
    return [Due(*row) for row in rows]


def _change(engine: Engine, delivery_id: int, expected: str, **values: object) -> bool:
    with engine.begin() as connection:
        result = connection.execute(
            update(_D).where(and_(_D.c.id == delivery_id, _D.c.status == expected)).values(**values)
        )
    return bool(result.rowcount)


def claim(*, engine: Engine, delivery_id: int) -> bool:
    """Mark a row as being sent; False if another run took it or it is no longer queued."""
    return _change(
        engine,
        delivery_id,
        DeliveryStatus.QUEUED,
        status=DeliveryStatus.SENDING,
        attempts=_D.c.attempts + 1,
    )


def record_part(*, engine: Engine, delivery_id: int, parts_sent: int) -> None:
    _change(engine, delivery_id, DeliveryStatus.SENDING, parts_sent=parts_sent)


def mark_sent(*, engine: Engine, delivery_id: int, message_id: int | None, now: datetime) -> None:
    _change(
        engine,
        delivery_id,
        DeliveryStatus.SENDING,
        status=DeliveryStatus.SENT,
        message_id=message_id,
        sent_at=now,
        error=None,
    )


def mark_blocked(*, engine: Engine, delivery_id: int, error: str) -> None:
    _change(
        engine,
        delivery_id,
        DeliveryStatus.SENDING,
        status=DeliveryStatus.BLOCKED,
        error=error[:200],
    )


def mark_failed(*, engine: Engine, delivery_id: int, error: str) -> None:
    _change(
        engine, delivery_id, DeliveryStatus.SENDING, status=DeliveryStatus.FAILED, error=error[:200]
    )


def retry_later(*, engine: Engine, delivery_id: int, error: str, at: datetime) -> None:
    """Back to the queue after a passing failure; the sender picks it up again at `at`."""
    _change(
        engine,
        delivery_id,
        DeliveryStatus.SENDING,
        status=DeliveryStatus.QUEUED,
        next_attempt_at=at,
        error=error[:200],
    )


def requeue_interrupted(*, engine: Engine) -> int:
    """Rows a killed process left half-done go back to the queue (at start-up, one sender).

    A row is left in 'sending' only if the process died between claiming it and recording
    the answer: Telegram may or may not have shown that message (it has no idempotency key),
    so these few are sent again rather than lost. A normal stop finishes them first.
    """
    with engine.begin() as connection:
        result = connection.execute(
            update(_D)
            .where(_D.c.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.QUEUED)
        )
    return int(result.rowcount)


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones (durable back-off)."""
    return timedelta(seconds=min(300, 5 * 2 ** max(0, attempts - 1)))
