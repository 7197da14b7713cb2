"""The status machine: every allowed step works, every forbidden one raises and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from storage.permissions import Role
from storage.repairs import confirm_draft, create_draft, due_time
from storage.repairs_models import Status, Ticket, TicketKind
from storage.repairs_rules import TRANSITIONS, Actor, TicketError
from storage.repairs_steps import (
    accept,
    assign,
    cancel,
    cannot_fix,
    complete,
    reject,
    reopen,
    start,
    verify,
)
from tests.repairs.setup import (
    CAREGIVER,
    HEALTH_TEACHER,
    LEAD,
    OTHER_WORKER,
    WORKER,
    Kindergarten,
    history,
    make_kindergarten,
)

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai


def actor(k: Kindergarten, user: Any, role: Role) -> Actor:
    return Actor(k.person_id(user), frozenset({role}))


def calls(k: Kindergarten, db: Session) -> dict[str, Callable[[Ticket], Ticket]]:
    """One way to attempt each action, by the person who would normally take it."""
    lead, worker = actor(k, LEAD, Role.LOGISTICS_LEAD), actor(k, WORKER, Role.MAINTENANCE)
    reporter = actor(k, CAREGIVER, Role.CAREGIVER)
    common: dict[str, Any] = {"session": db, "now": NOW}
    return {
        "confirm": lambda t: confirm_draft(ticket=t, actor=reporter, **common),
        "accept": lambda t: accept(ticket=t, actor=worker, **common),
        "assign": lambda t: assign(ticket=t, actor=lead, assignee_id=k.person_id(WORKER), **common),
        "start": lambda t: start(ticket=t, actor=worker, **common),
        "complete": lambda t: complete(
            ticket=t, actor=worker, note="换了垫圈", photo_file_ids=["after"], **common
        ),
        "cannot_fix": lambda t: cannot_fix(ticket=t, actor=worker, reason="需采购", **common),
        "verify": lambda t: verify(ticket=t, actor=reporter, **common),
        "reject": lambda t: reject(ticket=t, actor=reporter, reason="还在漏", **common),
        "cancel": lambda t: cancel(ticket=t, actor=lead, reason="重复报修", **common),
        "reopen": lambda t: reopen(ticket=t, actor=lead, reason="配件到了", **common),
    }


def ticket_in(db: Session, k: Kindergarten, status: Status) -> Ticket:
    draft = create_draft(
        session=db,
        site_id=k.site_id,
        reporter_id=k.person_id(CAREGIVER),
        description="水龙头漏水",
        location="小一班",
        category="plumbing",
        now=NOW,
    )
    ticket = db.get(Ticket, draft.id)
    assert ticket is not None
    ticket.status = status
    ticket.assignee_id = k.person_id(WORKER)
    ticket.number, ticket.year = (None, None) if status == Status.DRAFT else (ticket.id, 2026)
    db.add(ticket)
    db.commit()
    return ticket


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_each_forbidden_transition_raises_and_changes_nothing(db: Session, action: str) -> None:
    k = make_kindergarten(db)
    allowed, _target = TRANSITIONS[action]
    forbidden = [status for status in Status if status not in allowed]
    assert forbidden
    for status in forbidden:
        ticket = ticket_in(db, k, status)
        before = history(db, ticket)

        with pytest.raises(TicketError) as raised:
            calls(k, db)[action](ticket)

        assert raised.value.code == "bad_transition", (action, status)
        db.refresh(ticket)
        assert ticket.status == status and history(db, ticket) == before


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_every_allowed_transition_is_recorded_in_the_history(db: Session, action: str) -> None:
    k = make_kindergarten(db)
    allowed, target = TRANSITIONS[action]
    start_status = sorted(allowed)[0]
    ticket = ticket_in(db, k, start_status)

    calls(k, db)[action](ticket)

    db.refresh(ticket)
    assert ticket.status == target
    assert history(db, ticket)[-1] == (action, start_status, target)


def test_someone_else_cannot_press_the_assignees_buttons(db: Session) -> None:
    k = make_kindergarten(db)
    ticket = ticket_in(db, k, Status.IN_PROGRESS)
    other = actor(k, OTHER_WORKER, Role.MAINTENANCE)

    for attempt in (
        lambda: start(session=db, ticket=ticket, actor=other, now=NOW),
        lambda: complete(
            session=db, ticket=ticket, actor=other, note="修好了", photo_file_ids=[], now=NOW
        ),
    ):
        with pytest.raises(TicketError) as raised:
            attempt()
        assert raised.value.code == "not_assignee"


def test_only_a_maintenance_worker_of_the_site_can_be_assigned(db: Session) -> None:
    k = make_kindergarten(db)
    ticket = ticket_in(db, k, Status.NEW)
    lead = actor(k, LEAD, Role.LOGISTICS_LEAD)

    with pytest.raises(TicketError) as raised:
        assign(session=db, ticket=ticket, actor=lead, assignee_id=k.person_id(CAREGIVER), now=NOW)
    with pytest.raises(TicketError) as not_lead:
        assign(
            session=db,
            ticket=ticket,
            actor=actor(k, CAREGIVER, Role.CAREGIVER),
            assignee_id=k.person_id(WORKER),
            now=NOW,
        )

    assert (raised.value.code, not_lead.value.code) == ("not_maintenance", "not_allowed")
    assert ticket.status == Status.NEW


def test_the_lead_who_fixed_a_hazard_cannot_verify_it(db: Session) -> None:
    k = make_kindergarten(db)
    ticket = ticket_in(db, k, Status.DONE)
    ticket.kind, ticket.fixed_by_id = TicketKind.HAZARD, k.person_id(LEAD)
    db.add(ticket)
    db.commit()

    with pytest.raises(TicketError) as fixer:
        verify(session=db, ticket=ticket, actor=actor(k, LEAD, Role.LOGISTICS_LEAD), now=NOW)
    with pytest.raises(TicketError) as reporter:
        verify(session=db, ticket=ticket, actor=actor(k, CAREGIVER, Role.CAREGIVER), now=NOW)
    verify(session=db, ticket=ticket, actor=actor(k, HEALTH_TEACHER, Role.HEALTH_TEACHER), now=NOW)

    assert (fixer.value.code, reporter.value.code) == ("fixer_cannot_verify", "not_verifier")
    assert ticket.status == Status.VERIFIED


def test_empty_and_overlong_texts_are_refused(db: Session) -> None:
    k = make_kindergarten(db)
    ticket = ticket_in(db, k, Status.IN_PROGRESS)
    worker = actor(k, WORKER, Role.MAINTENANCE)
    for text, code in (
        ("", "empty_text"),
        ("5", "empty_text"),
        ("。", "empty_text"),
        ("坏" * 5000, "too_long"),
    ):
        with pytest.raises(TicketError) as raised:
            cannot_fix(session=db, ticket=ticket, actor=worker, reason=text, now=NOW)
        assert raised.value.code == code
    assert ticket.status == Status.IN_PROGRESS


def test_due_times_urgent_in_hours_normal_in_school_days(db: Session) -> None:
    k = make_kindergarten(db)
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 local

    assert due_time(k.site, "urgent", friday) == friday + timedelta(hours=4)
    assert due_time(k.site, "normal", friday) == datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_numbers_count_per_site_and_year(db: Session) -> None:
    k = make_kindergarten(db)
    reporter = actor(k, CAREGIVER, Role.CAREGIVER)
    codes = []
    for moment in (NOW, NOW + timedelta(hours=1), datetime(2026, 12, 31, 17, 0, tzinfo=UTC)):
        draft = create_draft(
            session=db,
            site_id=k.site_id,
            reporter_id=reporter.person_id,
            description="灯不亮",
            location="小二班",
            category="electric",
            now=moment,
        )
        codes.append(confirm_draft(session=db, ticket=draft, actor=reporter, now=moment).code)

    # 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai.
    assert codes == ["#2026-0001", "#2026-0002", "#2027-0001"]


def test_closed_days_of_the_site_calendar_do_not_count(db: Session) -> None:
    k = make_kindergarten(db)
    friday = datetime(2026, 9, 25, 2, 0, tzinfo=UTC)  # Friday 10:00 local
    closed = {date(2026, 9, 29) + timedelta(days=n) for n in range(9)}  # Sep 29 – Oct 7

    due = due_time(k.site, "normal", friday, lambda day: day.weekday() < 5 and day not in closed)

    # Monday 28 is one school day; the holiday counts none; Thursday 8 and Friday 9 two more.
    assert due == datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
