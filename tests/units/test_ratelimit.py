"""The shared window of the rate limiter: taps first, broadcasts evenly spaced with room left,
and never more than Telegram's limit in any second of Telegram's own clock."""

from __future__ import annotations

import random

from bot.ratelimit import CATCH_UP, SharedWindow


def fill(window: SharedWindow, at: float, count: int, *, bulk: bool) -> None:
    """`count` calls sent a millisecond apart, each answered at once."""
    for n in range(count):
        window._take(at + n * 0.001, bulk=bulk)
        window._answered_at(at + n * 0.001)


def test_bulk_leaves_room_for_taps_in_every_second() -> None:
    window = SharedWindow(limit=30, reserve=2)
    fill(window, 0.0, 28, bulk=True)
    assert window._wait(0.5, bulk=True) > 0  # 28 in this second: bulk must wait
    assert window._wait(0.5, bulk=False) <= 0  # a tap goes at once
    fill(window, 0.5, 2, bulk=False)
    wait = window._wait(0.6, bulk=False)
    assert 0.39 < wait <= 0.4 + 1e-9  # full: the tap waits for the oldest to leave


def test_bulk_is_spaced_evenly_and_yields_to_waiting_taps() -> None:
    window = SharedWindow(limit=30, reserve=2)
    at_once = 0
    while window._wait(10.0, bulk=True) <= 0:
        window._take(10.0, bulk=True)
        window._answered_at(10.0)
        at_once += 1
    # A late start makes up at most CATCH_UP seconds' worth, then waits its turn.
    assert at_once == 1 + int(CATCH_UP * 28)
    sent = at_once
    for step in range(1, 2001):  # two seconds, looked at every millisecond
        now = 10.0 + step / 1000
        if window._wait(now, bulk=True) <= 0:
            window._take(now, bulk=True)
            window._answered_at(now)
            sent += 1
    assert 56 <= sent <= 59  # 28 a second, evenly
    window._interactive_waiting = 1
    assert window._wait(13.0, bulk=True) > 0


def test_a_call_holds_its_place_until_a_second_after_its_answer() -> None:
    window = SharedWindow(limit=3, reserve=0)
    for _ in range(3):
        window._take(0.0, bulk=False)
    assert window._wait(5.0, bulk=False) > 0  # all three still waiting for their answers
    window._answered_at(0.2)
    assert window._wait(1.1, bulk=False) > 0  # answered at 0.2: counted until 1.2
    assert window._wait(1.2, bulk=False) <= 0
    window.give_back()  # a call that was never sent frees its place at once
    assert window._in_flight == 1


def test_however_late_answers_come_telegram_never_sees_more_than_the_limit() -> None:
    """Calls arrive at Telegram anywhere between sending and answer: with the window counting
    from the answer, no second of Telegram's clock holds more than 30 of them."""
    rng = random.Random(7)
    window = SharedWindow(limit=30, reserve=0)
    arrivals: list[float] = []
    pending: list[tuple[float, float]] = []  # (answer time, arrival time)
    now = 0.0
    while now < 20.0:
        for answer, arrival in [p for p in pending if p[0] <= now]:
            pending.remove((answer, arrival))
            window._answered_at(answer)
            arrivals.append(arrival)
        if window._wait(now, bulk=False) <= 0:
            window._take(now, bulk=False)
            trip = rng.uniform(0.001, 0.08)  # an uneven network and a busy event loop
            pending.append((now + trip, now + rng.uniform(0, trip)))
        else:
            now += 0.001
    arrivals.sort()
    most = max(
        sum(1 for t in arrivals[i:] if t < start + 1.0) for i, start in enumerate(arrivals)
    )
    assert most <= 30
    assert len(arrivals) > 20 * 30 * 0.9  # and still close to the limit
