"""A message whose buttons are spent is edited, so no one taps them again."""

from __future__ import annotations

from sqlmodel import Session

from storage.permissions import Role
from tests.disinfection.setup import confirm, make_kindergarten, records
from tests.factories import make_invite, make_member, make_site
from tests.support.telegram import Telegram, User, to

DIRECTOR = User(501, "王丽")


async def test_withdrawing_an_invitation_edits_the_list_without_it(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    make_invite(db, site, Role.KITCHEN)
    make_invite(db, site, Role.GUARD)
    listing = (await telegram.send(DIRECTOR, "/invites"))[-1]
    assert [label for label, _ in listing.buttons()] == ["撤销 1", "撤销 2"]
    assert "门卫" in listing.text and "厨房人员" in listing.text

    first = [c for c in await telegram.press(DIRECTOR, listing, "撤销 1")][-1]

    assert first.method == "editMessageText"
    assert first.params["message_id"] == listing.result["message_id"]
    assert first.text.startswith("邀请已撤销，该链接已失效。\n\n有效的邀请：\n1. ")
    assert "门卫" not in first.text and "厨房人员" in first.text
    assert [label for label, _ in first.buttons()] == ["撤销 1"]
    last = (await telegram.press(DIRECTOR, first, "撤销 1"))[-1]
    assert last.text == "邀请已撤销，该链接已失效。\n\n目前没有有效的邀请。"
    assert last.buttons() == []


async def test_the_running_uv_message_loses_its_buttons_when_the_session_ends(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小二班"]
    telegram.set_local_time("2026-11-23 12:10")
    prompt = (await confirm(telegram, caregiver, "小二班 午睡室", "紫外线灯"))[-1]
    running = (await telegram.press(caregiver, prompt, "开始"))[-1]
    [record] = records(db)
    telegram.set_local_time("2026-11-23 13:10")
    reminder = to(await telegram.run_job(f"disinfection-uv:{record.id}"), caregiver.id)[-1]
    telegram.set_local_time("2026-11-23 13:12")

    calls = await telegram.press(caregiver, reminder, "结束")

    edits = {c.params["message_id"]: c for c in calls if c.method == "editMessageText"}
    running_id = running.params["message_id"]
    assert set(edits) == {reminder.result["message_id"], running_id}
    assert edits[running_id].buttons() == []
    assert edits[running_id].text.startswith("✅ 已记录：小二班 午睡室 · 紫外线灯 · 12:10–13:12")


async def test_an_aborted_uv_session_leaves_no_end_button_behind(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小二班"]
    telegram.set_local_time("2026-11-23 12:10")
    prompt = (await confirm(telegram, caregiver, "小二班 午睡室", "紫外线灯"))[-1]
    running = (await telegram.press(caregiver, prompt, "开始"))[-1]
    [record] = records(db)
    telegram.set_local_time("2026-11-23 13:10")
    reminder = to(await telegram.run_job(f"disinfection-uv:{record.id}"), caregiver.id)[-1]

    calls = await telegram.press(caregiver, running, "中止")

    edits = {c.params["message_id"]: c for c in calls if c.method == "editMessageText"}
    assert set(edits) == {running.params["message_id"], reminder.result["message_id"]}
    assert all(e.buttons() == [] and "紫外线消毒已中止" in e.text for e in edits.values())
