"""Hypothesis strategies for hostile updates, built from the catalog (commands, buttons,
prefixes, menu texts), so a new flow's commands are attacked as soon as it lists them."""

from __future__ import annotations

import itertools
import time
from typing import Any

from hypothesis import strategies as st

from tests.security.catalog import BUTTONS, COMMANDS, MENU_TEXTS, PREFIXES
from tests.security.harness import bot_message, private
from tests.security.world import OTHER_DIRECTOR, OTHER_GROUP, STAFF_GROUP, STRANGER, World
from tests.support.telegram import Group, User

_ids = itertools.count(900_000)
PARENT_OF_A = User(904, "陈明")  # site A's parent (tests.disinfection.setup.PARENT)
SENDERS = [STRANGER, OTHER_DIRECTOR, PARENT_OF_A]
UNBOUND_GROUP = Group(-1003000000001, "随便一个群")

NASTY_TEXTS = [
    "",
    " ",
    "\n\n",
    "a" * 5000,
    "消毒" * 2500,
    "🧴" * 1000 + "👨‍👩‍👧‍👦🏳️‍🌈",
    "مرحبا بالعالم \u202eevil\u202c שלום",
    "\x00\x01\x07\x1b[31mred\x1b[0m\x7f",
    "'; DROP TABLE site; --",
    "1 OR 1=1; SELECT * FROM person",
    "<b>bold</b><script>alert(1)</script>&amp;&lt;",
    "<a href='tg://user?id=1'>x</a>",
    "9" * 10_000,
    "-500",
    "500.9",
    "１２３",
    "${jndi:ldap://x}",
    "%s%s%s%n",
    "{site}{0}{}",
]
# Ids that are not ids: too large for int64 or any column, negative, zero, not digits.
JUNK_IDS = ["0", "-1", "9" * 19, "9" * 40, "9" * 5000, "1e3", "", "abc", "١", "１", "00000001"]


@st.composite
def forged_data(draw: st.DrawFn, world: World) -> str:
    """A catalog button's data with each placeholder either site A's real id or junk."""
    template = draw(st.sampled_from([b.data for b in BUTTONS]))
    values = {
        key: draw(st.sampled_from([str(value), *JUNK_IDS]))
        for key, value in world.ids.items()
        if key != "other_site"
    }
    return template.format(**values)


def texts(world: World) -> st.SearchStrategy[str]:
    commands = st.builds(
        lambda name, mention, arg: f"/{name}{mention} {arg}".rstrip(),
        st.sampled_from(sorted({c.name for c in COMMANDS} | {"start", "nosuchcommand"})),
        st.sampled_from(["", "@houqin_test_bot", "@some_other_bot"]),
        st.one_of(st.sampled_from(["", "on", "off", "en", "xx", *JUNK_IDS]), st.text(max_size=30)),
    )
    return st.one_of(
        st.sampled_from(NASTY_TEXTS),
        st.sampled_from(MENU_TEXTS),
        st.text(max_size=80),
        commands,
    )


def callback_data(world: World) -> st.SearchStrategy[str]:
    forged = forged_data(world)
    random_parts = st.builds(
        lambda prefix, version, rest: f"{prefix}:{version}:{rest}",
        st.sampled_from([*PREFIXES, "zz"]),
        st.sampled_from(["v1", "v0", "v2", ""]),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    )
    return st.one_of(forged, random_parts, st.text(max_size=64))


def chats(sender: User) -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(
        [
            private(sender),
            STAFF_GROUP.to_dict(),
            OTHER_GROUP.to_dict(),
            UNBOUND_GROUP.to_dict(),
            {"id": UNBOUND_GROUP.id, "type": "group", "title": "普通群"},
        ]
    )


@st.composite
def updates(draw: st.DrawFn, world: World) -> tuple[User, dict[str, Any]]:
    """(sender, update payload without update_id)."""
    sender = draw(st.sampled_from(SENDERS))
    chat = draw(chats(sender))
    kind = draw(
        st.sampled_from(["message", "edited_message", "callback", "inline_callback", "photo"])
    )
    if kind in {"callback", "inline_callback"}:
        query: dict[str, Any] = {
            "id": str(next(_ids)),
            "from": sender.to_dict(),
            "chat_instance": "ci-hostile",
            "data": draw(callback_data(world)),
        }
        if kind == "callback":
            query["message"] = bot_message(chat, draw(st.integers(1, 2**31 - 1)))
        else:
            query["inline_message_id"] = "inline-1"
        return sender, {"callback_query": query}
    text = draw(texts(world))
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": sender.to_dict(),
    }
    if kind == "photo":
        message["photo"] = [{"file_id": "hostile", "file_unique_id": "h", "width": 1, "height": 1}]
        message["caption"] = text[:1024]
    else:
        message["text"] = text or "."
        if text.startswith("/"):
            length = len(text.split()[0]) if text.split() else 1
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if kind == "edited_message":
        message["edit_date"] = int(time.time())
    return sender, {"edited_message" if kind == "edited_message" else "message": message}
