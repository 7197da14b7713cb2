"""The outbox: leases, crash-left claims, and what each kind does when Telegram's answer is lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import Session
from telegram.error import NetworkError, TimedOut

from jobs.disinfection import refresh_board
from jobs.outbox import OWNER, POLICY, Kind, OnLostAnswer, Outcome, send_once, take_over_claims
from storage.disinfection import local_today
from storage.models import OutboundMessage
from storage.outbox import claim_outbound, get_outbound
from storage.types import utcnow
from tests.disinfection.setup import STAFF_GROUP, make_kindergarten
from tests.support.networking import OfflineRequest
from tests.support.telegram import Telegram

CHAT = 4242


class LosingRequest(OfflineRequest):
    """Telegram gets the next `lose` sends, but their answers never come back."""

    def __init__(self, lose: int = 0, cause: Exception | None = None) -> None:
        super().__init__()
        self.lose = lose
        self.cause = cause or httpx.ReadTimeout("timed out")

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        answer = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage") and self.lose > 0:
            self.lose -= 1
            if isinstance(self.cause, httpx.ConnectError):
                self.calls.pop()  # a connection never made sends nothing
                raise NetworkError("httpx.ConnectError") from self.cause
            raise TimedOut() from self.cause
        return answer


def row(db: Session, key: str) -> OutboundMessage:
    db.expire_all()
    found = get_outbound(session=db, key=key)
    assert found is not None
    return found


@pytest.mark.parametrize("kind", list(Kind))
async def test_a_lost_answer_is_resent_or_counted_as_sent_as_the_kind_says(
    bots: Any, db: Session, kind: Kind
) -> None:
    telegram: Telegram = await bots.start(LosingRequest(lose=1))
    app, key = telegram.app, f"test:{kind}"

    first = await send_once(app, db, key=key, chat_id=CHAT, text="提醒", kind=kind)
    retry = await send_once(app, db, key=key, chat_id=CHAT, text="提醒", kind=kind)  # a job's retry

    sent = telegram.request.sent(CHAT)
    if POLICY[kind].on_lost_answer is OnLostAnswer.RESEND:
        assert (first, retry, len(sent)) == (Outcome.FAILED, Outcome.SENT, 2)
        assert row(db, key).outcome == "sent" and row(db, key).message_id is not None
    else:
        assert (first, retry, len(sent)) == (Outcome.UNKNOWN, Outcome.DONE_BEFORE, 1)
        assert row(db, key).outcome == "unknown" and row(db, key).message_id is None


async def test_a_send_that_never_left_is_retried_whatever_its_kind(bots: Any, db: Session) -> None:
    request = LosingRequest(lose=1, cause=httpx.ConnectError("refused"))
    telegram: Telegram = await bots.start(request)

    first = await send_once(telegram.app, db, key="r", chat_id=CHAT, text="x", kind=Kind.REMINDER)
    retry = await send_once(telegram.app, db, key="r", chat_id=CHAT, text="x", kind=Kind.REMINDER)

    assert (first, retry) == (Outcome.FAILED, Outcome.SENT)
    assert len(telegram.request.sent(CHAT)) == 1


async def test_a_claim_is_leased_and_a_lapsed_lease_is_claimed_again(
    telegram: Telegram, db: Session
) -> None:
    now = utcnow()
    held = claim_outbound(session=db, key="k", chat_id=CHAT, owner="other", now=now)
    assert held is not None

    during = await send_once(telegram.app, db, key="k", chat_id=CHAT, text="x")
    lapsed = claim_outbound(
        session=db, key="k", chat_id=CHAT, owner=OWNER, now=now + timedelta(minutes=6)
    )

    assert during == Outcome.DONE_BEFORE and telegram.request.sent(CHAT) == []
    assert lapsed is not None and lapsed.attempts == 2 and lapsed.claimed_by == OWNER


async def test_claims_of_a_dead_process_go_out_at_once_after_a_restart(
    telegram: Telegram, db: Session
) -> None:
    dead = claim_outbound(session=db, key="reminder:1", chat_id=CHAT, owner="killed:123:ab")
    assert dead is not None  # killed between the claim and Telegram's answer

    before = await send_once(telegram.app, db, key="reminder:1", chat_id=CHAT, text="提醒")
    take_over_claims(telegram.app)  # what bot.runner does once in charge
    after = await send_once(telegram.app, db, key="reminder:1", chat_id=CHAT, text="提醒")

    assert (before, after) == (Outcome.DONE_BEFORE, Outcome.SENT)
    assert [c.text for c in telegram.request.sent(CHAT)] == ["提醒"]


async def test_a_board_whose_first_post_was_cut_by_a_crash_is_posted_after_the_restart(
    telegram: Telegram, db: Session
) -> None:
    k = make_kindergarten(db)
    now = telegram.set_local_time("2026-11-23 07:30")
    assert k.site.id is not None
    day = local_today(k.site, now)
    key = f"disinfection-board:{k.site.id}:{day.isoformat()}:{STAFF_GROUP.id}"
    claim_outbound(session=db, key=key, chat_id=STAFF_GROUP.id, kind="card", owner="killed:1:aa")

    take_over_claims(telegram.app)
    await refresh_board(telegram.app, k.site.id, day)

    [card] = telegram.request.sent(STAFF_GROUP.id)
    assert card.text.startswith("🧴 今日消毒")
    assert row(db, key).message_id == card.result["message_id"] and row(db, key).kind == "card"
