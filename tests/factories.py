"""Arrange data the way the bot's own flows would create it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from storage.invites import create_invite as _create_invite
from storage.invites import redeem_invite
from storage.models import Invite, Person, SchoolClass, Site
from storage.permissions import Role
from storage.sites import add_classes, create_site, list_classes
from tests.support.telegram import User

DEFAULT_CLASSES = ("小一班", "小二班", "中一班")


def make_site(
    db: Session, name: str = "第一幼儿园", classes: Sequence[str] = DEFAULT_CLASSES
) -> Site:
    site = create_site(session=db, name=name)
    add_classes(session=db, site=site, names=classes)
    return site


def class_named(db: Session, site: Site, name: str) -> SchoolClass:
    assert site.id is not None
    return next(c for c in list_classes(session=db, site_id=site.id) if c.name == name)


def make_invite(db: Session, site: Site, role: Role, class_name: str | None = None) -> Invite:
    assert site.id is not None
    class_id = class_named(db, site, class_name).id if class_name else None
    return _create_invite(session=db, site_id=site.id, role=role, class_id=class_id)


def make_member(
    db: Session, site: Site, user: User, role: Role, class_name: str | None = None
) -> Person:
    """Join a user to a site through an invitation, as the deep link would."""
    invite = make_invite(db, site, role, class_name)
    joined = redeem_invite(
        session=db, code=invite.code, telegram_user_id=user.id, display_name=user.full_name
    )
    return joined.person
