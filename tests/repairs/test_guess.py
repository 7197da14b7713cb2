"""Reading reports typed the way staff talk: where, what kind, what is wrong."""

from __future__ import annotations

import pytest

from storage.repairs_guess import Guess, guess, is_report
from storage.repairs_models import Category

CLASSES = ("小一班", "小二班", "中一班", "一年级2班")
PLACES = ("厨房", "走廊", "门卫室", "操场")


@pytest.mark.parametrize(
    ("text", "location", "category", "description"),
    [
        ("报修 小一班 水龙头漏水", "小一班", Category.PLUMBING, "水龙头漏水"),
        ("#报修 小一班 午睡室 灯坏了", "小一班 午睡室", Category.ELECTRIC, "灯坏了"),
        ("# 报修：门卫室的灯不亮", "门卫室", Category.ELECTRIC, "灯不亮"),
        ("报修 中一班电脑开不了机", "中一班", Category.IT, "电脑开不了机"),
        ("报修 小二班电视没声音", "小二班", Category.AV, "电视没声音"),
        ("报修 操场滑梯有裂缝", "操场", Category.TOYS, "滑梯有裂缝"),
        ("报修 厨房门锁坏了", "厨房", Category.DOORS, "门锁坏了"),
        ("报修 一年级2班 椅子腿断了", "一年级2班", Category.FURNITURE, "椅子腿断了"),
        ("Repair: projector in 中一班 broken", "中一班", Category.AV, "projector in broken"),
        ("报修 走廊墙皮脱落", "走廊", Category.OTHER, "墙皮脱落"),
        ("报修 墙皮脱落", "", Category.OTHER, "墙皮脱落"),
    ],
)
def test_a_report_is_read_for_place_kind_and_problem(
    text: str, location: str, category: Category, description: str
) -> None:
    assert guess(text, CLASSES, PLACES) == Guess(location, category, description)


@pytest.mark.parametrize(
    ("text", "report"),
    [
        ("报修 小一班 灯坏了", True),
        ("#报修 灯坏了", True),
        ("repair the door", True),
        ("REPAIR: door", True),
        ("今天谁去报修？", False),
        ("repairs went well", False),
        ("我报修了", False),
        ("", False),
    ],
)
def test_only_messages_that_start_with_the_word_are_reports(text: str, report: bool) -> None:
    assert is_report(text) is report
