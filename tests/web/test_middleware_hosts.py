"""app/web/middleware/hosts.py (and the Host parsing of app/web/security.py) on a bare scope."""

import logging

import pytest
from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.hosts import TrustedHostMiddleware
from app.web.security import AllowedHosts, host_name

CONFIGURED = ["wizard.example.org", "*.corp.example"]


def answer_for(host: str, path: str = "/api/thing", allowed=CONFIGURED):
    app = Endpoint()
    answer = call(
        TrustedHostMiddleware(app, allowed_hosts=allowed),
        http_scope(path=path, headers=[("host", host)]),
    )
    return answer, app


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:8000",
        "LOCALHOST.",
        "127.0.0.1:8000",
        "127.5.6.7",
        "[::1]:8000",
        "wizard.example.org",
        "Wizard.Example.Org:443",
        "team.corp.example",
        "a.b.corp.example",
    ],
)
def test_known_hosts_reach_the_app(host):
    answer, app = answer_for(host)
    assert answer.status == 200 and len(app.seen) == 1


@pytest.mark.parametrize(
    "host",
    ["evil.example", "wizard.example.org.evil.example", "corp.example", "10.0.0.5", "", "[::2]"],
)
def test_other_hosts_get_400_and_a_log_line_naming_the_setting(host, caplog):
    with caplog.at_level(logging.INFO, logger="app.errors"):
        answer, app = answer_for(host)
    assert answer.status == 400
    assert answer.json() == {"detail": "That request could not be understood"}
    assert app.seen == []
    [record] = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage().startswith(f"refused Host {host_name(host)!r} on GET /api/thing: ")
    assert "APP_ALLOWED_HOSTS" in record.getMessage()


def test_health_probes_answer_whatever_the_host():
    for path in ("/healthz", "/readyz"):
        answer, app = answer_for("10.1.2.3", path=path)
        assert answer.status == 200, path


def test_a_star_turns_the_check_off():
    answer, _ = answer_for("anything.example", allowed=["*"])
    assert answer.status == 200


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Example.COM:8080", "example.com"),
        ("example.com.", "example.com"),
        ("[::1]:8000", "::1"),
        ("[::1", "[::1"),
        ("  host  ", "host"),
        ("fe80::1", "fe80::1"),  # an unbracketed IPv6 address has no port to strip
    ],
)
def test_host_name(header, name):
    assert host_name(header) == name


def test_allowed_hosts_always_include_loopback():
    allowed = AllowedHosts([])
    assert "localhost" in allowed and "127.0.0.1" in allowed and "::1" in allowed
    assert "example.com" not in allowed
