"""OWASP ZAP's baseline passive rules, mirrored here because ZAP itself cannot run on this machine.

Each check names the ZAP rule it stands for; all of them run against every page and route.
"""

import re

import pytest
from starlette.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.helpers import finish, start

pytestmark = pytest.mark.slow


def every_page(client) -> list[str]:
    token = finish(client)
    draft = start(client)
    client.post(f"/d/{draft}/task", data={})  # leaves a 422 page's path in the mix below
    return [
        "/",
        "/new",
        f"/d/{draft}/task",
        f"/d/{draft}/details",
        f"/d/{draft}",
        f"/a/{token}",
        f"/a/{token}/export.md",
        f"/a/{token}/export.json",
        "/assessments",
        "/assessments?q=refund",
        "/how-we-decide",
        "/docs",
        "/openapi.json",
        "/healthz",
        "/robots.txt",
        "/favicon.ico",
        "/no-such-page",
        "/a/" + "x" * 43,
        "/api/v1/assessments",
        f"/api/v1/assessments/{token}",
        "/api/v1/assessments/unknown",
        "/lang/zh?next=/",
        "/static/css/app.css",
        "/costs",
    ]


@pytest.fixture
def responses(client):
    paths = every_page(client)
    collected = [(path, client.get(path)) for path in paths]
    collected.append(("POST /new (422)", client.post("/new", data={"title": ""})))
    collected.append(("POST /new", client.post("/new", data={"title": "zap"})))
    collected.append(("TRACE /", client.request("TRACE", "/")))
    collected.append(("POST /costs (422)", client.post("/costs", data={})))
    collected.append(("POST /api/v1/costs (422)", client.post("/api/v1/costs", json={})))
    return collected


def test_10020_anti_clickjacking(responses):
    for path, response in responses:
        assert response.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path


def test_10021_x_content_type_options(responses):
    assert [p for p, r in responses if r.headers.get("x-content-type-options") != "nosniff"] == []


def test_10038_10055_csp_present_and_strict(responses):
    for path, response in responses:
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy, path
        assert not re.search(r"unsafe-(inline|eval)|\*", policy), path


def test_10010_10054_cookies_httponly_and_samesite(responses):
    seen = 0
    for path, response in responses:
        for cookie in response.headers.get_list("set-cookie"):
            seen += 1
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie, (path, cookie)
    assert seen >= 2  # the language and draft cookies were among them


def test_10011_cookies_secure_over_https(database_url):
    app = create_app(Settings(database_url=database_url, https=True))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        cookies = [
            *client.get("/lang/zh").headers.get_list("set-cookie"),
            *client.post("/new", data={"title": "x"}).headers.get_list("set-cookie"),
        ]
    app.state.db.dispose()
    assert cookies and all("Secure" in c for c in cookies)


def test_10015_cache_control_present(responses):
    for path, response in responses:
        assert response.headers.get("cache-control"), path
        if path.startswith(("/a/", "/d/", "/api/v1/assessments/")) and response.status_code == 200:
            assert response.headers["cache-control"] == "no-store", path


def test_10023_90022_no_debug_errors(responses):
    tells = re.compile(
        r"Traceback|File \"/|sqlalchemy|psycopg|sqlite3|OperationalError|"
        r"Exception:|line \d+, in ",
        re.IGNORECASE,
    )
    assert [p for p, r in responses if tells.search(r.text)] == []


def test_10027_no_comments_in_pages(responses):
    pages = [
        (p, r) for p, r in responses if r.headers.get("content-type", "").startswith("text/html")
    ]
    assert pages and [p for p, r in pages if "<!--" in r.text] == []


def test_10036_10037_server_tells_no_versions(responses):
    for path, response in responses:
        assert "x-powered-by" not in response.headers, path
        assert not re.search(r"\d", response.headers.get("server", "")), path


def test_10098_no_cors(responses):
    assert [
        p for p, r in responses if any(h.startswith("access-control-") for h in r.headers)
    ] == []


def test_10063_90004_permissions_and_isolation(responses):
    for path, response in responses:
        assert response.headers["permissions-policy"].startswith("camera=()"), path
        assert response.headers["cross-origin-opener-policy"] == "same-origin", path
        assert response.headers["cross-origin-resource-policy"] == "same-origin", path


def test_10035_hsts_when_served_over_https(database_url):
    app = create_app(Settings(database_url=database_url, https=True))
    with TestClient(app, base_url="https://testserver") as client:
        assert (
            client.get("/no-such-page").headers["strict-transport-security"].startswith("max-age=")
        )
    app.state.db.dispose()
