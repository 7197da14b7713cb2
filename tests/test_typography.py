"""One typographic convention for Chinese text (docs/STYLE.md, "Writing for users")."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from sqlmodel import Session

from bot.i18n import LOCALE_DIR
from storage.permissions import Role
from tests.factories import make_member, make_site
from tests.support.telegram import Telegram, User

DIRECTOR = User(501, "王丽")

CJK = "\u3400-\u9fff\uff01-\uff5e\u3000-\u303f"
RULES = {
    "ASCII colon or bracket next to Chinese": re.compile(
        rf"[{CJK}][:()\[\]]|[()\[\]][{CJK}]|[{CJK}]\s*:"
    ),
    "middle dot without a space on both sides": re.compile(r"\S·|·\S"),
    "mg/L without a space after the number": re.compile(r"[\d}]mg/L"),
    "half-width comma or full stop after Chinese": re.compile(r"[\u4e00-\u9fff][,.;!?]"),
}


def chinese_messages() -> list[tuple[str, str]]:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="zh_CN")
    return [(str(m.id), str(m.string)) for m in catalog if m.id and m.string]


def test_the_chinese_catalog_follows_one_convention() -> None:
    broken = [
        f"{rule}: {text!r}"
        for msgid, text in chinese_messages()
        for rule, pattern in RULES.items()
        if pattern.search(text)
    ]
    assert broken == []


def test_the_rules_catch_what_they_should() -> None:
    samples = {
        "ASCII colon or bracket next to Chinese": ["• 第一幼儿园: 园长", "11月26日 (周四)"],
        "middle dot without a space on both sides": ["{site}·{role}", "a ·b"],
        "mg/L without a space after the number": ["500mg/L", "{mg}mg/L"],
        "half-width comma or full stop after Chinese": ["好的,谢谢", "已取消."],
    }
    for rule, texts in samples.items():
        assert all(RULES[rule].search(text) for text in texts), rule
    assert not any(p.search("已完成 7/12 · 16:30 截止（500 mg/L）") for p in RULES.values())


async def test_me_lists_roles_with_a_full_width_colon(telegram: Telegram, db: Session) -> None:
    site = make_site(db)
    make_member(db, site, DIRECTOR, Role.DIRECTOR)

    answer = (await telegram.send(DIRECTOR, "/me"))[-1]

    assert answer.text == "王丽，您的身份：\n• 第一幼儿园：园长"
