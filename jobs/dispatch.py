"""Planned items wait in the bot's own queue; one APScheduler job runs each when it is due.

Handing APScheduler one job per item costs about 0.1 ms each (it inspects the callback's
signature and builds a trigger every time): 10,000 items would take a second at start-up.
A heap of (due time, key) costs microseconds per item, and the single dispatcher job is
re-armed for the earliest item whenever that changes.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, Job

from bot.context import HouqinApplication
from jobs.schedule import NEVER_SKIP

if TYPE_CHECKING:
    from jobs.plan import Planned

DISPATCHER = "plan-dispatch"


@dataclass
class PlanQueue:
    """Pending planned items by key, and a heap of when each fires (stale entries skipped).

    Fire times are monotonic seconds, fixed when an item is queued from its distance to the
    bot's clock then, as APScheduler's own delays would be: an item due in three hours fires
    in three hours, whatever a test does to the clock meanwhile; one already due, at once.
    """

    items: dict[str, Planned] = field(default_factory=dict)
    fires: dict[str, float] = field(default_factory=dict)
    heap: list[tuple[float, str]] = field(default_factory=list)
    running: bool = False
    armed_for: float | None = None

    def put(self, item: Planned, now: datetime) -> None:
        fire = time.monotonic() + max(0.0, (item.due_at - now).total_seconds())
        self.items[item.key], self.fires[item.key] = item, fire
        heapq.heappush(self.heap, (fire, item.key))

    def remove(self, key: str) -> None:
        self.items.pop(key, None)
        self.fires.pop(key, None)

    def next_fire(self) -> float | None:
        while self.heap:
            fire, key = self.heap[0]
            if self.fires.get(key) == fire:
                return fire
            heapq.heappop(self.heap)
        return None

    def pop_due(self) -> list[Planned]:
        due: list[Planned] = []
        while (fire := self.next_fire()) is not None and fire <= time.monotonic():
            _, key = heapq.heappop(self.heap)
            self.fires.pop(key)
            due.append(self.items.pop(key))
        return due


def queue_of(app: HouqinApplication) -> PlanQueue:
    queue = getattr(app, "_plan_queue", None)
    if queue is None:
        queue = PlanQueue()
        app._plan_queue = queue  # type: ignore[attr-defined]
    return queue


def arm(app: HouqinApplication) -> None:
    """Make sure the dispatcher wakes when the earliest pending item fires."""
    queue = queue_of(app)
    fire, armed = queue.next_fire(), queue.armed_for
    if queue.running or fire is None or (armed is not None and armed <= fire):
        return
    delay = max(0.0, fire - time.monotonic())
    assert app.job_queue is not None
    # Two instances: a dispatcher armed from the end of a running one must not be skipped.
    job_kwargs = {**NEVER_SKIP, "id": DISPATCHER, "replace_existing": True, "max_instances": 2}
    app.job_queue.run_once(_dispatch, when=delay, name=DISPATCHER, job_kwargs=job_kwargs)
    queue.armed_for = fire


async def run_planned(app: HouqinApplication, item: Planned) -> None:
    """Run one item as a PTB job would (errors go to the error handler, not to the caller)."""
    from jobs.plan import run_item

    await Job(run_item, data=item, name=item.key).run(app)


async def _dispatch(context: CallbackContext[Any, Any, Any, Any]) -> None:
    app = context.application
    assert isinstance(app, HouqinApplication)
    queue = queue_of(app)
    if queue.running:  # the running one takes whatever is due, then re-arms
        return
    queue.running, queue.armed_for = True, None
    try:
        while due := queue.pop_due():
            for item in due:
                await run_planned(app, item)
    finally:
        queue.running = False
        arm(app)
