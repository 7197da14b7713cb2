"""The zone self-check (责任区自查): ✅ 无隐患 or ⚠️ 发现隐患 with a description and a photo."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from storage.checkin_models import CheckinAnswer
from storage.checkins import CheckinError, NewAnswer, Template, store_answer, zone_subject
from storage.models import Site, Zone
from storage.school_days import leaves_on
from storage.zones import zone_duties

MAX_HAZARD = 500


def zone_answerer(*, session: Session, zone: Zone, day: date) -> int | None:
    """Who answers for the zone on this day: its person, or their stand-in while away."""
    leaves = leaves_on(session=session, site_ids=[zone.site_id], day=day)
    return zone_duties([zone], leaves, day)[0].person_id


def clean_hazard(raw: str) -> str:
    text = " ".join(raw.split())
    if not any(ch.isalpha() for ch in text):
        raise CheckinError("hazard_empty")
    if len(text) > MAX_HAZARD:
        raise CheckinError("hazard_long", count=len(text), limit=MAX_HAZARD)
    return text


def record_zone_check(
    *,
    session: Session,
    site: Site,
    zone: Zone,
    window: str,
    day: date,
    person_id: int,
    hazard: str | None,
    photo_file_id: str | None,
    now: datetime,
    late_reason: str | None = None,
    replace: bool = False,
) -> CheckinAnswer:
    """Store a self-check; only the zone's answerer of the day may (uncommitted: the caller
    opens the hazard ticket in the same transaction, then commits)."""
    assert zone.id is not None
    if not zone.active or zone.site_id != site.id:
        raise CheckinError("no_zone")
    if zone_answerer(session=session, zone=zone, day=day) != person_id:
        raise CheckinError("not_your_zone")
    data: dict[str, object] = {"ok": hazard is None}
    if hazard is not None:
        data["hazard"] = clean_hazard(hazard)
        data["photo"] = photo_file_id
    return store_answer(
        session=session,
        answer=NewAnswer(
            site=site,
            template=Template.ZONE,
            window=window,
            subject=zone_subject(zone.id),
            day=day,
            person_id=person_id,
            data=data,
            zone_id=zone.id,
            late_reason=late_reason,
            replace=replace,
        ),
        now=now,
    )


def link_ticket(*, session: Session, answer_id: int, ticket_id: int) -> None:
    """Note on the self-check the hazard ticket it opened (committed)."""
    answer = session.get(CheckinAnswer, answer_id)
    assert answer is not None
    answer.data = {**answer.data, "ticket_id": ticket_id}
    session.add(answer)
    session.commit()
