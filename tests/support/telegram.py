"""Act as Telegram users against the real Application: updates from real JSON shapes."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import Update

from bot.context import HouqinApplication
from jobs.schedule import rebuild_jobs
from tests.support.networking import Call, OfflineRequest

_ids = itertools.count(1)
_DAY = re.compile(r":\d{4}-\d{2}-\d{2}")
# One sequence for every bot of a test run, as Telegram's: a restarted bot must not see
# the ids of its predecessor's updates again (its inbox would skip them as done).
_update_ids = itertools.count(1)


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    last_name: str = ""
    language_code: str = "en"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class Group:
    id: int
    title: str = "后勤工作群"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": "supergroup", "title": self.title}


def private_chat(user: User) -> dict[str, Any]:
    return {"id": user.id, "type": "private", "first_name": user.first_name}


def text_message(user: User, text: str, chat: Group | None = None) -> dict[str, Any]:
    """A message as Telegram sends it, with a bot_command entity for /commands."""
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat.to_dict() if chat else private_chat(user),
        "from": user.to_dict(),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message


@dataclass
class Telegram:
    """Feeds updates to the bot and reads what it sent back."""

    app: HouqinApplication
    request: OfflineRequest
    # The test's own session: ended after every update so assertions read fresh rows.
    db: Session | None = None
    update_ids: itertools.count[int] = field(default_factory=lambda: _update_ids)

    async def feed(self, payload: dict[str, Any]) -> list[Call]:
        before = len(self.request.calls)
        update = Update.de_json({"update_id": next(self.update_ids), **payload}, self.app.bot)
        await self.app.process_update(update)
        if self.db is not None:
            self.db.commit()
        return self.request.calls[before:]

    async def send(self, user: User, text: str, chat: Group | None = None) -> list[Call]:
        return await self.feed({"message": text_message(user, text, chat)})

    async def send_photo(
        self, user: User, caption: str = "", chat: Group | None = None
    ) -> list[Call]:
        message = text_message(user, "", chat)
        del message["text"]
        message["photo"] = [
            {
                "file_id": f"user-photo-{message['message_id']}",
                "file_unique_id": "u1",
                "width": 640,
                "height": 480,
            }
        ]
        if caption:
            message["caption"] = caption
        return await self.feed({"message": message})

    async def send_document(
        self, user: User, file_name: str, data: bytes, mime_type: str = "text/plain"
    ) -> list[Call]:
        """A file sent in private chat; its bytes are served when the bot downloads it."""
        message = text_message(user, "")
        del message["text"]
        file_id = f"user-file-{message['message_id']}"
        self.request.files[file_id] = data
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        return await self.feed({"message": message})

    async def press(self, user: User, call: Call, label: str) -> list[Call]:
        """Tap the inline button whose label contains `label` on a message the bot sent."""
        matches = [data for text, data in call.buttons() if label in text or label == data]
        assert matches, f"no button {label!r} among {call.buttons()}"
        return await self.press_data(user, call.result, matches[0])

    async def press_data(self, user: User, message: dict[str, Any], data: str) -> list[Call]:
        query = {
            "id": str(next(_ids)),
            "from": user.to_dict(),
            "chat_instance": f"ci-{message['chat']['id']}",
            "message": message,
            "data": data,
        }
        return await self.feed({"callback_query": query})

    def set_local_time(self, moment: str, zone: str = "Asia/Shanghai") -> datetime:
        """Set the bot's clock to a local time such as "2026-11-23 16:30"."""
        local = datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(zone))
        self.app.clock = lambda: local.astimezone(UTC)
        return local

    def schedule(self) -> None:
        """What the bot does at start-up and every minute: build jobs from the database."""
        rebuild_jobs(self.app)

    async def run_job(self, name: str) -> list[Call]:
        """Run a scheduled job now, as the scheduler would when its time comes."""
        assert self.app.job_queue is not None
        # Planned jobs carry their day ("disinfection-deadline:3:2026-11-23"); a name without
        # it means the next such job.
        jobs = [
            job
            for job in self.app.job_queue.jobs()
            if job.name == name or _DAY.sub("", job.name or "") == name
        ]
        assert jobs, f"no job {name!r}: {[j.name for j in self.app.job_queue.jobs()]}"
        jobs.sort(
            key=lambda job: (job.name != name, job.next_t or datetime.max.replace(tzinfo=UTC))
        )
        before = len(self.request.calls)
        await jobs[0].run(self.app)
        if self.db is not None:
            self.db.commit()
        return self.request.calls[before:]

    async def settle(self, timeout: float = 10) -> None:
        """Wait until every pending live-card refresh has run."""
        assert self.app.job_queue is not None
        deadline = asyncio.get_running_loop().time() + timeout
        while any(j.name and j.name.startswith("card:") for j in self.app.job_queue.jobs()):
            assert asyncio.get_running_loop().time() < deadline, "card refreshes did not finish"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.02)  # let a refresh that just started finish its edits
        if self.db is not None:
            self.db.commit()


def texts(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.text]


def answers(calls: list[Call]) -> list[str]:
    """Texts of callback answers (the toasts a user sees after tapping)."""
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]


def to(calls: list[Call], chat_id: int) -> list[Call]:
    """The calls that went to one chat."""
    return [c for c in calls if c.chat_id == chat_id]
