"""Callback data: short versioned strings built and parsed in one place (≤ 64 bytes)."""

from __future__ import annotations

VERSION = "v1"
MAX_BYTES = 64


def pack(prefix: str, *parts: object) -> str:
    """`pack("dis", "done", 12)` → "dis:v1:done:12"; raises if Telegram would refuse it."""
    data = ":".join([prefix, VERSION, *(str(p) for p in parts)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(prefix: str, data: str | None) -> list[str] | None:
    """The parts after prefix and version, or None for another prefix or an old version."""
    if not data:
        return None
    fields = data.split(":")
    if len(fields) < 2 or fields[0] != prefix or fields[1] != VERSION:
        return None
    return fields[2:]


def pattern(prefix: str) -> str:
    """Regex for a CallbackQueryHandler of this prefix and the current version."""
    return rf"^{prefix}:{VERSION}(:|$)"
