"""Persisted chat state: changes made in place are written; a failed commit writes none."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from telegram import Update

from bot.persistence import SQLPersistence
from bot.processing import UpdateRun, UpdateSession
from storage.models import AuditEvent


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


def test_a_failed_first_commit_forgets_the_state_it_was_to_write(engine: Engine) -> None:
    """The state written into a first commit that then failed is not stored: the cache of
    what is stored is dropped, so the update's finish writes it again."""
    forgotten: list[bool] = []

    def write_state(session: Session, update: Update) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    run = UpdateRun(Update(update_id=77), write_state, lambda: forgotten.append(True))
    with UpdateSession(engine, info={"run": run}) as session:
        session.add(AuditEvent(action="test"))
        with pytest.raises(OperationalError):
            session.commit()

    assert forgotten == [True] and not run.marked
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "test")).all() == []
