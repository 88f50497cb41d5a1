"""The near-duplicate detector's measured curve: the share of planted pairs found, by their true
Jaccard similarity (brute force, sets of 5-token tuples), on generated files.

Run: .venv/bin/python bench/bench_near_duplicates.py
Three files of 400 planted pairs and 200 unrelated texts each (tests/dataset_files.py), seeds
11-13. A pair counts as found when the check puts both lines in one near-duplicate group.
"""

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import datasets  # noqa: E402
from tests import dataset_files as files  # noqa: E402

BANDS = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.75), (0.75, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 1.01)]


def main() -> None:
    found_by: dict[tuple[float, float], list[bool]] = {band: [] for band in BANDS}
    for seed in (11, 12, 13):
        data, planted, texts = files.planted_pairs(pairs=400, singles=200, seed=seed)
        profile = datasets.check([data])
        together = set()
        for group in profile["near_duplicate_groups"]:
            together.update(itertools.combinations(sorted(group), 2))
        for a, b in planted:
            similarity = files.brute_force_jaccard(texts[a - 1], texts[b - 1])
            for band in BANDS:
                if band[0] <= similarity < band[1]:
                    found_by[band].append((min(a, b), max(a, b)) in together)
    print("| True Jaccard | Pairs | Found |")
    print("|---|---|---|")
    for (low, high), found in found_by.items():
        if found:
            label = f"{low:.2f}–{min(high, 1.0):.2f}"
            print(f"| {label} | {len(found)} | {100 * sum(found) / len(found):.1f}% |")


if __name__ == "__main__":
    main()
