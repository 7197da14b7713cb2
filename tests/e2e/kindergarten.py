"""The demo kindergarten twice over: its people in the emulator, its site in a database file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sandbox import SandboxServer
from sandbox.launch import Demo
from sandbox.state import Chat, Message, User
from sandbox.userapi import UserApi
from storage.disinfection import DisinfectionRecord, local_today
from storage.models import Area, AreaKind, Membership, OutboundMessage, Person, SchoolClass, Site
from storage.school_days import is_school_day, set_days
from storage.site_settings import get_site_settings, save_site_settings
from storage.types import utcnow

# Waits are generous: two processes share two cores with the test runner.
WAIT = 10.0

# The demo's people by Telegram id (sandbox.launch.CAST).
DIRECTOR = 100001
HEALTH_TEACHER = 100003
LI_FANG = 100007  # 小一班保育员
ZHENG_HONG = 100008  # 小二班保育员
FENG_JUAN = 100009  # 中一班保育员
KITCHEN_COOK = 100010
NEWCOMER = 100015  # 新保育员 张敏, not a member yet

# At any hour of the test run: today's card is already due and no deadline has passed.
# The escalation (deadline + N minutes) must stay inside the day: one that wraps past
# midnight is scheduled for the early morning, before the deadline has even passed.
ANY_HOUR = {
    "board_post_time": time(0, 0),
    "disinfection_deadline": time(23, 58, 59),
    "disinfection_escalation_minutes": 1,
    # The daily summary too waits for the end of the day, so on-demand summaries are alone.
    "summary_time": time(23, 59, 30),
    # The calendar's morning run (and its month card) stays out of the other stories.
    "calendar_reminder_time": time(23, 59, 59),
    # So do the kitchen's: no meals to chase, the held samples' list and the licence check
    # at the end of the day (the samples story sets its own meal).
    "meals": [],
    "held_samples_time": time(23, 59, 59),
    "certificate_check_time": time(23, 59, 59),
}


@dataclass
class Kindergarten:
    server: SandboxServer
    demo: Demo
    engine: Engine
    database_url: str
    invite_code: str

    @property
    def users(self) -> UserApi:
        return self.server.users

    def person(self, user_id: int) -> User:
        return self.demo.people[user_id]

    @property
    def staff_group(self) -> Chat:
        assert self.demo.staff_group is not None
        return self.demo.staff_group

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def tune_site(self, **changes: Any) -> None:
        """Change the site's settings (as `SiteSettings` fields) before the bot starts."""
        with self.session() as session:
            site = session.exec(select(Site)).one()
            save_site_settings(site, get_site_settings(site).model_copy(update=changes))
            session.add(site)
            session.commit()

    def open_today(self) -> None:
        """On a weekend the day becomes a make-up day (调休), so the stories run any day."""
        with self.session() as session:
            site = session.exec(select(Site)).one()
            today = local_today(site, utcnow())
            if not is_school_day(session=session, site=site, day=today):
                set_days(
                    session=session, site=site, start=today, end=today, closed=False,
                    reason="测试", person_id=None, today=today,
                )  # fmt: skip

    def calls(self, method: str, chat: User | Chat) -> list[tuple[int | None, str | None]]:
        """(error code, description) of each `method` call the bot made to `chat`."""
        return [
            (call.error_code, call.description)
            for call in self.server.api.calls
            if call.method.lower() == method.lower()
            and str(call.params.get("chat_id")) == str(chat.id)
        ]


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


def buttons_of(message: Message) -> list[str]:
    return [str(button["text"]) for button in message.inline_buttons()]


# What the database says ------------------------------------------------------------------


def roles_of(session: Session, telegram_user_id: int) -> list[tuple[str, str | None]]:
    """(role, class name) of each active membership of this Telegram user."""
    rows = session.exec(
        select(Membership.role, SchoolClass.name)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .outerjoin(SchoolClass, col(SchoolClass.id) == col(Membership.class_id))
        .where(Person.telegram_user_id == telegram_user_id, col(Membership.active))
    )
    return [(role, class_name) for role, class_name in rows]


def records_of_room(
    session: Session, class_name: str, kind: AreaKind = AreaKind.ACTIVITY_ROOM
) -> list[DisinfectionRecord]:
    return list(
        session.exec(
            select(DisinfectionRecord)
            .join(Area, col(Area.id) == col(DisinfectionRecord.area_id))
            .join(SchoolClass, col(SchoolClass.id) == col(Area.class_id))
            .where(SchoolClass.name == class_name, Area.kind == kind)
        )
    )


def person_id_of(session: Session, telegram_user_id: int) -> int:
    person = session.exec(select(Person).where(Person.telegram_user_id == telegram_user_id)).one()
    assert person.id is not None
    return person.id


def outbox(session: Session, key_prefix: str) -> dict[int, OutboundMessage]:
    """The bot's once-only messages whose key starts with `key_prefix`, by chat id."""
    rows = session.exec(
        select(OutboundMessage).where(col(OutboundMessage.key).startswith(key_prefix))
    )
    return {row.chat_id: row for row in rows}
