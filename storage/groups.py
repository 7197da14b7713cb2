"""Telegram groups bound to a site (staff, maintenance, kitchen)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import GroupPurpose, StaffGroup


def get_group(*, session: Session, chat_id: int) -> StaffGroup | None:
    return session.exec(select(StaffGroup).where(StaffGroup.chat_id == chat_id)).first()


def bind_group(
    *,
    session: Session,
    site_id: int,
    chat_id: int,
    purpose: GroupPurpose,
    title: str,
    person_id: int | None,
) -> StaffGroup:
    """Bind a chat to a site; binding again changes the site or purpose."""
    group = get_group(session=session, chat_id=chat_id)
    if group is None:
        group = StaffGroup(site_id=site_id, chat_id=chat_id)
        session.add(group)
    group.site_id, group.purpose, group.title, group.bound_by = (
        site_id,
        purpose,
        title[:200],
        person_id,
    )
    session.flush()
    record_event(
        session=session,
        action="group.bind",
        site_id=site_id,
        person_id=person_id,
        chat_id=chat_id,
        purpose=str(purpose),
    )
    session.commit()
    return group


def unbind_group(*, session: Session, chat_id: int, person_id: int | None) -> StaffGroup | None:
    group = get_group(session=session, chat_id=chat_id)
    if group is None:
        return None
    record_event(
        session=session,
        action="group.unbind",
        site_id=group.site_id,
        person_id=person_id,
        chat_id=chat_id,
    )
    session.delete(group)
    session.commit()
    return group


def move_group(*, session: Session, old_chat_id: int, new_chat_id: int) -> None:
    """Follow a group that Telegram upgraded to a supergroup (its chat id changes).

    When the new id is already bound (someone sent /bind in the supergroup first), that binding
    is the live one: the old chat's binding is dropped, so nothing is posted to a dead chat.
    """
    group = get_group(session=session, chat_id=old_chat_id)
    if group is None or old_chat_id == new_chat_id:
        return
    if get_group(session=session, chat_id=new_chat_id) is not None:
        record_event(
            session=session,
            action="group.merge",
            site_id=group.site_id,
            person_id=None,
            chat_id=new_chat_id,
            old_chat_id=old_chat_id,
        )
        session.delete(group)
    else:
        group.chat_id = new_chat_id
    session.commit()


def list_groups(
    *, session: Session, site_id: int, purpose: GroupPurpose | None = None
) -> list[StaffGroup]:
    query = select(StaffGroup).where(StaffGroup.site_id == site_id).order_by(col(StaffGroup.id))
    if purpose is not None:
        query = query.where(StaffGroup.purpose == purpose)
    return list(session.exec(query))
