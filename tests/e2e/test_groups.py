"""Binding a Telegram group to the site, with the real bot over HTTP."""

from __future__ import annotations

from sqlmodel import select

from storage.groups import get_group
from storage.models import StaffGroup
from tests.e2e.botprocess import BotProcess
from tests.e2e.kindergarten import (
    DIRECTOR,
    KITCHEN_COOK,
    WAIT,
    Kindergarten,
    buttons_of,
    person_id_of,
    text_of,
)


async def test_director_binds_a_new_group_as_the_kitchen_group(
    kindergarten: Kindergarten, bot: BotProcess
) -> None:
    users = kindergarten.users
    wang, cook = kindergarten.person(DIRECTOR), kindergarten.person(KITCHEN_COOK)
    group = users.create_group("第一幼儿园 厨房群", [wang, cook], creator=wang)

    asked = users.send_text(wang, "/bind", chat=group)
    question = await users.wait_for_bot_message(group, after=asked, timeout=WAIT)
    assert text_of(question) == "这个群用来做什么？"
    assert buttons_of(question) == ["教职工群", "维修群", "厨房群"]

    tap = users.press_button(wang, question, text="厨房群")

    await users.wait_for_edit(question, timeout=WAIT)
    assert text_of(question) == "本群已设为第一幼儿园的厨房群。"
    assert buttons_of(question) == []
    answer = await users.wait_for_answer(tap, timeout=WAIT)
    assert answer["text"] == "本群已设为第一幼儿园的厨房群。"
    with kindergarten.session() as session:
        bound = get_group(session=session, chat_id=group.id)
        assert bound is not None
        assert (bound.purpose, bound.title) == ("kitchen", "第一幼儿园 厨房群")
        assert bound.bound_by == person_id_of(session, DIRECTOR)
        assert len(session.exec(select(StaffGroup)).all()) == 3  # staff, maintenance, kitchen
