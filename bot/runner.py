"""Run the bot with long polling or a webhook."""

from __future__ import annotations

import sys

from sqlalchemy.engine import Engine
from telegram import Update

from bot.app import build_application
from bot.config import Settings


def run_bot(settings: Settings, *, engine: Engine, webhook: bool = False) -> int:
    app = build_application(settings, engine=engine)
    if not webhook:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return 0
    if not settings.webhook_url:
        print("Webhook mode needs HOUQIN_WEBHOOK_URL (the public https URL).", file=sys.stderr)
        return 2
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    if not secret:
        print(
            "Webhook mode needs HOUQIN_WEBHOOK_SECRET, so forged updates are refused.",
            file=sys.stderr,
        )
        return 2
    url_path = (
        settings.webhook_url.rstrip("/").rsplit("/", 1)[-1]
        if "/" in settings.webhook_url[8:]
        else ""
    )
    app.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=url_path,
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    return 0
