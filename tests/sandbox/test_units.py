"""Pure parts of the sandbox: entities, flood limits, deep links, files, markup."""

from __future__ import annotations

import struct
import zlib

import pytest

from sandbox import ManualClock, parse_start_link, start_link
from sandbox.entities import EntityParseError, detect_entities, parse_html, utf16_len
from sandbox.errors import ApiError
from sandbox.files import FileStore, image_size
from sandbox.limits import FloodLimiter, LimitPolicy
from sandbox.markup import validate_markup
from sandbox.render import entities_to_html


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_start_command_with_deep_link_code_gets_a_bot_command_entity() -> None:
    assert detect_entities("/start INV123") == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_command_addressed_to_a_bot_and_mentions_are_detected() -> None:
    found = detect_entities("/report@houqin_bot 请 @wangli_yz 看一下")
    assert [(e["type"], e["offset"], e["length"]) for e in found] == [
        ("bot_command", 0, 18),
        ("mention", 21, 10),
    ]


def test_offsets_are_counted_in_utf16_units_like_telegram() -> None:
    assert utf16_len("消毒✅") == 3
    assert utf16_len("👍") == 2
    assert detect_entities("👍 /done")[0]["offset"] == 3


def test_html_becomes_plain_text_with_entities() -> None:
    text, entities = parse_html('<b>小一班</b> 已消毒 <a href="https://t.me/x">链接</a> &lt;ok&gt;')
    assert text == "小一班 已消毒 链接 <ok>"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "text_link", "url": "https://t.me/x", "offset": 8, "length": 2},
    ]


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ],
)
def test_bad_html_is_refused_with_telegrams_reason(html: str, reason: str) -> None:
    with pytest.raises(EntityParseError, match=reason):
        parse_html(html)


def test_group_allows_twenty_messages_a_minute_then_asks_to_wait() -> None:
    clock = ManualClock()
    limiter = FloodLimiter(clock=clock)
    for _ in range(20):
        assert limiter.acquire("editMessageText", -100, is_group=True) is None
        clock.advance(1.0)
    assert limiter.acquire("sendMessage", -100, is_group=True) == 40
    clock.advance(40.0)
    assert limiter.acquire("sendMessage", -100, is_group=True) is None
    assert limiter.max_in_window(-100, 60.0) == 20


def test_private_chat_tolerates_a_short_burst_then_one_per_second() -> None:
    clock = ManualClock()
    limiter = FloodLimiter(clock=clock, policy=LimitPolicy(private_burst=3))
    assert [limiter.acquire("sendMessage", 7, is_group=False) for _ in range(3)] == [None] * 3
    assert limiter.acquire("sendMessage", 7, is_group=False) == 1
    clock.advance(1.0)
    assert limiter.acquire("sendMessage", 7, is_group=False) is None


def test_thirty_messages_a_second_across_all_chats() -> None:
    limiter = FloodLimiter(clock=ManualClock())
    for chat_id in range(30):
        assert limiter.acquire("sendMessage", chat_id, is_group=False) is None
    assert limiter.acquire("sendMessage", 999, is_group=False) == 1


def test_switched_off_limits_accept_everything_but_still_record() -> None:
    limiter = FloodLimiter(clock=ManualClock(), enabled=False)
    for _ in range(50):
        assert limiter.acquire("sendMessage", -5, is_group=True) is None
    assert limiter.max_in_window(-5, 60.0, methods=["sendMessage"]) == 50


def test_deep_links_round_trip() -> None:
    link = start_link("houqin_bot", "INV-42_a")
    assert link == "https://t.me/houqin_bot?start=INV-42_a"
    assert parse_start_link(link, "houqin_bot") == "INV-42_a"
    assert parse_start_link("t.me/Houqin_Bot?start=x1", "houqin_bot") == "x1"
    assert parse_start_link("https://t.me/other_bot?start=x", "houqin_bot") is None
    assert parse_start_link("https://t.me/houqin_bot", "houqin_bot") == ""


def test_photo_size_comes_from_the_image() -> None:
    assert image_size(tiny_png(5, 4)) == (5, 4)
    stored = FileStore().add(tiny_png(), kind="photo")
    assert stored.file_path.startswith("photos/")
    assert stored.mime_type == "image/png"


def test_callback_data_over_64_bytes_is_refused() -> None:
    button = {"text": "已消毒", "callback_data": "字" * 22}  # 66 bytes in UTF-8
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        validate_markup({"inline_keyboard": [[button]]})


def test_page_html_escapes_text_and_turns_deep_links_into_actions() -> None:
    text = "<script> 打开 https://t.me/houqin_bot?start=abc"
    html = entities_to_html(text, detect_entities(text), "houqin_bot")
    assert "&lt;script&gt;" in html
    assert 'class="deeplink"' in html
    assert 'data-start="abc"' in html
