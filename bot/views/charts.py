"""The summary's chart: one PNG, drawn with matplotlib in a CJK font the install brings.

The font is Noto Sans CJK SC from the `mplfonts` package (PyPI), so neither `make run` nor a
server needs a system font package for the Chinese labels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: render to PNG only

from matplotlib import font_manager
from matplotlib import pyplot as plt

FONT_FILE = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font() -> str:
    """Register the bundled CJK font with matplotlib once; its family name."""
    spec = find_spec("mplfonts")
    assert spec is not None and spec.submodule_search_locations, "mplfonts is not installed"
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no data that day (a gap in the line)
    percent: bool = True


def line_chart(title: str, days: Sequence[date], series: Sequence[Series]) -> bytes:
    """A line per series over the days; percentages on the left axis, counts on the right."""
    family = cjk_font()
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, left = plt.subplots(figsize=(8, 4), dpi=100)
        right = None
        labels = [f"{d.month}/{d.day}" for d in days]
        for item in series:
            axis = left
            if not item.percent:
                right = right or left.twinx()
                axis = right
            values = [
                float("nan") if v is None else v * (100 if item.percent else 1) for v in item.values
            ]
            axis.plot(range(len(labels)), values, marker="o", label=item.label)
        left.set_ylim(0, 105)
        left.set_ylabel("%")
        left.set_title(title)
        left.set_xticks(range(len(labels)), labels, rotation=45)
        handles = [h for axis in (left, right) if axis is not None for h in axis.get_lines()]
        left.legend(handles=handles, loc="lower left", fontsize="small")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
    return buffer.getvalue()


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> bytes:
    """Bars per class (the weekly comparison), in percent."""
    family = cjk_font()
    with plt.rc_context({"font.family": family}):
        figure, axis = plt.subplots(figsize=(8, 4), dpi=100)
        axis.bar(range(len(labels)), [v * 100 for v in values], color="#4c8bf5")
        axis.set_ylim(0, 105)
        axis.set_ylabel("%")
        axis.set_title(title)
        axis.set_xticks(range(len(labels)), list(labels), rotation=30)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
    return buffer.getvalue()
