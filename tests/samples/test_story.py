"""Lunch ends 12:30, four dishes logged at 12:40 → due 12:30 two days later → disposed, witnessed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from storage.samples_models import SampleState
from tests.samples.setup import (
    COOK,
    HEALTH_TEACHER,
    SECOND_COOK,
    dishes,
    log_meal,
    logs,
    make_kitchen,
)
from tests.support.telegram import Telegram, answers, texts, to

FOUR = [("红烧肉", "150"), ("清炒菠菜", "130"), ("米饭", "125"), ("番茄蛋汤", "200克")]


async def test_lunch_is_logged_checked_reminded_disposed_and_witnessed(
    telegram: Telegram, db: Session
) -> None:
    make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    telegram.schedule()

    calls = await log_meal(telegram, COOK, "午餐", FOUR)

    done = texts(to(calls, COOK.id))[-1]
    assert done.startswith("✅ 已留样：11月23日（周一） 午餐")
    assert "红烧肉 150 g · 清炒菠菜 130 g · 米饭 125 g · 番茄蛋汤 200 g" in done
    assert "冰箱 4.0 °C · 12:40 马师傅 留样 · 未核对" in done
    assert "请于 11月25日（周三） 12:30 后处理。" in done
    [log] = logs(db)
    assert (log.meal, log.state, log.checked_by_id) == ("lunch", SampleState.KEPT, None)
    assert log.dispose_due_at == datetime(2026, 11, 25, 4, 30, tzinfo=UTC)
    assert log.photo_file_id and [d.grams for d in dishes(db)] == [150, 130, 125, 200]
    check = [c for c in to(calls, HEALTH_TEACHER.id) if c.buttons()][-1]
    assert "请核对 马师傅 的留样" in check.text

    checked = await telegram.press(HEALTH_TEACHER, check, "已核对")
    assert "✅ 周敏 已核对。" in texts(checked)
    db.refresh(log)
    assert log.checked_at is not None

    telegram.set_local_time("2026-11-25 12:29")
    assert to(await telegram.run_job(f"samples-dispose:{log.id}:0"), COOK.id) == []  # never early
    telegram.set_local_time("2026-11-25 12:30")
    reminded = await telegram.run_job(f"samples-dispose:{log.id}:0")
    prompt = [c for c in to(reminded, COOK.id) if c.buttons()][-1]
    assert prompt.text.startswith(
        "🗑 留样到期待处理（11月25日（周三） 12:30）：11月23日（周一） 午餐"
    )
    assert to(reminded, SECOND_COOK.id)  # every cook is told
    assert await telegram.run_job(f"samples-dispose:{log.id}:0") == []  # once

    telegram.set_local_time("2026-11-25 12:35")
    disposed = await telegram.press(COOK, prompt, "已处理")
    assert "🗑 马师傅 已处理，已请他人见证。" in texts(disposed)
    ask = [c for c in to(disposed, SECOND_COOK.id) if c.buttons()][-1]
    own = [c for c in to(disposed, COOK.id) if "请见证" in c.text]
    assert own == []  # the one who disposed is not asked to witness
    witnessed = await telegram.press(SECOND_COOK, ask, "已见证")
    assert "👁 刘阿姨 已见证处理。" in texts(witnessed)
    again = await telegram.press(HEALTH_TEACHER, ask, "已见证")
    assert answers(again) == ["这次处理已有人见证。"]
    db.refresh(log)
    assert log.state == SampleState.DISPOSED
    assert log.disposed_at == datetime(2026, 11, 25, 4, 35, tzinfo=UTC)
    assert log.witness_id is not None and log.witnessed_at is not None
