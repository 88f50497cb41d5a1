"""Time the dataset check, and measure its memory, on generated chat files.

Run: .venv/bin/python bench/bench_dataset_check.py   (or `make bench-dataset`)
Targets (issue 10): 10,000 chat examples (about 10 MB) in at most 3 s median; 100,000 in at
most 30 s; peak memory growth at most 200 MB. Each size runs in a fresh process that first
writes its file to disk, then checks it read in 64 KB chunks, as an upload streams in; its peak
RSS (getrusage) minus the RSS once the tokenizer is loaded is the check's own growth.
Not a test: timings depend on the machine and on whatever else runs on it.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Common English words, so that tokens per byte are like real text (about 1 per 5 bytes).
WORDS = """the of and to in is you that it he was for on are as with his they at be this have from
or one had by word but not what all were we when your can said there use an each which she do how
their if will up other about out many then them these so some her would make like him into time has
look two more write go see number no way could people my than first water been call who oil its now
find long down day did get come made may part order refund account billing invoice shipping
delivery customer product price plan upgrade cancel subscription password login error payment card
charge support ticket issue problem question answer please thanks help need want know think store
return label package address email phone update change request team manager policy week month
year today tomorrow yesterday morning evening early late quick slow fast easy hard simple clear
""".split()
SYSTEM = "You are a support agent for an online shop. Answer politely, briefly and accurately."
CHUNK = 64 * 1024


def examples(count: int, seed: int = 10) -> Iterator[bytes]:
    """`count` chat examples, about 1 KB each, as JSONL lines."""
    rng = random.Random(seed)
    for _ in range(count):
        request = " ".join(rng.choices(WORDS, k=rng.randint(20, 50))) + "?"
        answer = " ".join(rng.choices(WORDS, k=rng.randint(100, 190))) + "."
        yield (
            json.dumps(
                {
                    "messages": [
                        {"role": "system", "content": SYSTEM},
                        {"role": "user", "content": request},
                        {"role": "assistant", "content": answer},
                    ]
                }
            )
            + "\n"
        ).encode()


def chunked(lines: Iterator[bytes]) -> Iterator[bytes]:
    buffer = bytearray()
    for line in lines:
        buffer += line
        if len(buffer) >= CHUNK:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(count: int, runs: int) -> dict:
    """In this process: write `count` examples to a file, then time `runs` checks of it, each
    reading the file in 64 KB chunks as an upload streams in."""
    from app import datasets
    from app.datasets import tokens

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as file:
        for chunk in chunked(examples(count)):
            file.write(chunk)
        file.flush()
        size = file.tell()
        tokens.encoding()
        baseline = rss_mb()

        def chunks() -> Iterator[bytes]:
            with open(file.name, "rb") as source:
                while chunk := source.read(CHUNK):
                    yield chunk

        times, growth, valid = [], 0.0, 0
        for _ in range(runs):
            started = time.perf_counter()
            profile = datasets.check(chunks())
            times.append(time.perf_counter() - started)
            growth = max(growth, peak_mb() - baseline)
            valid = profile["valid"]
            del profile
    return {
        "count": count,
        "megabytes": round(size / 1e6, 1),
        "valid": valid,
        "times": [round(t, 2) for t in times],
        "median": round(statistics.median(times), 2),
        "memory_growth_mb": round(growth, 1),
        "baseline_mb": round(baseline, 1),
    }


def main() -> int:
    if len(sys.argv) == 3:  # a child: one size
        print(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))))
        return 0
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    results = []
    for count, runs, limit in ((10_000, 5, 3.0), (100_000, 1, 30.0)):
        output = subprocess.run(
            [sys.executable, __file__, str(count), str(runs)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result["limit_s"] = limit
        results.append(result)
        print(
            f"{count:>7,} examples ({result['megabytes']} MB): median {result['median']} s "
            f"over {len(result['times'])} run(s) {result['times']} (target <= {limit} s); "
            f"peak memory growth {result['memory_growth_mb']} MB (target <= 200 MB)"
        )
    ok = all(r["median"] <= r["limit_s"] and r["memory_growth_mb"] <= 200 for r in results)
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
