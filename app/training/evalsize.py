"""How many eval cases it takes to see the gap a fine-tune must close.

Two proportions, two-sided test at alpha = 0.05 with power 0.80 (Fleiss, Levin and Paik,
Statistical Methods for Rates and Proportions, 3rd ed., 2003, eq. 4.14 without continuity
correction):

    n = (z_a * sqrt(2 p q) + z_b * sqrt(p0 q0 + p1 q1))^2 / (p1 - p0)^2,   p = (p0 + p1) / 2

with p0 the baseline accuracy and p1 the target. It treats the baseline and the fine-tuned
runs as independent samples; scoring both on the same cases (a paired, McNemar test) needs no
more than this, so the figure is on the safe side.
"""

from __future__ import annotations

import math

Z_ALPHA = 1.959963984540054  # two-sided 5%
Z_BETA = 0.8416212335729143  # power 80%


def cases_needed(baseline: float, target: float) -> int:
    """Eval cases to tell `target` from `baseline` (both fractions 0-1, target > baseline)."""
    if not 0 <= baseline < target <= 1:
        raise ValueError("need 0 <= baseline < target <= 1")
    p0, p1 = baseline, target
    p = (p0 + p1) / 2
    numerator = Z_ALPHA * math.sqrt(2 * p * (1 - p)) + Z_BETA * math.sqrt(
        p0 * (1 - p0) + p1 * (1 - p1)
    )
    return math.ceil(numerator**2 / (p1 - p0) ** 2)


def detectable_gap(baseline: float, cases: int) -> float:
    """The smallest improvement over `baseline` that `cases` eval cases can detect (0-1)."""
    low, high = baseline, 1.0
    if high - low < 1e-6 or cases_needed(baseline, 1.0) > cases:
        return 1.0 - baseline
    for _ in range(60):
        mid = (low + high) / 2
        if mid <= baseline or cases_needed(baseline, mid) > cases:
            low = mid
        else:
            high = mid
    return high - baseline
