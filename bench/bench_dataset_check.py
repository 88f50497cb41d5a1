"""Time the dataset check through the HTTP API, and measure the server's memory, on generated
chat files of 10,000 and 100,000 examples (about 1 KB each).

Run: .venv/bin/python bench/bench_dataset_check.py   (or `make bench-dataset`)
     .venv/bin/python bench/bench_dataset_check.py --tiny   (check() in process, see `tiny`)
A uvicorn server runs in a subprocess with APP_MAX_UPLOAD_BYTES raised to 256 MB (the default
20 MB would refuse the 100,000-example file with 413); each file is uploaded three times to
POST /api/v1/datasets/check and timed from the first byte sent to the last received. Memory is
the server process's VmRSS, sampled every 50 ms, minus its value before the uploads.
Targets (issue 19): 100,000 examples take at most 10 times as long as 10,000 (linear), and the
server grows by at most 300 MB. Not a test: timings depend on the machine and on its load.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2 as httpx  # noqa: E402

from bench.seed import migrate  # noqa: E402
from bench.uvicorn_process import Server  # noqa: E402

API = "/api/v1/datasets/check"
UPLOAD_LIMIT = 256 * 1024 * 1024

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


def server_rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class Peak:
    """The server's resident memory sampled every 50 ms while a check runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.stop = pid, server_rss(pid), threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, server_rss(self.pid))
            time.sleep(0.05)

    def __enter__(self) -> Peak:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def measure(server: Server, path: Path, runs: int) -> dict:
    """Upload the file `runs` times through POST /api/v1/datasets/check; time each answer."""
    assert server.process is not None
    pid = server.process.pid
    times, growth, valid = [], 0, 0
    with httpx.Client(base_url=server.base_url, timeout=3600) as client:
        baseline = server_rss(pid)
        for _ in range(runs):
            with Peak(pid) as peak, path.open("rb") as body:
                started = time.perf_counter()
                response = client.post(API, files={"file": (path.name, body)})
                times.append(time.perf_counter() - started)
            response.raise_for_status()
            valid = response.json()["valid"]
            growth = max(growth, peak.peak - baseline)
    return {
        "megabytes": round(path.stat().st_size / 1e6, 1),
        "valid": valid,
        "times": [round(t, 2) for t in times],
        "median": round(statistics.median(times), 2),
        "memory_growth_mb": round(growth / 2**20, 1),
        "baseline_mb": round(baseline / 2**20, 1),
    }


def tiny(runs: int = 3) -> int:
    """check() in this process on the memory tests' two 20 MB files of the tiniest rows (about
    1,000,000 CSV rows, 550,000 JSONL ones): the per-example cost, without HTTP. Median of
    `runs` runs each, the two files alternating; CPU time beside wall time, since CPU time
    is what other processes on a shared machine disturb least."""
    from app.datasets.profile import check
    from tests.datasets.test_datasets_memory import tiny_csv, tiny_jsonl

    times: dict[str, list[float]] = {"csv": [], "jsonl": []}
    cpu: dict[str, list[float]] = {"csv": [], "jsonl": []}
    with tempfile.TemporaryDirectory() as folder:
        paths = {"csv": Path(folder) / "tiny.csv", "jsonl": Path(folder) / "tiny.jsonl"}
        tiny_csv(paths["csv"])
        tiny_jsonl(paths["jsonl"])
        check([b"input,output\na,b\n"])  # the tokenizer's first load
        for _ in range(runs):
            for kind, path in paths.items():
                data = path.read_bytes()
                started, used = time.perf_counter(), time.process_time()
                profile = check(
                    (data[i : i + CHUNK] for i in range(0, len(data), CHUNK)),
                    max_examples=2_000_000,
                )
                times[kind].append(time.perf_counter() - started)
                cpu[kind].append(time.process_time() - used)
                print(
                    f"tiny {kind}: {profile['valid']:,} examples in {times[kind][-1]:.2f} s "
                    f"({cpu[kind][-1]:.2f} s of CPU)",
                    flush=True,
                )
    for kind, values in times.items():
        print(
            f"tiny {kind}: median {statistics.median(values):.2f} s "
            f"{[round(t, 2) for t in values]}, CPU {statistics.median(cpu[kind]):.2f} s "
            f"{[round(t, 2) for t in cpu[kind]]}"
        )
    return 0


def main() -> int:
    if "--tiny" in sys.argv:
        return tiny()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        os.environ["APP_MAX_UPLOAD_BYTES"] = str(UPLOAD_LIMIT)
        # Migrated: the API check keeps each profile for a day, so it writes to the database.
        url = f"sqlite:///{folder}/bench.db"
        migrate(url)
        server = Server(url, Path(folder) / "server.log")
        server.start()
        try:
            with httpx.Client(base_url=server.base_url, timeout=60) as client:  # warm up
                client.post(API, files={"file": ("w.jsonl", b"".join(examples(50)))})
            for count, runs in ((10_000, 3), (100_000, 3)):
                path = Path(folder) / f"chat-{count}.jsonl"
                with path.open("wb") as file:
                    for chunk in chunked(examples(count)):
                        file.write(chunk)
                result = measure(server, path, runs)
                results[count] = result
                print(
                    f"{count:>7,} examples ({result['megabytes']} MB) through HTTP: median "
                    f"{result['median']} s over {runs} runs {result['times']}; peak memory "
                    f"growth of the server {result['memory_growth_mb']} MB"
                )
        finally:
            server.stop()
    ratio = results[100_000]["median"] / results[10_000]["median"]
    print(f"100k / 10k median time: {ratio:.1f} (linear would be 10.0; target <= 10)")
    ok = ratio <= 10 and all(r["memory_growth_mb"] <= 300 for r in results.values())
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
