"""The webhook server's request checks, done before the body is read.

PTB's tornado handler reads the whole body (tornado allows 100 MB) and only then looks at
the secret, so a 60 MB POST without it costs 60 MB; malformed JSON or an empty body gets a
500. This handler streams the body: the secret and content type are checked on the headers,
the body is capped at MAX_BODY, and anything that is not a JSON object is a 400.
"""

from __future__ import annotations

import json
from http import HTTPStatus

import tornado.web
from telegram.ext._utils import webhookhandler

# A Telegram update is at most a few tens of kilobytes (4,096-character texts, entities).
MAX_BODY = 1024 * 1024


@tornado.web.stream_request_body
class GuardedTelegramHandler(webhookhandler.TelegramHandler):
    """PTB's handler, with every check made before the body is read."""

    def prepare(self) -> None:
        self._chunks: list[bytes] = []
        self._size = 0
        self._validate_post()  # PTB's own checks: JSON content type, the secret token (403)
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.request.connection.set_max_body_size(MAX_BODY)  # type: ignore[union-attr]

    def data_received(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > MAX_BODY:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self._chunks.append(chunk)

    async def post(self) -> None:
        body = b"".join(self._chunks)
        try:
            data = json.loads(body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Not an update")
        self.request.body = body
        await super().post()


def install() -> None:
    """Serve webhooks with GuardedTelegramHandler. PTB builds its tornado application from
    this module-level name when the webhook starts; there is no public hook for it."""
    webhookhandler.TelegramHandler = GuardedTelegramHandler  # type: ignore[misc]
