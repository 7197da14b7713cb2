"""The director's taps that send a notice to the whole site, through the emulator (shared by
the end-to-end tests and the broadcast benchmark)."""

from __future__ import annotations

from sandbox.state import Message, User
from sandbox.userapi import UserApi

WAIT = 10.0


def text_of(message: Message) -> str:
    return message.text or message.caption or ""


async def tap(users: UserApi, user: User, message: Message, data: str) -> None:
    """Press a button and wait for the bot to edit the message."""
    edits = message.edit_count
    users.press_button(user, message, data=data)
    await users.wait_until(
        lambda: message.edit_count > edits, timeout=WAIT, what=f"the answer to {data}"
    )


async def send_to_whole_site(users: UserApi, director: User, template: str = "drowning") -> None:
    """📢 告家长书 → template → 下一步 → 跳过 → 全园 → 预览 → 确认发送."""
    asked = users.send_text(director, "📢 告家长书")
    screen = await users.wait_for_bot_message(director, after=asked, timeout=WAIT)
    for data in (f"tpl:{template}", "next", "skip", "all"):
        await tap(users, director, screen, f"ntd:v1:{data}")
    before = users.bot_messages(director)[-1].message_id
    users.press_button(director, screen, data="ntd:v1:aud")

    def confirmation() -> Message | None:
        last = users.bot_messages(director)[-1]
        sends = [b for b in last.inline_buttons() if b.get("callback_data") == "ntd:v1:send"]
        return last if sends and last.message_id > before else None

    await users.wait_until(lambda: confirmation() is not None, WAIT, "the confirmation")
    confirm = confirmation()
    assert confirm is not None and "全园" in text_of(confirm)
    await tap(users, director, confirm, "ntd:v1:send")
    assert text_of(confirm).startswith("📤 正在发送")
