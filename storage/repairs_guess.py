"""Reading a report typed the way staff talk: "报修 小一班 水龙头漏水" → where, what kind, what.

The site's own class names and places come first; the kind is guessed from a keyword table.
Both are shown to the author for correction before anything is opened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storage.repairs_models import Category

# Words that start a report in a staff group; anything else there is ordinary chat.
TRIGGER = re.compile(r"^\s*(?:#\s*报修|报修|#?repair\b)[\s:：,，。.、-]*", re.IGNORECASE)

# First match wins: "电脑" is IT before "电" is electric, "电视" is AV.
KEYWORDS: list[tuple[Category, tuple[str, ...]]] = [
    (
        Category.IT,
        ("电脑", "网络", "网线", "wifi", "打印机", "监控", "路由", "computer", "printer"),
    ),
    (
        Category.AV,
        ("投影", "音响", "电视", "话筒", "麦克风", "白板", "钢琴", "projector", "speaker"),
    ),
    (
        Category.PLUMBING,
        (
            "水龙头",
            "漏水",
            "水管",
            "马桶",
            "下水",
            "堵",
            "冲水",
            "水池",
            "渗水",
            "leak",
            "tap",
            "pipe",
        ),
    ),
    (Category.TOYS, ("玩具", "滑梯", "秋千", "攀爬", "蹦床", "摇马", "toy", "slide", "swing")),
    (Category.DOORS, ("门", "锁", "窗", "钥匙", "合页", "把手", "door", "lock", "window")),
    (Category.FURNITURE, ("桌", "椅", "床", "柜", "架", "凳", "chair", "table", "bed", "shelf")),
    (
        Category.ELECTRIC,
        ("电", "灯", "插座", "开关", "跳闸", "空调", "风扇", "light", "socket", "power", "lamp"),
    ),
]


# Rooms of a class, recognised after its name ("小一班 午睡室") though not offered as places.
ROOM_WORDS = ("活动室", "午睡室", "寝室", "卫生间", "盥洗室", "教室", "办公室")


@dataclass(frozen=True)
class Guess:
    location: str
    category: Category
    description: str


def is_report(text: str | None) -> bool:
    return bool(text and TRIGGER.match(text))


def guess_category(text: str) -> Category:
    lowered = text.lower()
    for category, words in KEYWORDS:
        if any(word in lowered for word in words):
            return category
    return Category.OTHER


def _find(text: str, names: Sequence[str]) -> str | None:
    """The longest name that occurs in the text (中一班 before 一班)."""
    found = [name for name in names if name and name in text]
    return max(found, key=len) if found else None


def guess(text: str, class_names: Sequence[str], places: Sequence[str]) -> Guess:
    """Where (a class, a place, or both), what kind, and the description without them."""
    body = TRIGGER.sub("", text, count=1).strip()
    school_class, place = _find(body, class_names), _find(body, [*places, *ROOM_WORDS])
    location = " ".join(p for p in (school_class, place) if p)
    rest = body
    for token in (school_class, place):
        if token:
            rest = rest.replace(token, " ", 1)
    description = re.sub(r"^[\s:：,，。.、的-]+", "", re.sub(r"\s+", " ", rest)).strip()
    # The kind is read from what is wrong, not from the place ("门卫室的灯" is a light).
    return Guess(location, guess_category(description or body), description or body)
