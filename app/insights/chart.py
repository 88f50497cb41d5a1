"""Geometry of the insights' bar charts, for server-rendered SVG: numbers only, no markup.

One chart kind serves every breakdown: a row per month, team or verdict, each a horizontal bar
split into segments by series (recommendations or confidence levels), its total at its end.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

# Narrow, so that a phone shows the chart near its own size and the labels stay legible there.
WIDTH = 400
LEFT, RIGHT = 136, 60  # room for the row labels, and for each bar's total after it
ROW, BAR = 24, 16  # height of a row, and of the bar in it
TOP = 4
LABEL_LINE = 22  # a label's own line, over its bar
# What fits left of the bars at the largest label size (18 units, on phones), counting a CJK
# character as two; a longer label is cut with an ellipsis (the table beside has it whole).
LABEL_BUDGET = 12
# A label on its own line over its bar has the chart's whole width: team names show whole.
LABEL_ABOVE_BUDGET = 36


@dataclass(frozen=True, slots=True)
class Segment:
    series: str
    x: float
    width: float
    value: int


@dataclass(frozen=True, slots=True)
class Bar:
    key: Hashable  # the row's month, team or recommendation: the template words it
    y: float
    label_y: float  # the label's text baseline
    total_y: float  # the total's, level with the bar's middle
    segments: tuple[Segment, ...]
    total: int
    end: float  # where the bar stops: its total is written just after


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    left: float
    bar_height: float
    bars: tuple[Bar, ...]
    labels_above: bool = False


def bar_chart(
    rows: Sequence[tuple[Hashable, Mapping[str, int]]],
    series: Sequence[str],
    *,
    labels_above: bool = False,
) -> BarChart:
    """Bars scaled to the largest row total; empty segments are left out.

    Labels go left of the bars (short ones: months, teams), or with `labels_above` on a line of
    their own over each bar, the whole width long (a few rows with long names: the approaches).
    """
    left = 0 if labels_above else LEFT
    row = ROW + LABEL_LINE if labels_above else ROW
    plot = WIDTH - left - RIGHT
    largest = max((sum(counts.get(s, 0) for s in series) for _, counts in rows), default=0) or 1
    bars = []
    for index, (key, counts) in enumerate(rows):
        y = TOP + index * row + (LABEL_LINE if labels_above else 0)
        x, segments = float(left), []
        for name in series:
            width = round(plot * counts.get(name, 0) / largest, 2)
            if counts.get(name, 0):
                segments.append(Segment(name, round(x, 2), width, counts.get(name, 0)))
            x += width
        bars.append(
            Bar(
                key=key,
                y=y,
                label_y=y - 5 if labels_above else y + BAR / 2 + 5,
                total_y=y + BAR / 2 + 5,
                segments=tuple(segments),
                total=sum(counts.get(s, 0) for s in series),
                end=round(x, 2),
            )
        )
    return BarChart(
        width=WIDTH,
        height=TOP * 2 + len(rows) * row,
        left=left,
        bar_height=BAR,
        bars=tuple(bars),
        labels_above=labels_above,
    )


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit_label(text: str, budget: int = LABEL_BUDGET) -> str:
    """`text` cut to `budget` half-width characters (a CJK character counts two), with "…"."""
    if sum(_width(c) for c in text) <= budget:
        return text
    used, kept = 1, []  # the ellipsis takes one
    for char in text:
        used += _width(char)
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"
