"""The director's day: a summary whose figures equal what was recorded, once a day, with a chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.disinfection import DisinfectionRecord
from storage.permissions import Role
from storage.repairs import open_ticket
from storage.repairs_models import Urgency
from storage.sites import list_class_areas
from storage.summary import build_summary
from tests.conftest import BotFactory
from tests.disinfection.setup import (
    DIRECTOR,
    HEALTH_TEACHER,
    LOGISTICS_HEAD,
    Kindergarten,
    make_kindergarten,
)
from tests.factories import make_member
from tests.support.networking import Call
from tests.support.telegram import Telegram, User, answers, texts, to

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 26)  # a Thursday


def at(day: date, clock: str) -> datetime:
    hour, minute = map(int, clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


def summaries(calls: list[Call]) -> list[Call]:
    """The summary's messages and charts (escalations caught up at start-up are not ours)."""
    return [c for c in calls if c.method == "sendPhoto" or "今日概况" in c.text]


def seed_day(db: Session, k: Kindergarten, day: date = DAY) -> dict[str, int]:
    """6 rooms: 3 done (one of them 补录), one UV lamp never switched off, two not done."""
    assert k.site.id is not None
    areas = list_class_areas(session=db, site_id=k.site.id, kinds=["activity_room", "nap_room"])
    operator = make_member(db, k.site, User(950, "赵静"), Role.CAREGIVER_LEAD)
    assert operator.id is not None

    def record(index: int, **fields: object) -> None:
        area = areas[index]
        # A confirmation has started and ended at once; a UV session runs until ended.
        values: dict[str, object] = {
            "method": "cabinet",
            "created_at": at(day, "10:00"),
            "started_at": at(day, "10:00"),
            "ended_at": at(day, "10:00"),
            **fields,
        }
        db.add(
            DisinfectionRecord(
                site_id=k.site.id or 0,
                area_id=area.id or 0,
                class_id=area.class_id,
                day=day,
                operator_id=operator.id or 0,
                confirmed_by_id=operator.id or 0,
                **values,
            )
        )

    record(0)
    record(1, method="chlorine", concentration_mg_l=500)
    record(2, late=True, late_reason="忘记登记")
    record(3, method="uv_lamp", started_at=at(day, "10:00"), ended_at=None)
    db.commit()
    return {"done": 3, "expected": 6, "late": 1, "uv_open": 1, "missing": 3}


async def test_the_summary_figures_equal_the_seeded_day(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    expected = seed_day(db, k)

    summary = build_summary(session=db, site=k.site, day=DAY, now=at(DAY, "17:30"))

    section = summary.disinfection
    assert (section.done, section.expected) == (expected["done"], expected["expected"])
    assert section.late_entries == expected["late"]
    assert section.uv_left_open == expected["uv_open"]
    assert len(section.missing) == expected["missing"]
    # Each missing room names whom to ask: the class's caregiver.
    assert all(room.ask for room in section.missing)
    assert {room.class_name for room in section.missing} == {"中一班", "小二班"}


async def test_the_director_and_logistics_head_get_it_once_with_a_chart(
    bots: BotFactory, db: Session
) -> None:
    telegram = await bots.start()
    k = make_kindergarten(db)
    seed_day(db, k)
    telegram.set_local_time("2026-11-26 17:30")
    telegram.schedule()

    calls = await telegram.run_job(f"summary-daily:{k.site.id}")

    for leader in (DIRECTOR, LOGISTICS_HEAD):
        mine = summaries(to(calls, leader.id))
        assert [c.method for c in mine] == ["sendMessage", "sendPhoto"]
        text = mine[0].text
        assert "第一幼儿园" in text and "11月26日" in text
        assert "🧴 消毒 3/6" in text and "补录 1" in text and "⚠️ 紫外线灯未关 1" in text
        assert "请问" in text
        assert mine[1].files["photo"][1].startswith(b"\x89PNG")
    assert not summaries(to(calls, HEALTH_TEACHER.id))

    again = await telegram.run_job(f"summary-daily:{k.site.id}")
    assert not summaries(again)

    # After a restart the evening's catch-up finds both already sent.
    await bots.stop(telegram)
    restarted = await bots.start()
    restarted.set_local_time("2026-11-26 18:10")
    restarted.schedule()
    catch_up = await restarted.run_job(f"summary-daily:{k.site.id}:catch-up")
    assert not summaries(catch_up)


async def test_no_summary_before_its_time_or_on_a_weekend(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    telegram.set_local_time("2026-11-26 17:00")
    telegram.schedule()
    early = await telegram.run_job(f"summary-daily:{k.site.id}")
    telegram.set_local_time("2026-11-28 17:30")  # Saturday
    weekend = await telegram.run_job(f"summary-daily:{k.site.id}")
    assert not summaries(to(early, DIRECTOR.id)) and not summaries(to(weekend, DIRECTOR.id))


async def test_today_on_demand_for_managers_only(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    seed_day(db, k)
    telegram.set_local_time("2026-11-26 15:00")

    calls = await telegram.send(DIRECTOR, "📊 今日概况")
    refused = await telegram.send(k.caregivers["小一班"], "/today")

    assert [c.method for c in to(calls, DIRECTOR.id)] == ["sendMessage", "sendPhoto"]
    assert "🧴 消毒 3/6" in calls[0].text
    assert "只有" in texts(refused)[-1] and "园长" in texts(refused)[-1]


async def test_week_compares_the_classes(telegram: Telegram, db: Session) -> None:
    k = make_kindergarten(db)
    seed_day(db, k, DAY)
    seed_day(db, k, DAY - timedelta(days=1))
    telegram.set_local_time("2026-11-26 18:00")

    calls = await telegram.send(DIRECTOR, "/week")

    text = calls[0].text
    assert "本周" in text and text.count("消毒 50%") == 2 and "消毒 0%" in text
    # 11月20日–26日 has five school days; 小一班 did both rooms on two of them.
    assert "• 中一班 0%" in text and "• 小一班 40%" in text
    assert calls[1].method == "sendPhoto"


async def test_the_overdue_tickets_button_lists_them_each_a_button_to_open(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    reporter = make_member(db, k.site, User(951, "孙伟"), Role.LOGISTICS_LEAD)
    opened = open_ticket(
        session=db, now=at(DAY, "09:00") - timedelta(days=3), site_id=k.site.id or 0,
        reporter_id=reporter.id or 0, description="水龙头漏水", location="小一班",
        category="plumbing", urgency=Urgency.URGENT,
    )  # fmt: skip
    telegram.set_local_time("2026-11-26 15:00")
    [summary, _chart] = await telegram.send(DIRECTOR, "/today")

    listed = await telegram.press(DIRECTOR, summary, "🔧 超时报修（1）")
    [listing] = [c for c in listed if c.method == "sendMessage"]
    assert listing.text.splitlines() == [
        "🔧 未结工单 · 第 1 页",
        f"🔧 {opened.code} 小一班 · 水龙头漏水 · 待接单 · ⚠️ 超时",
    ]
    shown = await telegram.press(DIRECTOR, listing, opened.code)

    assert any("水龙头漏水" in c.text for c in shown)
    refused = await telegram.press(k.caregivers["小一班"], summary, "🔧 超时报修（1）")
    assert answers(refused) == ["只有园长 / 分管后勤园长 / 保健老师可以进行此操作。"]
