"""Idempotent outgoing messages: claim a key before sending, so nothing is sent twice."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import OutboundMessage
from storage.types import utcnow


def get_outbound(*, session: Session, key: str) -> OutboundMessage | None:
    return session.exec(select(OutboundMessage).where(OutboundMessage.key == key)).first()


def claim_outbound(*, session: Session, key: str, chat_id: int) -> OutboundMessage | None:
    """Reserve a key; None when it was claimed before (by this or an earlier process)."""
    claim = OutboundMessage(key=key, chat_id=chat_id)
    session.add(claim)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return claim


def mark_sent(*, session: Session, claim: OutboundMessage, message_id: int | None) -> None:
    claim.message_id = message_id
    claim.sent_at = utcnow()
    session.add(claim)
    session.commit()


def release_claim(*, session: Session, claim: OutboundMessage) -> None:
    """Give a key back after a failed send, so the next run retries it."""
    session.delete(claim)
    session.commit()
