"""Parents: the children they named, and whether they receive notices (/stop, /start)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import Membership, SchoolClass, Site
from storage.notice_models import NoticeSubscription, ParentChild
from storage.permissions import Role
from storage.types import utcnow

CHILD_NAME_MAX = 50


@dataclass(frozen=True)
class ChildView:
    site_name: str
    class_name: str
    child_name: str


def add_child(
    *, session: Session, person_id: int, site_id: int, class_id: int, child_name: str
) -> bool:
    """Record a child of a parent in a class; False when it was known already."""
    known = session.exec(
        select(ParentChild).where(
            ParentChild.person_id == person_id,
            ParentChild.class_id == class_id,
            ParentChild.child_name == child_name,
        )
    ).first()
    if known is not None:
        return False
    session.add(
        ParentChild(person_id=person_id, site_id=site_id, class_id=class_id, child_name=child_name)
    )
    record_event(
        session=session,
        action="parent.child",
        site_id=site_id,
        person_id=person_id,
        class_id=class_id,
    )
    session.commit()
    return True


def list_children(*, session: Session, person_id: int) -> list[ChildView]:
    rows = session.exec(
        select(Site.name, SchoolClass.name, ParentChild.child_name)
        .join(SchoolClass, col(SchoolClass.id) == col(ParentChild.class_id))
        .join(Site, col(Site.id) == col(ParentChild.site_id))
        .where(ParentChild.person_id == person_id)
        .order_by(col(ParentChild.id))
    )
    return [ChildView(site, cls, child) for site, cls, child in rows]


def is_subscribed(*, session: Session, person_id: int) -> bool:
    row = session.get(NoticeSubscription, person_id)
    return row is None or row.subscribed


def set_subscribed(*, session: Session, person_id: int, subscribed: bool) -> bool:
    """Change the choice; returns whether it changed."""
    row = session.get(NoticeSubscription, person_id)
    if (row is None or row.subscribed) == subscribed:
        return False
    row = row or NoticeSubscription(person_id=person_id)
    row.subscribed, row.changed_at = subscribed, utcnow()
    session.add(row)
    record_event(
        session=session,
        action="parent.subscribe" if subscribed else "parent.unsubscribe",
        person_id=person_id,
    )
    session.commit()
    return True


def parent_class_ids(*, session: Session, person_id: int) -> list[int]:
    """The classes in which this person is an active parent."""
    rows = session.exec(
        select(Membership.class_id).where(
            Membership.person_id == person_id,
            Membership.role == Role.PARENT,
            col(Membership.active),
        )
    )
    return [class_id for class_id in rows if class_id is not None]
