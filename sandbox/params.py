"""Method parameters as bots send them: query string, JSON, form or multipart.

python-telegram-bot sends form fields whose non-string values are JSON-encoded, so every
getter accepts both the native JSON value and its string form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    field: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return self.values.get(name) in (True, 1, "true", "True", "1")

    def json(self, name: str, error: str | None = None) -> Any:
        """The decoded JSON object of a parameter (markup, entities, scope…)."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def chat_id(self) -> int | str:
        return self.chat_id_of("chat_id")

    def chat_id_of(self, name: str) -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def file(self, name: str) -> UploadedFile | str | None:
        """An uploaded file, or the file_id / URL string sent instead."""
        if name in self.files:
            return self.files[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            return self.files.get(value.removeprefix("attach://"))
        return value or None


async def read_params(request: web.Request) -> Params:
    params = Params(values=dict(request.query))
    if request.method != "POST" or not request.body_exists:
        return params
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.values.update(body)
        return params
    form = await request.post()
    for name, value in form.items():
        if isinstance(value, web.FileField):
            params.files[name] = UploadedFile(
                field=name,
                data=value.file.read(),
                filename=value.filename,
                content_type=value.content_type,
            )
        else:
            params.values[name] = value
    return params
