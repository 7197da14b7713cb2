"""HTTP routes of the emulated Bot API: `/bot<token>/<method>` and file downloads."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import mimetypes

from aiohttp import web

from sandbox import (
    methods_chats,
    methods_edit,
    methods_forward,
    methods_send,
    methods_updates,
)
from sandbox.backend import ApiCall, Backend, Method
from sandbox.errors import (
    ApiError,
    bad_request,
    method_not_found,
    too_many_requests,
    unauthorized,
)
from sandbox.faults import Fault
from sandbox.params import read_params

log = logging.getLogger(__name__)

# Method names are case-insensitive in the Bot API, so the table is keyed in lower case.
METHODS: dict[str, Method] = {
    **methods_send.METHODS,
    **methods_edit.METHODS,
    **methods_chats.METHODS,
    **methods_updates.METHODS,
    **methods_forward.METHODS,
}

_dumps = functools.partial(json.dumps, ensure_ascii=False)


def api_response(body: object, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


class BotApiRoutes:
    def __init__(self, backend: Backend, token: str) -> None:
        self.backend = backend
        self.token = token

    def add_to(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)

    async def handle_method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._error(method, {}, unauthorized())
        handler = METHODS.get(method.lower())
        if handler is None:
            return self._error(method, {}, method_not_found())
        try:
            params = await read_params(request)
        except ValueError:
            return self._error(method, {}, bad_request("can't parse request body"))
        faults = self.backend.faults
        await faults.delay(method)
        fault = faults.decide(method)
        if fault is Fault.TOO_MANY:
            return self._error(
                method, params.values, too_many_requests(faults.settings.retry_after)
            )
        if fault is Fault.SERVER_ERROR:
            return self._error(method, params.values, ApiError(500, "Internal Server Error"))
        if fault is Fault.HANG:
            await asyncio.sleep(faults.settings.hang_seconds)
            return self._error(method, params.values, ApiError(504, "Gateway Timeout"))
        try:
            result = await handler(self.backend, params)
        except ApiError as exc:
            return self._error(method, params.values, exc)
        except Exception:
            # A bug in the sandbox must show up as a server error, not as a hung bot.
            log.exception("sandbox %s crashed", method)
            return self._error(method, params.values, ApiError(500, "Internal Server Error"))
        self.backend.calls.append(ApiCall(method, dict(params.values)))
        if fault is Fault.LATE:
            # Done, but the answer arrives after the client stopped waiting for it.
            await asyncio.sleep(faults.settings.late_seconds)
        return api_response({"ok": True, "result": result})

    def _error(self, method: str, values: dict[str, object], exc: ApiError) -> web.Response:
        log.info("sandbox %s -> %s %s", method, exc.code, exc.description)
        self.backend.calls.append(ApiCall(method, dict(values), exc.code, exc.description))
        return api_response(exc.to_json(), status=exc.code)

    async def handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return api_response(unauthorized().to_json(), status=401)
        stored = self.backend.world.files.by_path(request.match_info["path"])
        if stored is None:
            return api_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        content_type = stored.mime_type or mimetypes.guess_type(stored.file_path)[0]
        return web.Response(
            body=stored.data, content_type=content_type or "application/octet-stream"
        )
