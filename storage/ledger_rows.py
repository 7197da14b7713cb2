"""One function per ledger: the period's records, oldest first, as plain rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from storage.calendar_queries import drill_ledger, task_ledger
from storage.checkin_models import SickChild, SickFollowUp
from storage.checkins_ledger import attendance_by_class, children_sent_home
from storage.deliveries import delivery_ledger
from storage.disinfection_status import list_records
from storage.ledger_types import LedgerRow, Photo
from storage.models import SchoolClass, Site
from storage.repairs_models import Status, Ticket, TicketEvent, TicketKind, TicketPhoto
from storage.repairs_queries import names_of
from storage.samples_ledger import sample_ledger


def disinfection_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    rows = []
    for item in list_records(session=session, site_id=site_id, start=start, end=end):
        record = item.record
        duration = None
        if record.started_at and record.ended_at:
            duration = round((record.ended_at - record.started_at).total_seconds() / 60)
        rows.append(
            LedgerRow(
                record.day,
                {
                    "date": record.day,
                    "class": item.class_name,
                    "area": item.area_kind,
                    "round": record.round,
                    "method": record.method,
                    "concentration": record.concentration_mg_l,
                    "start": record.started_at or record.created_at,
                    "end": record.ended_at,
                    "minutes": duration,
                    "operator": item.operator,
                    "late": record.late,
                    "reason": record.late_reason,
                    "photo": Photo(file_id=record.photo_file_id) if record.photo_file_id else None,
                },
            )
        )
    return rows


def sample_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    return [
        LedgerRow(
            r.day,
            {
                "date": r.day,
                "meal": r.meal,
                "dish": r.dish,
                "grams": r.grams,
                "taken_at": r.taken_at,
                "taken_by": r.taken_by,
                "checked_by": r.checked_by,
                "fridge": float(r.fridge_temp_c),
                "dispose_due": r.dispose_due_at,
                "disposed_at": r.disposed_at,
                "disposed_by": r.disposed_by,
                "witness": r.witness,
                "hold_reason": r.hold_reason,
            },
        )
        for r in sample_ledger(session=session, site_id=site_id, start=start, end=end)
    ]


def delivery_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    site = _site(session, site_id)
    zone = ZoneInfo(site.timezone)
    return [
        LedgerRow(
            r.received_at.astimezone(zone).date(),
            {
                "date": r.received_at.astimezone(zone).date(),
                "time": r.received_at,
                "supplier": r.supplier,
                "item": r.item,
                "quantity": f"{r.quantity.normalize():f} {r.unit}".strip(),
                "temperature": float(r.temperature_c) if r.temperature_c is not None else None,
                "accepted": r.accepted,
                "reason": r.reject_reason,
                "received_by": r.received_by,
                "photo": Photo(file_id="delivery") if r.photo else None,
            },
        )
        for r in delivery_ledger(session=session, site=site, start=start, end=end)
    ]


def _ticket_rows(
    session: Session, site_id: int, start: date, end: date, kind: TicketKind
) -> list[LedgerRow]:
    site = _site(session, site_id)
    zone = ZoneInfo(site.timezone)
    low = datetime.combine(start, time(0), zone)
    high = datetime.combine(end + timedelta(days=1), time(0), zone)
    tickets = list(
        session.exec(
            select(Ticket)
            .where(
                Ticket.site_id == site_id,
                Ticket.kind == kind,
                col(Ticket.status) != Status.DRAFT,
                col(Ticket.created_at) >= low,
                col(Ticket.created_at) < high,
            )
            .order_by(col(Ticket.created_at))
        )
    )
    verifiers = _verifiers(session, [t.id or 0 for t in tickets])
    names = names_of(
        session=session,
        person_ids=[p for t in tickets for p in (t.reporter_id, t.assignee_id, t.fixed_by_id)]
        + list(verifiers.values()),
    )
    photos = _photo_paths(session, [t.id or 0 for t in tickets])
    rows = []
    for t in tickets:
        reported = t.created_at.astimezone(zone).date()
        closed = t.closed_at or (t.done_at if t.status == Status.DONE else None)
        rows.append(
            LedgerRow(
                reported,
                {
                    "number": t.code,
                    "date": reported,
                    "location": t.location,
                    "problem": t.description,
                    "reporter": names.get(t.reporter_id, ""),
                    "assignee": names.get(t.assignee_id or 0, ""),
                    "status": t.status,
                    "fixed_at": t.done_at,
                    "fixed_by": names.get(t.fixed_by_id or 0, ""),
                    "verified_by": names.get(verifiers.get(t.id or 0, 0), ""),
                    "days_open": ((closed or datetime.now(UTC)) - t.created_at).days,
                    "note": t.done_note or t.reason,
                    "photo": photos.get(t.id or 0),
                },
            )
        )
    return rows


def _verifiers(session: Session, ticket_ids: list[int]) -> dict[int, int]:
    """Who moved each ticket to verified (the last time)."""
    query = select(TicketEvent).where(
        col(TicketEvent.ticket_id).in_(ticket_ids), TicketEvent.to_status == Status.VERIFIED
    )
    return {e.ticket_id: e.person_id for e in session.exec(query) if e.person_id is not None}


def _photo_paths(session: Session, ticket_ids: list[int]) -> dict[int, Photo]:
    query = select(TicketPhoto).where(col(TicketPhoto.ticket_id).in_(ticket_ids))
    found: dict[int, Photo] = {}
    for photo in session.exec(query.order_by(col(TicketPhoto.id))):
        found.setdefault(photo.ticket_id, Photo(path=photo.path, file_id=photo.file_id))
    return found


def repair_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    return _ticket_rows(session, site_id, start, end, TicketKind.REPAIR)


def hazard_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    return _ticket_rows(session, site_id, start, end, TicketKind.HAZARD)


def drill_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    site = _site(session, site_id)
    return [
        LedgerRow(
            r.held_at.date(),
            {
                "date": r.held_at.date(),
                "time": r.held_at,
                "drill_type": r.drill_type,
                "children": r.children,
                "staff": r.staff,
                "evacuation": r.evacuation_seconds,
                "slow": r.slow,
                "problems": r.problems,
                "recorded_by": r.recorded_by,
                "photo": Photo(file_id="drill") if r.photos else None,
            },
        )
        for r in drill_ledger(session=session, site=site, start=start, end=end)
    ]


def task_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    site = _site(session, site_id)
    return [
        LedgerRow(
            r.due_date,
            {
                "due": r.due_date,
                "task": r.title,
                "role": r.role,
                "task_status": r.status,
                "completed_by": r.completed_by,
                "completed_at": r.completed_at,
                "late": r.late,
                "note": r.note or r.skip_reason,
                "photo": Photo(file_id="task") if r.photos else None,
            },
        )
        for r in task_ledger(
            session=session, site=site, start=start, end=end, now=datetime.now(UTC)
        )
    ]


def _site(session: Session, site_id: int) -> Site:
    site = session.get(Site, site_id)
    assert site is not None
    return site


def attendance_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    sent_home: dict[tuple[date, str], list[str]] = {}
    for child in children_sent_home(session=session, site_id=site_id, start=start, end=end):
        sent_home.setdefault((child.day, child.class_name), []).append(
            f"{child.name}（{child.symptom}）"
        )
    return [
        LedgerRow(
            r.day,
            {
                "date": r.day,
                "class": r.class_name,
                "expected": r.expected,
                "present": r.present,
                "absent_sick": r.absent_sick,
                "absent_personal": r.absent_personal,
                "absent_other": r.absent_other,
                "rate": f"{round(r.rate * 100)}%",
                "sent_home": "、".join(sent_home.get((r.day, r.class_name), [])),
                "late": r.late,
            },
        )
        for r in attendance_by_class(session=session, site_id=site_id, start=start, end=end)
    ]


def sick_rows(*, session: Session, site_id: int, start: date, end: date) -> list[LedgerRow]:
    """因病缺勤追踪: each child absent through illness first reported in the period."""
    children = session.exec(
        select(SickChild)
        .where(
            SickChild.site_id == site_id,
            col(SickChild.first_day) >= start,
            col(SickChild.first_day) <= end,
        )
        .order_by(col(SickChild.first_day), col(SickChild.id))
    ).all()
    classes = {
        c.id: c.name
        for c in session.exec(select(SchoolClass).where(SchoolClass.site_id == site_id))
    }
    followups: dict[int, list[SickFollowUp]] = {}
    query = select(SickFollowUp).where(
        col(SickFollowUp.sick_child_id).in_([c.id or 0 for c in children])
    )
    for row in session.exec(query.order_by(col(SickFollowUp.day))):
        followups.setdefault(row.sick_child_id, []).append(row)
    rows = []
    for child in children:
        seen = followups.get(child.id or 0, [])
        rows.append(
            LedgerRow(
                child.first_day,
                {
                    "date": child.first_day,
                    "class": classes.get(child.class_id, ""),
                    "child": child.name,
                    "symptom": child.symptom,
                    "followups": "；".join(
                        f"{f.day.month}/{f.day.day} {'返园' if f.back else f.reason or '未返园'}"
                        for f in seen
                    ),
                    "returned": child.returned_on,
                },
            )
        )
    return rows
