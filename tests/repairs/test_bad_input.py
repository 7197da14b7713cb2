"""Bad input gets a clear answer and changes nothing: files, chat, strangers, double taps,
forged buttons, numbers that do not exist or belong to another site."""

from __future__ import annotations

from sqlmodel import Session

from storage.permissions import Role
from storage.repairs import open_ticket
from storage.repairs_models import Status
from tests.factories import make_member, make_site
from tests.repairs.setup import (
    CAREGIVER,
    MAINTENANCE_GROUP,
    OTHER_WORKER,
    PARENT,
    STAFF_GROUP,
    WORKER,
    history,
    make_kindergarten,
    tickets,
)
from tests.repairs.test_story import report_in_group
from tests.support.telegram import Group, Telegram, User, answers, text_message, texts, to


async def test_ordinary_group_chat_and_unbound_groups_are_never_answered(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)

    chat = await telegram.send(CAREGIVER, "今天下午谁去报修？", chat=STAFF_GROUP)
    elsewhere = await telegram.send(CAREGIVER, "报修 小一班 灯坏了", chat=Group(-100999, "闲聊群"))
    repairs_word = await telegram.send(CAREGIVER, "repairs went well", chat=STAFF_GROUP)

    assert chat == [] and elsewhere == [] and repairs_word == []
    assert tickets(db) == []


async def test_a_file_an_empty_report_and_a_parent_are_answered_clearly(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    message = text_message(CAREGIVER, "", STAFF_GROUP)
    del message["text"]
    message["caption"] = "报修 小一班 水龙头漏水"
    message["document"] = {
        "file_id": "doc-1",
        "file_unique_id": "d1",
        "mime_type": "application/pdf",
    }

    as_file = await telegram.feed({"message": message})
    empty = await telegram.send(CAREGIVER, "报修", chat=STAFF_GROUP)
    parent = await telegram.send(PARENT, "报修 小一班 椅子坏了", chat=STAFF_GROUP)

    assert texts(as_file) == ["请直接发送照片，不要以文件形式发送。"]
    assert texts(empty) == ["请用文字描述一下。"]
    assert texts(parent)[0].startswith("只有") and "家长" not in texts(parent)[0]
    assert tickets(db) == []


async def test_only_the_assignee_works_the_ticket_and_a_double_tap_finishes_once(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_in_group(telegram)
    post = to(telegram.request.calls, MAINTENANCE_GROUP.id)[0]
    taken = (await telegram.press(WORKER, post, "接单"))[-1]
    parent = await telegram.press(PARENT, post, "接单")
    assert answers(parent)[0].startswith("只有") and "家长" not in answers(parent)[0]

    stranger = await telegram.press(OTHER_WORKER, taken, "开始")
    finish_by_stranger = await telegram.press(OTHER_WORKER, taken, "完成")
    assert answers(stranger) == answers(finish_by_stranger) == ["只有接单的维修人员可以操作。"]

    await telegram.press(WORKER, taken, "完成")
    await telegram.press(WORKER, taken, "完成")  # double tap: asked again, nothing done yet
    await telegram.send(WORKER, "换了垫圈")
    await telegram.send_photo(WORKER)
    late_tap = await telegram.press(WORKER, taken, "完成")

    assert answers(late_tap) == ["这张工单现在是「已完成，待验收」，不能进行这一步。"]
    ticket = tickets(db)[0]
    assert ticket.status == Status.DONE
    assert [a for a, *_ in history(db, ticket)].count("complete") == 1


async def test_forged_and_garbled_buttons_change_nothing(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    await report_in_group(telegram)
    post = to(telegram.request.calls, MAINTENANCE_GROUP.id)[0].result
    ticket_id = tickets(db)[0].id

    for data in (
        "rp:v1:acc:99999",
        "rp:v1:zz:1",
        f"rp:v1:asp:{ticket_id}:abc",
        f"rp:v1:dp:{ticket_id}:999",
        "rp:v1:acc:-1",
        "rp:v1:ok",
    ):
        calls = await telegram.press_data(WORKER, post, data)
        assert answers(calls), data

    assert tickets(db)[0].status == Status.NEW
    assert len(history(db, tickets(db)[0])) == 2


async def test_a_ticket_number_that_does_not_exist_or_is_another_sites(
    telegram: Telegram, db: Session
) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-11-26 10:00")
    other = make_site(db, name="第二幼儿园", classes=("大一班",))
    stranger = make_member(db, other, User(2201, "外园老师"), Role.CAREGIVER, "大一班")
    for description in ("大门坏了", "秋千松动"):
        open_ticket(
            session=db,
            now=telegram.app.clock(),
            site_id=other.id,
            reporter_id=stranger.id,
            description=description,
            location="大门",
            category="doors",
        )
    await report_in_group(telegram)

    missing = (await telegram.send(CAREGIVER, "/ticket 142"))[-1]
    garbage = (await telegram.send(CAREGIVER, "/ticket abc"))[-1]
    found = (await telegram.send(CAREGIVER, "/ticket 1"))[-1]

    elsewhere = (await telegram.send(CAREGIVER, "/ticket 2026-0002"))[-1]
    assert missing.text == "本园没有工单 #2026-0142。"
    assert elsewhere.text == "本园没有工单 #2026-0002。"
    assert garbage.text == "要查看哪张工单？例如：/ticket 142"
    assert found.text.startswith("🔧 报修 #2026-0001") and "记录：" in found.text
