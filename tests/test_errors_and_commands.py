"""The error handler, harmless Telegram errors, the command menus and the permission table."""

from __future__ import annotations

from sqlmodel import Session
from telegram import Update
from telegram.ext import CommandHandler

from bot.commands import publish_commands
from bot.context import BotContext
from jobs.disinfection import refresh_board
from storage.disinfection import local_today
from storage.permissions import PERMISSIONS, Action, Role, can, may_invite, roles_allowed
from tests.disinfection.setup import STAFF_GROUP, make_kindergarten
from tests.support.telegram import Telegram, User

VISITOR = User(777, "访客")
NOT_MODIFIED = {
    "ok": False,
    "error_code": 400,
    "description": "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup of the message",
}


async def test_an_unexpected_error_gets_a_plain_apology_in_the_users_language(
    telegram: Telegram, db: Session
) -> None:
    async def broken(update: Update, context: BotContext) -> None:
        raise RuntimeError("database on fire")

    telegram.app.add_handler(CommandHandler("broken", broken), group=-1)

    reply = (await telegram.send(VISITOR, "/broken"))[-1]

    assert reply.text == "抱歉，出了点问题，请稍后再试。"
    assert "fire" not in reply.text


async def test_a_card_that_telegram_finds_unchanged_is_left_alone(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 08:00")
    telegram.schedule()
    await telegram.run_job(f"disinfection-board:{k.site.id}")
    telegram.request.failures["editMessageText"] = (400, NOT_MODIFIED)
    telegram.app.card_editor._shown.clear()  # as after a restart: the bot does not know the card

    await refresh_board(telegram.app, k.site.id or 0, local_today(k.site, telegram.app.clock()))

    edits = [c for c in telegram.request.calls if c.method == "editMessageText"]
    boards = [c for c in telegram.request.sent(STAFF_GROUP.id) if c.text.startswith("🧴")]
    assert len(edits) == 1  # tried once, told "not modified", and that is fine
    assert len(boards) == 1  # not posted a second time


async def test_command_menus_are_published_in_chinese_and_english(telegram: Telegram) -> None:
    await publish_commands(telegram.app)

    published = [c for c in telegram.request.calls if c.method == "setMyCommands"]
    by_scope = {
        (c.params["scope"]["type"], c.params.get("language_code")): c.params["commands"]
        for c in published
    }
    private_default = {
        c["command"]: c["description"] for c in by_scope[("all_private_chats", None)]
    }
    private_en = {c["command"]: c["description"] for c in by_scope[("all_private_chats", "en")]}
    groups = {c["command"] for c in by_scope[("all_group_chats", None)]}

    assert private_default["disinfect"] == "消毒打卡"
    assert private_en["disinfect"] == "Confirm a disinfection"
    assert groups == {"help", "bind", "unbind"}


def test_the_permission_table_matches_the_domain() -> None:
    assert can([Role.CAREGIVER], Action.DISINFECT_OWN_CLASS)
    assert not can([Role.CAREGIVER], Action.DISINFECT_ANY_CLASS)
    assert can([Role.HEALTH_TEACHER], Action.RECEIVE_HYGIENE_ESCALATION)
    assert not can([Role.DIRECTOR], Action.RECEIVE_HYGIENE_ESCALATION)  # gets the summary instead
    assert PERMISSIONS[Role.PARENT] == {Action.RECEIVE_NOTICES}
    assert may_invite([Role.DIRECTOR], Role.LOGISTICS_HEAD)
    assert not may_invite([Role.LOGISTICS_HEAD], Role.DIRECTOR)
    assert may_invite([Role.LOGISTICS_HEAD], Role.CAREGIVER)
    assert roles_allowed(Action.BIND_GROUP) == [Role.DIRECTOR, Role.LOGISTICS_HEAD]
