"""Nothing goes unanswered: free text, private commands in a group, stray photos, /cancel."""

from __future__ import annotations

from sqlmodel import Session

from storage.permissions import Role
from tests.disinfection.setup import PARENT, STAFF_GROUP, make_kindergarten
from tests.factories import make_member
from tests.support.telegram import Telegram, User, texts

COOK = User(960, "刘厨")
STRANGER = User(961, "路人")


async def test_private_commands_in_the_staff_group_point_to_the_private_chat(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    caregiver = k.caregivers["小一班"]
    for command in (
        "/disinfect",
        "/me",
        "/lang",
        "/invite",
        "/start",
        "/disinfect@houqin_test_bot",
    ):
        answer = (await telegram.send(caregiver, command, chat=STAFF_GROUP))[-1]
        name = command.split("@")[0]
        assert answer.chat_id == STAFF_GROUP.id
        assert answer.text == f"{name} 请在与我的私聊中使用：点下方按钮。"
        [button] = answer.params["reply_markup"]["inline_keyboard"][0]
        assert button == {"text": "💬 打开私聊", "url": "https://t.me/houqin_test_bot"}


async def test_cancel_with_nothing_in_progress_says_so(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    answer = (await telegram.send(k.caregivers["小一班"], "/cancel", chat=STAFF_GROUP))[-1]
    assert answer.text == "当前没有进行中的操作，无需取消。"


async def test_free_text_in_private_gets_a_hint_of_what_one_can_do(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    make_member(db, k.site, COOK, Role.KITCHEN)

    caregiver = texts(await telegram.send(k.caregivers["小一班"], "asdfgh"))
    parent = texts(await telegram.send(PARENT, "今天孩子午睡室消毒了吗？"))
    cook = texts(await telegram.send(COOK, "你好"))
    stranger = texts(await telegram.send(STRANGER, "hello"))

    # The menu grows with every flow; the hint names the person's own buttons.
    assert caregiver[0].startswith("请用下方菜单按钮：🧴 消毒打卡 · ")
    assert caregiver[0].endswith("👤 我的；发送 /help 查看全部功能。")
    assert parent == ["您会在这里收到园所的通知，点按钮即可确认；其他事项请联系班主任。"]
    assert cook[0].startswith("请用下方菜单按钮：") and "消毒打卡" not in cook[0]
    assert cook[0].endswith("👤 我的；发送 /help 查看全部功能。")
    assert stranger == ["要加入，请点击园长发给您的邀请链接。"]


async def test_disinfect_by_someone_who_may_not_says_what_they_may_do(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    make_member(db, k.site, COOK, Role.KITCHEN)

    cook = (await telegram.send(COOK, "/disinfect"))[-1].text
    parent = (await telegram.send(PARENT, "/disinfect"))[-1].text

    refusal = "消毒打卡由本班保育员和老师、保育组长或保健老师确认。"
    assert cook.startswith(refusal + "\n请用下方菜单按钮：") and "发送 /help" in cook
    assert parent == refusal + "\n您会在这里收到园所的通知，点按钮即可确认；其他事项请联系班主任。"
    assert "这个场所" not in cook


async def test_a_parents_photo_gets_a_fitting_answer(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)

    answer = (await telegram.send_photo(PARENT))[-1].text

    assert answer == (
        "这里不需要发送照片。\n您会在这里收到园所的通知，点按钮即可确认；其他事项请联系班主任。"
    )
