"""Send a message at most once, keyed in the database, whatever restarts happen.

Every message has a kind, and the kind decides the one open question of an outbox: the
request went out and its answer never came back (a read timeout, a dropped connection),
so Telegram may or may not have delivered it. POLICY below says, per kind, whether such
a message is sent again (a duplicate is possible, a loss is not) or counted as sent (a
loss is possible, a duplicate is not). A crash between claiming and the answer is the
same question; there every kind is sent again after a restart: only that one message in
flight can arrive twice.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum, StrEnum
from typing import Any

import httpx
from sqlmodel import Session
from telegram import Message
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import Application

from storage.db import session_scope
from storage.outbox import (
    UNDELIVERABLE,
    UNKNOWN,
    claim_outbound,
    expire_foreign_claims,
    mark_sent,
    release_claim,
)

log = logging.getLogger(__name__)
# Longer than any send can take (read timeout plus flood-limit waits); only a process that
# hangs without dying keeps a claim that long, a dead one's claims are freed at once.
LEASE = timedelta(minutes=5)
# Who claims, in the outbox: host, process and a random part (pids are reused).
OWNER = f"{socket.gethostname()[:20]}:{os.getpid()}:{secrets.token_hex(3)}"


class Kind(StrEnum):
    CARD = "card"  # a live card in a group, edited in place (the disinfection board)
    REMINDER = "reminder"  # a nudge to the person who has to act (a deadline reminder)
    ESCALATION = "escalation"  # to those responsible when reminders were not enough
    ALERT = "alert"  # safety: act now (switch the UV lamp off, a fever cluster)
    NOTICE = "notice"  # to many people at once (parent notices, broadcasts)
    MESSAGE = "message"  # anything else


class OnLostAnswer(Enum):
    RESEND = "resend"  # at least once
    COUNT_AS_SENT = "count as sent"  # at most once


@dataclass(frozen=True)
class Policy:
    on_lost_answer: OnLostAnswer
    why: str


POLICY: dict[Kind, Policy] = {
    Kind.CARD: Policy(
        OnLostAnswer.RESEND,
        "a card whose message id is unknown can never be edited; a second, live card is "
        "better than a frozen one",
    ),
    Kind.REMINDER: Policy(
        OnLostAnswer.COUNT_AS_SENT,
        "the escalation follows anyway; the same nag twice is what people complain about",
    ),
    Kind.ESCALATION: Policy(
        OnLostAnswer.RESEND,
        "the last line: nobody else will notice what is missing; twice beats never",
    ),
    Kind.ALERT: Policy(OnLostAnswer.RESEND, "a safety message must arrive; twice beats never"),
    Kind.NOTICE: Policy(
        OnLostAnswer.COUNT_AS_SENT,
        "a duplicate reaches every parent; an unacknowledged notice is reminded anyway",
    ),
    Kind.MESSAGE: Policy(OnLostAnswer.COUNT_AS_SENT, "not blindly repeated"),
}


class Outcome(Enum):
    SENT = "sent"
    DONE_BEFORE = "done_before"  # sent by an earlier run, undeliverable for good, or in flight
    FAILED = "failed"  # a passing failure: the key is free again, a later run retries
    UNKNOWN = "unknown"  # the answer was lost and the kind says not to send it again


def answer_lost(error: TelegramError) -> bool:
    """True when the request may have reached Telegram but its answer did not reach us."""
    if not isinstance(error, NetworkError):
        return False
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return False  # never left this machine
    return isinstance(
        cause, httpx.ReadTimeout | httpx.WriteTimeout | httpx.ReadError | httpx.RemoteProtocolError
    )


async def send_once(
    app: Application[Any, Any, Any, Any, Any, Any],
    session: Session,
    *,
    key: str,
    chat_id: int,
    text: str,
    kind: Kind = Kind.MESSAGE,
    **kwargs: Any,
) -> Outcome:
    """Send unless this key was sent before; never raises, so one failure stops no one else."""
    return await _deliver(
        session, key, chat_id, kind, lambda: app.bot.send_message(chat_id, text, **kwargs)
    )


async def send_photo_once(
    app: Application[Any, Any, Any, Any, Any, Any],
    session: Session,
    *,
    key: str,
    chat_id: int,
    photo: str,
    caption: str,
    kind: Kind = Kind.MESSAGE,
    **kwargs: Any,
) -> Outcome:
    """`send_once` for a photo with its caption (a ticket's evidence)."""
    return await _deliver(
        session,
        key,
        chat_id,
        kind,
        lambda: app.bot.send_photo(chat_id, photo, caption=caption, **kwargs),
    )


async def _deliver(
    session: Session,
    key: str,
    chat_id: int,
    kind: Kind,
    send: Callable[[], Awaitable[Message]],
) -> Outcome:
    claim = claim_outbound(
        session=session, key=key, chat_id=chat_id, kind=kind, owner=OWNER, lease=LEASE
    )
    if claim is None:
        return Outcome.DONE_BEFORE
    try:
        message = await send()
    except Forbidden as error:
        # Blocked by the user or removed from the group: retrying cannot help.
        log.warning("Cannot deliver %s to %s: %s", key, chat_id, error)
        mark_sent(session=session, claim=claim, message_id=None, outcome=UNDELIVERABLE)
        return Outcome.DONE_BEFORE
    except TelegramError as error:
        if answer_lost(error) and POLICY[kind].on_lost_answer is OnLostAnswer.COUNT_AS_SENT:
            log.warning("Sending %s: the answer was lost (%s); counted as sent", key, error)
            mark_sent(session=session, claim=claim, message_id=None, outcome=UNKNOWN)
            return Outcome.UNKNOWN
        log.warning("Sending %s to %s failed, will retry: %s", key, chat_id, error)
        release_claim(session=session, claim=claim)
        return Outcome.FAILED
    mark_sent(session=session, claim=claim, message_id=message.message_id)
    return Outcome.SENT


def take_over_claims(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """At start-up, once in charge: claims of earlier (dead) processes are retried now."""
    engine = getattr(app, "engine", None)
    if engine is None:
        return
    with session_scope(engine) as session:
        freed = expire_foreign_claims(session=session, owner=OWNER)
    if freed:
        log.info(
            "%d message(s) claimed by an earlier run and never confirmed: sending again", freed
        )
