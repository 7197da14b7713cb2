"""Idempotent outgoing messages: claim a key before sending, so nothing is sent twice.

A claim is a row with an owner and a lease. It ends with an `outcome`: "sent",
"undeliverable" (blocked, removed from the group) or "unknown" (the answer was lost and
the message's kind says not to send it again). A claim whose lease ran out, or whose
owner died (see `expire_foreign_claims`), may be claimed again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import OutboundMessage
from storage.types import utcnow

SENT, UNDELIVERABLE, UNKNOWN = "sent", "undeliverable", "unknown"


def get_outbound(*, session: Session, key: str) -> OutboundMessage | None:
    return session.exec(select(OutboundMessage).where(OutboundMessage.key == key)).first()


def claim_outbound(
    *,
    session: Session,
    key: str,
    chat_id: int,
    kind: str = "message",
    owner: str = "",
    lease: timedelta = timedelta(minutes=5),
    now: datetime | None = None,
) -> OutboundMessage | None:
    """Reserve a key for `lease`; None when it is finished, or claimed and still leased."""
    now = now or utcnow()
    claim = OutboundMessage(
        key=key, chat_id=chat_id, kind=kind, claimed_by=owner, lease_until=now + lease, attempts=1
    )
    session.add(claim)
    try:
        session.commit()
        return claim
    except IntegrityError:
        session.rollback()
    table = OutboundMessage.__table__  # type: ignore[attr-defined]
    taken = session.execute(
        update(table)
        .where(
            table.c.key == key,
            table.c.outcome.is_(None),
            or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        )
        .values(
            chat_id=chat_id,
            kind=kind,
            claimed_by=owner,
            lease_until=now + lease,
            attempts=table.c.attempts + 1,
        )
    )
    session.commit()
    if not taken.rowcount:  # type: ignore[attr-defined]
        return None
    row = get_outbound(session=session, key=key)
    if row is not None:
        session.refresh(row)
    return row


def mark_sent(
    *, session: Session, claim: OutboundMessage, message_id: int | None, outcome: str = SENT
) -> None:
    claim.message_id = message_id
    claim.sent_at = utcnow()
    claim.outcome = outcome
    claim.lease_until = None
    session.add(claim)
    session.commit()


def release_claim(*, session: Session, claim: OutboundMessage) -> None:
    """Give a key back (a failed send, a card to post again): the next claim takes it."""
    claim.message_id = None
    claim.sent_at = None
    claim.outcome = None
    claim.lease_until = None
    session.add(claim)
    session.commit()


def expire_foreign_claims(*, session: Session, owner: str) -> int:
    """Free the unfinished claims of other processes (run by the process that took charge:
    the others are dead), so every due message goes out now rather than after its lease."""
    table = OutboundMessage.__table__  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(
            table.c.outcome.is_(None),
            table.c.lease_until.is_not(None),
            or_(table.c.claimed_by.is_(None), table.c.claimed_by != owner),
        )
        .values(lease_until=None)
    )
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def unfinished_claims(*, session: Session) -> list[OutboundMessage]:
    return list(
        session.exec(
            select(OutboundMessage).where(
                and_(col(OutboundMessage.outcome).is_(None), col(OutboundMessage.sent_at).is_(None))
            )
        )
    )
