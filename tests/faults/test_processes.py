"""One process in charge, and a stop that never hangs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from sqlmodel import select

from storage.disinfection import DisinfectionRecord
from tests.e2e.kindergarten import LI_FANG, WAIT, Kindergarten, text_of
from tests.faults.conftest import Launch
from tests.faults.world import RECORDED, FaultBot, method_picker


async def test_sigterm_stops_the_bot_within_5_s_whatever_telegram_does(
    place: Kindergarten, launch: Launch
) -> None:
    users, li = place.users, place.person(LI_FANG)
    bot = await launch(place)
    picker = await method_picker(place, li, "小一班 活动室")
    # Telegram stops answering anything, polling included, while a tap is being handled.
    users.set_faults(
        hang=1.0,
        hang_seconds=60,
        methods=["getUpdates", "answerCallbackQuery", "editMessageText", "sendMessage"],
    )
    users.press_button(li, picker, text="消毒柜")
    await asyncio.sleep(1.0)

    started = time.monotonic()
    code = await bot.stop()

    assert time.monotonic() - started < 5.0 and code == 0


async def test_a_second_houqin_run_on_the_same_sqlite_file_refuses_in_one_line(
    place: Kindergarten, launch: Launch
) -> None:
    bot = await launch(place)
    second = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=bot.env,
        cwd=bot.workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Another `houqin run`"), second.stderr
    assert bot.running


async def test_on_postgresql_a_waiting_process_takes_over_within_15_s(
    place_pg: Kindergarten, tmp_path: object
) -> None:
    users, li = place_pg.users, place_pg.person(LI_FANG)
    first = FaultBot(place_pg.server, place_pg.database_url, tmp_path, "polling")  # type: ignore[arg-type]
    second = FaultBot(place_pg.server, place_pg.database_url, tmp_path, "polling")  # type: ignore[arg-type]
    second.log_path = first.log_path.with_name("bot-second.log")
    try:
        await first.start()
        await second.launch_waiting()
        picker = await method_picker(place_pg, li, "小一班 活动室")
        await users.wait_until(
            lambda: "waiting to take over" in second.output(), timeout=30, what="the second"
        )

        await first.kill()
        started = time.monotonic()
        await second.wait_polling(timeout=15)
        took = time.monotonic() - started
        users.press_button(li, picker, text="消毒柜")
        await users.wait_until(lambda: RECORDED in text_of(picker), timeout=WAIT, what="answer")

        assert took < 15
        with place_pg.session() as session:
            assert len(session.exec(select(DisinfectionRecord)).all()) == 1
    finally:
        for bot in (first, second):
            await bot.stop()
            print(bot.output())
