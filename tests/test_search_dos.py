"""A short run of bench/search_dos.py: clients searching `!!!` are refused, nobody gets a 5xx.

Latency is the script's business (bench/search_dos.py, 1M rows); this checks the statuses.
"""

import pytest

from bench.search_dos import run

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]


def test_a_flood_of_unsearchable_queries_is_refused_and_normal_searches_are_answered(postgres_url):
    attack, ordinary, rows = run(rows=2_000, attackers=8, normal=2, duration=3.0)
    assert rows == 2_000
    assert set(attack.statuses) == {422} and sum(attack.statuses.values()) > 8
    assert set(ordinary.statuses) == {200} and sum(ordinary.statuses.values()) > 2
