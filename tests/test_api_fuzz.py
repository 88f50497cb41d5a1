"""R3a: Schemathesis fuzzes the JSON API from its own OpenAPI document.

Every operation in /openapi.json is called with generated data, valid and invalid, on SQLite and
on PostgreSQL. Whatever arrives, the API must answer without a 5xx, with a status code, content
type and body that its document declares, and it must reject what the schema forbids.
"""

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.settings import Settings
from tests.helpers import REFUND_BOT

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def api_schema(database_url: str):
    app = create_app(Settings(database_url=database_url))
    # A finished assessment to find, so GET by id and the listing have something to return.
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        body = {"title": "Fuzz seed", "team": "QA", "notes": "", "answers": REFUND_BOT}
        assert client.post("/api/v1/assessments", json=body).status_code == 201
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(max_examples=25, deterministic=True, database="none")
    schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
    yield schema
    app.state.db.dispose()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_schema_and_never_fails(case):
    case.call_and_validate(checks=CHECKS)
