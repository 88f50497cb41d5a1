"""Four dataset checks at once against a live uvicorn: together they stay under 600 MB, and
/healthz answers while they run (test_datasets_memory.py: how memory is read, the files, and why
these are not `serial` tests).

A module of its own, and early in the collection order: one test that takes one core's worth of
work in one server (the GIL) for about a minute, so it starts while the rest of the suite runs
instead of keeping a worker busy at its end.
"""

import threading

import pytest

from tests.datasets.test_datasets_memory import MB, Watch, start, tiny_csv, tiny_jsonl, upload

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    jsonl, csv = folder / "tiny.jsonl", folder / "tiny.csv"
    return {"jsonl": (jsonl, tiny_jsonl(jsonl)), "csv": (csv, tiny_csv(csv))}


def test_four_at_once_stay_under_600_mb(tmp_path, files):
    server = start(tmp_path, APP_MAX_CONCURRENT_CHECKS="4")
    try:
        results: list = []
        paths = [files["jsonl"][0], files["csv"][0], files["jsonl"][0], files["csv"][0]]
        with Watch(server) as watch:
            threads = [
                threading.Thread(target=upload, args=(server.base_url, p, results)) for p in paths
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert sorted((suffix, status) for suffix, status, _ in results) == [
            (".csv", 200),
            (".csv", 200),
            (".jsonl", 200),
            (".jsonl", 200),
        ]
        print(
            f"\nfour at once: grew {watch.growth / MB:.1f} MB, healthz max {max(watch.health):.2f} s"
        )
        assert watch.growth <= 600 * MB, f"grew {watch.growth / MB:.0f} MB"
        health = sorted(watch.health)
        assert health[len(health) // 2] < 0.5 and health[-1] < 5.0, health
    finally:
        server.stop()
