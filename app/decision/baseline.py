"""How sure a measured baseline is: the 95% Wilson score interval (Wilson, 1927)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .text import Text

Z_95 = 1.959963984540054
# Sample sizes tried when asking "how many cases would settle the gap?".
MAX_SAMPLE = 100_000


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `n`, as fractions from 0 to 1."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, got {successes}/{n}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _interval_at(p: float, n: int) -> tuple[float, float]:
    return wilson_interval(round(p * n), n)


@lru_cache(maxsize=4096)
def cases_to_settle(p: float, target: float, beyond: int = 0) -> int | None:
    """About how many cases at accuracy `p` leave `target` out of their interval, more than
    `beyond` (the cases already measured, which did not): where doubling then bisection finds it,
    rounded up to 2 significant figures (and stepped on until that number settles it), so not
    always the fewest; None if none up to MAX_SAMPLE will. Rounded successes
    make "settles" not quite monotonic in n: 11 of 16 (68.75%) does not leave out 85% while 10
    of 14 does, so without `beyond` a run of 16 was told "about 14 cases would"."""
    if p == target:
        return None

    def settles(n: int) -> bool:
        low, high = _interval_at(p, n)
        return high < target if p < target else low >= target

    n = 10
    while n <= MAX_SAMPLE and not settles(n):
        n *= 2
    if n > MAX_SAMPLE:
        return None
    low, high = n // 2, n
    while low + 1 < high:
        mid = (low + high) // 2
        low, high = (low, mid) if settles(mid) else (mid, high)
    if high <= beyond:
        high = beyond + 1
        while high <= MAX_SAMPLE and not settles(high):
            high += 1
        if high > MAX_SAMPLE:
            return None
    # Round up to a number people say: 2 significant figures, and step on until the number said
    # really settles it.
    magnitude = 10 ** max(0, len(str(high)) - 2)
    said = -(-high // magnitude) * magnitude
    while not settles(said):
        said += magnitude
    return said


def interval_percents(low: float, high: float) -> tuple[str, str]:
    """An interval's ends as percentages, with the fewest decimals (one to six) that keep them
    apart: on a million cases 93.95-94.05% is not "between 94% and 94%"."""
    for digits in range(1, 7):
        shown = tuple(f"{100 * x:.{digits}f}" for x in (low, high))
        if shown[0] != shown[1] or low == high:
            break
    return tuple(x.rstrip("0").removesuffix(".") if "." in x else x for x in shown)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Baseline:
    accuracy: float
    sample_size: int
    low: float
    high: float
    target: float
    # "real": the target lies outside the interval; "uncertain": inside it.
    gap: str
    settle_with: int | None

    def note(self) -> Text:
        acc, target = (round(100 * x) for x in (self.accuracy, self.target))
        low, high = interval_percents(self.low, self.high)
        n = self.sample_size
        head = Text.plural(
            "{acc}{percent} on {n:,} case means somewhere between {low}{percent} and "
            "{high}{percent} (95{percent} Wilson interval)",
            "{acc}{percent} on {n:,} cases means somewhere between {low}{percent} and "
            "{high}{percent} (95{percent} Wilson interval)",
            n,
            acc=acc,
            low=low,
            high=high,
            percent="%",
        )
        if self.gap == "real" and self.accuracy < self.target:
            return Text(
                "{head}: the whole interval is below your {target}% target, so the gap is real.",
                head=head,
                target=target,
            )
        if self.gap == "real":
            return Text(
                "{head}: the whole interval is at or above your {target}% target, so it really "
                "meets the target.",
                head=head,
                target=target,
            )
        where = (
            Text("you may be below the target")
            if self.accuracy >= self.target
            else Text("the gap may not be real")
        )
        if self.settle_with is None:
            return Text(
                "{head}, which includes your {target}% target, so {where}: measure on more cases "
                "before deciding.",
                head=head,
                target=target,
                where=where,
            )
        return Text(
            "{head}, which includes your {target}% target, so {where}: measure on about "
            "{settle_with:,} cases before deciding.",
            head=head,
            target=target,
            where=where,
            settle_with=self.settle_with,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "accuracy": self.accuracy,
            "sample_size": self.sample_size,
            "low": round(self.low, 4),
            "high": round(self.high, 4),
            "target": self.target,
            "gap": self.gap,
            "settle_with": self.settle_with,
            "note": self.note().to_dict(),
        }


def measure_baseline(accuracy_percent: int, sample_size: int, target_percent: int) -> Baseline:
    p = accuracy_percent / 100
    target = target_percent / 100
    low, high = wilson_interval(round(p * sample_size), sample_size)
    real = high < target if p < target else low >= target
    return Baseline(
        p,
        sample_size,
        low,
        high,
        target,
        "real" if real else "uncertain",
        None if real else cases_to_settle(p, target, sample_size),
    )
