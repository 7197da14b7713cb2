"""Binding staff groups: /bind, changing the purpose, /unbind, and who may do it."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import GroupPurpose, StaffGroup
from storage.permissions import Role
from tests.factories import make_member, make_site
from tests.support.telegram import Group, Telegram, User, answers

DIRECTOR = User(601, "王丽")
CAREGIVER = User(602, "李芳")
STAFF_GROUP = Group(-1001000000601, "第一幼儿园后勤群")


async def test_director_binds_the_staff_group_then_changes_its_purpose(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    offer = (await telegram.send(DIRECTOR, "/bind@houqin_test_bot", STAFF_GROUP))[-1]
    assert [label for label, _ in offer.buttons()] == ["教职工群", "维修群", "厨房群"]
    bound = await telegram.press(DIRECTOR, offer, "教职工群")
    assert answers(bound) == ["本群已设为第一幼儿园的教职工群。"]
    group = db.exec(select(StaffGroup)).one()
    assert (group.site_id, group.chat_id, group.purpose) == (site.id, STAFF_GROUP.id, "staff")

    offer = (await telegram.send(DIRECTOR, "/bind", STAFF_GROUP))[-1]
    await telegram.press(DIRECTOR, offer, "维修群")
    db.expire_all()
    assert db.exec(select(StaffGroup)).one().purpose == GroupPurpose.MAINTENANCE

    unbound = (await telegram.send(DIRECTOR, "/unbind", STAFF_GROUP))[-1]
    assert unbound.text == "本群已解除绑定，我将不再在这里发消息。"
    assert db.exec(select(StaffGroup)).all() == []


async def test_a_caregiver_cannot_bind_or_press_the_directors_button(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")

    refused = (await telegram.send(CAREGIVER, "/bind", STAFF_GROUP))[-1]
    offer = (await telegram.send(DIRECTOR, "/bind", STAFF_GROUP))[-1]
    pressed = await telegram.press(CAREGIVER, offer, "教职工群")

    assert refused.text == "只有园长 / 分管后勤园长可以进行此操作。"
    assert answers(pressed) == ["只有园长 / 分管后勤园长可以进行此操作。"]
    assert db.exec(select(StaffGroup)).all() == []


async def test_bind_in_private_chat_says_where_to_send_it(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    reply = (await telegram.send(DIRECTOR, "/bind"))[-1]

    assert reply.text == "请在要绑定的群里发送 /bind。"


async def test_a_group_upgraded_to_supergroup_stays_bound(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    old = Group(-601, "后勤群")
    offer = (await telegram.send(DIRECTOR, "/bind", old))[-1]
    await telegram.press(DIRECTOR, offer, "教职工群")

    await telegram.feed(
        {
            "message": {
                "message_id": 9,
                "date": 0,
                "chat": {"id": old.id, "type": "group", "title": old.title},
                "from": DIRECTOR.to_dict(),
                "migrate_to_chat_id": STAFF_GROUP.id,
            }
        }
    )

    db.expire_all()
    assert db.exec(select(StaffGroup)).one().chat_id == STAFF_GROUP.id
