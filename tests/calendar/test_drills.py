"""A drill is recorded from its task: type, people, evacuation time (flagged when slow), problems,
photos; a drill not yet done this quarter is a gap with the days left."""

from __future__ import annotations

from sqlmodel import Session

from storage.calendar_models import TaskStatus
from tests.calendar.setup import (
    CAREGIVER,
    DIRECTOR,
    LOGISTICS_HEAD,
    drills,
    make_kindergarten,
    occurrences,
    rules,
)
from tests.support.networking import Call
from tests.support.telegram import Telegram, answers, texts


async def _open_drill(telegram: Telegram, db: Session) -> tuple[int, list[Call]]:
    site = make_kindergarten(db, "2026-12-14 09:00")
    telegram.set_local_time("2026-12-19 10:00")
    listing = await telegram.send(LOGISTICS_HEAD, "/tasks")
    picker = await telegram.press(LOGISTICS_HEAD, listing[-1], "疏散演练")
    return site.id or 0, picker


async def test_the_gap_shows_the_days_left_in_the_quarter(telegram: Telegram, db: Session) -> None:
    make_kindergarten(db)
    telegram.set_local_time("2026-12-19 10:00")

    calls = await telegram.send(DIRECTOR, "📅 工作日历")

    assert "❗ 本季度疏散演练未完成，剩余12天" in calls[-1].text
    assert "🔔 12月31日（周四） 疏散演练 · 分管后勤园长" in calls[-1].text


async def test_a_drill_taking_2_35_is_recorded_and_flagged(telegram: Telegram, db: Session) -> None:
    _site, picker = await _open_drill(telegram, db)

    typed = await telegram.press(LOGISTICS_HEAD, picker[-1], "疏散")
    await telegram.send(LOGISTICS_HEAD, "126")
    await telegram.send(LOGISTICS_HEAD, "18人")
    await telegram.send(LOGISTICS_HEAD, "2:35")
    done = await telegram.send(LOGISTICS_HEAD, "二楼东侧楼梯口拥挤，小班幼儿下楼慢")
    photo = await telegram.send_photo(LOGISTICS_HEAD)

    assert "这次是什么演练" in picker[-1].text
    assert texts(typed) == ["参加的幼儿（学生）有多少人？请输入数字："]
    assert done[-1].text.startswith("✅ 演练已记录。 疏散用时 2:35。\n⚠️ 超过 120 秒的目标")
    assert texts(photo) == ["📷 照片已加入演练记录（共 1 张）。"]
    [record] = drills(db)
    db.refresh(record)
    assert (record.drill_type, record.children, record.staff) == ("evacuation", 126, 18)
    assert record.evacuation_seconds == 155 and record.slow is True
    assert record.problems == "二楼东侧楼梯口拥挤，小班幼儿下楼慢" and len(record.photos) == 1
    task = occurrences(db, rules(db, _site_of(db))["evacuation_drill"])[0]
    db.refresh(task)
    assert task.status == TaskStatus.DONE and task.details == {"drill_record": record.id}

    listing = (await telegram.send(DIRECTOR, "/tasks"))[-1]
    photos = await telegram.press(DIRECTOR, listing, "📷 演练照片")
    assert "🚨 上次演练：12月19日（周六） 疏散 · 用时 2:35 ⚠️ · 照片 1 张" in listing.text
    assert [c.params["photo"] for c in photos if c.method == "sendPhoto"] == record.photos


def _site_of(db: Session):  # type: ignore[no-untyped-def]
    from storage.sites import list_sites

    return list_sites(session=db)[0]


async def test_impossible_evacuation_times_are_asked_again(telegram: Telegram, db: Session) -> None:
    _site, picker = await _open_drill(telegram, db)
    await telegram.press(LOGISTICS_HEAD, picker[-1], "疏散")
    many = await telegram.send(LOGISTICS_HEAD, "很多")
    await telegram.send(LOGISTICS_HEAD, "100")
    await telegram.send(LOGISTICS_HEAD, "12")

    negative = await telegram.send(LOGISTICS_HEAD, "-5")
    hours = await telegram.send(LOGISTICS_HEAD, "3小时")
    fast = await telegram.send(LOGISTICS_HEAD, "1分40秒")
    await telegram.send(LOGISTICS_HEAD, "无")

    assert texts(many) == ["请输入 0 到 5000 之间的整数。"]
    refusal = "请输入 5 秒到 30 分钟之间的时间，例如 2:35 或 155。"
    assert texts(negative) == [refusal] and texts(hours) == [refusal]
    assert texts(fast) == ["发现了哪些问题？请输入，没有请输入「无」："]
    [record] = drills(db)
    assert record.evacuation_seconds == 100 and record.slow is False and record.problems == ""


async def test_only_the_responsible_or_a_manager_records_a_drill(
    telegram: Telegram, db: Session
) -> None:
    _site, picker = await _open_drill(telegram, db)

    calls = await telegram.press(CAREGIVER, picker[-1], "疏散")

    assert answers(calls) == ["只有分管后勤园长或园长可以完成此任务。"]
    assert drills(db) == []
