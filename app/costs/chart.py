"""Geometry of the cumulative-cost chart, for a server-rendered SVG: numbers only, no markup."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .formulas import MONTHS_SHOWN, CostResult

WIDTH, HEIGHT = 480, 280
LEFT, RIGHT, TOP, BOTTOM = 80, 12, 12, 32  # room for the dollar labels ($1.5万, $5,000) and months
X_TICK_EVERY = 3  # months
SMALLEST_TOP = 0.01  # a cent: below it, the axis would need more digits than it can show


@dataclass(frozen=True, slots=True)
class Tick:
    position: float  # y for the dollar axis, x for the month axis
    value: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    current_points: str  # an SVG polyline's `points`
    candidate_points: str
    crossing: tuple[float, float] | None  # where the candidate becomes cheaper, within the chart
    # Where a model stops serving, within the chart: x, and the side its label sits on
    end_x: float | None = None
    end_anchor: str = "start"


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for the axis at or above `value` and a step dividing it into 4-5 ticks."""
    if value <= 0:
        return 1.0, 0.25
    value = max(value, SMALLEST_TOP)
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
    raise AssertionError("unreachable: factor 10 always fits")  # pragma: no cover


def build_chart(result: CostResult, end_months: float | None = None) -> Chart | None:
    """The chart of `result.cumulative` on a MONTHS_SHOWN-month axis (a series stopped early
    stops short on it), with a mark `end_months` from now (a model's retirement) when within the
    axis; None when fewer than two months are left to draw."""
    if len(result.cumulative) < 2:
        return None
    top_value = max(max(row[1], row[2]) for row in result.cumulative)
    y_max, y_step = nice_ceiling(top_value)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month: float) -> float:
        return round(LEFT + plot_width * month / MONTHS_SHOWN, 2)

    def y(value: float) -> float:
        return round(TOP + plot_height * (1 - value / y_max), 2)

    def points(index: int) -> str:
        return " ".join(f"{x(row[0]):g},{y(row[index]):g}" for row in result.cumulative)

    ticks = round(y_max / y_step)
    crossing = None
    payback = result.payback_months
    if payback is not None and payback <= result.cumulative[-1][0]:
        crossing = (x(payback), y(result.current_monthly * payback))
    end_x = x(end_months) if end_months is not None and 0 <= end_months <= MONTHS_SHOWN else None
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        top=TOP,
        right=WIDTH - RIGHT,
        bottom=HEIGHT - BOTTOM,
        y_ticks=tuple(Tick(y(i * y_step), i * y_step) for i in range(ticks + 1)),
        x_ticks=tuple(Tick(x(m), m) for m in range(0, MONTHS_SHOWN + 1, X_TICK_EVERY)),
        current_points=points(1),
        candidate_points=points(2),
        crossing=crossing,
        end_x=end_x,
        # The label reads away from the nearer edge of the plot.
        end_anchor="end" if end_x is not None and end_x > LEFT + plot_width / 2 else "start",
    )
