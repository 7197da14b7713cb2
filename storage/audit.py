"""The append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage.models import AuditEvent


def record_event(
    *,
    session: Session,
    action: str,
    site_id: int | None = None,
    person_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the session; it is committed with the change it describes."""
    event = AuditEvent(action=action, site_id=site_id, person_id=person_id, detail=detail)
    session.add(event)
    return event
