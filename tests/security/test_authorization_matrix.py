"""Every command and button × every role at site A, and the director of site B: allowed or
refused exactly as storage/permissions.py says (the table is `catalog.py`)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.permissions import CLASS_ROLES, Role
from tests.factories import make_member
from tests.security.catalog import BUTTONS, COMMANDS, Button, Command, expected
from tests.security.harness import ErrorSpy, perform, refused, visible
from tests.security.world import (
    MORNING,
    OTHER_DIRECTOR,
    OWN_CLASS,
    World,
    build_world,
    wipe,
)
from tests.support.telegram import Telegram, User

ENTRIES: list[Command | Button] = [*COMMANDS, *BUTTONS]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.label for e in ENTRIES])
async def test_each_role_is_allowed_or_refused_as_the_permission_table_says(
    entry: Command | Button, telegram: Telegram, db: Session, engine: Engine
) -> None:
    spy = ErrorSpy(telegram.app)
    telegram.set_local_time(MORNING)
    wrong: list[str] = []
    world: World | None = None
    for number, role in enumerate(Role):
        if world is None:  # a fresh world, unless nothing has changed it yet
            wipe(engine)
            world = build_world(db, telegram.app.clock())
        user = User(3000 + number, f"{role.value}-member")
        make_member(db, world.site, user, role, OWN_CLASS if role in CLASS_ROLES else None)
        calls = await perform(telegram, world, entry, user)
        should = expected(entry, [role])
        if refused(calls, entry) == should or not visible(calls):
            wrong.append(f"{role}: {'refused' if should else 'allowed'}: {visible(calls)}")
        if entry.reset and not refused(calls, entry):
            world = None
    if entry.targets_site if isinstance(entry, Button) else False:
        wipe(engine)
        world = build_world(db, telegram.app.clock())
        calls = await perform(telegram, world, entry, OTHER_DIRECTOR)
        if not refused(calls, entry):
            wrong.append(f"director of another site: allowed: {visible(calls)}")

    assert not wrong, f"{entry.label}:\n" + "\n".join(wrong)
    assert not spy.errors, spy.describe()
