"""`houqin sandbox`: the emulator, a demo kindergarten and the real bot, in one process.

The demo's people exist twice, with the same ids: as Telegram users in the emulator and
as members of 第一幼儿园 in the bot's own (separate) database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy.engine import Engine
from telegram import Update

from bot.app import build_application
from bot.commands import publish_commands
from bot.config import Settings
from bot.context import HouqinApplication
from jobs.schedule import start_rescans
from sandbox.checkins_demo import seed_checkins
from sandbox.demo_calendar import DRILL_PHOTO, seed_demo_calendar
from sandbox.demo_kitchen import seed_demo_kitchen
from sandbox.demo_repairs import seed_demo_tickets, show_demo_tickets
from sandbox.server import SandboxServer
from sandbox.state import Chat, User
from sandbox.userapi import UserApi
from storage.db import make_engine, session_scope
from storage.groups import bind_group
from storage.invites import create_invite
from storage.models import GroupPurpose
from storage.parents import add_child
from storage.people import add_membership, get_or_create_person
from storage.permissions import Role
from storage.sites import add_classes, create_site, list_classes, list_sites

log = logging.getLogger(__name__)

SANDBOX_TOKEN = "7000000000:SANDBOX-not-a-real-token"
SANDBOX_BOT = "houqin_demo_bot"
SANDBOX_DATABASE = "sqlite:///data/sandbox.db"
SITE_NAME = "第一幼儿园"
CLASSES = ("小一班", "小二班", "中一班", "中二班", "大一班", "大二班")

# (user id, label shown in the page, name, role, class)
CAST: list[tuple[int, str, str, Role | None, str | None]] = [
    (100001, "园长", "王丽", Role.DIRECTOR, None),
    (100002, "分管后勤园长", "刘洋", Role.LOGISTICS_HEAD, None),
    (100003, "保健老师", "周敏", Role.HEALTH_TEACHER, None),
    (100004, "后勤组长", "孙伟", Role.LOGISTICS_LEAD, None),
    (100005, "保育组长", "何静", Role.CAREGIVER_LEAD, None),
    (100006, "小一班班主任", "杨柳", Role.CLASS_TEACHER, "小一班"),
    (100007, "小一班保育员", "李芳", Role.CAREGIVER, "小一班"),
    (100008, "小二班保育员", "郑红", Role.CAREGIVER, "小二班"),
    (100009, "中一班保育员", "冯娟", Role.CAREGIVER, "中一班"),
    (100010, "厨房", "马师傅", Role.KITCHEN, None),
    (100011, "维修工", "赵强", Role.MAINTENANCE, None),
    (100012, "门卫", "钱大爷", Role.GUARD, None),
    (100013, "家长", "陈明", Role.PARENT, "小一班"),
    (100014, "家长", "林芳", Role.PARENT, "小二班"),
    # Not yet a member: joins with the invitation link printed at start-up.
    (100015, "新保育员", "张敏", None, None),
]
# The demo parents' children (parent id → child's name), as they typed them when joining.
DEMO_CHILDREN = {100013: "陈小明", 100014: "林小雨"}
STAFF_GROUP_ID = -1001000000001
MAINTENANCE_GROUP_ID = -1001000000002
NEWCOMER_CLASS = "中二班"


@dataclass
class Demo:
    people: dict[int, User] = field(default_factory=dict)
    staff_group: Chat | None = None
    maintenance_group: Chat | None = None
    # The photo of last month's drill, as the emulator stores it (see sandbox.demo_calendar).
    drill_photo: str = ""


def seed_demo_world(users: UserApi) -> Demo:
    """The demo's Telegram side: everyone, a staff group and a maintenance group."""
    demo = Demo()
    for user_id, label, name, _role, _class in CAST:
        demo.people[user_id] = users.create_user(name, label=label, user_id=user_id)
    staff = [u for uid, u in demo.people.items() if _role_of(uid) not in {Role.PARENT, None}]
    director = demo.people[100001]
    demo.staff_group = users.create_group(
        f"{SITE_NAME} 教职工群", staff, creator=director, privacy=False
    )
    maintenance = [demo.people[i] for i in (100002, 100004, 100011)]
    demo.maintenance_group = users.create_group(
        f"{SITE_NAME} 维修群", maintenance, creator=director, privacy=False
    )
    demo.drill_photo = users.world.files.add(DRILL_PHOTO, kind="photo").file_id
    return demo


def _role_of(user_id: int) -> Role | None:
    return next(role for uid, _l, _n, role, _c in CAST if uid == user_id)


def seed_demo_database(engine: Engine, demo: Demo, *, kitchen: bool = True) -> str:
    """The demo site with its classes, members and bound groups; returns a newcomer's invite code."""
    with session_scope(engine) as session:
        site = next((s for s in list_sites(session=session) if s.name == SITE_NAME), None)
        if site is None:
            site = create_site(session=session, name=SITE_NAME)
            add_classes(session=session, site=site, names=CLASSES)
        assert site.id is not None
        classes = {c.name: c.id for c in list_classes(session=session, site_id=site.id)}
        for user_id, _label, name, role, class_name in CAST:
            if role is None:
                continue
            person = get_or_create_person(
                session=session, telegram_user_id=user_id, display_name=name
            )
            add_membership(
                session=session,
                person=person,
                site_id=site.id,
                role=role,
                class_id=classes[class_name] if class_name else None,
            )
            if user_id in DEMO_CHILDREN and class_name and person.id is not None:
                session.flush()
                add_child(
                    session=session,
                    person_id=person.id,
                    site_id=site.id,
                    class_id=classes[class_name] or 0,
                    child_name=DEMO_CHILDREN[user_id],
                )
        session.commit()
        for chat, purpose in (
            (demo.staff_group, GroupPurpose.STAFF),
            (demo.maintenance_group, GroupPurpose.MAINTENANCE),
        ):
            assert chat is not None
            bind_group(
                session=session,
                site_id=site.id,
                chat_id=chat.id,
                purpose=purpose,
                title=chat.title or "",
                person_id=None,
            )
        seed_demo_calendar(session, site, demo.drill_photo)
        if kitchen:  # samples due at start: stories about other flows leave them out
            seed_demo_kitchen(session, site)
        invite = create_invite(
            session=session,
            site_id=site.id,
            role=Role.CAREGIVER,
            class_id=classes[NEWCOMER_CLASS],
            days=30,
            max_uses=1,
        )
        return invite.code


def sandbox_settings(settings: Settings, server: SandboxServer) -> Settings:
    """The deployment's settings, pointed at the emulator and the sandbox's own database."""
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(server.token),
            "telegram_api_url": server.url,
            "database_url": SANDBOX_DATABASE,
        }
    )


async def start_bot(settings: Settings, engine: Engine) -> HouqinApplication:
    """Start the real bot with long polling, as `houqin run` does, inside this event loop."""
    app = build_application(settings, engine=engine)
    await app.initialize()
    await publish_commands(app)
    await app.start()
    start_rescans(app)
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=True)
    return app


async def stop_bot(app: HouqinApplication) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


def show_todays_boards(app: HouqinApplication) -> None:
    """Post today's cards now, so a demo at any hour has something to look at."""
    from jobs.calendar import request_card_refresh
    from jobs.checkins import request_card
    from jobs.disinfection import request_board_refresh
    from storage.checkins import Template
    from storage.disinfection import local_today

    with session_scope(app.engine) as session:
        for site in list_sites(session=session):
            request_board_refresh(app, site.id or 0, local_today(site, app.clock()))
            for template in Template:
                request_card(app, site.id or 0, local_today(site, app.clock()), template)
            request_card_refresh(app, site.id or 0)  # the calendar's month card


async def show_last_summary(app: HouqinApplication) -> None:
    """Two weeks of history, and the last school day's summary to the director (once)."""
    from jobs.summary import deliver_summary
    from sandbox.demo_history import last_school_day, seed_disinfection_history
    from storage.disinfection import local_today

    with session_scope(app.engine) as session:
        sites = [s for s in list_sites(session=session) if s.name == SITE_NAME]
    for site in sites:
        today = local_today(site, app.clock())
        seed_disinfection_history(app.engine, site, today)
        await deliver_summary(app, site.id or 0, last_school_day(today))


async def run_sandbox(settings: Settings, *, host: str = "127.0.0.1", port: int = 8088) -> None:
    from storage.migrate import upgrade

    async with SandboxServer(SANDBOX_TOKEN, SANDBOX_BOT, host=host, port=port) as server:
        bot_settings = sandbox_settings(settings, server)
        bot_settings.ensure_sqlite_folder()
        engine = make_engine(bot_settings.database_url)
        upgrade(engine)
        demo = seed_demo_world(server.users)
        code = seed_demo_database(engine, demo)
        seed_checkins(engine, SITE_NAME)
        seed_demo_tickets(engine)
        app = await start_bot(bot_settings, engine)
        show_todays_boards(app)
        await show_last_summary(app)
        await show_demo_tickets(app)
        # Members open the bot once, as real staff do after joining, so each has the menu.
        for user_id, _label, _name, role, _class in CAST:
            if role is not None:
                server.users.start(demo.people[user_id])
        print(f"\n  后勤助手 sandbox is running: open {server.url}/ in a browser.", flush=True)
        print(
            f"  A newcomer's invitation (pick 新保育员 张敏 and open it): https://t.me/{SANDBOX_BOT}?start={code}"
        )
        print(
            "  To use real Telegram instead, set TELEGRAM_BOT_TOKEN (see README.md). Ctrl-C stops.\n",
            flush=True,
        )
        try:
            await asyncio.Event().wait()
        finally:
            await stop_bot(app)


def main_sandbox(settings: Settings, *, host: str, port: int) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_sandbox(settings, host=host, port=port))
    return 0
