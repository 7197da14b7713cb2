"""Parents join by their class's link, name their child, and choose whether notices come."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.notice_models import NoticeSubscription, ParentChild
from storage.permissions import Role
from tests.factories import make_invite
from tests.notices.setup import DIRECTOR, make_school, notices_to, send_notice
from tests.support.telegram import Telegram, User, texts, to

NEW_PARENT = User(950, "周洁")


async def test_parent_joins_by_the_class_link_and_names_the_child(
    telegram: Telegram, db: Session
) -> None:
    school = make_school(db)
    code = make_invite(db, school.site, Role.PARENT, "中一班").code

    joined = to(await telegram.send(NEW_PARENT, f"/start {code}"), NEW_PARENT.id)
    assert "中一班 · 家长" in joined[-2].text
    assert joined[-2].keyboard() == ["📬 我的订阅", "👤 我的", "❓ 帮助"]
    assert joined[-1].text.startswith("请输入孩子的姓名（中一班）")

    assert texts(await telegram.send(NEW_PARENT, "1"))[-1] == "请输入孩子的姓名，例如：陈小明"
    too_long = await telegram.send(NEW_PARENT, "周" * 51)
    assert texts(too_long)[-1] == "共 51 个字，姓名最多 50 个字。请重新输入："
    thanks = await telegram.send(NEW_PARENT, "周小舟")
    assert texts(thanks)[-1] == "谢谢！您将在这里收到幼儿园关于周小舟的通知。"
    child = db.exec(select(ParentChild).where(ParentChild.child_name == "周小舟")).one()
    assert child.site_id == school.site.id

    mine = (await telegram.send(NEW_PARENT, "📬 我的订阅"))[-1]
    assert mine.text == (
        "📬 我的订阅\n• 第一幼儿园 · 中一班 · 周小舟\n您正在接收通知。发送 /stop 可退订。"
    )


async def test_stop_unsubscribes_and_start_subscribes_again(
    telegram: Telegram, db: Session
) -> None:
    school = make_school(db)
    telegram.set_local_time("2026-11-23 10:00")
    telegram.schedule()
    sun = school.parents["孙丽"]

    stopped = await telegram.send(sun, "/stop")
    assert texts(stopped)[-1] == "您将不再收到通知。发送 /start 可重新接收。"
    assert texts(await telegram.send(sun, "/stop"))[-1].startswith("您已经退订")
    assert db.exec(select(NoticeSubscription)).one().subscribed is False
    await send_notice(telegram, DIRECTOR, "假期安全", "全园")
    assert notices_to(telegram.request, sun.id) == []

    again = await telegram.send(sun, "/start")
    assert texts(again)[-1] == "您将重新收到幼儿园的通知。"
    await send_notice(telegram, DIRECTOR, "谨防诈骗", "全园")
    assert len(notices_to(telegram.request, sun.id)) == 1


async def test_parents_see_no_staff_commands(telegram: Telegram, db: Session) -> None:
    school = make_school(db)
    sun = school.parents["孙丽"]
    assert texts(await telegram.send(sun, "/notices"))[-1].startswith("只有园长")
    assert "/disinfect" not in texts(await telegram.send(sun, "/help"))[-1]
    assert texts(await telegram.send(DIRECTOR, "/stop"))[-1].startswith("/stop 供家长使用")
