"""The statistics of an eval run: accuracy with its 95% Wilson interval, how many cases would
tell a target from the baseline, and the exact McNemar test between two runs of the same cases.

Pure functions on counts; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from app.decision.baseline import cases_to_settle, wilson_interval

# A change between two runs is called real below this two-sided p-value.
ALPHA = 0.05
# Up to this many discordant pairs the McNemar sum is done in exact integer arithmetic; beyond, in
# log space (lgamma), which agrees with the exact sum to about 1e-12 relative.
EXACT_LIMIT = 5_000

PASS, FAIL, ERROR = 1, 0, 2


def interval(passed: int, graded: int) -> tuple[float, float]:
    """The 95% Wilson score interval of `passed` out of `graded` (Wilson, 1927)."""
    return wilson_interval(passed, graded)


def to_tell(accuracy: float, graded: int, low: float, high: float, target: int) -> dict:
    """Whether this run already tells `target` (a percentage) from the baseline, and if not, how
    many cases at this accuracy would: the verdict's own number (decision.baseline.cases_to_settle)."""
    goal = target / 100
    settled = high < goal if accuracy < goal else low >= goal
    return {
        "target": target,
        "settled": settled,
        # More than the cases graded, which did not settle it.
        "cases_needed": None if settled else cases_to_settle(accuracy, goal, graded),
        "graded": graded,
    }


def _binomial_tail(n: int, k: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    if n <= EXACT_LIMIT:
        term, total = 1, 1
        for i in range(1, k + 1):
            term = term * (n - i + 1) // i
            total += term
        return total / (1 << n)
    log_half_n = n * math.log(0.5)
    logs = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + log_half_n
        for i in range(k + 1)
    ]
    top = max(logs)
    return math.exp(top) * math.fsum(math.exp(x - top) for x in logs)


def mcnemar_exact(only_new: int, only_old: int) -> float:
    """The exact (binomial) McNemar test, two-sided: under "no change", each discordant pair is as
    likely to favour either run, so min(b, c) ~ Binomial(b + c, 1/2);
    p = min(1, 2 x P(X <= min(b, c))). 1.0 when there is no discordant pair."""
    if only_new < 0 or only_old < 0:
        raise ValueError("counts must be >= 0")
    n = only_new + only_old
    if n == 0:
        return 1.0
    return min(1.0, 2 * _binomial_tail(n, min(only_new, only_old)))


def paired(new: Mapping[str, int], old: Mapping[str, int]) -> dict:
    """Two runs of the same cases, matched by id. A pair counts only when both runs graded the
    case (an error in either run leaves it out); ids in one run only are counted apart."""
    both_pass = only_new = only_old = both_fail = with_error = 0
    for case, outcome in new.items():
        before = old.get(case)
        if before is None:
            continue
        if outcome == ERROR or before == ERROR:
            with_error += 1
        elif outcome == PASS:
            if before == PASS:
                both_pass += 1
            else:
                only_new += 1
        elif before == PASS:
            only_old += 1
        else:
            both_fail += 1
    matched = both_pass + only_new + only_old + both_fail
    p_value = mcnemar_exact(only_new, only_old)
    return {
        "both_pass": both_pass,
        "only_new": only_new,
        "only_old": only_old,
        "both_fail": both_fail,
        "p_value": p_value,
        "matched": matched,
        "with_error": with_error,
        "only_in_new": sum(1 for case in new if case not in old),
        "only_in_old": sum(1 for case in old if case not in new),
        # On the matched pairs: the accuracy points gained (negative: lost).
        "change": round(100 * (only_new - only_old) / matched, 4) if matched else None,
        "real": p_value < ALPHA,
        "direction": (
            "better" if only_new > only_old else "worse" if only_old > only_new else "same"
        ),
    }


def can_show_a_change(step: Mapping) -> bool:
    """Whether a step had discordant pairs enough for the exact McNemar test to reach p < ALPHA
    at all: with d of them, the smallest p is 2 x 0.5^d (every one the same way), so fewer than
    6 can never show a change at 0.05, whatever their split."""
    return 2 * 0.5 ** (step["only_new"] + step["only_old"]) < ALPHA


def plateaued(steps: list[dict]) -> bool | None:
    """From the paired comparisons of consecutive runs (oldest first): False when the last step
    improved significantly; True when at least two steps were tried, none improved
    significantly, the last did not do better, and every step had discordant pairs enough to
    show a gain (can_show_a_change): no step was shown to improve though each could have been.
    None otherwise: no claim (one step; an earlier real gain; a last step that did better, or a
    step too small to show anything, where "not significant" means "too few cases to tell")."""
    if not steps:
        return None
    last = steps[-1]
    if last["real"] and last["direction"] == "better":
        return False
    if last["direction"] == "better" or len(steps) < 2:
        return None
    if any(step["real"] and step["direction"] == "better" for step in steps):
        return None
    return True if all(can_show_a_change(step) for step in steps) else None
