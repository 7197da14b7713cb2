"""People and their memberships (roles at sites)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.audit import record_event
from storage.db import read_only
from storage.models import Membership, Person, SchoolClass, Site
from storage.permissions import Action, Role, can


@dataclass(frozen=True)
class RoleAtSite:
    """One role of a person, resolved for display and for permission checks."""

    site_id: int
    site_name: str
    role: Role
    class_id: int | None
    class_name: str | None


def get_person(*, session: Session, telegram_user_id: int) -> Person | None:
    return session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).first()


def get_person_by_id(*, session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def get_or_create_person(*, session: Session, telegram_user_id: int, display_name: str) -> Person:
    """Find a person by Telegram id, creating them (uncommitted) on first contact."""
    person = get_person(session=session, telegram_user_id=telegram_user_id)
    if person is None:
        person = Person(telegram_user_id=telegram_user_id, display_name=display_name[:200])
        session.add(person)
        session.flush()
    elif display_name and person.display_name != display_name[:200]:
        person.display_name = display_name[:200]
    return person


def set_language(*, session: Session, person: Person, language: str) -> None:
    person.language = language
    record_event(session=session, action="person.language", person_id=person.id, language=language)
    session.commit()


def _membership_query(
    person: Person, site_id: int, role: Role, class_id: int | None
) -> SelectOfScalar[Membership]:
    same_class = (
        Membership.class_id == class_id
        if class_id is not None
        else col(Membership.class_id).is_(None)
    )
    return select(Membership).where(
        Membership.person_id == person.id,
        Membership.site_id == site_id,
        Membership.role == role,
        same_class,
    )


def has_membership(
    *, session: Session, person: Person, site_id: int, role: Role, class_id: int | None = None
) -> bool:
    query = _membership_query(person, site_id, role, class_id).where(col(Membership.active))
    return session.exec(query).first() is not None


def add_membership(
    *, session: Session, person: Person, site_id: int, role: Role, class_id: int | None = None
) -> tuple[Membership, bool]:
    """Give a person a role; returns the membership and whether it is new (uncommitted)."""
    membership = session.exec(_membership_query(person, site_id, role, class_id)).first()
    if membership is not None and membership.active:
        return membership, False
    if membership is None:
        assert person.id is not None
        membership = Membership(person_id=person.id, site_id=site_id, role=role, class_id=class_id)
        session.add(membership)
    membership.active = True
    membership.removed_at = membership.removed_by = None  # the removal stays in the audit trail
    session.flush()
    return membership, True


@dataclass(frozen=True)
class Sender:
    """Who sent an update: a read-only view of a person, loaded with their roles."""

    id: int
    telegram_user_id: int
    display_name: str
    language: str | None


@dataclass(frozen=True)
class Identity:
    """A sender, their active roles and the sites of those roles (read-only copies)."""

    sender: Sender | None
    roles: list[RoleAtSite]
    sites: dict[int, Site]


# Built once and run on the Core connection: the hottest query of all (every update). It
# brings the sites too: nearly every flow reads its site's rules, so that costs no query.
_P, _M, _S, _C = (t.__table__ for t in (Person, Membership, Site, SchoolClass))  # type: ignore[union-attr]
_IDENTITY = (
    sa_select(
        _P.c.id,
        _P.c.display_name,
        _P.c.language,
        _M.c.role,
        _M.c.class_id,
        _C.c.name.label("class_name"),
        *(c.label(f"s_{c.name}") for c in _S.c),
    )
    .select_from(
        _P.outerjoin(_M, and_(_M.c.person_id == _P.c.id, _M.c.active))
        .outerjoin(_S, _S.c.id == _M.c.site_id)
        .outerjoin(_C, _C.c.id == _M.c.class_id)
    )
    .where(_P.c.telegram_user_id == bindparam("telegram_user_id"))
    .order_by(_S.c.id, _M.c.id)
)


def load_identity(*, session: Session, telegram_user_id: int) -> Identity:
    """The person behind a Telegram id, all their active roles and those roles' sites, in
    one query."""
    rows = session.connection().execute(_IDENTITY, {"telegram_user_id": telegram_user_id}).all()
    if not rows:
        return Identity(None, [], {})
    first = rows[0]
    sender = Sender(first.id, telegram_user_id, first.display_name, first.language)
    roles = [
        RoleAtSite(r.s_id, r.s_name, Role(r.role), r.class_id, r.class_name)
        for r in rows
        if r.role is not None and r.s_id is not None
    ]
    sites = {
        r.s_id: read_only(Site, {c.name: r._mapping[f"s_{c.name}"] for c in _S.c})
        for r in rows
        if r.s_id is not None
    }
    return Identity(sender, roles, sites)


def sites_where_allowed(roles: list[RoleAtSite], action: Action) -> list[int]:
    """The sites at which any of these roles allows the action, in order, without repeats."""
    return list(dict.fromkeys(r.site_id for r in roles if can([r.role], action)))


def list_people_with_action(*, session: Session, site_id: int, action: Action) -> list[Person]:
    """People at a site whose roles allow an action (e.g. who receives escalations)."""
    query = (
        select(Person, Membership)
        .join(Membership, col(Membership.person_id) == col(Person.id))
        .where(Membership.site_id == site_id, col(Membership.active))
        .order_by(col(Person.id))
    )
    people: dict[int, Person] = {}
    for person, membership in session.exec(query):
        if can([membership.role], action) and person.id is not None:
            people[person.id] = person
    return list(people.values())
