"""A small cast of people and groups for trying the bot by hand in the page."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.state import Chat, User
from sandbox.userapi import UserApi


@dataclass(frozen=True)
class DemoPeople:
    director: User
    caregiver: User
    maintenance: User
    parent: User
    class_group: Chat
    staff_group: Chat


def seed_demo_people(users: UserApi) -> DemoPeople:
    """Only Telegram-side people and chats; the bot's own database is seeded elsewhere."""
    director = users.create_user("王丽", label="园长", username="wangli_yz")
    caregiver = users.create_user("李芳", label="小一班保育员", username="lifang_by")
    maintenance = users.create_user("赵强", label="维修工", username="zhaoqiang_wx")
    parent = users.create_user("陈明", label="家长", username="chenming_jz")
    staff_group = users.create_group(
        "阳光幼儿园 后勤群", [director, caregiver, maintenance], creator=director
    )
    class_group = users.create_group("小一班 家长群", [caregiver, parent], creator=caregiver)
    return DemoPeople(director, caregiver, maintenance, parent, class_group, staff_group)
