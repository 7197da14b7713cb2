"""Persisted chat state: a change made in place inside user_data is written too."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from bot.persistence import SQLPersistence


async def test_a_nested_change_in_place_is_persisted(engine: Engine) -> None:
    persistence = SQLPersistence(engine)
    user_data = {"plan": {"page": 0, "items": [{"keep": True}]}}
    await persistence.update_user_data(1, user_data)

    user_data["plan"]["page"] = 2  # the review's ▶ button changes the draft in place
    user_data["plan"]["items"][0]["keep"] = False
    await persistence.update_user_data(1, user_data)

    reloaded = await SQLPersistence(engine).get_user_data()
    assert reloaded[1] == {"plan": {"page": 2, "items": [{"keep": False}]}}
    await persistence.drop_user_data(1)
