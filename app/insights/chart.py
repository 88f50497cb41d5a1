"""Geometry of the insights' bar charts, for server-rendered SVG: numbers only, no markup.

One chart kind serves every breakdown: a row per month, team or verdict, each a horizontal bar
split into segments by series (recommendations or confidence levels), its total at its end.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

WIDTH = 520
LEFT, RIGHT = 168, 56  # room for the row labels, and for each bar's total after it
ROW, BAR = 26, 18  # height of a row, and of the bar in it
TOP = 4


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
    label_y: float  # text baseline, level with the bar's middle
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


def bar_chart(
    rows: Sequence[tuple[Hashable, Mapping[str, int]]], series: Sequence[str]
) -> BarChart:
    """Bars scaled to the largest row total; empty segments are left out."""
    plot = WIDTH - LEFT - RIGHT
    largest = max((sum(counts.get(s, 0) for s in series) for _, counts in rows), default=0) or 1
    bars = []
    for index, (key, counts) in enumerate(rows):
        y = TOP + index * ROW
        x, segments = float(LEFT), []
        for name in series:
            width = round(plot * counts.get(name, 0) / largest, 2)
            if counts.get(name, 0):
                segments.append(Segment(name, round(x, 2), width, counts.get(name, 0)))
            x += width
        bars.append(
            Bar(
                key=key,
                y=y,
                label_y=y + BAR / 2 + 5,
                segments=tuple(segments),
                total=sum(counts.get(s, 0) for s in series),
                end=round(x, 2),
            )
        )
    return BarChart(
        width=WIDTH,
        height=TOP * 2 + len(rows) * ROW,
        left=LEFT,
        bar_height=BAR,
        bars=tuple(bars),
    )
