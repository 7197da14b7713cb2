"""The real bot process killed at random moments during a burst of taps, and a takeover.

200 taps (100 caregivers, two rooms each, epidemic mode: a tap processed twice would
record a second round) go to the sandbox at once; the process is killed with SIGKILL at a
random moment three times and started again. Lost: tapped rooms with no record;
duplicated: records beyond one per room. Then, on PostgreSQL: one process in charge, a
second waiting; the first is killed; the seconds until the second polls.

Run: .venv/bin/python -m benchmarks.faults_kill9
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

from benchmarks.common import _postgres_url, backends, report
from tests.e2e.kindergarten import Kindergarten
from tests.faults.world import (
    FaultBot,
    add_caregivers,
    area_ids,
    kindergarten_on,
    lost_and_doubled,
    pickers_for,
    tap_all,
    wait_recorded,
)

TAPS, KILLS = 200, 3
DATABASE = "houqin_bench_faults"  # beside the benchmark database, never the tests' one


async def kill9_burst(backend: str, folder: Path, rng: random.Random) -> None:
    async with kindergarten_on(backend, folder, DATABASE) as place:
        people = add_caregivers(place, TAPS // 2)
        bot = FaultBot(place.server, place.database_url, folder, "polling")
        try:
            await bot.start()
            pickers = await pickers_for(place, people)
            areas = area_ids(place, pickers)
            tap_all(place, pickers)
            for _ in range(KILLS):
                await asyncio.sleep(rng.uniform(0.0, 1.0))
                await bot.restart()
            await wait_recorded(place, len(areas), timeout=120)
            await asyncio.sleep(1.0)  # anything doubled would show up by now
        finally:
            await bot.stop()
        lost, duplicated = lost_and_doubled(place.engine, areas)
    report("faults.kill9_burst.lost", lost, "taps", backend)
    report("faults.kill9_burst.duplicated", duplicated, "taps", backend)


async def takeover(place: Kindergarten, folder: Path, rounds: int = 3) -> list[float]:
    """Seconds from the holder's death to the waiting process polling, `rounds` times."""
    times: list[float] = []
    holder = FaultBot(place.server, place.database_url, folder, "polling")
    holder.log_path = folder / "bot-0.log"
    await holder.start()
    running = [holder]
    try:
        for n in range(1, rounds + 1):
            waiting = FaultBot(place.server, place.database_url, folder, "polling")
            waiting.log_path = folder / f"bot-{n}.log"
            running.append(waiting)
            await waiting.launch_waiting()
            await place.users.wait_until(
                lambda w=waiting: "waiting to take over" in w.output(), timeout=60, what="wait"
            )
            await holder.kill()
            started = time.monotonic()
            await waiting.wait_polling(timeout=60)
            times.append(time.monotonic() - started)
            holder = waiting
    finally:
        for bot in running:
            await bot.stop()
    return times


async def main() -> None:
    seed = random.randrange(1_000_000)
    print(f"# random seed {seed}", flush=True)
    rng = random.Random(seed)
    found = backends()
    # The fault world makes its own database beside this one (tests.faults.world).
    os.environ.setdefault("TEST_DATABASE_URL", _postgres_url())
    for backend in found:
        with tempfile.TemporaryDirectory() as folder:
            await kill9_burst(backend, Path(folder), rng)
    if "postgresql" in found:
        with tempfile.TemporaryDirectory() as folder:
            async with kindergarten_on("postgresql", Path(folder), DATABASE) as place:
                times = await takeover(place, Path(folder))
        print(f"# takeovers: {', '.join(f'{t:.2f}' for t in times)} s", flush=True)
        report("failover.takeover", max(times), "s", "postgresql")


if __name__ == "__main__":
    asyncio.run(main())
