"""Geometry of the plan's range charts, for server-rendered SVG: numbers only, no markup.

One row per candidate and GPU: a bar to the expected value, a whisker from low to high, and
(for memory) a mark at the GPU's limit, so "does it fit" is visible at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.costs.chart import nice_ceiling  # one rule for round axis ends

WIDTH = 360
LEFT, RIGHT, TOP = 8, 12, 8
# Two label lines above each bar (the model; the GPU and method), then the bar. On one line a
# label ran past the chart's right edge once a phone's text was made legible (12 px or more).
ROW = 50
LABEL_LINE = 16
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
    label_y: float  # the first label line's baseline; the second is LABEL_LINE below
    y: float
    x0: float
    x_low: float
    x_expected: float
    x_high: float
    x_limit: float | None
    over: bool  # the run does not fit its limit (the plan's row["fits"], app/training/plan.py)
    drawn: bool = True

    @property
    def label_lines(self) -> tuple[str, str]:
        """The label on two lines: "Qwen3-8B" and "A100 80GB (LoRA)" (split at its first " · ")."""
        model, _, rest = self.label.partition(" · ")
        return model, rest

    @property
    def label2_y(self) -> float:
        return self.label_y + LABEL_LINE


@dataclass(frozen=True, slots=True)
class Omitted:
    """A row of the table that is not drawn: a run that does not fit its GPU, which takes no
    hours and costs nothing there (its table cells say so)."""

    key: str
    label: str
    drawn: bool = False


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
    # The table under the chart: every row in order, drawn (Row) or not (Omitted).
    table: tuple[Row | Omitted, ...] = ()

    @property
    def whole_ticks(self) -> bool:
        """Every tick is a whole number, so the axis can be written without decimals."""
        return all(float(t.value).is_integer() for t in self.ticks)


def build(items: list[dict]) -> RangeChart:
    """`items`: {"key", "label", "low", "expected", "high", "limit" (or None), "over" (optional)}:
    `over` marks a row that does not fit its limit as the plan decides it (its row["fits"], by
    plan.fits_gpu), so the chart never applies a rule of its own. An item {"key", "label",
    "omitted": True} is a table row only: not drawn, and no part of the axis."""
    table_items = items
    items = [i for i in items if not i.get("omitted")]
    top_value = max([i["high"] for i in items] + [i["limit"] or 0 for i in items] + [0])
    top, step = nice_ceiling(top_value)
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
                label_y=base + 12,
                y=base + 33,
                x0=LEFT,
                x_low=x(item["low"]),
                x_expected=x(item["expected"]),
                x_high=x(item["high"]),
                x_limit=x(limit) if limit else None,
                over=bool(item.get("over", False)),
            )
        )
    axis_y = TOP + len(items) * ROW + 4
    ticks = tuple(Tick(x(i * step), i * step) for i in range(round(top / step) + 1))
    drawn = {row.key: row for row in rows}
    table = tuple(
        Omitted(i["key"], i["label"]) if i.get("omitted") else drawn[i["key"]] for i in table_items
    )
    return RangeChart(WIDTH, int(axis_y + AXIS), tuple(rows), ticks, axis_y, table)
