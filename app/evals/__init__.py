"""The team's own eval runs, measured: the baseline the verdict needs, and whether prompting has
plateaued. Pure: bytes in, a summary out (no I/O, no database).

`check(files)` reads one to five runs of the same cases (oldest first, the latest last) and gives
the summary the API returns and an assessment keeps as `eval_run`:

- `cases`, `passed`, `failed`, `errors` (cases the model or grader failed to answer: counted
  apart, never as a pass or a fail), `graded` = cases - errors, `accuracy` = passed / graded,
  and its 95% Wilson interval `low`/`high`. An Inspect log of several `epochs`: a case is a
  sample, `accuracy` the mean over graded samples of each one's share of passed epochs (Inspect's
  mean reducer), `passed` the samples that passed in more than half their graded epochs, and an
  error a sample that errored in every epoch;
- `to_tell`: for each accuracy target (85, 95, 99), whether the interval already leaves it out
  and, if not, about how many cases at this accuracy would (stats.to_tell);
- `failures`: failure categories or assertion names with counts, the most frequent first;
- with earlier runs: `paired` (latest against the one before: the exact McNemar test on cases
  matched by id), `steps` (each consecutive pair), `runs` (each run's counts) and `plateaued`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from app.decision.conditions import ACCURACY_TARGETS

from . import stats
from .reading import FORMATS, Problem, Run, Unreadable, read

__all__ = [
    "FORMATS",
    "MAX_RUNS",
    "Problem",
    "Run",
    "Unreadable",
    "check",
    "measured_answers",
    "read",
]

MAX_RUNS = 5
TARGETS = tuple(sorted(set(ACCURACY_TARGETS.values())))


def accuracy_percent(passed: int | Fraction, graded: int) -> int:
    """The whole percentage `baseline_accuracy` takes: rounded down, so a run just short of a
    target never reads as meeting it (94.96% is 94). Exact arithmetic: no float error."""
    return math.floor(Fraction(passed) * 100 / graded)


def _counts(run: Run) -> dict[str, Any]:
    outcomes = list(run.outcomes.values())
    passed = outcomes.count(stats.PASS)
    failed = outcomes.count(stats.FAIL)
    errors = outcomes.count(stats.ERROR)
    graded = passed + failed
    if graded == 0:
        raise Unreadable("all_errors")
    # With several epochs (Inspect), a sample counts for its share of passed epochs: the mean
    # over samples is Inspect's own mean-reduced accuracy, and the interval's n is the samples.
    successes = sum(run.shares.values(), Fraction(0)) if run.shares is not None else passed
    low, high = stats.interval(float(successes), graded)
    return {
        "format": run.format,
        "format_version": run.version,
        "name": run.name,
        "cases": len(outcomes),
        "epochs": run.epochs,
        "passed": passed,
        "failed": failed,
        "errors": errors,
        "graded": graded,
        "accuracy": float(Fraction(successes) / graded),
        "percent": accuracy_percent(successes, graded),
        "scorer": run.scorer,
        "partial_as_fail": run.partial,
        "other_scorers": [{"name": name, "accuracy": value} for name, value in run.other_scorers],
        "low": low,
        "high": high,
    }


def summarize(runs: Sequence[tuple[str, Run]], now: datetime | None = None) -> dict[str, Any]:
    """The summary of runs already read, oldest first (`(file_name, run)` pairs)."""
    counted = [{"file_name": name, **_counts(run)} for name, run in runs]
    latest_name, latest = runs[-1]
    head = counted[-1]
    steps = [
        {"from": i, "to": i + 1, **stats.paired(runs[i + 1][1].outcomes, runs[i][1].outcomes)}
        for i in range(len(runs) - 1)
    ]
    failures = [
        {"name": name, "count": count}
        for name, count in sorted(latest.categories.items(), key=lambda kv: (-kv[1], kv[0]))
    ][:20]
    return {
        **head,
        "to_tell": [
            stats.to_tell(head["accuracy"], head["graded"], head["low"], head["high"], target)
            for target in TARGETS
        ],
        "failures": failures,
        "paired": steps[-1] if steps else None,
        "steps": steps,
        "runs": counted,
        "plateaued": stats.plateaued(steps),
        "checked_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }


def check(files: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
    """Read and summarize one to MAX_RUNS runs, oldest first. Raises Unreadable, naming the run
    (`run`, 1-based, in the order given) when there are several."""
    if not files:
        raise Unreadable("no_file")
    if len(files) > MAX_RUNS:
        raise Unreadable("too_many_runs", str(MAX_RUNS))
    runs = []
    for position, (name, data) in enumerate(files, start=1):
        try:
            run = read(data)
            _counts(run)
        except Unreadable as error:
            error.run = position if len(files) > 1 else None  # type: ignore[attr-defined]
            error.file_name = name  # type: ignore[attr-defined]
            raise
        runs.append((name, run))
    return summarize(runs)


# --- What an attached run tells the engine ------------------------------------------------


def _valid(eval_run: Mapping[str, Any] | None) -> bool:
    if not isinstance(eval_run, Mapping):
        return False
    passed, graded = eval_run.get("passed"), eval_run.get("graded")
    return (
        isinstance(passed, int)
        and isinstance(graded, int)
        and 0 <= passed <= graded
        and graded >= 1
    )


def measured_answers(eval_run: Mapping[str, Any] | None) -> dict[str, int]:
    """The answers an attached run establishes: `baseline_accuracy` (whole percent, rounded down)
    and `baseline_sample_size` (cases graded, errors excluded; with several Inspect epochs, the
    samples, whose accuracy is the mean of their shares of passed epochs)."""
    if not _valid(eval_run):
        return {}
    passed, graded = eval_run["passed"], eval_run["graded"]  # type: ignore[index]
    percent = accuracy_percent(passed, graded)
    epochs, stored = eval_run.get("epochs"), eval_run.get("percent")  # type: ignore[union-attr]
    if isinstance(epochs, int) and epochs > 1 and isinstance(stored, int) and 0 <= stored <= 100:
        percent = stored
    return {
        "baseline_accuracy": percent,
        "baseline_sample_size": min(graded, 1_000_000),
    }


def plateaued(eval_run: Mapping[str, Any] | None) -> bool | None:
    if not isinstance(eval_run, Mapping):
        return None
    value = eval_run.get("plateaued")
    return value if isinstance(value, bool) else None
