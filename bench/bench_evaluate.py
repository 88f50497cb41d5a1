"""Time evaluate() (with its what-would-change counterfactuals) on 10,000 random answer sets.

Run: .venv/bin/python bench/bench_evaluate.py [count]
Not a test: timings depend on the machine. The target is a median under 1 ms per call.
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.decision import QUESTIONS, RULES, RULES_VERSION, evaluate  # noqa: E402

SEED = 294  # The Batch issue that started it all.


def random_answers(rng: random.Random) -> dict[str, str | int | None]:
    answers: dict[str, str | int | None] = {}
    for key, q in QUESTIONS.items():
        if q.kind == "integer":
            answers[key] = (
                None if rng.random() < 0.3 else rng.randint(q.minimum or 0, q.maximum or 100)
            )
        else:
            answers[key] = rng.choice(q.option_keys)
    return answers


def main(count: int = 10_000) -> int:
    rng = random.Random(SEED)
    answer_sets = [random_answers(rng) for _ in range(count)]
    for answers in answer_sets[:200]:  # warm up caches and the interpreter
        evaluate(answers)

    timings: list[int] = []
    changes = 0
    for answers in answer_sets:
        start = time.perf_counter_ns()
        verdict = evaluate(answers)
        timings.append(time.perf_counter_ns() - start)
        changes += len(verdict.what_would_change)

    timings.sort()
    us = 1000.0
    print(f"evaluate() incl. counterfactuals, {count:,} random answer sets (seed {SEED})")
    print(
        f"rules {RULES_VERSION}, {len(RULES)} rules; {changes / count:.1f} 'what would change' "
        "entries per verdict on average"
    )
    print(f"median {timings[count // 2] / us:8.1f} µs")
    print(f"p90    {timings[int(count * 0.90)] / us:8.1f} µs")
    print(f"p99    {timings[int(count * 0.99)] / us:8.1f} µs")
    print(f"mean   {statistics.fmean(timings) / us:8.1f} µs")
    print(
        f"Caveat: one run on this machine ({platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}); figures vary with CPU and load."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
