"""Reading a school's term work plan: month headings, the items under them, a guessed role.

Pure text in, items out; no database and no `telegram`. Plans are written by hand in many
styles (二月份 / 3月份： / 四月工作, items numbered 1、 1. 1． (1) ① 一、 or not at all,
several items on one line, sub-headings such as 宿舍方面：), so every line is classified and
the lines that are not items are kept with the reason, for the person importing to see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A plan is at most a page of items per month; an "item" longer than this is prose.
MAX_ITEM_CHARS = 120

_CN_NUM = "[一二三四五六七八九十]{1,3}"
_MONTH = r"(?P<month>十[一二]|十|[一二三四五六七八九元]|1[0-2]|0?[1-9])"
_LEAD = rf"(?:{_CN_NUM}\s*[、.．]|[（(]{_CN_NUM}[)）]|\d{{1,2}}\s*[、.．]|[【\[])?\s*"
_MONTH_HEADING = re.compile(
    rf"^{_LEAD}(?:\d{{4}}\s*年\s*)?{_MONTH}\s*月(?P<fen>份)?\s*"
    r"(?P<work>(?:份)?(?:主要|重点)?(?:工作)?(?:安排|计划|要点|重点|内容|任务)?)"
    r"\s*[】\]]?\s*(?P<colon>[:：])?\s*(?P<rest>.*)$"
)
# Item markers, by style; each has a number (or none for bullets).
_MARKERS = [
    ("paren_arabic", re.compile(r"[（(](\d{1,2})[)）]")),
    ("paren_cn", re.compile(rf"[（(]({_CN_NUM})[)）]")),
    ("circled", re.compile(r"([①-⑳])")),
    ("arabic", re.compile(r"(\d{1,2})\s*(?:[、．]|\.(?!\d)|[)）])")),
    ("cn", re.compile(rf"({_CN_NUM})\s*、")),
]
_BULLET = re.compile(r"^[•·●○■□◆◇▪►\-–—*]+\s*")
# Where a marker may begin inside a line: at the start or after a sentence or a pause.
_BOUNDARY = "。；;，,:： \t"
_SUB_HEADING_ENDS = (
    "方面",
    "工作",
    "管理",
    "安全",
    "卫生",
    "教育",
    "保健",
    "后勤",
    "膳食",
    "安排",
    "周",
)
_SECTION_WORDS = ("措施", "要求", "目标", "思想", "保障", "总结", "说明", "附件", "指导")
_PROSE_STARTS = ("备注", "注：", "注:", "说明", "附：", "附:", "以上", "总之", "特别提醒")
_SPLIT = re.compile(r"[；;]")
_CONTINUED = ("，", ",", "、", "及", "和", "与")

# Keywords → role, most specific first: 食堂消毒 is the kitchen's job.
ROLE_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("kitchen", ("食堂", "厨房", "食谱", "菜谱", "伙食", "膳食", "炊事", "食品", "留样", "营养")),
    (
        "health_teacher",
        (
            "保健",
            "体检",
            "消毒",
            "传染病",
            "晨检",
            "疫苗",
            "接种",
            "卫生",
            "防疫",
            "流感",
            "手足口",
        ),
    ),
    (
        "maintenance",
        (
            "维修",
            "检修",
            "修缮",
            "维护",
            "电路",
            "水电",
            "线路",
            "设施设备",
            "灭火器",
            "消防器材",
            "灯具",
            "门窗",
            "纱窗",
            "滤网",
            "滤芯",
        ),
    ),
    ("guard", ("门卫", "保安", "安保", "巡逻", "接送卡")),
    ("class_teacher", ("家长", "家访", "家园", "告家长书", "班级")),
    ("caregiver_lead", ("保育",)),
]
DRILL_WORDS = ("演练", "演习")
DRILL_TYPES: list[tuple[str, tuple[str, ...]]] = [
    ("evacuation", ("疏散",)),
    ("earthquake", ("地震", "防震")),
    ("anti_terror", ("反恐", "防暴", "防恐")),
    ("fire", ("消防", "火灾", "防火", "灭火")),
]


@dataclass(frozen=True)
class PlanItem:
    month: int
    title: str
    role: str | None
    drill: bool
    line: int  # 1-based line of the plan it came from

    @property
    def drill_type(self) -> str | None:
        return guess_drill_type(self.title) if self.drill else None


@dataclass(frozen=True)
class SkippedLine:
    line: int
    text: str
    reason: str  # "before_months", "after_months", "heading", "section", "prose"


@dataclass
class ParsedPlan:
    items: list[PlanItem] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)
    months: list[int] = field(default_factory=list)  # in the plan's order

    def per_month(self) -> dict[int, int]:
        counts = dict.fromkeys(self.months, 0)
        for item in self.items:
            counts[item.month] += 1
        return counts


def guess_role(title: str) -> str | None:
    for role, words in ROLE_KEYWORDS:
        if any(word in title for word in words):
            return role
    return None


def is_drill(title: str) -> bool:
    return any(word in title for word in DRILL_WORDS)


def guess_drill_type(title: str) -> str:
    for kind, words in DRILL_TYPES:
        if any(word in title for word in words):
            return kind
    return "other"


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return value if (not tens or tens in CN_DIGITS) and (not ones or ones in CN_DIGITS) else None


def _marker_number(style: str, raw: str) -> int | None:
    if style == "circled":
        return ord(raw) - ord("①") + 1
    return cn_number(raw)


def month_heading(line: str) -> tuple[int, str] | None:
    """(month, text after the heading) when the line starts with a month heading."""
    match = _MONTH_HEADING.match(line.strip())
    if match is None:
        return None
    month = 1 if match["month"] == "元" else cn_number(match["month"].lstrip("0") or "0")
    if month is None or not 1 <= month <= 12:
        return None
    rest = match["rest"].strip()
    # "3月8日…" and "3月底前…" are items with a date, not headings: after the month there
    # must be nothing, a colon, 份/工作…, or the first numbered item.
    if rest and not (match["colon"] or match["fen"] or match["work"]):
        return None
    if rest and not match["colon"] and _split_numbered(rest) is None and not match["work"]:
        return None
    return month, rest


def _split_numbered(text: str) -> list[str] | None:
    """Items of a line that starts with a marker, split at each next number of that style."""
    for style, regex in _MARKERS:
        first = regex.match(text)
        if first is None or _marker_number(style, first.group(1)) is None:
            continue
        expected = (_marker_number(style, first.group(1)) or 0) + 1
        cuts = [(first.start(), first.end())]
        for found in regex.finditer(text, first.end()):
            if _marker_number(style, found.group(1)) != expected:
                continue
            if found.start() > 0 and text[found.start() - 1] not in _BOUNDARY:
                continue
            cuts.append((found.start(), found.end()))
            expected += 1
        ends = [start for start, _ in cuts[1:]] + [len(text)]
        return [text[end:stop] for (_, end), stop in zip(cuts, ends, strict=True)]
    return None


def _clean(text: str) -> str:
    return _BULLET.sub("", text.strip()).strip().rstrip("。；;，,、 ").strip()


def _sub_heading(text: str) -> str | None:
    """The items after a sub-heading such as 宿舍方面：… ('' when none); None if not one."""
    bare = text
    for _style, regex in _MARKERS:
        found = regex.match(bare)
        if found:
            bare = bare[found.end() :]
            break
    bare = bare.strip()
    if bare.startswith("【") and "】" in bare:
        label, _, rest = bare[1:].partition("】")
        return rest.strip(" :：") if len(label) <= 10 else None
    parts = re.split(r"[:：]", bare, maxsplit=1)
    if len(parts) < 2 or len(parts[0].strip()) > 8:
        return None
    label, rest = parts[0].strip(), parts[1].strip()
    if not rest or label.endswith(_SUB_HEADING_ENDS):
        return rest
    return None


def _items_of(text: str) -> tuple[list[str], str | None]:
    """(items, reason when the text is not items) for one line inside a month."""
    stripped = text.strip()
    if stripped.startswith(_PROSE_STARTS):
        return [], "prose"
    numbered = _split_numbered(stripped)
    sub = _sub_heading(stripped)
    if sub == "":
        return [], "heading"
    if sub is not None and (numbered is None or stripped.startswith("【")):
        return _items_of(sub)[0], None
    if numbered is None:
        if len(stripped) <= 12 and any(w in stripped for w in _SECTION_WORDS):
            return [], "section"
        parts = [_clean(p) for p in _SPLIT.split(stripped)]
    else:
        parts = [_clean(p) for p in numbered]
    parts = [p for p in parts if len(p) >= 2]
    too_long = any(len(p) > MAX_ITEM_CHARS for p in parts)
    if not parts or too_long or (numbered is None and stripped.count("。") >= 2):
        return [], "prose"
    return parts, None


def _is_section(line: str) -> bool:
    """A new top-level section (四、保障措施) ends the month-by-month part."""
    stripped = line.strip()
    return (
        re.match(rf"^{_CN_NUM}\s*[、.．]", stripped) is not None
        and len(stripped) <= 14
        and any(word in stripped for word in _SECTION_WORDS)
    )


def _continues(plan: ParsedPlan, previous: str, line: str) -> bool:
    """A numbered item broken over two lines: it ended mid-sentence (，、) and this line has
    no number of its own."""
    return (
        bool(plan.items)
        and previous.endswith(_CONTINUED)
        and _split_numbered(previous) is not None
        and _split_numbered(line) is None
        and _sub_heading(line) is None
    )


def parse_plan(text: str) -> ParsedPlan:
    plan = ParsedPlan()
    month: int | None = None
    previous = ""  # the last line read inside a month
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.replace("\u3000", " ").strip()
        if not line:
            continue
        heading = month_heading(line)
        if heading is not None:
            month, rest = heading
            if month not in plan.months:
                plan.months.append(month)
            if not rest:
                plan.skipped.append(SkippedLine(number, line, "heading"))
                continue
            line = rest
        elif month is not None and _is_section(line):
            month = None
            plan.skipped.append(SkippedLine(number, line, "section"))
            continue
        if month is None:
            outside = "after_months" if plan.months else "before_months"
            plan.skipped.append(SkippedLine(number, line, outside))
            continue
        if _continues(plan, previous, line):
            last = plan.items[-1]
            plan.items[-1] = PlanItem(last.month, _clean(last.title + "，" + line),
                                      guess_role(last.title + line), is_drill(last.title + line),
                                      last.line)  # fmt: skip
            previous = line
            continue
        previous = line
        items, reason = _items_of(line)
        if reason is not None:
            plan.skipped.append(SkippedLine(number, line, reason))
        for title in items:
            plan.items.append(PlanItem(month, title, guess_role(title), is_drill(title), number))
    return plan
