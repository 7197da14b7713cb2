"""Restarts: what fell due while down is sent once if still useful, else recorded as missed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from bot.cli import main
from storage.missed import list_missed
from tests.conftest import BotFactory
from tests.samples.setup import (
    COOK,
    HEALTH_TEACHER,
    SECOND_COOK,
    drain,
    log_meal,
    logs,
    make_kitchen,
)


async def test_down_over_the_due_time_the_reminder_comes_once_and_three_restarts_add_nothing(
    bots: BotFactory, db: Session
) -> None:
    first = await bots.start()
    make_kitchen(db)
    first.set_local_time("2026-11-23 12:40")
    first.schedule()
    await log_meal(first, COOK, "午餐", [("米饭", "150"), ("红烧肉", "150")])
    await bots.stop(first)  # down from Monday 12:40 to Wednesday 14:00, over the 12:30 due time

    prompts = []
    for _ in range(4):  # the restart that catches up, then three more
        bot = await bots.start()
        bot.set_local_time("2026-11-25 14:00")
        bot.schedule()
        await drain(bot)
        prompts += [
            c for c in bot.request.sent() if c.chat_id == COOK.id and "留样到期待处理" in c.text
        ]
        await bots.stop(bot)

    assert len(prompts) == 1 and "11月23日（周一） 午餐" in prompts[0].text
    assert [label for label, _ in prompts[0].buttons()] == ["🗑 已处理", "🔒 保留"]


async def test_a_meal_missed_while_down_is_recorded_and_the_escalation_still_sent(
    bots: BotFactory,
    db: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kitchen = make_kitchen(db)
    bot = await bots.start()
    bot.set_local_time("2026-11-23 16:00")  # lunch ended 12:30; down since before 13:30
    bot.schedule()
    await drain(bot)

    sent = bot.request.sent()
    reminders = [c for c in sent if c.chat_id in {COOK.id, SECOND_COOK.id} and "午餐" in c.text]
    escalations = [c for c in sent if c.chat_id == HEALTH_TEACHER.id and "没有留样记录" in c.text]
    missed = {r.key for r in list_missed(session=db, site_id=kitchen.site.id)}
    site = kitchen.site.id

    assert reminders == []  # 13:30 is past its use: the escalation at 14:30 took over
    assert any("加餐 15:00 已结束" in c.text for c in sent if c.chat_id == COOK.id)  # due now
    assert any("11月23日（周一） 午餐" in c.text for c in escalations)
    assert f"samples-remind:{site}:2026-11-23:lunch" in missed
    assert f"samples-escalate:{site}:2026-11-23:lunch" not in missed
    assert logs(db) == []

    monkeypatch.setenv("DATABASE_URL", bot.app.settings.database_url)
    with pytest.raises(SystemExit):
        main(["jobs", "missed", "--site", str(site), "--day", "2026-11-23"])
    printed = capsys.readouterr().out
    assert f"samples-remind:{site}:2026-11-23:lunch" in printed
    assert "lunch samples not logged 60 min after 12:30 → kitchen" in printed


async def test_jobs_list_shows_what_comes_next_for_whom_and_why(
    telegram,
    db: Session,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    kitchen = make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    await log_meal(telegram, COOK, "午餐", [("米饭", "150")])
    [log] = logs(db)

    monkeypatch.setenv("DATABASE_URL", telegram.app.settings.database_url)
    with pytest.raises(SystemExit):
        main(
            [
                "jobs",
                "list",
                "--site",
                str(kitchen.site.id),
                "--at",
                "2026-11-23T04:45:00+00:00",
                "--limit",
                "200",
            ]
        )
    printed = capsys.readouterr().out

    assert (
        f"2026-11-25 12:30 site {kitchen.site.id}  disposal   samples-dispose:{log.id}:0" in printed
    )
    assert "for: kitchen; why: samples of 2026-11-23 lunch kept long enough" in printed
    assert (
        f"2026-11-23 13:30 site {kitchen.site.id}  reminder   samples-remind:{kitchen.site.id}:2026-11-23:lunch"
        in printed
    )
    assert f"disinfection-deadline:{kitchen.site.id}:2026-11-23" in printed
