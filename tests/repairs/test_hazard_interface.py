"""The interface the zone self-check uses: report_hazard + after_ticket_opened."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from jobs.repairs import after_ticket_opened
from storage.models import Zone
from storage.repairs import report_hazard
from storage.repairs_models import Status, TicketKind
from tests.repairs.setup import (
    CAREGIVER,
    LEAD,
    MAINTENANCE_GROUP,
    make_kindergarten,
    photos,
    tickets,
)
from tests.support.networking import FAKE_JPEG
from tests.support.telegram import Telegram, to


async def test_a_hazard_from_a_self_check_is_numbered_kept_and_posted_to_maintenance(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    zone = Zone(site_id=k.site_id, name="东侧楼梯")
    db.add(zone)
    db.commit()
    now = telegram.set_local_time("2026-11-26 08:10")

    ticket = report_hazard(
        session=db,
        site_id=k.site_id,
        reporter_id=k.person_id(CAREGIVER),
        description="楼梯扶手松动",
        location="东侧楼梯",
        zone_id=zone.id,
        photo_file_ids=["hazard-photo-1"],
        now=now.astimezone(UTC),
    )
    await after_ticket_opened(telegram.app, ticket.id or 0)

    [stored] = tickets(db)
    assert (stored.code, stored.kind, stored.status, stored.zone_id) == (
        "#2026-0001",
        TicketKind.HAZARD,
        Status.NEW,
        zone.id,
    )
    assert stored.due_at == datetime(2026, 12, 1, 0, 10, tzinfo=UTC)  # 3 school days later
    [photo] = photos(db, stored)
    assert photo.path is not None
    assert (Path(telegram.app.settings.data_dir) / photo.path).read_bytes() == FAKE_JPEG
    [post] = to(telegram.request.calls, MAINTENANCE_GROUP.id)
    assert post.method == "sendPhoto" and post.params["photo"] == "hazard-photo-1"
    assert post.text.startswith("⚠️ 隐患 #2026-0001")
    assert "地点：东侧楼梯" in post.text and "问题：楼梯扶手松动" in post.text
    assert [label for label, _ in post.buttons()] == ["✋ 接单", "👷 指派"]
    assert to(telegram.request.calls, LEAD.id) == []


async def test_without_a_maintenance_group_the_logistics_lead_gets_it_privately(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db, maintenance_group=False)
    now = telegram.set_local_time("2026-11-26 08:10")
    ticket = report_hazard(
        session=db,
        site_id=k.site_id,
        reporter_id=k.person_id(CAREGIVER),
        description="插座外壳破裂",
        location="小一班",
        zone_id=None,
        photo_file_ids=[],
        now=now.astimezone(UTC),
    )

    await after_ticket_opened(telegram.app, ticket.id or 0)
    await after_ticket_opened(telegram.app, ticket.id or 0)  # called twice: posted once

    [post] = to(telegram.request.calls, LEAD.id)
    assert post.method == "sendMessage" and "插座外壳破裂" in post.text
    assert [label for label, _ in post.buttons()] == ["👷 指派"]


async def test_a_photo_telegram_could_not_give_is_fetched_by_the_next_check(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    now = telegram.set_local_time("2026-11-26 08:10")
    ticket = report_hazard(
        session=db,
        site_id=k.site_id,
        reporter_id=k.person_id(CAREGIVER),
        description="消防通道堆放杂物",
        location="走廊",
        zone_id=None,
        photo_file_ids=["corridor-photo"],
        now=now.astimezone(UTC),
    )
    telegram.request.failures["getFile"] = (
        502,
        {"ok": False, "error_code": 502, "description": "Bad Gateway"},
    )
    await after_ticket_opened(telegram.app, ticket.id or 0)
    [photo] = photos(db, tickets(db)[0])
    assert photo.path is None
    assert to(telegram.request.calls, MAINTENANCE_GROUP.id)  # posted all the same

    del telegram.request.failures["getFile"]
    telegram.schedule()
    await telegram.run_job(f"repairs-deadlines:{k.site_id}")

    db.expire_all()
    [photo] = photos(db, tickets(db)[0])
    assert photo.path is not None
    assert (Path(telegram.app.settings.data_dir) / photo.path).read_bytes() == FAKE_JPEG
