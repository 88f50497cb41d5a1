"""Dollars, months and percentages as people read them, the same in English and Chinese text."""

from __future__ import annotations

import math

from .formulas import DAYS_PER_MONTH


def usd(value: float) -> str:
    """$23,670 for large sums, $12.34 for small ones, three significant digits below a dollar."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 100:
        text = f"{amount:,.0f}"
    elif amount >= 1:
        text = f"{amount:,.2f}"
    elif amount == 0:
        text = "0"
    else:
        decimals = min(8, 2 - math.floor(math.log10(amount)))
        text = f"{amount:.{decimals}f}".rstrip("0").rstrip(".")
    return f"{sign}${text}"


def usd_compact(value: float, lang: str) -> str:
    """Axis labels: $300k / $1.2M in English, $30万 / $1.2亿 in Chinese."""
    steps = ((1e8, "亿"), (1e4, "万")) if lang == "zh" else ((1e9, "B"), (1e6, "M"), (1e3, "k"))
    for size, suffix in steps:
        if abs(value) >= size:
            return f"${value / size:,.1f}".replace(".0", "") + suffix
    return usd(value)


def months(value: float) -> str:
    """0.21, 4.5, 18: two decimals under 10 months, one under 100, none beyond."""
    if value < 10:
        return f"{value:.2f}"
    if value < 100:
        return f"{value:.1f}"
    return f"{value:,.0f}"


# Below a tenth of a month (3 days) a payback reads in days: "0.00 months" said nothing.
DAYS_BELOW_MONTHS = 0.1


def payback(value: float) -> tuple[str, str]:
    """A payback of `value` months as (unit, figure): ("months", "0.21"), ("days", "2.4") under
    a tenth of a month, ("under_a_day", "") under one day."""
    if value >= DAYS_BELOW_MONTHS:
        return "months", months(value)
    days = value * DAYS_PER_MONTH
    if days < 1:
        return "under_a_day", ""
    return "days", f"{days:.1f}"


def percent(fraction: float) -> str:
    """0.95422 -> 95.4%."""
    return f"{fraction * 100:.1f}%"


def count(value: float) -> str:
    """100,000; 1,532.5 for a measured mean."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
