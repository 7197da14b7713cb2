"""The whole loop: a photo report in the staff group → maintenance → fixed → checked."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from storage.repairs_models import Category, PhotoStage, Status
from tests.repairs.setup import (
    CAREGIVER,
    MAINTENANCE_GROUP,
    STAFF_GROUP,
    TEACHER,
    WORKER,
    history,
    last_with_buttons,
    make_kindergarten,
    photos,
    tickets,
)
from tests.support.networking import FAKE_JPEG
from tests.support.telegram import Telegram, answers, to


async def report_in_group(telegram: Telegram, caption: str = "报修 小一班 水龙头漏水") -> None:
    """The caregiver posts a photo with a caption in the staff group and submits the draft."""
    draft = (await telegram.send_photo(CAREGIVER, caption, chat=STAFF_GROUP))[-1]
    await telegram.press(CAREGIVER, draft, "提交")


async def take_and_finish(telegram: Telegram) -> None:
    """赵强 takes it in the maintenance group, starts, and finishes with a note and a photo."""
    post = to(telegram.request.calls, MAINTENANCE_GROUP.id)[0]
    taken = (await telegram.press(WORKER, post, "接单"))[-1]
    started = (await telegram.press(WORKER, taken, "开始"))[-1]
    await telegram.press(WORKER, started, "完成")
    await telegram.send(WORKER, "换了水龙头垫圈")
    await telegram.send_photo(WORKER)


async def test_a_photo_report_in_the_group_goes_round_the_whole_loop(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")

    draft = (await telegram.send_photo(CAREGIVER, "报修 小一班 水龙头漏水", chat=STAFF_GROUP))[-1]
    assert draft.chat_id == STAFF_GROUP.id
    assert "地点：小一班" in draft.text and "类别：水管 · ⚪ 普通" in draft.text
    assert "问题：水龙头漏水" in draft.text
    stranger = await telegram.press(TEACHER, draft, "提交")
    assert answers(stranger) == ["只有报修人本人可以确认或修改这张草稿。"]
    assert tickets(db)[0].status == Status.DRAFT

    submitted = await telegram.press(CAREGIVER, draft, "提交")

    [ticket] = tickets(db)
    assert (ticket.code, ticket.location, ticket.category, ticket.status) == (
        "#2026-0001",
        "小一班",
        Category.PLUMBING,
        Status.NEW,
    )
    assert any("✅ 已提交 #2026-0001" in c.text for c in submitted)
    [post] = [c for c in to(submitted, MAINTENANCE_GROUP.id) if c.method == "sendPhoto"]
    assert "🔧 报修 #2026-0001" in post.text and "报修人：李芳" in post.text
    [before] = photos(db, ticket)
    assert (Path(telegram.app.settings.data_dir) / str(before.path)).read_bytes() == FAKE_JPEG

    await take_and_finish(telegram)

    ticket = tickets(db)[0]
    assert ticket.status == Status.DONE and ticket.assignee_id == k.person_id(WORKER)
    assert ticket.done_note == "换了水龙头垫圈"
    after = [p for p in photos(db, ticket) if p.stage == PhotoStage.AFTER]
    assert after and (Path(telegram.app.settings.data_dir) / str(after[0].path)).exists()
    to_reporter = to(telegram.request.calls, CAREGIVER.id)
    assert [c.method for c in to_reporter[-2:]] == ["sendPhoto", "sendPhoto"]
    check = last_with_buttons(to_reporter)
    assert "#2026-0001 已完成维修，修好了吗？" in check.text
    assert [label for label, _ in check.buttons()] == ["✅ 已修好", "❌ 没修好"]

    await telegram.press(CAREGIVER, check, "已修好")

    ticket = tickets(db)[0]
    assert ticket.status == Status.VERIFIED
    assert history(db, ticket) == [
        ("draft", None, "draft"),
        ("confirm", "draft", "new"),
        ("accept", "new", "accepted"),
        ("start", "accepted", "in_progress"),
        ("complete", "in_progress", "done"),
        ("verify", "done", "verified"),
    ]


async def test_not_fixed_reopens_with_the_reason_and_tells_the_assignee(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_in_group(telegram)
    await take_and_finish(telegram)
    check = last_with_buttons(to(telegram.request.calls, CAREGIVER.id))

    await telegram.press(CAREGIVER, check, "没修好")
    told = await telegram.send(CAREGIVER, "还在滴水")

    ticket = tickets(db)[0]
    assert ticket.status == Status.REOPENED and ticket.reason == "还在滴水"
    [to_worker] = to(told, WORKER.id)
    assert "#2026-0001" in to_worker.text and "原因：还在滴水" in to_worker.text
    assert "▶️ 开始" in [label for label, _ in to_worker.buttons()]
    assert history(db, ticket)[-1] == ("reject", "done", "reopened")


async def test_the_author_corrects_the_guess_before_submitting(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    draft = (await telegram.send(CAREGIVER, "repair: 门卫室的灯不亮", chat=STAFF_GROUP))[-1]
    assert "地点：门卫室" in draft.text and "类别：电路" in draft.text

    places = (await telegram.press(CAREGIVER, draft, "改地点"))[-1]
    moved = (await telegram.press(CAREGIVER, places, "中一班"))[-1]
    kinds = (await telegram.press(CAREGIVER, moved, "改类别"))[-1]
    fixed = (await telegram.press(CAREGIVER, kinds, "教学设备"))[-1]
    urgent = (await telegram.press(CAREGIVER, fixed, "紧急"))[-1]

    assert "地点：中一班" in urgent.text and "类别：教学设备 · 🔴 紧急" in urgent.text
    await telegram.press(CAREGIVER, urgent, "提交")
    [ticket] = tickets(db)
    assert (ticket.location, ticket.category, ticket.urgency, ticket.description) == (
        "中一班",
        "av",
        "urgent",
        "灯不亮",
    )
