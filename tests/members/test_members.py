"""Managers hear who joined, see who is at the site, move and remove people."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import AuditEvent, Membership
from storage.permissions import Role
from tests.disinfection.setup import DIRECTOR, LOGISTICS_HEAD, make_kindergarten
from tests.factories import class_named, make_invite, make_member
from tests.support.telegram import Telegram, User, answers, texts, to

NEWCOMER = User(950, "张敏")


def records_count(db: Session) -> int:
    from storage.disinfection import DisinfectionRecord

    return len(db.exec(select(DisinfectionRecord)).all())


def membership_of(db: Session, user: User) -> Membership:
    from storage.models import Person

    person = db.exec(select(Person).where(Person.telegram_user_id == user.id)).one()
    return db.exec(select(Membership).where(Membership.person_id == person.id)).one()


async def test_the_director_and_logistics_head_hear_who_joined(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    invite = make_invite(db, k.site, Role.CAREGIVER, "中一班")

    calls = await telegram.send(NEWCOMER, f"/start {invite.code}")

    expected = "🆕 张敏 通过邀请加入第一幼儿园：中一班 · 保育员。"
    assert texts(to(calls, DIRECTOR.id)) == [expected]
    assert texts(to(calls, LOGISTICS_HEAD.id)) == [expected]
    assert "欢迎加入第一幼儿园" in texts(to(calls, NEWCOMER.id))[0]
    again = await telegram.send(NEWCOMER, f"/start {invite.code}")
    assert to(again, DIRECTOR.id) == []


async def test_members_are_listed_by_class_and_role_and_paged(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db, per_class=3)  # 9 caregivers, 3 leaders, 1 parent

    first = (await telegram.send(DIRECTOR, "/members"))[-1]

    assert first.text.startswith("👥 第一幼儿园：共 13 人 · 第 1/2 页")
    lines = first.text.splitlines()
    assert lines[1:5] == ["【全园】", "• 王丽 · 园长", "• 吴强 · 分管后勤园长", "• 周敏 · 保健老师"]
    assert "【小一班】" in lines and "【小二班】" in lines
    assert len([b for b in first.buttons() if " · " in b[0]]) == 10
    second = (await telegram.press(DIRECTOR, first, "下一页"))[-1]
    assert second.method == "editMessageText" and "第 2/2 页" in second.text
    assert "• 陈明 · 家长" in first.text  # a parent of 小一班, after its staff
    assert k.caregivers["中一班#3"].first_name in second.text


async def test_a_caregiver_moves_to_another_class_and_changes_role(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小二班"]
    listing = (await telegram.send(DIRECTOR, "👥 成员"))[-1]
    card = (await telegram.press(DIRECTOR, listing, "小二班保育员1"))[-1]
    assert card.text.startswith("小二班保育员1 · 小二班 · 保育员\n加入于")

    classes = (await telegram.press(DIRECTOR, card, "改班级"))[-1]
    moved = (await telegram.press(DIRECTOR, classes, "中一班"))[-1]

    assert moved.text.startswith("✅ 已改为：小二班保育员1 · 中一班 · 保育员")
    membership = membership_of(db, caregiver)
    db.refresh(membership)
    assert membership.class_id == class_named(db, k.site, "中一班").id
    card = (await telegram.press(DIRECTOR, moved, "小二班保育员1"))[-1]
    roles = (await telegram.press(DIRECTOR, card, "改身份"))[-1]
    picked = (await telegram.press(DIRECTOR, roles, "班主任"))[-1]
    done = (await telegram.press(DIRECTOR, picked, "小一班"))[-1]
    assert done.text.startswith("✅ 已改为：小二班保育员1 · 小一班 · 班主任")
    db.refresh(membership)
    assert (membership.role, membership.active) == (Role.CLASS_TEACHER, True)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "member.change")).all()
    assert [e.detail["old_role"] for e in events] == ["caregiver", "caregiver"]


async def test_a_removed_caregivers_buttons_and_commands_stop_at_once(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    telegram.set_local_time("2026-11-23 10:00")
    picker = (await telegram.send(caregiver, "🧴 消毒打卡"))[-1]
    listing = (await telegram.send(DIRECTOR, "/members"))[-1]
    card = (await telegram.press(DIRECTOR, listing, "小一班保育员1"))[-1]
    prompt = (await telegram.press(DIRECTOR, card, "移除"))[-1]
    assert prompt.text.startswith("移除 小一班保育员1 · 小一班 · 保育员？")

    removed = (await telegram.press(DIRECTOR, prompt, "确认移除"))[-1]

    assert removed.text.startswith("🗑 已移除：小一班保育员1 · 小一班 · 保育员")
    assert "小一班保育员1" not in removed.text.split("\n\n", 1)[1]
    membership = membership_of(db, caregiver)
    db.refresh(membership)
    assert membership.active is False and membership.removed_at is not None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "member.remove")).one()
    tap = await telegram.press(caregiver, picker, "小一班 活动室")
    assert answers(tap) and "只有" in answers(tap)[0]
    command = (await telegram.send(caregiver, "/disinfect"))[-1]
    assert "buttons" not in str(command.params.get("reply_markup", ""))
    assert records_count(db) == 0


async def test_only_managers_see_members_and_only_a_director_touches_leaders(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    refused = (await telegram.send(k.caregivers["小一班"], "/members"))[-1]
    assert refused.text == "只有园长 / 分管后勤园长可以进行此操作。"

    listing = (await telegram.send(LOGISTICS_HEAD, "/members"))[-1]
    tap = await telegram.press(LOGISTICS_HEAD, listing, "王丽")
    assert answers(tap) == ["只有园长可以修改或移除园领导的身份。"]
    own = await telegram.press(LOGISTICS_HEAD, listing, "吴强")
    assert answers(own) == ["不能修改或移除自己的身份，请找另一位管理人员。"]
    make_member(db, k.site, NEWCOMER, Role.KITCHEN)
    assert membership_of(db, NEWCOMER).active
