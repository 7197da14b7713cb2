"""A site's own wording of the shipped notice templates (the shipped ones live in bot.views)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.audit import record_event
from storage.notice_models import NoticeTemplate
from storage.types import utcnow


def get_site_template(
    *, session: Session, site_id: int, key: str, language: str
) -> NoticeTemplate | None:
    return session.exec(
        select(NoticeTemplate).where(
            NoticeTemplate.site_id == site_id,
            NoticeTemplate.key == key,
            NoticeTemplate.language == language,
        )
    ).first()


def save_site_template(
    *,
    session: Session,
    site_id: int,
    key: str,
    language: str,
    title: str,
    body: str,
    person_id: int | None,
) -> NoticeTemplate:
    """Keep this wording as the site's template `key` in `language` (replacing an earlier one)."""
    template = get_site_template(session=session, site_id=site_id, key=key, language=language)
    if template is None:
        template = NoticeTemplate(site_id=site_id, key=key, language=language, title="", body="")
    template.title, template.body = title, body
    template.updated_by, template.updated_at = person_id, utcnow()
    session.add(template)
    record_event(
        session=session,
        action="notice.template",
        site_id=site_id,
        person_id=person_id,
        key=key,
        language=language,
    )
    session.commit()
    return template
