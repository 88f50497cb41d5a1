"""Proof that a change to the dataset check leaves its results unchanged, byte for byte.

    .venv/bin/python bench/check_identity.py collect CORPUS [pytest args...]
    .venv/bin/python bench/check_identity.py dump CORPUS OUT.jsonl

`collect` runs the given tests (by default every in-process test that checks a dataset) with
Profiler.run and Profiler.leakage recording the bytes they read and the settings they were given,
and adds the files the tests generate or start live servers with (the tiny 20 MB files of the
memory tests, every tests/dataset_files.py and tests/eval_files.py builder, the naughty strings,
the benchmark's chat file). `dump` replays each recorded input through the check, twice (in
64 KiB chunks, and in small odd-sized ones for files under 1 MB), and writes one JSON line per
run: the profile (key order kept), or the refusal, and every progress report. Run `dump` before
and after a change and compare the two files with `cmp`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TESTS = [
    "tests/datasets",
    "tests/web/test_middleware_body_size.py",
    "tests/training/test_training.py",
    "-m",
    "not serial",
]


def _save(corpus: Path, meta: dict[str, Any], train: bytes, second: bytes | None) -> None:
    digest = hashlib.sha256(
        json.dumps(meta, sort_keys=True).encode() + train + b"\0EVAL\0" + (second or b"")
    ).hexdigest()[:20]
    if (corpus / f"{digest}.json").exists():
        return
    (corpus / f"{digest}.train").write_bytes(train)
    if second is not None:
        (corpus / f"{digest}.eval").write_bytes(second)
    (corpus / f"{digest}.json").write_text(json.dumps(meta, sort_keys=True))


class Recorder:
    """A pytest plugin: every Profiler's input, saved to the corpus."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus

    def pytest_configure(self, config) -> None:
        from app.datasets.profile import Profiler

        corpus = self.corpus
        run, leakage = Profiler.run, Profiler.leakage

        def recorded(chunks, sink: bytearray):
            for chunk in chunks:
                sink += chunk
                yield chunk

        def recording_run(self, chunks):
            self._recorded = bytearray()
            self._meta = {
                "context_limit": self.context_limit,
                "max_examples": self.max_examples,
                "sample_size": self.sample_size,
            }
            try:
                return run(self, recorded(chunks, self._recorded))
            finally:
                _save(corpus, self._meta, bytes(self._recorded), None)

        def recording_leakage(self, chunks):
            second = bytearray()
            try:
                return leakage(self, recorded(chunks, second))
            finally:
                _save(corpus, self._meta, bytes(self._recorded), bytes(second))

        Profiler.run, Profiler.leakage = recording_run, recording_leakage


def _generated(corpus: Path) -> None:
    import tempfile

    from bench.bench_dataset_check import examples
    from tests import dataset_files, eval_files
    from tests.datasets.test_datasets_memory import tiny_csv, tiny_jsonl

    default = {"context_limit": 4096, "max_examples": 1_000_000, "sample_size": 8000}
    with tempfile.TemporaryDirectory() as folder:
        for make in (tiny_csv, tiny_jsonl):
            path = Path(folder) / "tiny"
            make(path)
            _save(corpus, default, path.read_bytes(), None)
    _save(corpus, default, b"".join(examples(3000)), None)
    _save(corpus, default, (ROOT / "tests/data/naughty_strings.txt").read_bytes(), None)
    for module in (dataset_files, eval_files):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameters = inspect.signature(function).parameters.values()
            if any(p.default is inspect.Parameter.empty for p in parameters):
                continue
            try:
                made = function()
            except Exception:  # noqa: BLE001 - a helper that is no file builder
                continue
            if isinstance(made, tuple):
                made = made[0]
            if isinstance(made, str):
                made = made.encode()
            if isinstance(made, bytes):
                _save(corpus, default, made, None)


def collect(corpus: Path, args: list[str]) -> int:
    import pytest

    corpus.mkdir(parents=True, exist_ok=True)
    _generated(corpus)
    return pytest.main(
        [*(args or TESTS), "-p", "no:cacheprovider", "-q", "-p", "no:xdist"],
        plugins=[Recorder(corpus)],
    )


def _chunks(data: bytes, size: int):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def dump(corpus: Path, out: Path) -> int:
    from app.datasets.profile import Profiler
    from app.datasets.reading import Unreadable

    lines = []
    for meta_path in sorted(corpus.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        train = meta_path.with_suffix(".train").read_bytes()
        eval_path = meta_path.with_suffix(".eval")
        second = eval_path.read_bytes() if eval_path.exists() else None
        sizes = [65536] + ([997, 61] if len(train) < 1_000_000 else [])
        for size in sizes:
            progress: list[int] = []
            profiler = Profiler(
                context_limit=meta["context_limit"],
                progress=progress.append,
                max_examples=meta["max_examples"],
                sample_size=meta["sample_size"],
            )
            result: dict[str, Any] = {"input": meta_path.stem, "chunk": size}
            try:
                profile = profiler.run(_chunks(train, size))
                profile["leakage"] = None
                if second is not None:
                    try:
                        profile["leakage"] = profiler.leakage(_chunks(second, size))
                    except Unreadable as error:
                        profile["leakage"] = {"problem": error.code, "lines": repr(error.lines)}
                result["profile"] = profile
            except Unreadable as error:
                result["refused"] = [
                    type(error).__name__,
                    error.code,
                    error.detail,
                    repr(error.lines),
                ]
            result["progress"] = progress
            lines.append(json.dumps(result, ensure_ascii=False, default=repr))
            print(meta_path.stem, size, len(train), flush=True)
    out.write_text("\n".join(lines) + "\n")
    return 0


def main() -> int:
    command, corpus = sys.argv[1], Path(sys.argv[2])
    if command == "collect":
        return collect(corpus, sys.argv[3:])
    return dump(corpus, Path(sys.argv[3]))


if __name__ == "__main__":
    sys.exit(main())
