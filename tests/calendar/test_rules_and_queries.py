"""The director edits the calendar; the summary and ledgers read it through plain queries."""

from __future__ import annotations

from datetime import UTC, date

from sqlmodel import Session

from storage.calendar import complete_task, ensure_occurrences, get_task
from storage.calendar_models import DrillType, TaskStatus
from storage.calendar_queries import (
    compliance_gaps,
    drill_ledger,
    overdue_tasks,
    task_ledger,
    tasks_done_on,
    tasks_due_this_week,
)
from storage.drills import DrillEntry, record_drill
from storage.people import get_person
from tests.calendar.setup import (
    CAREGIVER,
    DIRECTOR,
    HEALTH_TEACHER,
    KITCHEN,
    local,
    make_kindergarten,
    occurrences,
    rules,
)
from tests.support.telegram import Telegram, answers


async def test_the_director_switches_a_rule_off_and_changes_its_lead_time(
    telegram: Telegram, db: Session
) -> None:
    site = make_kindergarten(db)
    telegram.set_local_time("2026-11-23 09:00")
    listing = (await telegram.send(DIRECTOR, "/tasks"))[-1]

    overview = (await telegram.press(DIRECTOR, listing, "⚙️ 日历规则"))[-1]
    rule = (await telegram.press(DIRECTOR, overview, "卫生大扫除"))[-1]
    off = (await telegram.press(DIRECTOR, rule, "⏸ 关闭"))[-1]
    lead = (await telegram.press(DIRECTOR, off, "7 天"))[-1]

    assert "✅ 疏散演练 · 每季度 · 分管后勤园长" in overview.text
    assert off.text.endswith("已关闭") and "提前 7 天首次提醒" in lead.text
    cleaning = rules(db, site)["deep_cleaning"]
    db.refresh(cleaning)
    assert cleaning.active is False and cleaning.lead_days == 7
    refused = await telegram.press(CAREGIVER, lead, "▶️ 开启")
    assert answers(refused) == ["只有园长 / 分管后勤园长可以进行此操作。"]


async def test_the_director_names_one_person_who_alone_is_reminded(
    telegram: Telegram, db: Session
) -> None:
    site = make_kindergarten(db)
    telegram.set_local_time("2026-11-20 09:00")
    listing = (await telegram.send(DIRECTOR, "/tasks"))[-1]
    overview = (await telegram.press(DIRECTOR, listing, "⚙️ 日历规则"))[-1]
    rule = (await telegram.press(DIRECTOR, overview, "园舍安全检查"))[-1]
    picker = (await telegram.press(DIRECTOR, rule, "👤 负责人"))[-1]

    named = (await telegram.press(DIRECTOR, picker, "👤 马师傅"))[-1]
    telegram.set_local_time("2026-11-25 08:00")
    telegram.schedule()
    calls = await telegram.run_job(f"calendar-reminders:{site.id}")

    assert "负责人：马师傅" in named.text
    reminded = {
        c.chat_id for c in calls if "园舍安全检查" in c.text and c.chat_id and c.chat_id > 0
    }
    assert reminded == {KITCHEN.id}
    forged = await telegram.press_data(
        DIRECTOR, named.result, f"cal:v1:rq:{rules(db, site)['safety_inspection'].id}:999999"
    )
    assert answers(forged) == ["这个按钮已过期，请重新打开菜单。"]


def test_queries_for_the_summary_and_the_ledgers(db: Session) -> None:
    site = make_kindergarten(db, "2026-12-14 09:00")
    now = local("2026-12-29 09:00").astimezone(UTC)
    ensure_occurrences(session=db, site=site, today=date(2026, 12, 29))
    health = get_person(session=db, telegram_user_id=HEALTH_TEACHER.id)
    assert health is not None and health.id is not None
    inspection = occurrences(db, rules(db, site)["safety_inspection"])[0]
    task = get_task(session=db, occurrence_id=inspection.id or 0)
    assert task is not None
    complete_task(session=db, site=site, task=task, person_id=health.id, now=now)
    drill = get_task(
        session=db, occurrence_id=occurrences(db, rules(db, site)["evacuation_drill"])[0].id or 0
    )
    assert drill is not None
    gaps_before = compliance_gaps(session=db, site=site, now=now)
    entry = DrillEntry(DrillType.FIRE, 120, 15, 135, "")
    record_drill(session=db, site=site, task=drill, person_id=health.id, entry=entry, now=now)

    [done] = [r for r in tasks_done_on(session=db, site=site, day=date(2026, 12, 29), now=now)
              if r.title == "园舍安全检查"]  # fmt: skip
    assert (done.status, done.completed_by, done.late) == (TaskStatus.DONE, "周敏", True)
    assert any(r.title == "卫生大扫除" for r in tasks_due_this_week(session=db, site=site, now=now))
    assert all(
        r.status == TaskStatus.OVERDUE for r in overdue_tasks(session=db, site=site, now=now)
    )
    assert [g.days_left for g in gaps_before] == [2]
    assert compliance_gaps(session=db, site=site, now=now) == []
    [row] = drill_ledger(session=db, site=site, start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert (row.drill_type, row.children, row.evacuation_seconds, row.slow) == (
        "fire",
        120,
        135,
        True,
    )
    ledger = task_ledger(
        session=db, site=site, start=date(2026, 12, 1), end=date(2026, 12, 31), now=now
    )
    assert {r.title for r in ledger} >= {"疏散演练", "园舍安全检查", "灭火器检查"}
