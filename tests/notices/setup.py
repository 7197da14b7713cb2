"""A kindergarten with parents in three classes, a director and a class teacher."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from jobs.notice_sender import sender_of
from storage.models import Site
from storage.notice_models import DeliveryStatus, NoticeDelivery
from storage.parents import add_child
from storage.permissions import Role
from tests.factories import class_named, make_member, make_site
from tests.support.networking import Call, OfflineRequest
from tests.support.telegram import Telegram, User

DIRECTOR = User(801, "王丽")
TEACHER = User(802, "杨柳")  # 小一班班主任
CAREGIVER = User(803, "李芳")  # 小一班保育员: may not send notices
CLASSES = ("小一班", "小二班", "中一班")


@dataclass
class School:
    site: Site
    # Parent name → user; "陈明" has a child in 小一班 and another in 小二班.
    parents: dict[str, User] = field(default_factory=dict)

    def of(self, *names: str) -> set[int]:
        return {self.parents[n].id for n in names}


# (parent, class, child)
FAMILIES = [
    ("陈明", "小一班", "陈小明"),
    ("陈明", "小二班", "陈小红"),
    ("刘芳", "小一班", "刘一一"),
    ("赵军", "小二班", "赵乐乐"),
    ("孙丽", "中一班", "孙悦"),
]


def make_school(db: Session) -> School:
    site = make_site(db, classes=CLASSES)
    school = School(site)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)
    make_member(db, site, TEACHER, Role.CLASS_TEACHER, "小一班")
    make_member(db, site, CAREGIVER, Role.CAREGIVER, "小一班")
    for number, (name, class_name, child) in enumerate(FAMILIES):
        user = school.parents.setdefault(name, User(900 + number, name))
        person = make_member(db, site, user, Role.PARENT, class_name)
        assert person.id is not None and site.id is not None
        school_class = class_named(db, site, class_name)
        assert school_class.id is not None
        add_child(
            session=db,
            person_id=person.id,
            site_id=site.id,
            class_id=school_class.id,
            child_name=child,
        )
    return school


class FlakyRequest(OfflineRequest):
    """The offline Bot API, with answers per chat: (status, description) queued for its sends."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[tuple[int, str]]] = {}

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *timeouts: Any, **kw: Any
    ) -> Any:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        chat_id = int(params.get("chat_id", 0) or 0)
        queued = self.by_chat.get(chat_id)
        if api_method.startswith("send") and queued:
            status, description = queued[0] if status_sticky(queued) else queued.pop(0)
            body = {"ok": False, "error_code": status, "description": description}
            self.calls.append(Call(api_method, params, body))
            return status, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *timeouts, **kw)


def status_sticky(queued: list[tuple[int, str]]) -> bool:
    """A 403 stays: a parent who blocked the bot answers 403 every time."""
    return queued[0][0] == 403


async def sent_out(telegram: Telegram, timeout: float = 10) -> None:
    """Wait until the sender has nothing due and nothing in flight."""
    db = telegram.db
    assert db is not None
    sender = sender_of(telegram.app)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        db.commit()
        busy = db.exec(
            select(NoticeDelivery).where(
                col(NoticeDelivery.status).in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
                col(NoticeDelivery.next_attempt_at) <= telegram.app.clock(),
            )
        ).first()
        if busy is None and not sender.busy:
            return
        assert loop.time() < deadline, "the notice sender did not finish"
        await asyncio.sleep(0.02)


def deliveries(db: Session) -> list[NoticeDelivery]:
    db.commit()
    return list(db.exec(select(NoticeDelivery).order_by(col(NoticeDelivery.id))))


def notices_to(request: OfflineRequest, chat_id: int) -> list[Call]:
    """The notice messages (with the ✅ button) a chat received."""
    return [
        c
        for c in request.sent(chat_id)
        if "message_id" in (c.result or {})
        and any(data.startswith("ntc:v1:ack:") for _, data in c.buttons())
    ]


def last_with_buttons(calls: list[Call]) -> Call:
    return [c for c in calls if c.buttons()][-1]


async def tap_through(telegram: Telegram, user: User, *labels: str) -> list[Call]:
    """Open 📢 告家长书 and tap the labels in order, each on the latest screen."""
    calls = await telegram.send(user, "📢 告家长书")
    for label in labels:
        calls = await telegram.press(user, last_with_buttons(calls), label)
    return calls


async def send_notice(telegram: Telegram, user: User, template: str, *classes: str) -> None:
    """Send a template notice to these classes and wait until it is delivered."""
    confirm = (await tap_through(telegram, user, template, "下一步", "跳过", *classes, "预览"))[-1]
    await telegram.press(user, confirm, "确认发送")
    await sent_out(telegram)
