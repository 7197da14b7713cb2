"""The board on a phone: the figure first, what is to do plainly, done rooms compactly,
and always within Telegram's limits, even for a school of 40 classes in epidemic mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlmodel import Session

from bot.callbacks import MAX_BYTES
from bot.views.text import keep_whole, plain, utf16_length
from jobs.disinfection import refresh_board
from storage.disinfection import Entry, Method, load_room, record_disinfection
from storage.permissions import Role
from storage.sites import list_class_areas, update_site_settings
from tests.disinfection.setup import (
    HEALTH_TEACHER,
    board_messages,
    confirm,
    make_kindergarten,
)
from tests.factories import make_member
from tests.support.networking import Call
from tests.support.telegram import Telegram, User, answers, to

GRADES = "一二三四五六"
BIG_SCHOOL = tuple(f"{GRADES[i % 6]}年级{i // 6 + 10}班" for i in range(40))
LONG_NAME = User(990, "欧阳娜娜", "保育组长")


def check_limits(card: Call) -> None:
    assert utf16_length(card.text) <= 4096, utf16_length(card.text)
    buttons = card.buttons()
    assert len(buttons) <= 100
    assert all(len(data.encode()) <= MAX_BYTES for _, data in buttons)


async def test_the_board_puts_the_figure_first_and_marks_overdue_rooms(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 10:00")
    await confirm(telegram, k.caregivers["小一班"], "小一班 活动室", "通风")
    await confirm(telegram, k.caregivers["小一班"], "小一班 午睡室", "消毒柜")
    await confirm(telegram, k.caregivers["小二班"], "小二班 午睡室", "通风")
    await telegram.settle()
    morning = board_messages(telegram)[-1].text.splitlines()
    assert morning == [
        "🧴 今日消毒 11月23日（周一）",
        "已完成 3/6 · 第一幼儿园 · 16:30 截止",
        "⬜ 待消毒：",
        "小二班：活动室 ⬜",
        "中一班：活动室 ⬜ · 午睡室 ⬜",
        "✅ 已消毒：",
        "小一班：全部完成 ✅",
        "小二班：午睡室 ✅ 10:00 小二班保育员1",
    ]

    telegram.set_local_time("2026-11-23 16:31")
    site_id = k.site.id or 0
    await refresh_board(telegram.app, site_id, date(2026, 11, 23))
    evening = board_messages(telegram)[-1].text.splitlines()
    assert evening[2:5] == [
        "⚠️ 已过截止时间，仍待消毒：",
        "小二班：活动室 ⚠️",
        "中一班：活动室 ⚠️ · 午睡室 ⚠️",
    ]


def test_marks_are_kept_whole_with_word_joiners() -> None:
    mark = keep_whole("（补录）")
    assert mark == "（\u2060补\u2060录\u2060）" and plain(mark) == "（补录）"
    overdue = keep_whole("⚠️ 超时")
    # The emoji's variation selector stays attached; the space does not break.
    assert overdue == "⚠️\u2060\u00a0\u2060超\u2060时" and plain(overdue) == "⚠️ 超时"


def _record_all(db: Session, site_id: int, person_id: int, rounds: Callable[[int], int]) -> None:
    """Record rounds(index) rounds of each area, as late entries with a reason."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai: after the deadline
    areas = list_class_areas(session=db, site_id=site_id)
    for index, area in enumerate(areas):
        for _round in range(rounds(index)):
            room = load_room(session=db, area_id=area.id or 0, day=date(2026, 11, 23))
            assert room is not None
            entry = Entry(room, Method.CHLORINE, person_id, 500, "停电，晚间补做消毒")
            record_disinfection(session=db, entry=entry, now=now)


async def test_a_school_of_40_classes_in_epidemic_mode_fits_one_message(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db, classes=BIG_SCHOOL)
    site_id = k.site.id or 0
    kinds = ["activity_room", "nap_room", "toilet", "tableware"]
    update_site_settings(
        session=db, site=k.site, changes={"disinfection_areas": kinds, "epidemic_mode": True}
    )
    person = make_member(db, k.site, LONG_NAME, Role.CAREGIVER_LEAD)
    assert person.id is not None
    day = date(2026, 11, 23)

    telegram.set_local_time("2026-11-23 16:40")
    await refresh_board(telegram.app, site_id, day)
    empty = board_messages(telegram)[-1]
    check_limits(empty)
    assert empty.text.splitlines()[1].startswith("已完成 0/160 · 第一幼儿园")
    assert "一年级10班：活动室 ⚠️⚠️ · 午睡室 ⚠️⚠️ · 卫生间 ⚠️⚠️ · 餐具 ⚠️⚠️" in empty.text
    # 160 rooms to do: one button per class, not per room.
    assert len(empty.buttons()) == 40 and empty.buttons()[0][0] == "一年级10班 ⬜4"

    telegram.set_local_time("2026-11-23 18:00")
    # 3 of 4 rooms done (both rounds) in each class; the first room one round of two.
    _record_all(db, site_id, person.id, lambda index: 2 if index % 4 else 1)
    await refresh_board(telegram.app, site_id, day)
    mixed = board_messages(telegram)[-1]
    check_limits(mixed)
    assert mixed.text.splitlines()[1].startswith("已完成 120/160")
    assert "一年级10班：活动室 ✅⚠️" in mixed.text  # the first area of each class: one round

    _record_all(db, site_id, person.id, lambda index: 0 if index % 4 else 1)
    await refresh_board(telegram.app, site_id, day)
    done = board_messages(telegram)[-1]
    check_limits(done)
    assert "一年级10班：全部完成 ✅" in done.text and done.buttons() == []
    assert "reply_markup" not in done.params or done.params["reply_markup"] is None


async def test_a_class_button_of_a_large_board_opens_that_class_in_private(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db, classes=BIG_SCHOOL[:12])
    update_site_settings(
        session=db,
        site=k.site,
        changes={"disinfection_areas": ["activity_room", "nap_room", "toilet", "tableware"]},
    )
    telegram.set_local_time("2026-11-23 10:00")
    await refresh_board(telegram.app, k.site.id or 0, date(2026, 11, 23))
    card = board_messages(telegram)[-1]
    assert len(card.buttons()) == 12  # 48 rooms to do: more than 40, so a button per class

    tap = await telegram.press(HEALTH_TEACHER, card, "二年级10班")

    assert answers(tap) == ["已私信您，请在私聊中继续。"]
    picker = to(tap, HEALTH_TEACHER.id)[-1]
    assert [label for label, _ in picker.buttons()][:4] == [
        "二年级10班 活动室",
        "二年级10班 午睡室",
        "二年级10班 卫生间",
        "二年级10班 餐具",
    ]
    stranger = await telegram.press(k.caregivers[BIG_SCHOOL[0]], card, "二年级10班")
    assert answers(stranger) == ["只有本班教职工、保育组长或保健老师可以确认这个场所的消毒。"]
