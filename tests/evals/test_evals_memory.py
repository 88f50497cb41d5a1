"""The eval-run check's memory is bounded by the file, not by what the file holds: a file at the
upload limit (APP_MAX_UPLOAD_BYTES, 20 MB by default) is checked with a peak of Python memory
under 2.5 times its size. The bytes are in memory already (the upload is gathered, up to the
limit) and the reader keeps one decoded copy of the text; the fast path (msgspec) builds only
the fields it reads, where json.loads built the whole document (six times the file for a promptfoo
or Inspect log). Measured with tracemalloc, which counts every allocation made through Python's
allocators, msgspec's included. (What grows with the cases themselves, an id and an outcome each,
is the same in every format: a 20 MB CSV of 440,000 short rows peaks near 140 MB.)"""

import tracemalloc

import pytest

from app import evals
from tests import eval_files as ef

pytestmark = pytest.mark.slow

LIMIT = 20 * 1024 * 1024  # APP_MAX_UPLOAD_BYTES's default


def at_the_limit(fmt: str) -> tuple[bytes, int]:
    """The most cases of this format that fit in LIMIT bytes, and their count."""
    per_case = len(ef.build(fmt, ef.outcomes(1000, seed=1))) / 1000
    cases = int((LIMIT - 4096) / per_case)
    data = ef.build(fmt, ef.outcomes(cases, seed=1))
    while len(data) > LIMIT:
        cases = int(cases * 0.99)
        data = ef.build(fmt, ef.outcomes(cases, seed=1))
    return data, cases


@pytest.mark.parametrize("fmt", ["promptfoo_json", "inspect", "openai_evals"])
def test_a_file_at_the_limit_is_checked_in_under_two_and_a_half_times_its_size(fmt):
    data, cases = at_the_limit(fmt)
    assert LIMIT * 0.95 < len(data) <= LIMIT
    tracemalloc.start()
    try:
        report = evals.check([("run", data)])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report["cases"] == cases
    print(f"\n{fmt}: {cases} cases, {len(data) / 2**20:.1f} MB, peak {peak / 2**20:.1f} MB")
    assert peak < 2.5 * len(data), f"peak {peak / 2**20:.0f} MB"
