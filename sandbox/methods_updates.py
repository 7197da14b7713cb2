"""getUpdates, setWebhook, deleteWebhook, getWebhookInfo, and the command menus."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.backend import Backend, Method
from sandbox.errors import WEBHOOK_ACTIVE, bad_request, conflict
from sandbox.params import Params

JsonDict = dict[str, Any]
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def _allowed_updates(p: Params) -> list[str] | None:
    value = p.json("allowed_updates")
    if value is None:
        return None
    if not isinstance(value, list):
        raise bad_request("can't parse allowed_updates JSON array")
    return [str(v) for v in value]


async def get_updates(b: Backend, p: Params) -> list[JsonDict]:
    if b.updates.webhook.url:
        raise conflict(WEBHOOK_ACTIVE)
    allowed = _allowed_updates(p)
    if allowed is not None:
        b.updates.allowed_updates = allowed
    offset = p.integer("offset", 0) or 0
    if offset:
        b.updates.confirm(offset)
    limit = min(max(p.integer("limit", 100) or 100, 1), 100)
    timeout = max(p.integer("timeout", 0) or 0, 0)
    return await b.updates.long_poll(limit, float(timeout))


async def set_webhook(b: Backend, p: Params) -> bool:
    url = p.text("url") or ""
    if not url:
        return await delete_webhook(b, p)
    secret = p.text("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if not url.startswith(("http://", "https://")):
        # Telegram insists on https; the sandbox also takes http for local receivers.
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    allowed = _allowed_updates(p)
    if allowed is not None:
        b.updates.allowed_updates = allowed
    if p.flag("drop_pending_updates"):
        b.updates.drop_pending()
    config = b.updates.webhook
    config.url, config.secret_token = url, secret
    config.max_connections = p.integer("max_connections", 40) or 40
    config.ip_address = p.text("ip_address")
    config.last_error_date = config.last_error_message = None
    b.webhook.start()
    b.updates.wake()
    return True


async def delete_webhook(b: Backend, p: Params) -> bool:
    b.updates.webhook.url = ""
    b.updates.webhook.secret_token = None
    if p.flag("drop_pending_updates"):
        b.updates.drop_pending()
    await b.webhook.stop()
    b.updates.wake()
    return True


async def get_webhook_info(b: Backend, p: Params) -> JsonDict:
    config = b.updates.webhook
    info: JsonDict = {
        "url": config.url,
        "has_custom_certificate": False,
        "pending_update_count": len(b.updates.pending),
    }
    if config.url:
        info["max_connections"] = config.max_connections
        if config.ip_address:
            info["ip_address"] = config.ip_address
        if b.updates.allowed_updates:
            info["allowed_updates"] = b.updates.allowed_updates
    if config.last_error_date is not None:
        info["last_error_date"] = config.last_error_date
        info["last_error_message"] = config.last_error_message
    return info


def commands_key(scope: Any, language_code: str | None) -> tuple[str, str]:
    """Commands are stored per (scope, language), exactly as Telegram keeps them."""
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code or ""


def _commands(p: Params) -> list[JsonDict]:
    commands = p.json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands not specified")
    result = []
    for item in commands:
        command = str(item.get("command", "")) if isinstance(item, dict) else ""
        description = str(item.get("description", "")) if isinstance(item, dict) else ""
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("command description must be non-empty")
        result.append({"command": command, "description": description})
    return result


async def set_my_commands(b: Backend, p: Params) -> bool:
    key = commands_key(p.json("scope"), p.text("language_code"))
    b.world.commands[key] = _commands(p)
    return True


async def get_my_commands(b: Backend, p: Params) -> list[JsonDict]:
    return b.world.commands.get(commands_key(p.json("scope"), p.text("language_code")), [])


async def delete_my_commands(b: Backend, p: Params) -> bool:
    b.world.commands.pop(commands_key(p.json("scope"), p.text("language_code")), None)
    return True


METHODS: dict[str, Method] = {
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
}
