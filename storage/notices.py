"""告家长书: composing a notice, its audience, acknowledgements and the figures shown to staff.

Queries for other features (the daily summary) are at the end: `acknowledged_shares` and
`classes_behind`, both for a site and a period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import Membership, Person, SchoolClass
from storage.notice_models import (
    DeliveryStatus,
    Notice,
    NoticeDelivery,
    NoticeSubscription,
    ParentChild,
)
from storage.permissions import Role

# Telegram: 4096 characters a message, 1024 a caption. The title, a part counter and the
# acknowledgement line added on tap need room in the last message.
MESSAGE_LIMIT = 4096
HEADER_ROOM = 120
TITLE_MAX = 60
MAX_PARTS = 3


class NoticeError(ValueError):
    """Why a notice cannot be sent as it is: empty, too_long, no_parents."""

    def __init__(self, code: str, **detail: int) -> None:
        super().__init__(code)
        self.code, self.detail = code, detail


def body_limit(title: str) -> int:
    return MESSAGE_LIMIT - HEADER_ROOM - len(title)


def split_body(title: str, body: str) -> list[str]:
    """Cut a long body into parts at paragraph, then line, then any boundary."""
    limit, rest, parts = body_limit(title), body.strip(), []
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    parts.append(rest)
    return parts


@dataclass(frozen=True)
class Recipient:
    person_id: int
    chat_id: int
    class_id: int
    language: str


def audience(*, session: Session, site_id: int, class_ids: list[int]) -> list[Recipient]:
    """Subscribed parents of these classes (all of the site's if empty), each once."""
    query = (
        select(Person, Membership.class_id)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .join(SchoolClass, col(SchoolClass.id) == col(Membership.class_id))
        .outerjoin(NoticeSubscription, col(NoticeSubscription.person_id) == col(Person.id))
        .where(
            Membership.site_id == site_id,
            Membership.role == Role.PARENT,
            col(Membership.active),
            col(SchoolClass.active),
            col(NoticeSubscription.subscribed).is_not(False),
        )
        .order_by(col(SchoolClass.position), col(SchoolClass.id), col(Person.id))
    )
    if class_ids:
        query = query.where(col(Membership.class_id).in_(class_ids))
    chosen: dict[int, Recipient] = {}
    for person, class_id in session.exec(query):
        assert person.id is not None and class_id is not None
        chosen.setdefault(
            person.id,
            Recipient(person.id, person.telegram_user_id, class_id, person.language or ""),
        )
    return list(chosen.values())


def create_notice(
    *,
    session: Session,
    site_id: int,
    author_id: int,
    title: str,
    parts: list[str],
    class_ids: list[int],
    attachment: tuple[str, str] | None,
    now: datetime,
    reminder_hours: int,
    default_language: str,
) -> tuple[Notice, int]:
    """Store the notice and queue one delivery per parent, in one transaction."""
    if not title.strip() or not any(p.strip() for p in parts):
        raise NoticeError("empty")
    recipients = audience(session=session, site_id=site_id, class_ids=class_ids)
    if not recipients:
        raise NoticeError("no_parents")
    notice = Notice(
        site_id=site_id,
        author_id=author_id,
        title=title,
        parts=parts,
        class_ids=class_ids,
        attachment_kind=attachment[0] if attachment else None,
        attachment_file_id=attachment[1] if attachment else None,
        created_at=now,
        reminder_due_at=now + timedelta(hours=reminder_hours),
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    rows = [
        {
            "idempotency_key": f"notice:{notice.id}:{r.person_id}",
            "notice_id": notice.id,
            "person_id": r.person_id,
            "chat_id": r.chat_id,
            "class_id": r.class_id,
            "language": r.language or default_language,
            "status": DeliveryStatus.QUEUED,
            "attempts": 0,
            "parts_sent": 0,
            "next_attempt_at": now,
        }
        for r in recipients
    ]
    session.execute(insert(NoticeDelivery), rows)
    record_event(
        session=session,
        action="notice.send",
        site_id=site_id,
        person_id=author_id,
        notice_id=notice.id,
        class_ids=class_ids,
        parents=len(rows),
    )
    session.commit()
    return notice, len(rows)


def get_notice(*, session: Session, notice_id: int) -> Notice | None:
    return session.get(Notice, notice_id)


class Ack(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    UNKNOWN = "unknown"


def acknowledge(
    *, session: Session, delivery_id: int, person_id: int | None, now: datetime
) -> tuple[Ack, NoticeDelivery | None]:
    """Record that the parent it was sent to has read it; only the first tap counts."""
    delivery = session.get(NoticeDelivery, delivery_id)
    if delivery is None:
        return Ack.UNKNOWN, None
    if person_id is None or delivery.person_id != person_id:
        return Ack.NOT_YOURS, delivery
    result = session.execute(
        update(NoticeDelivery)
        .where(col(NoticeDelivery.id) == delivery_id, col(NoticeDelivery.acknowledged_at).is_(None))
        .values(acknowledged_at=now)
    )
    session.commit()
    session.refresh(delivery)
    if not result.rowcount:  # type: ignore[attr-defined]
        return Ack.ALREADY, delivery
    return Ack.RECORDED, delivery


def children_by_parent(*, session: Session, person_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(ParentChild.person_id, ParentChild.child_name)
        .where(col(ParentChild.person_id).in_(person_ids))
        .order_by(col(ParentChild.id))
    )
    names: dict[int, list[str]] = {}
    for person_id, child in rows:
        names.setdefault(person_id, []).append(child)
    return names
