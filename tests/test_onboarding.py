"""Onboarding stories: invitation → join → menu; bad codes; language; /me and /help."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from storage.models import AuditEvent, Invite, Membership, Person
from storage.permissions import Role
from storage.types import utcnow
from tests.factories import make_invite, make_member, make_site
from tests.support.telegram import Telegram, User, texts, to

DIRECTOR = User(501, "王丽")
CAREGIVER = User(502, "李芳")
STRANGER = User(503, "陌生人")


async def test_director_joins_by_deep_link_and_sees_a_chinese_menu(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    invite = make_invite(db, site, Role.DIRECTOR)

    calls = await telegram.send(DIRECTOR, f"/start {invite.code}")

    reply = calls[-1]
    assert "欢迎加入第一幼儿园" in reply.text and "园长" in reply.text
    assert reply.keyboard() == [
        "🧴 消毒打卡",
        "✅ 责任区自查",
        "📊 今日概况",
        "📁 台账导出",
        "🔧 报修",
        "⚠️ 隐患",
        "📅 工作日历",
        "➕ 邀请",
        "👥 成员",
        "📢 告家长书",
        "👤 我的",
        "❓ 帮助",
    ]
    membership = db.exec(select(Membership)).one()
    assert (membership.role, membership.site_id) == (Role.DIRECTOR, site.id)
    assert db.exec(select(Invite)).one().uses == 1
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "invite.redeem")).one()


async def test_caregiver_invited_in_chat_joins_her_class(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    picker = (await telegram.send(DIRECTOR, "/invite"))[-1]
    assert picker.text == "邀请谁？请选择身份："
    classes = (await telegram.press(DIRECTOR, picker, "保育员"))[-1]
    assert classes.method == "editMessageText" and classes.text == "哪个班级？"
    issued = await telegram.press(DIRECTOR, classes, "小二班")
    link_message = next(c for c in issued if c.method == "editMessageText")
    qr = next(c for c in issued if c.method == "sendPhoto")
    assert (
        "小二班 · 保育员" in link_message.text
        and "https://t.me/houqin_test_bot?start=" in link_message.text
    )
    assert qr.params["caption"] in link_message.text
    code = link_message.text.split("?start=")[1].split()[0]

    calls = await telegram.send(CAREGIVER, f"/start {code}")
    joined = to(calls, CAREGIVER.id)[-1]

    assert "小二班 · 保育员" in joined.text
    assert joined.keyboard() == [
        "🧴 消毒打卡",
        "🩺 晨检",
        "✅ 责任区自查",
        "🔧 报修",
        "⚠️ 隐患",
        "📅 工作日历",
        "👤 我的",
        "❓ 帮助",
    ]
    person = db.exec(select(Person).where(Person.telegram_user_id == CAREGIVER.id)).one()
    membership = db.exec(select(Membership).where(Membership.person_id == person.id)).one()
    assert membership.role == Role.CAREGIVER and membership.class_id is not None


async def test_bad_invitation_codes_are_refused_and_change_nothing(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    expired = make_invite(db, site, Role.GUARD)
    expired.expires_at = utcnow() - timedelta(minutes=1)
    revoked = make_invite(db, site, Role.GUARD)
    revoked.revoked_at = utcnow()
    used = make_invite(db, site, Role.GUARD)
    used.uses = used.max_uses
    db.add_all([expired, revoked, used])
    db.commit()

    replies = [
        (await telegram.send(STRANGER, f"/start {code}"))[-1].text
        for code in ("no-such-code", expired.code, revoked.code, used.code)
    ]

    assert replies == [
        "这个邀请链接无效，请索取新的邀请。",
        "这个邀请已过期，请索取新的邀请。",
        "这个邀请已被撤销，请索取新的邀请。",
        "这个邀请已被使用，请索取新的邀请。",
    ]
    assert db.exec(select(Membership)).all() == []
    assert db.exec(select(Person)).all() == []


async def test_a_single_use_invitation_admits_one_person(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    invite = make_invite(db, site, Role.GUARD)

    await telegram.send(CAREGIVER, f"/start {invite.code}")
    second = (await telegram.send(STRANGER, f"/start {invite.code}"))[-1]
    again = (await telegram.send(CAREGIVER, f"/start {invite.code}"))[-1]

    assert second.text == "这个邀请已被使用，请索取新的邀请。"
    assert "已经是第一幼儿园的门卫" in again.text
    assert len(db.exec(select(Membership)).all()) == 1


async def test_start_without_a_code_explains_how_to_join(telegram: Telegram, db: Session) -> None:
    reply = (await telegram.send(STRANGER, "/start"))[-1]

    assert "邀请链接" in reply.text
    assert db.exec(select(Person)).all() == []


async def test_withdrawn_invitation_no_longer_works(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    invite = make_invite(db, site, Role.KITCHEN)

    listing = (await telegram.send(DIRECTOR, "/invites"))[-1]
    assert "厨房人员" in listing.text
    done = await telegram.press(DIRECTOR, listing, "撤销 1")
    refused = (await telegram.send(STRANGER, f"/start {invite.code}"))[-1]

    assert texts(done)[-1].startswith("邀请已撤销，该链接已失效。")
    assert refused.text == "这个邀请已被撤销，请索取新的邀请。"


async def test_caregiver_may_not_invite_and_is_told_who_can(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")

    reply = (await telegram.send(CAREGIVER, "/invite"))[-1]

    assert reply.text == "只有园长 / 分管后勤园长可以进行此操作。"
    assert len(db.exec(select(Invite)).all()) == 1  # only the one she joined with


async def test_a_forged_invite_button_from_a_caregiver_creates_nothing(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")
    picker = (await telegram.send(DIRECTOR, "/invite"))[-1]
    invites_before = len(db.exec(select(Invite)).all())

    calls = await telegram.press(CAREGIVER, picker, "园长")

    assert calls[-1].method == "answerCallbackQuery" and calls[-1].params["show_alert"]
    assert len(db.exec(select(Invite)).all()) == invites_before


async def test_language_switch_changes_replies_and_menu(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")

    offer = (await telegram.send(CAREGIVER, "/lang"))[-1]
    switched = (await telegram.press(CAREGIVER, offer, "English"))[-1]
    me = (await telegram.send(CAREGIVER, "👤 Me"))[-1]
    back = (await telegram.send(CAREGIVER, "/lang 中文"))[-1]

    assert switched.text == "Language set to English."
    assert switched.keyboard() == [
        "🧴 Disinfection",
        "🩺 Morning check",
        "✅ Zone self-check",
        "🔧 Repair",
        "⚠️ Hazard",
        "📅 Work calendar",
        "👤 Me",
        "❓ Help",
    ]
    assert "小一班 · Caregiver" in me.text
    assert back.text == "语言已切换为中文。"


async def test_me_and_help_fit_the_persons_roles(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    me = (await telegram.send(CAREGIVER, "👤 我的"))[-1]
    caregiver_help = (await telegram.send(CAREGIVER, "❓ 帮助"))[-1]
    director_help = (await telegram.send(DIRECTOR, "/help"))[-1]

    assert "第一幼儿园：小一班 · 保育员" in me.text
    assert "/disinfect" in caregiver_help.text and "/invite" not in caregiver_help.text
    assert "/invite" in director_help.text and "/epidemic" in director_help.text


async def test_an_expired_button_tells_the_user_to_reopen_the_menu(
    telegram: Telegram, db: Session
) -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": STRANGER.id, "type": "private"}}

    calls = await telegram.press_data(STRANGER, message, "old:v0:whatever")

    assert calls[-1].params["text"] == "这个按钮已过期，请重新打开菜单。"
