"""The breaks found by trying disinfection from outside (issue #7: 2, 7, 8, 9, 10, 11, 13),
each acted out in the offline harness, which refuses what Telegram refuses."""

from __future__ import annotations

import logging
import re

import pytest
from sqlmodel import Session, select
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.errors import EXPIRED
from bot.i18n import translator
from storage.models import GroupPurpose, Membership, StaffGroup
from storage.permissions import Role
from storage.site_settings import get_site_settings
from storage.sites import get_site
from tests.disinfection.setup import DIRECTOR, STAFF_GROUP, board_messages, confirm
from tests.disinfection.setup import make_kindergarten as kindergarten
from tests.factories import make_invite, make_member, make_site
from tests.security.harness import APOLOGY, bot_message, private
from tests.security.world import MORNING, OTHER_DIRECTOR, build_world
from tests.support.telegram import Group, Telegram, User, answers, text_message, texts

EXPIRED_ZH = translator("zh")(EXPIRED)


def ok(call: object) -> bool:
    return isinstance(getattr(call, "result", None), dict) and "ok" not in call.result  # type: ignore[attr-defined]


async def test_the_board_reaches_all_done_without_an_empty_keyboard(
    telegram: Telegram, db: Session
) -> None:
    k = kindergarten(db, classes=("小一班",))
    telegram.set_local_time("2026-11-23 08:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")

    for room in ("小一班 活动室", "小一班 午睡室"):
        await confirm(telegram, k.caregivers["小一班"], room, "通风")
        await telegram.settle()

    card = board_messages(telegram)[-1]
    assert card.method == "editMessageText" and ok(card), card.result
    assert re.search(r"2\s*/\s*2", card.text) and card.buttons() == []
    posted = [c for c in telegram.request.sent(STAFF_GROUP.id) if c.text.startswith("🧴")]
    assert len(posted) == 1  # edited, never posted again


async def test_invite_on_a_site_without_classes_says_so(telegram: Telegram, db: Session) -> None:
    site = make_site(db, classes=())
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    roles = (await telegram.send(DIRECTOR, "/invite"))[-1]
    answer = (await telegram.press(DIRECTOR, roles, "保育员"))[-1]

    assert answer.method == "editMessageText" and ok(answer), answer.result
    assert answer.text == "本园还没有班级，请先添加班级（houqin class add）。"


async def test_another_sites_director_cannot_take_over_a_bound_group(
    telegram: Telegram, db: Session
) -> None:
    telegram.set_local_time(MORNING)
    world = build_world(db, telegram.app.clock())

    offer = (await telegram.send(OTHER_DIRECTOR, "/bind", STAFF_GROUP))[-1]
    pressed = await telegram.press(OTHER_DIRECTOR, offer, "教职工群")

    assert answers(pressed) == [
        "本群属于第一幼儿园，只有该园的园长 / 分管后勤园长可以把它绑定到别处。"
    ]
    group = db.exec(select(StaffGroup).where(StaffGroup.chat_id == STAFF_GROUP.id)).one()
    assert group.site_id == world.site.id
    assert telegram.request.sent(STAFF_GROUP.id) == [offer]  # no board of site B posted there


async def test_a_director_of_both_sites_may_move_the_group(telegram: Telegram, db: Session) -> None:
    telegram.set_local_time(MORNING)
    world = build_world(db, telegram.app.clock())
    make_member(db, world.other_site, DIRECTOR, Role.DIRECTOR)

    offer = (await telegram.send(DIRECTOR, "/bind", STAFF_GROUP))[-1]
    await telegram.press(DIRECTOR, offer, "第二幼儿园 · 教职工群")

    group = db.exec(select(StaffGroup).where(StaffGroup.chat_id == STAFF_GROUP.id)).one()
    assert group.site_id == world.other_site.id


async def test_a_forged_bind_button_in_a_private_chat_binds_nothing(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    pressed = await telegram.press_data(
        DIRECTOR, bot_message(private(DIRECTOR)), f"bind:v1:{site.id}:staff"
    )

    assert answers(pressed) == ["请在要绑定的群里发送 /bind。"]
    assert db.exec(select(StaffGroup)).all() == []


async def test_commands_in_edited_messages_are_ignored(telegram: Telegram, db: Session) -> None:
    k = kindergarten(db)
    site = k.site
    await telegram.send(DIRECTOR, "/epidemic on")
    invite = make_invite(db, site, Role.KITCHEN)
    newcomer = User(5101, "新人")

    for user, text in ((DIRECTOR, "/epidemic off"), (newcomer, f"/start {invite.code}")):
        message = text_message(user, text)
        message["edit_date"] = message["date"] + 60
        calls = await telegram.feed({"edited_message": message})
        assert calls == []

    db.expire_all()
    refreshed = get_site(session=db, site_id=site.id or 0)
    assert refreshed is not None and get_site_settings(refreshed).epidemic_mode is True
    joined = db.exec(select(Membership).where(Membership.role == Role.KITCHEN)).all()
    assert joined == []


async def test_a_button_that_fails_after_answering_still_tells_the_user(
    telegram: Telegram, db: Session
) -> None:
    async def answers_then_fails(update: Update, context: BotContext) -> None:
        assert update.callback_query is not None
        await update.callback_query.answer()
        raise RuntimeError("the database went away")

    telegram.request.strict_answers = True
    # First among the buttons, as a real handler would be for its own data.
    telegram.app.handlers[0].insert(0, CallbackQueryHandler(answers_then_fails, pattern="^boom"))

    calls = await telegram.press_data(DIRECTOR, bot_message(STAFF_GROUP.to_dict()), "boom")

    apology = [c for c in calls if c.method == "sendMessage"]
    assert [(c.chat_id, c.text) for c in apology] == [(DIRECTOR.id, APOLOGY)]


@pytest.mark.parametrize(
    "data",
    [
        "inv:v1:c:{site}:caregiver:99999999999999999999",
        "inv:v1:x:9223372036854775808",
        "bind:v1:99999999999999999999:staff",
        "dis:v1:e:99999999999999999999",
        "dis:v1:a:99999999999999999999:{day}",
        "dis:v1:p:00010101",
        "mem:v1:m:9223372036854775808",
        "dis:v1:a:{area}:" + "9" * 5000,
    ],
)
async def test_oversized_ids_in_buttons_get_a_clear_answer(
    data: str, telegram: Telegram, db: Session
) -> None:
    telegram.set_local_time(MORNING)
    world = build_world(db, telegram.app.clock())
    chat = STAFF_GROUP.to_dict() if data.startswith("bind") else private(DIRECTOR)

    calls = await telegram.press_data(DIRECTOR, bot_message(chat), world.format(data))

    assert answers(calls) == [EXPIRED_ZH]


async def test_a_migration_onto_a_bound_chat_is_merged(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    old = Group(-602, "后勤群")
    for group in (old, STAFF_GROUP):
        offer = (await telegram.send(DIRECTOR, "/bind", group))[-1]
        await telegram.press(DIRECTOR, offer, "教职工群")

    for chat, field, other in (
        (old, "migrate_to_chat_id", STAFF_GROUP),
        (STAFF_GROUP, "migrate_from_chat_id", old),
    ):
        message = {
            "message_id": 9,
            "date": 0,
            "chat": {
                "id": chat.id,
                "type": "group" if chat is old else "supergroup",
                "title": chat.title,
            },
            "from": DIRECTOR.to_dict(),
            field: other.id,
        }
        await telegram.feed({"message": message})

    groups = db.exec(select(StaffGroup)).all()
    assert [(g.chat_id, g.purpose) for g in groups] == [(STAFF_GROUP.id, GroupPurpose.STAFF)]


async def test_the_error_log_names_the_command_but_never_an_invitation_code(
    telegram: Telegram, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(update: Update, context: BotContext) -> None:
        raise RuntimeError("boom")

    telegram.app.handlers[0].insert(0, CommandHandler("start", broken))

    with caplog.at_level(logging.ERROR):
        calls = await telegram.send(User(5102, "新人"), "/start Zs8Qm1secretCODE")

    assert texts(calls) == [APOLOGY]
    assert "command /start …" in caplog.text
    assert "Zs8Qm1secretCODE" not in caplog.text
