"""A held sample is never reminded until released; held samples are listed every morning."""

from __future__ import annotations

from sqlmodel import Session

from storage.samples_models import SampleState
from tests.samples.setup import (
    COOK,
    DIRECTOR,
    HEALTH_TEACHER,
    SECOND_COOK,
    drain,
    last_with_buttons,
    log_meal,
    logs,
    make_kitchen,
)
from tests.support.telegram import Telegram, answers, texts, to


async def test_a_held_sample_is_kept_listed_daily_and_reminded_only_after_release(
    telegram: Telegram, db: Session
) -> None:
    kitchen = make_kitchen(db)
    telegram.set_local_time("2026-11-23 12:40")
    telegram.schedule()
    await log_meal(telegram, COOK, "午餐", [("米饭", "150")])
    [log] = logs(db)
    telegram.set_local_time("2026-11-25 12:30")
    prompt = last_with_buttons(to(await telegram.run_job(f"samples-dispose:{log.id}:0"), COOK.id))

    asked = await telegram.press(COOK, prompt, "保留")
    empty = texts(await telegram.send(COOK, "。"))
    held = await telegram.send(COOK, "小一班两名幼儿腹泻，疑似食源性")

    assert texts(asked) == ["🔒 为什么保留这份留样？请输入原因："]
    assert empty == ["请用文字说明原因。"]
    assert "🔒 已保留：小一班两名幼儿腹泻，疑似食源性。保留至保健老师或园长解除。" in texts(held)
    db.refresh(log)
    assert log.state == SampleState.HELD and log.held_at is not None
    dispose = await telegram.press(SECOND_COOK, prompt, "已处理")
    assert answers(dispose) == ["这份留样已保留，须由保健老师或园长先解除保留。"]

    for day in ("2026-11-26", "2026-11-27"):  # days pass: no reminder, one list each morning
        telegram.set_local_time(f"{day} 08:00")
        telegram.schedule()
        await drain(telegram)
        assert f"samples-dispose:{log.id}:0" not in [j.name for j in telegram.app.job_queue.jobs()]  # type: ignore[union-attr]
    sent = telegram.request.sent()
    assert [c for c in sent if c.chat_id == COOK.id and "留样到期待处理" in c.text] == [prompt]
    lists = [
        c
        for c in sent
        if c.chat_id == HEALTH_TEACHER.id and c.text.startswith("🔒 第一幼儿园 保留中的留样：1 份")
    ]
    assert len(lists) == 3  # when held, then each of the two mornings
    assert len([c for c in sent if c.chat_id == DIRECTOR.id and "保留中的留样" in c.text]) == 3
    cook_release = await telegram.press(COOK, lists[-1], "解除保留")
    assert answers(cook_release) == ["只有园长 / 保健老师可以进行此操作。"]

    telegram.set_local_time("2026-11-27 09:00")
    released = await telegram.press(HEALTH_TEACHER, lists[-1], "解除保留")
    await drain(telegram)

    assert "🔓 周敏 已解除保留，将提醒厨房处理。" in texts(released)
    reminded = [
        c for c in telegram.request.sent() if c.chat_id == COOK.id and "留样到期待处理" in c.text
    ]
    assert len(reminded) == 2 and reminded[-1] is not prompt
    db.refresh(log)
    assert log.state == SampleState.KEPT and log.released_at is not None
    assert kitchen.site.id == log.site_id
