"""Shared test helpers: parse pages, and walk the wizard the way a browser without JS does."""

import ssl
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx2 as httpx
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from app import decision


def run_apart(function, *args):
    """Run an async function to its end on an event loop of its own, in a thread, and return what
    it returns. An xdist worker that ran a browser test holds sync Playwright's running loop in
    its main thread for the rest of the session, and there `anyio.run` and `asyncio.run` refuse
    ("Already running asyncio in this thread"): which tests fail then depends on how the workers
    were dealt the tests."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, function, *args).result()


# One TLS context for every HTTP client a test opens against a live server. httpx builds a new
# one for each client otherwise (it loads the CA bundle: 20-50 ms of CPU), and the tests that
# open a client per request, as a crowd of separate clients would, spent most of their time
# there. The servers are plain HTTP, so the context is never used to connect anyway.
_TLS = ssl.create_default_context()


def http_client(base_url: str, *, local_address: str | None = None, **kwargs) -> httpx.Client:
    """A new httpx client (its own connections and cookies) that costs no TLS set-up; with
    `local_address`, its connections come from that address (any 127.0.0.x is loopback)."""
    transport = httpx.HTTPTransport(verify=_TLS, local_address=local_address)
    return httpx.Client(base_url=base_url, transport=transport, **kwargs)


# Worked example 1 of QUESTIONNAIRE.md, with the answers it leaves open filled in plainly.
REFUND_BOT = {
    "task_type": "tool_use",
    "task_scope": "narrow",
    "spec_clarity": "implicit",
    "verifiable_outputs": "partly",
    "accuracy_target": "critical",
    "prompting_effort": "extensive",
    "baseline_accuracy": "95",
    "strongest_model_tried": "yes",
    "failure_mode": "wrong_decisions",
    "volume": "medium",
    "latency_need": "interactive",
    "cost_pressure": "moderate",
    "hosting": "api_ok",
    "ml_capacity": "some",
    "knowledge_source": "general",
    "needs_citations": "no",
    "domain_language": "common",
    "knowledge_volume": "large",
    "knowledge_form": "documents",
    "example_count": "100_to_1k",
    "data_quality": "clean",
    "data_diversity": "diverse",
    "edge_cases": "yes",
    "synthetic_data": "yes",
}
# Worked example 3: questions about this month's product specs.
PRODUCT_SPECS = {
    **REFUND_BOT,
    "task_type": "knowledge_qa",
    "spec_clarity": "explicit",
    "accuracy_target": "high",
    "prompting_effort": "basic",
    "baseline_accuracy": "",
    "failure_mode": "missing_knowledge",
    "knowledge_source": "private_changing",
    "needs_citations": "yes",
}


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def step_answers(step: str, answers: dict[str, str]) -> dict[str, str]:
    keys = {q.key for s in decision.STEPS if s.key == step for q in s.questions}
    return {k: v for k, v in answers.items() if k in keys}


def start(client: TestClient, title: str = "Refund agent", team: str = "Support") -> str:
    response = client.post("/new", data={"title": title, "team": team})
    assert response.status_code == 303, response.text
    return response.headers["location"].rstrip("/").split("/")[-2]


def answer_all(client: TestClient, token: str, answers: dict[str, str]) -> None:
    for step in decision.STEP_KEYS:
        response = client.post(f"/d/{token}/{step}", data=step_answers(step, answers))
        assert response.status_code == 303, response.text


def finish(
    client: TestClient,
    title: str = "Refund agent",
    team: str = "Support",
    answers: dict[str, str] = REFUND_BOT,
) -> str:
    token = start(client, title, team)
    answer_all(client, token, answers)
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 303, response.text
    return token


def count_assessments(app) -> int:
    from sqlalchemy import func, select

    from app.models import Assessment

    with app.state.db.read() as session:
        return session.scalar(select(func.count()).select_from(Assessment))


def vary(response) -> set[str]:
    return {
        part.strip().lower() for part in response.headers.get("vary", "").split(",") if part.strip()
    }
