"""Figures of notices: delivered, acknowledged, blocked, per class, and who has not read it.

`acknowledged_shares` and `classes_behind` are the queries for the daily summary (another
feature): a site and a period [start, end) in UTC, notices counted by when they were sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Membership, Person, SchoolClass
from storage.notice_models import DeliveryStatus, Notice, NoticeDelivery
from storage.notices import children_by_parent
from storage.permissions import Role

DELIVERED = (DeliveryStatus.SENT,)


@dataclass(frozen=True)
class Waiting:
    """A parent who received a notice and has not acknowledged it."""

    delivery_id: int
    person_id: int
    chat_id: int
    name: str
    children: list[str]
    language: str


@dataclass
class ClassFigures:
    class_id: int
    class_name: str
    total: int = 0
    delivered: int = 0
    acknowledged: int = 0
    blocked: int = 0
    failed: int = 0
    waiting: list[Waiting] = field(default_factory=list)


@dataclass
class Figures:
    notice_id: int
    total: int = 0
    delivered: int = 0
    acknowledged: int = 0
    blocked: int = 0
    failed: int = 0
    classes: list[ClassFigures] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.total - self.delivered - self.blocked - self.failed


def notice_figures(*, session: Session, notice_id: int) -> Figures:
    """Everything the sender sees about one notice, in class order."""
    rows = list(
        session.exec(
            select(NoticeDelivery, SchoolClass.name, Person.display_name)
            .join(SchoolClass, col(SchoolClass.id) == col(NoticeDelivery.class_id))
            .join(Person, col(Person.id) == col(NoticeDelivery.person_id))
            .where(NoticeDelivery.notice_id == notice_id)
            .order_by(col(SchoolClass.position), col(SchoolClass.id), col(NoticeDelivery.id))
        )
    )
    children = children_by_parent(session=session, person_ids=[d.person_id for d, _, _ in rows])
    figures = Figures(notice_id)
    by_class: dict[int, ClassFigures] = {}
    for delivery, class_name, name in rows:
        line = by_class.get(delivery.class_id)
        if line is None:
            line = by_class[delivery.class_id] = ClassFigures(delivery.class_id, class_name)
            figures.classes.append(line)
        _count(figures, line, delivery, name, children.get(delivery.person_id, []))
    return figures


def _count(
    figures: Figures, line: ClassFigures, d: NoticeDelivery, name: str, children: list[str]
) -> None:
    sent = d.status == DeliveryStatus.SENT
    acked = sent and d.acknowledged_at is not None
    for target in (figures, line):
        target.total += 1
        target.delivered += sent
        target.acknowledged += acked
        target.blocked += d.status == DeliveryStatus.BLOCKED
        target.failed += d.status == DeliveryStatus.FAILED
    if sent and not acked:
        assert d.id is not None
        line.waiting.append(Waiting(d.id, d.person_id, d.chat_id, name, children, d.language))


def list_recent_notices(
    *, session: Session, site_ids: list[int], class_ids: list[int], limit: int = 8
) -> list[Notice]:
    """Notices of these sites (any) or sent to these classes (teachers), newest first."""
    notices = session.exec(
        select(Notice)
        .where(col(Notice.site_id).in_(site_ids + _sites_of(session, class_ids)))
        .order_by(col(Notice.id).desc())
        .limit(limit * 4)
    )
    wanted = set(class_ids)
    chosen = [
        n for n in notices if n.site_id in site_ids or (n.class_ids and wanted >= set(n.class_ids))
    ]
    return chosen[:limit]


def _sites_of(session: Session, class_ids: list[int]) -> list[int]:
    if not class_ids:
        return []
    rows = session.exec(select(SchoolClass.site_id).where(col(SchoolClass.id).in_(class_ids)))
    return list(set(rows))


def notices_due_for_reminder(*, session: Session, site_id: int, now: datetime) -> list[Notice]:
    return list(
        session.exec(
            select(Notice).where(
                Notice.site_id == site_id,
                col(Notice.reminder_due_at) <= now,
                col(Notice.reminders_done_at).is_(None),
            )
        )
    )


def class_teachers(*, session: Session, class_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(
                Membership.class_id == class_id,
                Membership.role == Role.CLASS_TEACHER,
                col(Membership.active),
            )
        )
    )


def mark_reminded(*, session: Session, delivery_id: int, now: datetime) -> None:
    delivery = session.get(NoticeDelivery, delivery_id)
    if delivery is not None and delivery.reminded_at is None:
        delivery.reminded_at = now
        session.add(delivery)
        session.commit()


def mark_reminders_done(*, session: Session, notice: Notice, now: datetime) -> None:
    notice.reminders_done_at = now
    session.add(notice)
    session.commit()


# For the daily summary -------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeShare:
    notice_id: int
    title: str
    created_at: datetime
    delivered: int
    acknowledged: int

    @property
    def share(self) -> float:
        """Acknowledged over delivered (0–1); 1 when nobody could be reached yet."""
        return self.acknowledged / self.delivered if self.delivered else 1.0


@dataclass(frozen=True)
class ClassShare:
    class_id: int
    class_name: str
    delivered: int
    acknowledged: int

    @property
    def share(self) -> float:
        return self.acknowledged / self.delivered if self.delivered else 1.0


_SENT = case((col(NoticeDelivery.status) == DeliveryStatus.SENT, 1), else_=0)
_ACKED = case(
    (
        (col(NoticeDelivery.status) == DeliveryStatus.SENT)
        & col(NoticeDelivery.acknowledged_at).is_not(None),
        1,
    ),
    else_=0,
)


def acknowledged_shares(
    *, session: Session, site_id: int, start: datetime, end: datetime
) -> list[NoticeShare]:
    """Per notice sent in [start, end): delivered and acknowledged counts, oldest first."""
    rows = session.execute(
        sa_select(
            col(Notice.id),
            col(Notice.title),
            col(Notice.created_at),
            func.sum(_SENT),
            func.sum(_ACKED),
        )
        .join(NoticeDelivery, col(NoticeDelivery.notice_id) == col(Notice.id))
        .where(col(Notice.site_id) == site_id, col(Notice.created_at) >= start)
        .where(col(Notice.created_at) < end)
        .group_by(col(Notice.id), col(Notice.title), col(Notice.created_at))
        .order_by(col(Notice.created_at))
    )
    return [NoticeShare(i, t, c, int(s or 0), int(a or 0)) for i, t, c, s, a in rows]


def classes_behind(
    *, session: Session, site_id: int, start: datetime, end: datetime, below: float = 1.0
) -> list[ClassShare]:
    """Classes whose parents acknowledged less than `below` of what they received, worst first."""
    rows = session.execute(
        sa_select(col(SchoolClass.id), col(SchoolClass.name), func.sum(_SENT), func.sum(_ACKED))
        .join(NoticeDelivery, col(NoticeDelivery.class_id) == col(SchoolClass.id))
        .join(Notice, col(Notice.id) == col(NoticeDelivery.notice_id))
        .where(col(Notice.site_id) == site_id, col(Notice.created_at) >= start)
        .where(col(Notice.created_at) < end)
        .group_by(col(SchoolClass.id), col(SchoolClass.name))
    )
    shares = [ClassShare(i, n, int(s or 0), int(a or 0)) for i, n, s, a in rows]
    behind = [c for c in shares if c.delivered and c.share < below]
    return sorted(behind, key=lambda c: (c.share, c.class_name))
