"""Members of a site: who holds which role in which class; change or remove a membership.

A removed membership is never deleted: it turns inactive with `removed_at`/`removed_by`, and
every change is an audit event. The sender's roles are loaded from active memberships on each
update, so a removal takes effect at the next tap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.models import Membership, Person, SchoolClass
from storage.permissions import CLASS_ROLES, Action, Role, can, may_invite

# Order of roles in the member list: leadership first, parents last.
ROLE_ORDER = {role: index for index, role in enumerate(Role)}


class MemberError(ValueError):
    """Why a membership change is refused: gone, self, not_allowed, needs_class, duplicate."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Member:
    """One active membership with the person's name and the class's name."""

    membership: Membership
    name: str
    class_name: str | None
    class_position: int

    @property
    def id(self) -> int:
        assert self.membership.id is not None
        return self.membership.id

    @property
    def role(self) -> Role:
        return Role(self.membership.role)


def _members_query(site_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Membership, Person, SchoolClass)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .outerjoin(SchoolClass, col(SchoolClass.id) == col(Membership.class_id))
        .where(Membership.site_id == site_id, col(Membership.active))
    )


def _member(membership: Membership, person: Person, school_class: SchoolClass | None) -> Member:
    return Member(
        membership,
        person.display_name,
        school_class.name if school_class else None,
        school_class.position if school_class else -1,
    )


def list_members(*, session: Session, site_id: int) -> list[Member]:
    """Active members: site-wide roles first, then class by class; by role, then name."""
    rows = [_member(m, p, c) for m, p, c in session.exec(_members_query(site_id))]
    return sorted(rows, key=lambda m: (m.class_position, ROLE_ORDER[m.role], m.name, m.id))


def get_member(*, session: Session, membership_id: int) -> Member | None:
    """An active membership (None once removed)."""
    membership = session.get(Membership, membership_id)
    if membership is None or not membership.active:
        return None
    row = session.exec(_members_query(membership.site_id).where(Membership.id == membership_id))
    found = row.first()
    return _member(*found) if found else None


def check_may_manage(
    manager_roles: list[str], manager_person_id: int, member: Member, new_role: Role | None = None
) -> None:
    """Managers change others' memberships; leadership roles only a director may touch."""
    if not can(manager_roles, Action.MANAGE_MEMBERS):
        raise MemberError("not_allowed")
    if member.membership.person_id == manager_person_id:
        raise MemberError("self")
    for role in (member.role, new_role):
        if role is not None and not may_invite(manager_roles, role):
            raise MemberError("not_allowed")


def change_membership(
    *,
    session: Session,
    member: Member,
    role: Role,
    class_id: int | None,
    person_id: int,
) -> Membership:
    """Give a membership another role and/or class (a class role needs a class)."""
    if role in CLASS_ROLES and class_id is None:
        raise MemberError("needs_class")
    class_id = class_id if role in CLASS_ROLES else None
    membership = member.membership
    duplicate = session.exec(
        select(Membership).where(
            Membership.person_id == membership.person_id,
            Membership.site_id == membership.site_id,
            Membership.role == role,
            Membership.class_id == class_id if class_id else col(Membership.class_id).is_(None),
            col(Membership.active),
            Membership.id != membership.id,
        )
    ).first()
    if duplicate is not None:
        raise MemberError("duplicate")
    record_event(
        session=session,
        action="member.change",
        site_id=membership.site_id,
        person_id=person_id,
        membership_id=membership.id,
        member_id=membership.person_id,
        old_role=membership.role,
        old_class_id=membership.class_id,
        role=str(role),
        class_id=class_id,
    )
    membership.role = role
    membership.class_id = class_id
    session.add(membership)
    session.commit()
    return membership


def remove_membership(
    *, session: Session, member: Member, person_id: int, now: datetime
) -> Membership:
    """End a membership: inactive from now on, kept with who removed it and when."""
    membership = member.membership
    membership.active = False
    membership.removed_at = now
    membership.removed_by = person_id
    session.add(membership)
    record_event(
        session=session,
        action="member.remove",
        site_id=membership.site_id,
        person_id=person_id,
        membership_id=membership.id,
        member_id=membership.person_id,
        role=membership.role,
        class_id=membership.class_id,
    )
    session.commit()
    return membership
