"""The chart draws Chinese in the font the install brought, not as boxes."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from bot.views.charts import Series, bar_chart, cjk_font, line_chart

TITLE = "第一幼儿园 · 近 14 天"
LABELS = ("消毒完成率", "出勤率", "小一班", "中二班")


def test_the_bundled_font_has_every_chinese_glyph_we_draw() -> None:
    family = cjk_font()
    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    font = FT2Font(path)
    drawn = {ch for text in (TITLE, *LABELS) for ch in text if not ch.isspace()}
    assert "CJK" in family
    assert not [ch for ch in drawn if font.get_char_index(ord(ch)) == 0]


def test_charts_render_without_missing_glyph_warnings() -> None:
    days = [date(2026, 11, 13) + timedelta(days=i) for i in range(14)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = line_chart(TITLE, days, [Series(LABELS[0], [0.5 + i / 30 for i in range(14)])])
        bars = bar_chart("各班消毒完成率", LABELS[2:], [0.4, 1.0])
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert line.startswith(b"\x89PNG") and bars.startswith(b"\x89PNG")
    assert len(line) > 10_000  # a real picture, not an empty canvas
