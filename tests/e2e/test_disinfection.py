"""消毒打卡 end to end: taps in the private chat, the live card in the staff group, a photo."""

from __future__ import annotations

import base64
import re

from sandbox.state import Message, User
from tests.e2e.botprocess import BotProcess
from tests.e2e.conftest import BOTH_MODES
from tests.e2e.kindergarten import (
    LI_FANG,
    WAIT,
    Kindergarten,
    buttons_of,
    person_id_of,
    records_of_room,
    text_of,
)

# A real 1×1 PNG, as a phone camera would send a (much larger) picture.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
RECORDED = re.compile(r"✅ 已记录：小一班 活动室 · 消毒柜 · \d\d:\d\d · 李芳")


async def confirm_room(kindergarten: Kindergarten, user: User, room: str, method: str) -> Message:
    """Tap 🧴 消毒打卡, then the room, then the method; returns the message they edited."""
    users = kindergarten.users
    asked = users.send_text(user, "🧴 消毒打卡")
    picker = await users.wait_for_bot_message(user, after=asked, timeout=WAIT)
    assert text_of(picker).endswith("消毒了哪个场所？")
    users.press_button(user, picker, text=room)
    await users.wait_for_edit(picker, count=1, timeout=WAIT)
    assert text_of(picker) == f"{room}：用什么方式消毒？"
    assert method in buttons_of(picker)
    users.press_button(user, picker, text=method)
    await users.wait_for_edit(picker, count=2, timeout=WAIT)
    return picker


@BOTH_MODES
async def test_caregiver_confirms_a_room_and_the_staff_card_turns_it_green(
    kindergarten: Kindergarten, bot: BotProcess, mode: str
) -> None:
    users, li = kindergarten.users, kindergarten.person(LI_FANG)
    card = await users.wait_for_bot_message(kindergarten.staff_group, timeout=WAIT)
    assert text_of(card).startswith("🧴 今日消毒 ")
    assert "小一班 活动室" in buttons_of(card)

    confirmed = await confirm_room(kindergarten, li, "小一班 活动室", "消毒柜")

    assert RECORDED.fullmatch(text_of(confirmed).splitlines()[0])
    assert buttons_of(confirmed) == []
    await users.wait_until(
        lambda: "活动室 ✅" in text_of(card), timeout=WAIT, what="the card to show 李芳"
    )
    assert re.search(r"\n小一班：活动室 ✅ \d\d:\d\d 李芳", text_of(card))
    assert "小一班 活动室" not in buttons_of(card)
    # Edited in place: the group got no second card.
    assert users.bot_messages(kindergarten.staff_group) == [card]
    with kindergarten.session() as session:
        [record] = records_of_room(session, "小一班")
        assert (record.method, record.late) == ("cabinet", False)
        assert record.operator_id == person_id_of(session, LI_FANG)


async def test_photo_sent_right_after_a_confirmation_is_attached_to_the_record(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users, li = kindergarten.users, kindergarten.person(LI_FANG)
    await confirm_room(kindergarten, li, "小一班 活动室", "消毒柜")

    sent = users.send_photo(li, PHOTO)

    reply = await users.wait_for_bot_message(li, after=sent, timeout=WAIT)
    assert text_of(reply) == "📷 照片已附到 小一班 活动室 的消毒记录。"
    assert sent.photo is not None
    with kindergarten.session() as session:
        [record] = records_of_room(session, "小一班")
        assert record.photo_file_id == sent.photo[-1]["file_id"]
