"""The sandbox's demo tickets: seeded once, posted once to the maintenance group."""

from __future__ import annotations

from sqlmodel import Session

from sandbox.demo_repairs import seed_demo_tickets, show_demo_tickets
from storage.groups import bind_group
from storage.models import GroupPurpose
from storage.permissions import Role
from tests.factories import make_member, make_site
from tests.repairs.setup import MAINTENANCE_GROUP, tickets
from tests.support.telegram import Telegram, User, to

CAST = [
    (100006, "杨柳", Role.CLASS_TEACHER, "小一班"),
    (100007, "李芳", Role.CAREGIVER, "小一班"),
    (100008, "郑红", Role.CAREGIVER, "小二班"),
    (100011, "赵强", Role.MAINTENANCE, None),
]


async def test_demo_tickets_are_seeded_once_and_posted_once(
    telegram: Telegram, db: Session
) -> None:
    site = make_site(db, "第一幼儿园", ("小一班", "小二班", "中一班"))
    for user_id, name, role, class_name in CAST:
        make_member(db, site, User(user_id, name), role, class_name)
    assert site.id is not None
    bind_group(
        session=db,
        site_id=site.id,
        chat_id=MAINTENANCE_GROUP.id,
        purpose=GroupPurpose.MAINTENANCE,
        title="维修群",
        person_id=None,
    )

    seed_demo_tickets(telegram.app.engine)
    seed_demo_tickets(telegram.app.engine)
    await show_demo_tickets(telegram.app)
    await show_demo_tickets(telegram.app)

    statuses = sorted(t.status for t in tickets(db))
    assert statuses == ["accepted", "new", "new", "verified"]
    posts = [
        c
        for c in to(telegram.request.calls, MAINTENANCE_GROUP.id)
        if c.text.startswith(("🔧 报修 #", "⚠️ 隐患 #"))
    ]
    assert len(posts) == 3
