"""Geometry of the plan's range charts, for server-rendered SVG: numbers only, no markup.

One row per candidate and GPU: a bar to the expected value, a whisker from low to high, and
(for memory) a mark at the GPU's limit, so "does it fit" is visible at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 360
LEFT, RIGHT, TOP = 8, 12, 8
ROW = 34  # a label line above each bar, then the bar
BAR = 12
AXIS = 22


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    low: float
    expected: float
    high: float
    limit: float | None
    label_y: float
    y: float
    x0: float
    x_low: float
    x_expected: float
    x_high: float
    x_limit: float | None
    over: bool  # the expected value is past the limit


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    value: float


@dataclass(frozen=True, slots=True)
class RangeChart:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    axis_y: float


def nice_top(value: float) -> tuple[float, float]:
    """A round axis end at or above `value` and a tick step dividing it into 4-5."""
    if value <= 0:
        return 1.0, 0.25
    magnitude = 10 ** math.floor(math.log10(value))
    for factor, step in (
        (1, 0.25),
        (1.5, 0.5),
        (2, 0.5),
        (2.5, 0.5),
        (3, 1),
        (4, 1),
        (5, 1),
        (6, 2),
        (8, 2),
        (10, 2.5),
    ):
        if value <= factor * magnitude * (1 + 1e-9):
            return factor * magnitude, step * magnitude
    raise AssertionError("unreachable")  # pragma: no cover


def build(items: list[dict]) -> RangeChart:
    """`items`: {"key", "label", "low", "expected", "high", "limit" (or None)}."""
    top_value = max([i["high"] for i in items] + [i["limit"] or 0 for i in items] + [0])
    top, step = nice_top(top_value)
    plot = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return round(LEFT + plot * min(value, top) / top, 2)

    rows = []
    for n, item in enumerate(items):
        base = TOP + n * ROW
        limit = item.get("limit")
        rows.append(
            Row(
                key=item["key"],
                label=item["label"],
                low=item["low"],
                expected=item["expected"],
                high=item["high"],
                limit=limit,
                label_y=base + 11,
                y=base + 16,
                x0=LEFT,
                x_low=x(item["low"]),
                x_expected=x(item["expected"]),
                x_high=x(item["high"]),
                x_limit=x(limit) if limit else None,
                over=bool(limit) and item["expected"] > limit,
            )
        )
    axis_y = TOP + len(items) * ROW + 4
    ticks = tuple(Tick(x(i * step), i * step) for i in range(round(top / step) + 1))
    return RangeChart(WIDTH, int(axis_y + AXIS), tuple(rows), ticks, axis_y)
