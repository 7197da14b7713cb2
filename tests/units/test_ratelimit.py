"""The shared window of the rate limiter: taps first, broadcasts evenly spaced with room left."""

from __future__ import annotations

from bot.ratelimit import CATCH_UP, SharedWindow


def fill(window: SharedWindow, at: float, count: int, *, bulk: bool) -> None:
    for n in range(count):
        window._take(at + n * 0.001, bulk=bulk)


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
        at_once += 1
    # A late start makes up at most CATCH_UP seconds' worth, then waits its turn.
    assert at_once == 1 + int(CATCH_UP * 28)
    sent = at_once
    for step in range(1, 2001):  # two seconds, looked at every millisecond
        now = 10.0 + step / 1000
        if window._wait(now, bulk=True) <= 0:
            window._take(now, bulk=True)
            sent += 1
    assert 56 <= sent <= 59  # 28 a second, evenly
    window._interactive_waiting = 1
    assert window._wait(13.0, bulk=True) > 0
