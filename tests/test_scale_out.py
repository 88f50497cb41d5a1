"""Scale-out: nothing that matters lives in a process, so servers on one PostgreSQL share the work."""

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from app import decision
from tests.e2e.live_server import live_server
from tests.helpers import REFUND_BOT, step_answers

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]


@pytest.fixture
def postgres(postgres_url):
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(
            text("TRUNCATE assessments, manage_keys, audit_events RESTART IDENTITY CASCADE")
        )
    engine.dispose()
    return postgres_url


def test_a_wizard_hops_between_two_servers_on_one_postgresql(postgres, tmp_path):
    with (
        live_server(tmp_path, database_url=postgres) as first,
        live_server(tmp_path, database_url=postgres, workers=2) as second,
    ):
        servers = [httpx.Client(base_url=url, follow_redirects=False) for url in (first, second)]
        tokens = []
        for run in range(4):
            # Every request of a wizard goes to the other server than the one before.
            hop = iter(servers[run % 2 :] + servers[: run % 2] + servers * 4)
            response = next(hop).post("/new", data={"title": f"Hop {run}", "team": "Scale"})
            assert response.status_code == 303
            token = response.headers["location"].rstrip("/").split("/")[-2]
            for step in decision.STEP_KEYS:
                response = next(hop).post(f"/d/{token}/{step}", data=step_answers(step, REFUND_BOT))
                assert response.status_code == 303, response.text
            assert next(hop).post(f"/d/{token}/finish").status_code == 303
            tokens.append(token)
        for client in servers:
            listing = client.get("/api/v1/assessments", params={"q": "Hop"}).json()
            # Every server lists all four (by title: a listing links only the decisions the
            # caller owns, and these clients hold no manage key).
            assert sorted(item["title"] for item in listing["items"]) == [
                f"Hop {run}" for run in range(4)
            ]
            assert {item["recommendation"] for item in listing["items"]} == {"fine_tune"}
            for token in tokens:
                assert client.get(f"/a/{token}").status_code == 200
        for client in servers:
            client.close()
