"""告家长书 end to end: the director sends a notice to the whole kindergarten; the bot is
stopped halfway through the broadcast and started again; every parent gets it exactly once,
and a parent acknowledges it on their phone."""

from __future__ import annotations

import asyncio
import signal

from sqlmodel import Session, select

from jobs.notice_sender import IN_FLIGHT
from sandbox.state import Message, User
from storage.models import SchoolClass
from storage.notice_models import DeliveryStatus, NoticeDelivery
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from tests.e2e.conftest import LaunchBot
from tests.e2e.kindergarten import DIRECTOR, WAIT, Kindergarten, text_of
from tests.e2e.notice_flow import send_to_whole_site, tap

PARENTS = 150  # about five seconds at Telegram's pace: time enough to stop the bot halfway
TITLE = "📢 防溺水安全"
CHEN_MING, LIN_FANG = 100013, 100014  # the demo's parents (小一班, 小二班)


def add_parents(kindergarten: Kindergarten, count: int) -> list[User]:
    """Parents who joined by their class's link and opened the bot."""
    users = [
        kindergarten.users.create_user(f"家长{n:03d}", label="家长", user_id=400_000 + n)
        for n in range(count)
    ]
    with Session(kindergarten.engine) as session:
        classes = list(session.exec(select(SchoolClass)))
        for n, user in enumerate(users):
            person = get_or_create_person(
                session=session, telegram_user_id=user.id, display_name=user.first_name
            )
            school_class = classes[n % len(classes)]
            add_membership(
                session=session,
                person=person,
                site_id=school_class.site_id,
                role=Role.PARENT,
                class_id=school_class.id,
            )
        session.commit()
    return users


def notices_of(kindergarten: Kindergarten, user: User) -> list[Message]:
    return [m for m in kindergarten.users.bot_messages(user) if text_of(m).startswith(TITLE)]


async def all_recorded_as_sent(kindergarten: Kindergarten) -> None:
    """The bot records each answer right after it arrives: wait for the last few."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while True:
        with kindergarten.session() as session:
            statuses = set(session.exec(select(NoticeDelivery.status)))
        if statuses == {DeliveryStatus.SENT}:
            return
        assert loop.time() < deadline, f"deliveries still {statuses}"
        await asyncio.sleep(0.05)  # polling the database: it has no change events


async def test_a_broadcast_stopped_halfway_resumes_and_nobody_gets_it_twice(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    users = kindergarten.users
    demo_parents = [kindergarten.person(CHEN_MING), kindergarten.person(LIN_FANG)]
    parents = [*add_parents(kindergarten, PARENTS), *demo_parents]
    bot = await launch_bot()

    await send_to_whole_site(users, kindergarten.person(DIRECTOR))
    await users.wait_until(
        lambda: sum(bool(notices_of(kindergarten, p)) for p in parents) >= 30,
        timeout=30,
        what="the first thirty parents to receive it",
    )
    await bot.stop()  # as a service manager stops it: SIGTERM, mid-broadcast
    received = sum(bool(notices_of(kindergarten, p)) for p in parents)
    assert received < len(parents), "the broadcast finished before the stop: nothing to resume"
    with kindergarten.session() as session:
        statuses = list(session.exec(select(NoticeDelivery.status)))
        assert DeliveryStatus.SENDING not in statuses  # the stop let the sends in flight finish
        assert statuses.count(DeliveryStatus.SENT) == received

    await launch_bot()
    await users.wait_until(
        lambda: all(notices_of(kindergarten, p) for p in parents),
        timeout=60,
        what="every parent to receive the notice",
    )
    assert [len(notices_of(kindergarten, p)) for p in parents] == [1] * len(parents)
    await all_recorded_as_sent(kindergarten)

    # 陈明 acknowledges on his phone; the message shows it.
    chen = kindergarten.person(CHEN_MING)
    [notice] = notices_of(kindergarten, chen)
    assert [b["text"] for b in notice.inline_buttons()] == ["✅ 已阅知晓"]
    await tap(users, chen, notice, notice.inline_buttons()[0]["callback_data"])
    assert "✅ 已阅 · " in text_of(notice) and notice.inline_buttons() == []
    with kindergarten.session() as session:
        acked = session.exec(select(NoticeDelivery).where(NoticeDelivery.chat_id == chen.id)).one()
        assert acked.acknowledged_at is not None


async def test_after_kill_9_nobody_is_lost_and_only_messages_in_flight_may_repeat(
    kindergarten: Kindergarten, launch_bot: LaunchBot
) -> None:
    """kill -9 leaves no time to record the answers of the sends in flight: those rows are
    sent again at the next start (Telegram cannot say whether they arrived), so a parent may
    get one of them twice; nobody is lost, and nothing else repeats."""
    users = kindergarten.users
    parents = add_parents(kindergarten, PARENTS)
    bot = await launch_bot()
    await send_to_whole_site(users, kindergarten.person(DIRECTOR))
    await users.wait_until(
        lambda: sum(bool(notices_of(kindergarten, p)) for p in parents) >= 30,
        timeout=30,
        what="the first thirty parents to receive it",
    )
    process = bot._process
    assert process is not None
    process.send_signal(signal.SIGKILL)
    await bot.stop()
    assert sum(bool(notices_of(kindergarten, p)) for p in parents) < len(parents)

    await launch_bot()
    await users.wait_until(
        lambda: all(notices_of(kindergarten, p) for p in parents),
        timeout=60,
        what="every parent to receive the notice",
    )
    await all_recorded_as_sent(kindergarten)
    copies = [len(notices_of(kindergarten, p)) for p in parents]
    assert min(copies) == 1
    assert sum(copies) - len(copies) <= IN_FLIGHT
