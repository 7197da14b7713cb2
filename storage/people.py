"""People and their memberships (roles at sites)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.audit import record_event
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
    session.flush()
    return membership, True


# Built once: the hottest query of all (every update), with its parameter bound per call.
# Built once: the hottest query of all (every update), with its parameter bound per call.
# Only the person is an ORM entity; the roles come back as plain columns (much cheaper).
_IDENTITY = (
    sa_select(
        Person,
        col(Membership.role),
        col(Membership.class_id),
        col(Site.id),
        col(Site.name),
        col(SchoolClass.name),
    )
    .outerjoin(
        Membership, and_(col(Membership.person_id) == col(Person.id), col(Membership.active))
    )
    .outerjoin(Site, col(Site.id) == col(Membership.site_id))
    .outerjoin(SchoolClass, col(SchoolClass.id) == col(Membership.class_id))
    .where(col(Person.telegram_user_id) == bindparam("telegram_user_id"))
    .order_by(col(Site.id), col(Membership.id))
)


def load_identity(
    *, session: Session, telegram_user_id: int
) -> tuple[Person | None, list[RoleAtSite]]:
    """The person behind a Telegram id and all their active roles, in one query."""
    rows = session.execute(_IDENTITY, {"telegram_user_id": telegram_user_id}).all()
    if not rows:
        return None, []
    roles = [
        RoleAtSite(site_id, site_name, Role(role), class_id, class_name)
        for _person, role, class_id, site_id, site_name, class_name in rows
        if role is not None and site_id is not None
    ]
    return rows[0][0], roles


def list_roles(*, session: Session, person_id: int, site_id: int | None = None) -> list[RoleAtSite]:
    """Every active role of a person, optionally at one site."""
    query = (
        select(Membership, Site, SchoolClass)
        .join(Site, col(Site.id) == col(Membership.site_id))
        .outerjoin(SchoolClass, col(SchoolClass.id) == col(Membership.class_id))
        .where(Membership.person_id == person_id, col(Membership.active))
        .order_by(col(Site.id), col(Membership.id))
    )
    if site_id is not None:
        query = query.where(Membership.site_id == site_id)
    return [
        RoleAtSite(
            site_id=site.id or 0,
            site_name=site.name,
            role=Role(membership.role),
            class_id=membership.class_id,
            class_name=school_class.name if school_class else None,
        )
        for membership, site, school_class in session.exec(query)
    ]


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
