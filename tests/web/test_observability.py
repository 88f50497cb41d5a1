"""Request ids, /metrics and JSON logs, read as an operator's tools would read them."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import ROOT, Settings
from tests.helpers import finish


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def metrics_client(database_url: str):
    app = create_app(Settings(database_url=database_url, metrics=True))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.db.dispose()


def test_metrics_are_off_unless_a_setting_turns_them_on(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_count_requests_by_route_template_and_status(metrics_client: TestClient) -> None:
    token = finish(metrics_client)
    for _ in range(3):
        assert metrics_client.get(f"/a/{token}").status_code == 200
    assert metrics_client.get("/a/" + "x" * 22).status_code == 404
    response = metrics_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    values = samples(response.text)
    ok = (
        "wizard_http_requests_total",
        (("method", "GET"), ("route", "/a/{token}"), ("status", "200")),
    )
    missing = (
        "wizard_http_requests_total",
        (("method", "GET"), ("route", "/a/{token}"), ("status", "404")),
    )
    assert values[ok] == 3
    assert values[missing] == 1
    # The token never becomes a label: only templates.
    assert token not in response.text
    count = ("wizard_http_request_duration_seconds_count", (("route", "/a/{token}"),))
    assert values[count] == 4
    infinite = (
        "wizard_http_request_duration_seconds_bucket",
        (("le", "+Inf"), ("route", "/a/{token}")),
    )
    assert values[infinite] == 4
    assert ("wizard_dataset_checks_running", ()) in values


def test_metrics_need_sign_in_when_a_password_is_set(database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, access_password="correct horse"))
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/metrics").status_code in (303, 401)
        signed = client.get("/metrics", headers={"Authorization": "Bearer correct horse"})
    app.state.db.dispose()
    assert signed.status_code == 200
    assert "wizard_http_requests_total" in signed.text


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz").headers["x-request-id"]
    assert len(first) == 16 and first != second
    assert (
        client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.2"}).headers["x-request-id"]
        == "lb-7f3a.2"
    )
    # Anything else a client sends is replaced, so it can't smuggle text into the logs.
    forged = client.get("/healthz", headers={"X-Request-Id": "a b\x7f" + "c" * 80})
    assert forged.headers["x-request-id"] != "a b\x7f" + "c" * 80
    assert len(forged.headers["x-request-id"]) == 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_json_logs_put_the_request_id_on_every_line(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wizard.db'}",
        "PORT": str(port),
        "APP_LOG_FORMAT": "json",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/nowhere", headers={"X-Request-Id": "trace-42"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 404
        assert refused.value.headers["X-Request-Id"] == "trace-42"
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert lines, stderr
    assert all(set(line) >= {"time", "level", "logger", "message", "request_id"} for line in lines)
    access = [
        line
        for line in lines
        if line["logger"] == "uvicorn.access" and "/nowhere" in line["message"]
    ]
    assert len(access) == 1
    assert access[0]["request_id"] == "trace-42"
    assert " 404" in access[0]["message"]
