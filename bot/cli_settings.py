"""`houqin site set`: the keys, their defaults and ranges for --help, and one-line refusals."""

from __future__ import annotations

import argparse
import json
from enum import Enum
from typing import Any, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from storage.site_settings import SiteSettings


def _bounds(field: FieldInfo) -> str:
    low = next((m.ge for m in field.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in field.metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"at least {low}"
    return ""


def _kind(field: FieldInfo) -> str:
    annotation = field.annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):
            return "a JSON list of " + ", ".join(str(v.value) for v in item)
        return "a JSON list"
    name = getattr(annotation, "__name__", "")
    return {"int": "a whole number", "time": "a time HH:MM", "bool": "true or false"}.get(
        name, "JSON"
    )


def allowed(key: str) -> str:
    """What a key accepts, e.g. "a whole number 10–180 (default 60)"."""
    field = SiteSettings.model_fields[key]
    default = json.dumps(_default(field), ensure_ascii=False)
    kind = _kind(field)
    bounds = _bounds(field)
    return f"{kind}{' ' + bounds if bounds else ''} (default {default})"


def _default(field: FieldInfo) -> Any:
    value = field.get_default(call_default_factory=True)
    return value.strftime("%H:%M") if hasattr(value, "strftime") else _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def settings_epilog() -> str:
    lines = ["settings (KEY=VALUE; a value is JSON when it parses as JSON, else text):"]
    lines += [f"  {key:34} {allowed(key)}" for key in SiteSettings.model_fields]
    return "\n".join(lines)


def describe_refusal(error: ValidationError, changes: dict[str, object]) -> str:
    """One line: the key, the value given and what is allowed."""
    first = error.errors()[0]
    key = str(first["loc"][0]) if first["loc"] else "?"
    if key not in SiteSettings.model_fields:
        return f"Not changed: {first['msg']}."
    given = json.dumps(changes.get(key, first.get("input")), ensure_ascii=False)
    return f"Not changed: {key}={given} is not allowed; {key} takes {allowed(key)}."


def describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand its one-line help as the description its own --help shows."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for choice in action._choices_actions:
            sub = action.choices[choice.dest]
            sub.description = sub.description or choice.help
            describe_subcommands(sub)
