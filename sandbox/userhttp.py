"""JSON endpoints under /sandbox/api for the browser page (the user side over HTTP)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.limits import FloodLimiter
from sandbox.people import SandboxError
from sandbox.userapi import UserApi
from sandbox.view import snapshot, user_view

STATIC_DIR = Path(__file__).parent / "static"
LONG_POLL_MAX = 25.0
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JsonDict = dict[str, Any]


def _guarded(handler: Handler) -> Handler:
    """Turn refusals and bad input into 400 {"ok": false, "error": …} for the page."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (SandboxError, KeyError, ValueError, TypeError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)

    return wrapped


class UserHttpRoutes:
    def __init__(self, users: UserApi, limiter: FloodLimiter) -> None:
        self.users = users
        self.limiter = limiter

    def add_to(self, app: web.Application) -> None:
        r = app.router
        r.add_get("/", self.index)
        r.add_static("/static", STATIC_DIR)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "bootstrap", self.bootstrap),
            ("GET", "view", self.view),
            ("POST", "users", self.create_user),
            ("POST", "groups", self.create_group),
            ("POST", "members", self.change_member),
            ("POST", "send", self.send),
            ("POST", "send_photo", self.send_photo),
            ("POST", "press", self.press),
            ("POST", "tap", self.tap),
            ("POST", "open_link", self.open_link),
            ("POST", "block", self.block),
            ("*", "limits", self.limits),
            ("*", "faults", self.faults),
        ]
        for method, name, handler in routes:
            r.add_route(method, f"/sandbox/api/{name}", _guarded(handler))
        r.add_get("/sandbox/api/files/{file_id}", self.file)

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def bootstrap(self, request: web.Request) -> web.StreamResponse:
        world = self.users.world
        people = [u for u in world.users.values() if not u.is_bot]
        return web.json_response(
            {
                "ok": True,
                "bot": {
                    "id": world.bot.id,
                    "name": world.bot.first_name,
                    "username": world.bot.username,
                },
                "users": [user_view(u) for u in people],
                "limits_enabled": self.limiter.enabled,
                "version": world.version,
            }
        )

    async def view(self, request: web.Request) -> web.StreamResponse:
        """Long poll: answers at once if anything changed since `since`, else waits."""
        query = request.query
        since = int(query.get("since", "-1"))
        wait = min(float(query.get("wait", LONG_POLL_MAX)), LONG_POLL_MAX)
        if self.users.world.version <= since:
            await self.users.waiter.wait_change(wait)
        user = self.users.user(int(query["user_id"]))
        chat_id = query.get("chat_id")
        chat = self.users.chat(int(chat_id)) if chat_id else None
        return web.json_response({"ok": True, **snapshot(self.users.world, user, chat, since)})

    async def create_user(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        user = self.users.create_user(
            str(body["first_name"]), label=str(body.get("label", "")), username=body.get("username")
        )
        return web.json_response({"ok": True, "user": user_view(user)})

    async def create_group(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        chat = self.users.create_group(
            str(body["title"]),
            [int(m) for m in body.get("member_ids", [])],
            privacy=bool(body.get("privacy", True)),
            bot_admin=bool(body.get("bot_admin", False)),
        )
        return web.json_response({"ok": True, "chat_id": chat.id})

    async def change_member(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        chat, user = int(body["chat_id"]), int(body["user_id"])
        by = int(body["by"]) if body.get("by") else None
        if body.get("action", "add") == "add":
            self.users.add_member(chat, user, by=by)
        else:
            self.users.remove_member(chat, user, by=by)
        return web.json_response({"ok": True})

    async def send(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        message = self.users.send_text(
            int(body["user_id"]),
            str(body["text"]),
            chat=int(body["chat_id"]) if body.get("chat_id") else None,
            reply_to=int(body["reply_to"]) if body.get("reply_to") else None,
        )
        return web.json_response({"ok": True, "message_id": message.message_id})

    async def send_photo(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        photo = form["photo"]
        if not isinstance(photo, web.FileField):
            raise SandboxError("photo must be a file")
        caption = str(form.get("caption") or "") or None
        message = self.users.send_photo(
            int(str(form["user_id"])),
            photo.file.read(),
            chat=int(str(form["chat_id"])) if form.get("chat_id") else None,
            caption=caption,
            filename=photo.filename or "photo.jpg",
        )
        return web.json_response({"ok": True, "message_id": message.message_id})

    async def press(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        query = self.users.press_button(
            int(body["user_id"]),
            int(body["message_id"]),
            chat=int(body["chat_id"]),
            data=body.get("data"),
            text=body.get("text"),
        )
        return web.json_response({"ok": True, "callback_query_id": query.id})

    async def tap(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        chat = int(body["chat_id"]) if body.get("chat_id") else None
        message = self.users.tap_reply_button(int(body["user_id"]), str(body["text"]), chat=chat)
        return web.json_response({"ok": True, "message_id": message.message_id})

    async def open_link(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        message = self.users.open_link(int(body["user_id"]), str(body["link"]))
        return web.json_response(
            {"ok": True, "message_id": message.message_id, "chat_id": message.chat_id}
        )

    async def block(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if body.get("blocked", True):
            self.users.block_bot(int(body["user_id"]))
        else:
            self.users.unblock_bot(int(body["user_id"]))
        return web.json_response({"ok": True})

    async def limits(self, request: web.Request) -> web.StreamResponse:
        if request.method == "POST":
            body = await request.json()
            self.limiter.enabled = bool(body["enabled"])
        return web.json_response({"ok": True, "enabled": self.limiter.enabled})

    async def faults(self, request: web.Request) -> web.StreamResponse:
        """GET: the fault settings and what was injected; POST: replace the settings."""
        if request.method == "POST":
            self.users.set_faults(**(await request.json()))
        return web.json_response({"ok": True, **self.users.faults.report()})

    async def file(self, request: web.Request) -> web.StreamResponse:
        stored = self.users.world.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
