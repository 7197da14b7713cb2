"""Invitations: opaque codes that give a role at a site in one tap."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import Invite, Person, SchoolClass, Site
from storage.people import add_membership, get_or_create_person, get_person, has_membership
from storage.permissions import CLASS_ROLES, Role
from storage.types import utcnow

DEFAULT_DAYS = 7
PARENT_DAYS = 30
PARENT_MAX_USES = 200


class InviteError(ValueError):
    """Why an invitation cannot be used: unknown, expired, used_up, revoked, needs_class."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Joined:
    site: Site
    role: Role
    school_class: SchoolClass | None
    person: Person
    already_member: bool
    membership_id: int | None = None  # the new membership (None when already a member)


def create_invite(
    *,
    session: Session,
    site_id: int,
    role: Role,
    class_id: int | None = None,
    created_by: int | None = None,
    days: int | None = None,
    max_uses: int | None = None,
) -> Invite:
    """Create an invitation; a parents' link is shared with a whole class, so it has many uses."""
    if role in CLASS_ROLES and class_id is None:
        raise InviteError("needs_class")
    is_parent = role == Role.PARENT
    invite = Invite(
        code=secrets.token_urlsafe(12),
        site_id=site_id,
        role=role,
        class_id=class_id if role in CLASS_ROLES else None,
        created_by=created_by,
        expires_at=utcnow() + timedelta(days=days or (PARENT_DAYS if is_parent else DEFAULT_DAYS)),
        max_uses=max_uses or (PARENT_MAX_USES if is_parent else 1),
    )
    session.add(invite)
    session.flush()
    record_event(
        session=session,
        action="invite.create",
        site_id=site_id,
        person_id=created_by,
        invite_id=invite.id,
        role=str(role),
        class_id=class_id,
    )
    session.commit()
    return invite


def check_invite(invite: Invite | None, now: datetime) -> None:
    """Raise InviteError unless the invitation can still be used."""
    if invite is None:
        raise InviteError("unknown")
    if invite.revoked_at is not None:
        raise InviteError("revoked")
    if invite.expires_at <= now:
        raise InviteError("expired")
    if invite.uses >= invite.max_uses:
        raise InviteError("used_up")


def redeem_invite(
    *, session: Session, code: str, telegram_user_id: int, display_name: str
) -> Joined:
    """Join the person to the invitation's site and role; nothing changes on refusal.

    Someone who already holds the role is told so, even if the link has since run out.
    """
    invite = session.exec(select(Invite).where(Invite.code == code)).first()
    if invite is None:
        raise InviteError("unknown")
    role = Role(invite.role)
    person = get_person(session=session, telegram_user_id=telegram_user_id)
    already = person is not None and has_membership(
        session=session, person=person, site_id=invite.site_id, role=role, class_id=invite.class_id
    )
    if not already:
        check_invite(invite, utcnow())
        person = get_or_create_person(
            session=session, telegram_user_id=telegram_user_id, display_name=display_name
        )
        membership, _ = add_membership(
            session=session,
            person=person,
            site_id=invite.site_id,
            role=role,
            class_id=invite.class_id,
        )
        _consume_use(session=session, invite=invite)
        record_event(
            session=session,
            action="invite.redeem",
            site_id=invite.site_id,
            person_id=person.id,
            invite_id=invite.id,
            membership_id=membership.id,
        )
        session.commit()
    assert person is not None
    membership_id = None if already else membership.id
    site = session.get(Site, invite.site_id)
    assert site is not None
    school_class = session.get(SchoolClass, invite.class_id) if invite.class_id else None
    return Joined(site, role, school_class, person, already, membership_id)


def _consume_use(*, session: Session, invite: Invite) -> None:
    # A conditional UPDATE, so two people racing for the last use cannot both get it.
    result = session.execute(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.uses) < col(Invite.max_uses))
        .values(uses=col(Invite.uses) + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InviteError("used_up")


def get_invite(*, session: Session, invite_id: int) -> Invite | None:
    return session.get(Invite, invite_id)


def revoke_invite(*, session: Session, invite_id: int, person_id: int | None) -> Invite | None:
    invite = session.get(Invite, invite_id)
    if invite is None or invite.revoked_at is not None:
        return None
    invite.revoked_at = utcnow()
    record_event(
        session=session,
        action="invite.revoke",
        site_id=invite.site_id,
        person_id=person_id,
        invite_id=invite.id,
    )
    session.commit()
    return invite


def list_open_invites(*, session: Session, site_ids: list[int]) -> list[Invite]:
    """Invitations that can still be used, newest first."""
    query = (
        select(Invite)
        .where(
            col(Invite.site_id).in_(site_ids),
            col(Invite.revoked_at).is_(None),
            col(Invite.expires_at) > utcnow(),
            col(Invite.uses) < col(Invite.max_uses),
        )
        .order_by(col(Invite.id).desc())
    )
    return list(session.exec(query))
