"""Sites, their classes and their areas."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.audit import record_event
from storage.calendar_defaults import seed_defaults
from storage.models import Area, AreaKind, SchoolClass, Site, SiteKind
from storage.site_settings import SiteSettings, get_site_settings, save_site_settings
from storage.types import utcnow


class SiteError(ValueError):
    """A site-level request that cannot be carried out; ``code`` names the reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def create_site(
    *,
    session: Session,
    name: str,
    kind: SiteKind = SiteKind.KINDERGARTEN,
    timezone: str = "Asia/Shanghai",
    language: str = "zh",
    boarding: bool = False,
    now: datetime | None = None,
) -> Site:
    name = name.strip()
    if not name:
        raise SiteError("empty_name")
    site = Site(name=name, kind=kind, timezone=timezone, language=language, boarding=boarding)
    session.add(site)
    session.flush()
    # The safety calendar's defaults start on the day the site is created.
    today = (now or utcnow()).astimezone(ZoneInfo(timezone)).date()
    seed_defaults(session=session, site=site, start=today)
    record_event(session=session, action="site.create", site_id=site.id, name=name)
    session.commit()
    return site


def get_site(*, session: Session, site_id: int) -> Site | None:
    return session.get(Site, site_id)


def list_sites(*, session: Session) -> list[Site]:
    return list(session.exec(select(Site).order_by(col(Site.id))))


def add_classes(*, session: Session, site: Site, names: Iterable[str]) -> list[SchoolClass]:
    """Add classes (skipping names the site already has), each with its daily areas."""
    assert site.id is not None
    existing = {c.name for c in list_classes(session=session, site_id=site.id)}
    position = len(existing)
    added: list[SchoolClass] = []
    for raw in names:
        name = raw.strip()
        if not name or name in existing:
            continue
        position += 1
        school_class = SchoolClass(site_id=site.id, name=name, position=position)
        session.add(school_class)
        session.flush()
        existing.add(name)
        added.append(school_class)
    ensure_class_areas(session=session, site=site)
    record_event(
        session=session, action="class.add", site_id=site.id, names=[c.name for c in added]
    )
    session.commit()
    return added


def ensure_class_areas(*, session: Session, site: Site) -> int:
    """Give every class the daily areas the site's settings name (uncommitted); returns how many."""
    assert site.id is not None
    kinds = get_site_settings(site).disinfection_areas
    have = {(a.class_id, a.kind) for a in session.exec(select(Area).where(Area.site_id == site.id))}
    added = 0
    for school_class in list_classes(session=session, site_id=site.id):
        for kind in kinds:
            if (school_class.id, kind) not in have:
                session.add(Area(site_id=site.id, class_id=school_class.id, kind=kind))
                added += 1
    session.flush()
    return added


def update_site_settings(
    *, session: Session, site: Site, changes: dict[str, object]
) -> SiteSettings:
    """Validate and save changed settings (ValueError naming the bad key), then add any
    newly named daily areas to every class."""
    merged = {**get_site_settings(site).model_dump(mode="json"), **changes}
    unknown = sorted(set(changes) - set(SiteSettings.model_fields))
    if unknown:
        raise ValueError(f"unknown setting: {', '.join(unknown)}")
    settings = SiteSettings.model_validate(merged)  # raises pydantic's ValidationError
    save_site_settings(site, settings)
    session.add(site)
    ensure_class_areas(session=session, site=site)
    record_event(session=session, action="site.settings", site_id=site.id, changes=changes)
    session.commit()
    return settings


def list_classes(*, session: Session, site_id: int) -> list[SchoolClass]:
    query = (
        select(SchoolClass)
        .where(SchoolClass.site_id == site_id, col(SchoolClass.active))
        .order_by(col(SchoolClass.position), col(SchoolClass.id))
    )
    return list(session.exec(query))


def get_class(*, session: Session, class_id: int) -> SchoolClass | None:
    return session.get(SchoolClass, class_id)


def list_class_areas(
    *, session: Session, site_id: int, kinds: Iterable[AreaKind] | None = None
) -> list[Area]:
    """The active areas that belong to classes, in class order."""
    query = (
        select(Area)
        .join(SchoolClass, col(SchoolClass.id) == col(Area.class_id))
        .where(Area.site_id == site_id, col(Area.active), col(SchoolClass.active))
        .order_by(col(SchoolClass.position), col(SchoolClass.id), col(Area.id))
    )
    if kinds is not None:
        query = query.where(col(Area.kind).in_([str(k) for k in kinds]))
    return list(session.exec(query))


def get_area(*, session: Session, area_id: int) -> Area | None:
    return session.get(Area, area_id)
