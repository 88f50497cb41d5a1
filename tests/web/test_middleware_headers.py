"""app/web/middleware/headers.py on a bare ASGI scope."""

from asgi_calls import Endpoint, call, http_scope

from app.web.middleware.headers import SecurityHeadersMiddleware
from app.web.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cache-control": "no-cache",
}


def test_every_response_gets_the_security_headers_and_no_cache():
    answer = call(SecurityHeadersMiddleware(Endpoint()), http_scope())
    assert answer.status == 200 and answer.body == b"ok"
    got = {k.decode(): v.decode() for k, v in answer.headers if k != b"content-length"}
    assert got == EXPECTED
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY.split("; ")
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY.split("; ")


def test_a_header_the_app_set_is_kept_not_doubled():
    app = Endpoint(headers=[(b"cache-control", b"max-age=60"), (b"x-frame-options", b"SAMEORIGIN")])
    answer = call(SecurityHeadersMiddleware(app), http_scope())
    assert answer.header("cache-control") == "max-age=60"
    assert answer.header("x-frame-options") == "SAMEORIGIN"
    assert answer.header("x-content-type-options") == "nosniff"


def test_hsts_only_when_served_over_https():
    assert (
        call(SecurityHeadersMiddleware(Endpoint()), http_scope()).header(
            "strict-transport-security"
        )
        is None
    )
    answer = call(SecurityHeadersMiddleware(Endpoint(), hsts=True), http_scope())
    assert answer.header("strict-transport-security") == "max-age=63072000; includeSubDomains"


def test_other_scopes_pass_untouched():
    app = Endpoint(read_body=False)
    answer = call(SecurityHeadersMiddleware(app), {**http_scope(), "type": "websocket"})
    assert answer.header("content-security-policy") is None
    assert len(app.seen) == 1
