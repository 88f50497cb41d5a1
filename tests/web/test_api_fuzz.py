"""R3a: Schemathesis fuzzes the JSON API from its own OpenAPI document.

Every operation in /openapi.json is called with generated data, valid and invalid (examples,
coverage and fuzzing phases), on SQLite and on PostgreSQL: each generated case goes to both, so
the cases (deterministic, the same for both) are generated once. Whatever arrives, the API must
answer without a 5xx, with a status code, content type and body that its document declares, it
must reject what the schema forbids, and a refused POST must store nothing.
"""

import base64
from datetime import timedelta, timezone
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.conftest import fresh_database
from tests.helpers import REFUND_BOT, count_assessments

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES_PER_OPERATION = 40


def dangling_refs(document: dict[str, Any]) -> list[str]:
    """Every local `$ref` in the document that points at nothing."""
    found: list[str] = []

    def resolves(ref: str) -> bool:
        node: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and not resolves(ref):
                found.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def post_body_schema(document: dict[str, Any]) -> dict[str, Any]:
    """The POST body's schema, followed through its reference into the components."""
    ref = document["paths"]["/api/v1/assessments"]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


# The document comes from an app on an in-memory database; the calls go to a fresh app per backend.
DOCUMENT = create_app(Settings(database_url="sqlite://")).openapi()

schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.generation.update(
    max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none"
)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])


def test_openapi_document_refs_resolve():
    assert dangling_refs(DOCUMENT) == []


def test_fuzzer_generates_request_bodies_for_the_post():
    bodies = []

    @hypothesis.given(schema["/api/v1/assessments"]["POST"].as_strategy())
    @hypothesis.settings(
        max_examples=5,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def collect(case):
        bodies.append(case.body)

    collect()
    assert bodies and all(isinstance(body, dict) and "answers" in body for body in bodies)


def test_null_team_and_notes_are_documented_or_refused(client):
    body = {"title": "Null fields", "team": None, "notes": None, "answers": REFUND_BOT}
    accepted = client.post("/api/v1/assessments", json=body).status_code == 201
    properties = post_body_schema(DOCUMENT)["properties"]
    documented = all("null" in str(properties[field]) for field in ("team", "notes"))
    assert accepted == documented


def encode_cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@st.composite
def cursors(draw) -> str:
    """Cursors shaped like the app's own (base64 of "finished_at|id"), with any date and id."""
    offset = draw(st.integers(-14 * 60, 14 * 60))
    moment = draw(st.datetimes(timezones=st.just(timezone(timedelta(minutes=offset)))))
    ident = draw(
        st.one_of(
            st.integers(1, 1000),
            st.integers(-(2**70), 2**70),
            st.sampled_from([2**63 - 1, 2**63, -(2**63) - 1, 10**20]),
        )
    )
    return encode_cursor(f"{moment.isoformat()}|{ident}")


@pytest.mark.storage
def test_any_cursor_is_answered_without_a_server_error(client):
    @hypothesis.given(cursor=cursors())
    @hypothesis.example(cursor=encode_cursor("2026-01-01T00:00:00+00:00|99999999999999999999"))
    @hypothesis.example(cursor=encode_cursor("0001-01-01T00:00:00+14:00|1"))
    @hypothesis.settings(
        max_examples=60, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def check(cursor):
        # Refused cursors: 422 from the API, 400 from the page (a bad link, not a bad form).
        for path, refused in (("/api/v1/assessments", 422), ("/assessments", 400)):
            response = client.get(path, params={"cursor": cursor})
            assert response.status_code in (200, refused), (path, cursor, response.status_code)

    check()


@pytest.fixture
def apis(request, tmp_path, sqlite_template):
    """An app on a fresh SQLite file and one on the run's emptied PostgreSQL database, each with a
    finished assessment, so the listing has something to return."""
    apps = {}
    for kind in ("sqlite", "postgresql"):
        url = fresh_database(kind, request, tmp_path, sqlite_template)
        apps[kind] = create_app(Settings(database_url=url))
        with TestClient(apps[kind]) as client:
            body = {"title": "Fuzz seed", "team": "QA", "notes": "", "answers": REFUND_BOT}
            assert client.post("/api/v1/assessments", json=body).status_code == 201
    yield apps
    for app in apps.values():
        app.state.db.dispose()


@pytest.mark.postgresql
@schema.parametrize()
@hypothesis.settings(deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_schema_and_never_fails_on_either_database(case, apis):
    for kind, api in apis.items():
        before = count_assessments(api)
        response = case.call_and_validate(app=api, checks=CHECKS)
        stored = count_assessments(api) - before
        if case.method.upper() == "POST" and response.status_code == 201:
            assert stored == 1, kind
        else:
            assert stored == 0, (
                f"{kind}: {case.method} answered {response.status_code} but stored {stored}"
            )
