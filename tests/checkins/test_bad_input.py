"""Bad input gets a clear answer and stores nothing: numbers, strangers, closed days, leave."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from storage.checkin_models import ClassHeadcount, StaffLeave
from storage.checkins import CheckinError
from storage.checkins_morning import Child, MorningReport, validate_report
from tests.checkins.setup import (
    PARENT,
    answers,
    make_kindergarten,
    tap,
)
from tests.factories import class_named
from tests.support.telegram import Telegram
from tests.support.telegram import answers as toasts


async def test_the_headcount_is_a_whole_number_in_range_and_a_change_is_confirmed(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    class_id = class_named(db, k.site, "小二班").id
    db.delete(db.get(ClassHeadcount, class_id))
    db.commit()
    teacher = k.teachers["小二班"]
    telegram.set_local_time("2026-11-26 08:00")

    asked = await telegram.send(teacher, "🩺 晨检")
    assert asked[-1].text == "小二班每天应到多少名幼儿？请输入人数："
    for typed in ("abc", "9999", "-3", "0", "25.5"):
        refused = await telegram.send(teacher, typed)
        assert refused[-1].text == "请输入 1–60 之间的人数。", typed
    assert db.get(ClassHeadcount, class_id) is None
    counter = await telegram.send(teacher, "２８人")
    assert "应到 28 · 实到 28" in counter[-1].text

    await tap(telegram, teacher, counter, "改应到人数")
    confirm = await telegram.send(teacher, "27")
    assert confirm[-1].text == "把小二班的应到人数从 28 改为 27？"
    assert db.get(ClassHeadcount, class_id).expected == 28  # type: ignore[union-attr]
    changed = await tap(telegram, teacher, confirm, "确认")
    db.expire_all()
    assert "应到 27" in changed[-1].text
    assert db.get(ClassHeadcount, class_id).expected == 27  # type: ignore[union-attr]


async def test_never_more_absent_than_expected(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db, expected=2)
    teacher = k.teachers["小一班"]
    telegram.set_local_time("2026-11-26 08:00")
    screen = await telegram.send(teacher, "🩺 晨检")
    screen = await tap(telegram, teacher, screen, "事假 +1")
    screen = await tap(telegram, teacher, screen, "其他 +1")

    refused = await tap(telegram, teacher, screen, "事假 +1")

    assert toasts(refused) == ["缺勤 3 人，超过了应到的 2 人。"]
    done = await tap(telegram, teacher, screen, "提交")
    assert done[-1].text == "✅ 已记录：小一班 · 应到 2 · 实到 0 · 缺勤 2（事假 1，其他 1）"


def test_the_rules_refuse_absurd_reports() -> None:
    for report, code in (
        (MorningReport(expected=9999), "expected_range"),
        (MorningReport(expected=-1), "expected_range"),
        (MorningReport(expected=5, personal=-1), "negative"),
        (MorningReport(expected=2, personal=3), "too_many_absent"),
        (MorningReport(expected=3, sick=(Child("。", "fever"),)), "name_empty"),
        (MorningReport(expected=3, sick=(Child("小明", "headache"),)), "symptom"),
    ):
        with pytest.raises(CheckinError) as refused:
            validate_report(report, 60)
        assert refused.value.code == code, report


async def test_a_parent_and_another_classs_teacher_cannot_answer(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:00")
    other_class = class_named(db, k.site, "中一班").id

    parent = await telegram.send(PARENT, "🩺 晨检")
    stranger = await telegram.send(k.teachers["小一班"], "/checkin")
    tapped = await telegram.press_data(
        k.teachers["小一班"], stranger[-1].result, f"ck:v1:m:{other_class}"
    )

    assert parent[-1].text == "只有班主任 / 保育员可以进行此操作。"
    assert toasts(tapped) == ["只有本班班主任或保育员可以填报本班晨检。"]
    assert answers(db) == []


async def test_a_leave_that_ends_before_it_starts_or_lies_two_years_ahead_is_refused(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 08:00")
    teacher = k.teachers["小一班"]

    backwards = await telegram.send(teacher, "/leave 11月27日-11月25日 病假")
    far = await telegram.send(teacher, "/leave 2028-11-25..2028-11-27 事假")
    nonsense = await telegram.send(teacher, "/leave 下周 病假")

    assert backwards[-1].text == "结束日期早于开始日期。"
    assert far[-1].text == "日期太远了：最多从今天起 366 天。"
    assert nonsense[-1].text.startswith("请假：/leave 11月25日-11月27日 病假")
    assert db.exec(select(StaffLeave)).all() == []
    assert date(2026, 11, 26)  # the day of the story
