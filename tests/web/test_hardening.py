"""Issue "Hold up under attack": each finding of the outside-in review, replayed as the review did.

HTTP tests run on SQLite and PostgreSQL through the `client` fixture; where the finding was about
the running server (proxies, headers, logs, several workers), against a live uvicorn.
"""

import hashlib
import json
import logging
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, func, select, text
from starlette.testclient import TestClient

from app import assessments, decision, history
from app.db import Database
from app.main import create_app
from app.models import ServerSecret
from app.settings import ROOT, Settings
from app.web import i18n
from app.web.logs import SafeLogRecord, mask_tokens
from app.web.routes.api import MAX_JSON_DEPTH
from tests.e2e.live_server import live_server
from tests.helpers import (
    PRODUCT_SPECS,
    REFUND_BOT,
    count_assessments,
    finish,
    html,
    http_client,
    start,
    step_answers,
)

PASSWORD = "correct horse"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
API_ANSWERS = {**REFUND_BOT, "baseline_accuracy": 95}
AS_DEPLOYED = ("--http", "h11", "--h11-max-incomplete-event-size", "32768")


@pytest.fixture
def guarded(database_url):
    """Clients of password-protected apps on one database, as several workers would be."""
    apps = []

    def make(**extra) -> TestClient:
        settings = Settings(database_url=database_url, **{"access_password": PASSWORD, **extra})
        apps.append(create_app(settings))
        return TestClient(apps[-1], follow_redirects=False)

    yield make
    for app in apps:
        app.state.db.dispose()


@pytest.fixture
def sqlite_file(tmp_path, sqlite_template) -> str:
    """A fresh SQLite file for a live server, copied from the session's migrated template as
    `database_url`'s is: live_server would otherwise run every migration again for each."""
    path = tmp_path / "wizard.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def with_cookie(client: TestClient, cookie: str, path: str = "/assessments") -> int:
    """GET `path` presenting only this session cookie."""
    client.cookies.clear()
    client.cookies.set("session", cookie)
    status = client.get(path).status_code
    client.cookies.clear()
    return status


def bearer(password: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {password}"}


# --- 1. Password guessing through the API is throttled like the sign-in form ------------------


@pytest.mark.storage
def test_bearer_guesses_are_throttled_and_share_the_count_with_the_form(guarded):
    with guarded() as client:
        # The real user signed in from this browser last week: it holds a device cookie.
        assert client.post("/sign-in", data={"password": PASSWORD}).status_code == 303
        device = client.cookies["device"]
        client.cookies.clear()
        for _ in range(3):
            assert client.post("/sign-in", data={"password": "guess"}).status_code == 401
        statuses = [
            client.get("/api/v1/assessments", headers=bearer(f"guess{n}")).status_code
            for n in range(50)
        ]
        assert statuses == [401] * 7 + [429] * 43
        refused = client.get("/api/v1/assessments", headers=bearer(PASSWORD))
        assert refused.status_code == 429  # from the same untrusted address: a guesser can't tell
        assert int(refused.headers["retry-after"]) > 800
        assert refused.json()["detail"].startswith(
            "Too many wrong passwords came from your network. Try again in 15 minutes."
        )
        form = client.post("/sign-in", data={"password": PASSWORD})
        assert form.status_code == 429
        assert (
            html(form)
            .select_one("#error-password")
            .get_text()
            .startswith("Too many wrong passwords came from your network. Try again in 15 minutes.")
        )
        assert "device" not in client.cookies and "session" not in client.cookies
        # The real user's browser, at the very same address, is not slowed at all.
        client.cookies.set("device", device)
        assert client.get("/api/v1/assessments", headers=bearer(PASSWORD)).status_code == 200
        assert client.post("/sign-in", data={"password": PASSWORD}).status_code == 303


@pytest.mark.storage
def test_the_throttle_is_shared_by_every_worker(guarded):
    worker_a, worker_b = guarded(), guarded()
    with worker_a, worker_b:
        for client in (worker_a, worker_b) * 5:
            assert client.get("/api/v1/assessments", headers=bearer("guess")).status_code == 401
        assert worker_b.post("/sign-in", data={"password": "guess"}).status_code == 429
        assert worker_a.get("/api/v1/assessments", headers=bearer("guess")).status_code == 429


@pytest.mark.storage
def test_rotating_user_agents_neither_dodges_the_throttle_nor_adds_rows(guarded, database_url):
    with guarded() as client:
        statuses = [
            client.get(
                "/api/v1/assessments", headers={**bearer("guess"), "User-Agent": f"bot {n}"}
            ).status_code
            for n in range(200)
        ]
        assert statuses == [401] * 10 + [429] * 190
    engine = create_engine(database_url)
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT key FROM auth_throttle ORDER BY key")).scalars()
        assert list(keys) == ["account", "address:testclient"]
    engine.dispose()


@pytest.mark.storage
def test_a_right_password_does_not_count_as_a_failure(guarded):
    with guarded() as client:
        for _ in range(10):
            assert client.get("/api/v1/assessments", headers=bearer(PASSWORD)).status_code == 200
        client.cookies.clear()  # an API client that keeps no cookies
        for _ in range(10):
            assert client.get("/api/v1/assessments", headers=bearer("guess")).status_code == 401
        assert client.get("/api/v1/assessments", headers=bearer("guess")).status_code == 429


@pytest.mark.storage
@pytest.mark.slow  # a live server
def test_a_burst_of_bearer_guesses_at_two_live_workers_gets_five_checked(tmp_path, database_url):
    """The review sent 5,000 guesses in 1.6 s. Each wrong one is counted under a row lock before
    it is answered, so however many arrive at once, and at whichever worker, only ten get an
    answer (401); the rest are refused (429) whatever they hold."""
    several = database_url.startswith("postgresql")  # SQLite stays with one worker (README)
    with live_server(
        tmp_path,
        database_url=database_url,
        workers=2 if several else 1,
        env={"APP_ACCESS_PASSWORD": PASSWORD},
    ) as base:

        def guess(n: int) -> int:
            with http_client(base, timeout=30) as client:  # a client of its own, as each was
                return client.get("/api/v1/assessments", headers=bearer(f"guess {n}")).status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(guess, range(300)))
    assert (statuses.count(401), statuses.count(429)) == (10, 290)


# --- 2. The client address comes from X-Forwarded-For only through a trusted proxy -------------


@pytest.mark.slow  # a live server
def test_rotating_x_forwarded_for_does_not_dodge_the_throttle(tmp_path, sqlite_file):
    with (
        live_server(
            tmp_path,
            database_url=sqlite_file,
            env={"APP_ACCESS_PASSWORD": PASSWORD},
            args=AS_DEPLOYED,
        ) as base,
        httpx.Client(base_url=base) as client,
    ):
        statuses = [
            client.post(
                "/sign-in",
                data={"password": "guess"},
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
            ).status_code
            for n in range(12)
        ]
    assert statuses == [401] * 10 + [429] * 2


@pytest.mark.slow  # a live server
def test_behind_a_trusted_proxy_each_client_is_counted_apart(tmp_path, sqlite_file):
    """The proxy (here: this test, on 127.0.0.1) appends the address it saw, as nginx's
    $proxy_add_x_forwarded_for does; what a client wrote in front of it is not believed."""
    env = {"APP_ACCESS_PASSWORD": PASSWORD, "APP_TRUSTED_PROXIES": "127.0.0.1"}
    with (
        live_server(tmp_path, database_url=sqlite_file, env=env, args=AS_DEPLOYED) as base,
        httpx.Client(base_url=base) as client,
    ):
        victim = "203.0.113.9"
        attacker = {
            "X-Forwarded-For": f"{victim}, 198.51.100.7"
        }  # forged victim, then the real hop
        statuses = [
            client.post("/sign-in", data={"password": "guess"}, headers=attacker).status_code
            for _ in range(12)
        ]
        assert statuses == [401] * 10 + [429] * 2
        signed_in = client.post(
            "/sign-in", data={"password": PASSWORD}, headers={"X-Forwarded-For": victim}
        )
        assert signed_in.status_code == 303


def test_the_dockerfile_and_readme_leave_forwarded_headers_to_the_app():
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    serve = (ROOT / "app" / "serve.py").read_text()
    assert "--forwarded-allow-ips" not in dockerfile
    # Both start uvicorn through app.serve, whose options turn uvicorn's proxy headers off.
    assert '"app.serve"' in dockerfile and "$(BIN)/python -m app.serve" in makefile
    assert '"proxy_headers": False' in serve
    assert "--proxy-headers " not in readme.replace("--no-proxy-headers", "")
    nginx = readme.split("```nginx", 1)[1].split("```", 1)[0]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx
    assert "`APP_TRUSTED_PROXIES` (the proxy's address as the app sees it" in readme


# --- 3. DNS rebinding: only this app's own host names are answered ------------------------------


def test_other_host_names_get_400_with_headers_intact(client, app):
    token = finish(client)
    evil = {"Host": "rebind.attacker.example"}
    for method, path in (
        ("GET", "/api/v1/assessments"),
        ("GET", f"/api/v1/assessments/{token}"),
        ("GET", "/assessments"),
        ("POST", "/new"),
    ):
        response = client.request(
            method, path, headers=evil, data={"title": "x"} if method == "POST" else None
        )
        assert response.status_code == 400, path
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert token not in response.text
    assert count_assessments(app) == 1
    assert (
        client.get("/healthz", headers=evil).status_code == 200
    )  # load balancers probe by address
    for host in ("localhost:8000", "127.0.0.1", "127.0.0.2:8000", "[::1]:8000", "testserver"):
        assert client.get("/api/v1/assessments", headers={"Host": host}).status_code == 200, host


def test_public_origin_and_allowed_hosts_are_answered(database_url):
    settings = Settings(
        database_url=database_url,
        public_origin="https://wizard.example.com",
        allowed_hosts="*.corp.example, intranet",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        for host, status in (
            ("wizard.example.com", 200),
            ("WIZARD.example.com.", 200),
            ("a.corp.example", 200),
            ("intranet:8000", 200),
            ("corp.example.evil", 400),
            ("example.com", 400),
        ):
            assert client.get("/", headers={"Host": host}).status_code == status, host
    app.state.db.dispose()


# --- 4. Bounded header work ------------------------------------------------------------------


def test_accept_language_is_read_from_its_first_tags_only():
    assert i18n.parse_accept_language("fr;q=0.9, zh;q=0.8") == ["fr", "zh"]
    huge = "en;q=0.5," * 3_000_000 + "zh"
    assert i18n.parse_accept_language(huge) == ["en"] * i18n.MAX_LANGUAGE_TAGS
    late = ",".join(["fr"] * i18n.MAX_LANGUAGE_TAGS + ["zh"])
    assert "zh" not in i18n.parse_accept_language(late)


def test_oversized_headers_get_431_before_anything_reads_them(client):
    for name in ("Accept-Language", "Cookie", "User-Agent", "X-Anything"):
        response = client.get("/", headers={name: "en;q=0.5," * 1000})
        assert response.status_code == 431, name
        assert response.headers["x-content-type-options"] == "nosniff"
    many = {f"X-H{n}": "1" for n in range(120)}
    assert client.get("/", headers=many).status_code == 431
    assert (
        client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).status_code == 200
    )


@pytest.mark.slow  # a live server
@pytest.mark.serial  # times /healthz while the header arrives
def test_a_27_mb_header_does_not_hold_the_live_server(tmp_path, sqlite_file):
    with live_server(tmp_path, database_url=sqlite_file, args=AS_DEPLOYED) as base:
        port = int(base.rsplit(":", 1)[1])
        answers: list[bytes] = []

        def attack() -> None:
            with socket.create_connection(("127.0.0.1", port)) as sock:
                try:
                    sock.sendall(
                        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: "
                        + b"en;q=0.5," * 3_000_000
                        + b"\r\n\r\n"
                    )
                except OSError:
                    pass  # the server may close before the whole header is sent
                answers.append(sock.recv(64))

        attacker = threading.Thread(target=attack)
        attacker.start()
        slowest = 0.0
        with httpx.Client(base_url=base, timeout=10) as client:
            while attacker.is_alive() or slowest == 0.0:
                started = time.monotonic()
                assert client.get("/healthz").status_code == 200
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.02)
        attacker.join()
    assert answers[0].split(b" ")[1] in (b"400", b"431")
    assert slowest < 1.5  # before the fix /healthz waited 4.4 s


# --- 5. Bounded search ----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["!!!", "%%%", "😀", "  --  ", "\x1b!!\x07"])
def test_searches_with_nothing_to_look_for_are_refused(client, query):
    finish(client, title="!!! launch")
    api = client.get("/api/v1/assessments", params={"q": query})
    assert api.status_code == 422
    assert api.json()["detail"] == [
        {
            "field": "q",
            "code": "unsearchable",
            "message": "Search for a word: a search needs at least one letter or digit.",
        }
    ]
    page = client.get("/assessments", params={"q": query})
    assert page.status_code == 422
    assert html(page).select_one("#results [role=alert] strong").get_text() == (
        "Search for a word: a search needs at least one letter or digit."
    )
    assert html(page).select(".assessment-list") == []
    zh = client.get("/assessments", params={"q": query, "lang": "zh"})
    assert html(zh).select_one("#results [role=alert] strong").get_text() == (
        "请搜索一个词：搜索内容至少需要包含一个字母、数字或汉字。"
    )


@pytest.mark.storage
def test_searches_without_a_trigram_word_look_at_the_newest_only(client, app):
    finish(client, title="A-B test")
    finish(client, title="ab c")
    titles = [
        i["title"] for i in client.get("/api/v1/assessments", params={"q": "a-b"}).json()["items"]
    ]
    assert titles == ["A-B test"]
    # Searches with a letter or digit but no three in a row still work, within the window.
    titles = [
        i["title"] for i in client.get("/api/v1/assessments", params={"q": "b c"}).json()["items"]
    ]
    assert titles == ["ab c"]


@pytest.mark.storage
def test_long_phrases_are_bounded_and_still_exact(client):
    long_title = "x" * 40 + " refund agent"
    finish(client, title=long_title)
    finish(client, title="x" * 40 + " refund other")
    items = client.get("/api/v1/assessments", params={"q": long_title.upper()}).json()["items"]
    assert [i["title"] for i in items] == [long_title]
    assert (
        history._fts_phrase("y" * 200) == '{title team} : "' + "y" * history.SEARCH_MAX_PHRASE + '"'
    )


@pytest.mark.storage
def test_statements_past_their_deadline_are_stopped(database_url):
    db = Database(database_url)
    slow = (
        "SELECT pg_sleep(5)"
        if database_url.startswith("postgresql")
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        with db.read(timeout=0.2) as session:
            session.execute(text(slow)).scalar()
    assert time.monotonic() - started < 3
    assert history._is_cancelled(raised.value)
    with db.read(timeout=0.2) as session:  # the connection is fine afterwards
        assert session.execute(text("SELECT 1")).scalar() == 1
    db.dispose()


@pytest.mark.storage
def test_a_search_stopped_at_its_deadline_answers_a_friendly_503(database_url):
    """On PostgreSQL, a search held up (here by a table lock another transaction holds) is
    stopped by statement_timeout; on SQLite, the review's crafted long phrase against crafted
    titles is stopped by the progress-handler deadline. 503 either way, never a 500 or a hang."""
    postgres = database_url.startswith("postgresql")
    app = create_app(Settings(database_url=database_url, search_timeout=0.3 if postgres else 0.001))
    query = "refund" if postgres else "ba" * 100
    with TestClient(app, follow_redirects=False) as client:
        if postgres:
            finish(client, title="Refund agent")
            locker = create_engine(database_url)
            with locker.connect() as connection:
                connection.execute(text("LOCK TABLE assessments IN ACCESS EXCLUSIVE MODE"))
                started = time.monotonic()
                api = client.get("/api/v1/assessments", params={"q": query})
                page = client.get("/assessments", params={"q": query})
                assert time.monotonic() - started < 5
                connection.rollback()
            locker.dispose()
        else:
            answers = decision.validate_answers(API_ANSWERS)[0]
            history.bulk_create_finished(
                app.state.db,
                (history.FinishedItem(title="ab" * 100, answers=answers) for _ in range(3000)),
            )
            api = client.get("/api/v1/assessments", params={"q": query})
            page = client.get("/assessments", params={"q": query})
        assert client.get("/api/v1/assessments").status_code == 200  # no search: no deadline
    assert (api.status_code, api.headers["retry-after"]) == (503, "5")
    assert api.json() == {"detail": "Busy right now"}
    assert page.status_code == 503
    assert html(page).select_one("h1").get_text(strip=True) == "Busy right now"
    app.state.db.dispose()


@pytest.mark.storage
def test_pool_waits_are_bounded_and_answer_503(database_url):
    app = create_app(Settings(database_url=database_url, pool_timeout=0.2))
    held = [app.state.db.engine.connect() for _ in range(15)]  # pool_size 5 + max_overflow 10
    try:
        with TestClient(app) as client:
            started = time.monotonic()
            response = client.get("/api/v1/assessments")
            assert time.monotonic() - started < 3
            assert (response.status_code, response.headers["retry-after"]) == (503, "5")
    finally:
        for connection in held:
            connection.close()
        app.state.db.dispose()


# --- 6. Every state-changing route obeys the password gate -------------------------------------


def test_revise_needs_sign_in(guarded, app):
    with guarded() as client:
        created = client.post(
            "/api/v1/assessments",
            headers=bearer(PASSWORD),
            json={"title": "x", "answers": API_ANSWERS},
        ).json()
        for _ in range(20):
            response = client.post(f"{created['url']}/revise")
            assert response.status_code == 303
            assert response.headers["location"].startswith("http://testserver/sign-in?next=")
        assert client.get(created["url"]).status_code == 200  # reading the share link stays open
        assert count_assessments(client.app) == 1


def test_no_unsafe_method_gets_past_the_gate_without_sign_in(guarded):
    with guarded() as client:
        token = client.post(
            "/api/v1/assessments",
            headers=bearer(PASSWORD),
            json={"title": "x", "answers": API_ANSWERS},
        ).json()["id"]
        for route in client.app.routes:
            for method in sorted(getattr(route, "methods", None) or ()):
                if method in ("GET", "HEAD") or route.path == "/sign-in":
                    continue
                path = (
                    route.path.replace("{token}", token)
                    .replace("{step}", "task")
                    .replace("{id}", token)
                )
                response = client.request(method, path)
                assert response.status_code in (303, 401), (method, path, response.status_code)
                if response.status_code == 303:
                    assert "/sign-in?next=" in response.headers["location"]
        assert count_assessments(client.app) == 1


# --- 7. The smaller findings ------------------------------------------------------------------


def test_tokens_are_masked_in_query_strings_too():
    assert mask_tokens(f"/sign-in?next=%2Fa%2F{TOKEN}") == "/sign-in?next=%2Fa%2FAbCd…"
    assert mask_tokens(f"/sign-in?next=/d/{TOKEN}/task") == "/sign-in?next=/d/AbCd…/task"
    assert (
        mask_tokens(f"/x?next=%2fapi%2fv1%2fassessments%2f{TOKEN}")
        == "/x?next=%2fapi%2fv1%2fassessments%2fAbCd…"
    )


def test_every_logger_escapes_control_characters():
    record = SafeLogRecord(
        "app.errors",
        logging.ERROR,
        "",
        0,
        "unhandled error on %s %s",
        ("POST", "/new\r\nINFO forged line"),
        None,
    )
    assert record.getMessage() == "unhandled error on POST /new\\x0d\\x0aINFO forged line"
    try:
        raise ValueError("bad\nERROR forged")
    except ValueError:
        import sys

        record = SafeLogRecord("lib", logging.ERROR, "", 0, "failed", (), sys.exc_info())
    lines = logging.Formatter("%(levelname)s %(message)s").format(record).splitlines()
    assert lines[0] == "ERROR failed"
    assert all(line.startswith("    ") for line in lines[1:])
    assert lines[-1] == "    ERROR forged"


@pytest.mark.slow  # a live server
def test_live_logs_mask_tokens_escape_paths_and_log_disconnects_at_info(tmp_path, sqlite_file):
    with live_server(tmp_path, database_url=sqlite_file, env={"APP_LOG_LEVEL": "info"}) as base:
        port = int(base.rsplit(":", 1)[1])
        with httpx.Client(base_url=base) as client:
            assert client.get(f"/a/{TOKEN}?x=1").status_code == 404
            assert client.get(f"/sign-in?next=%2Fa%2F{TOKEN}").status_code == 404
        # A client that hangs up while sending a form, on a path that tries to forge a log line.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                b"POST /d/x%0d%0aERROR%20forged/task HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                b"task_type="
            )
            time.sleep(0.3)
        time.sleep(0.5)
    log = next(tmp_path.glob("uvicorn-*.log")).read_text()
    assert TOKEN not in log and TOKEN[4:20] not in log
    assert '"GET /a/AbCd…?x=1 HTTP/1.1" 404' in log
    assert '"GET /sign-in?next=%2Fa%2FAbCd… HTTP/1.1" 404' in log
    lines = log.splitlines()
    assert not any(line.startswith("ERROR forged") for line in lines)
    disconnects = [line for line in lines if "client disconnected" in line]
    assert disconnects == [
        "INFO:app.errors:client disconnected during POST /d/x\\x0d\\x0aERROR forged/task"
    ]
    assert "Traceback" not in log and "ERROR:" not in log


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"title": "x", "answers": '
        + b"[" * (MAX_JSON_DEPTH + 1)
        + b"]" * (MAX_JSON_DEPTH + 1)
        + b"}",
    ],
)
def test_over_deep_json_is_422(client, app, body):
    response = client.post(
        "/api/v1/assessments", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "field": "body",
            "code": "too_deep",
            "message": "The body is nested too deeply: objects and lists go at most 16 levels deep.",
        }
    ]
    assert count_assessments(app) == 0


def test_huge_integers_are_422(client, app):
    body = json.dumps({"title": "x", "answers": {**API_ANSWERS, "baseline_accuracy": 0}})
    body = body.replace('"baseline_accuracy": 0', '"baseline_accuracy": ' + "9" * 5000)
    response = client.post(
        "/api/v1/assessments", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "number_too_large"
    assert client.get("/api/v1/assessments", params={"limit": "9" * 5000}).status_code == 422
    assert count_assessments(app) == 0


def test_control_characters_cannot_forge_lines_in_the_markdown_export(client, app):
    created = client.post(
        "/api/v1/assessments",
        json={
            "title": "Plan\nRecommendation: **Fine-tuning**\x1b[2J\x07",
            "team": "Ops\r\n# Owned",
            "answers": {**REFUND_BOT, **PRODUCT_SPECS, "baseline_accuracy": None},
        },
    ).json()
    stored = client.get(f"/api/v1/assessments/{created['id']}").json()
    assert (stored["title"], stored["team"]) == (
        "Plan Recommendation: **Fine-tuning**[2J",
        "Ops  # Owned",
    )
    # A title stored with a line break before this fix is escaped line by line in the export.
    with app.state.db.write() as session:
        session.execute(
            text("UPDATE assessments SET title = :t"),
            {"t": "Plan\nRecommendation: **Fine-tuning**"},
        )
    markdown = client.get(f"{created['url']}/export.md").text.splitlines()
    assert markdown[0] == "# Plan Recommendation: \\*\\*Fine\\-tuning\\*\\*"
    rag = decision.APPROACHES["rag"].label.en
    assert [line for line in markdown if line.startswith("Recommendation:")] == [
        f"Recommendation: **{rag}**  "
    ]
    assert "Team: Ops  \\# Owned  " in markdown


@pytest.mark.storage
@pytest.mark.slow  # a live server
def test_finishing_cannot_race_step_posts(tmp_path, database_url):
    """The review changed a finished assessment in 2 of 140 rounds of step POSTs racing /finish."""
    workers = 2 if database_url.startswith("postgresql") else 1
    # Forty drafts at the review, made as POST /new and each step's POST make them (the routes
    # call these two functions), without 320 requests before the race begins.
    db = Database(database_url)
    tokens = []
    for n in range(40):
        token = assessments.start_draft(db, {"title": f"race {n}", "team": ""}).share_token
        for step in decision.STEP_KEYS:
            saved, errors = assessments.save_step(db, token, step, step_answers(step, REFUND_BOT))
            assert errors == []
        assert saved.current_step == "review"
        tokens.append(token)
    db.dispose()
    with live_server(tmp_path, database_url=database_url, workers=workers) as base:

        def race(token: str) -> None:
            barrier = threading.Barrier(4)

            def post(path: str, data: dict[str, str] | None) -> None:
                with http_client(base) as racer:
                    barrier.wait()
                    racer.post(path, data=data)

            change = step_answers("knowledge", PRODUCT_SPECS)
            threads = [threading.Thread(target=post, args=(f"/d/{token}/finish", None))]
            threads += [
                threading.Thread(target=post, args=(f"/d/{token}/knowledge", change))
                for _ in range(3)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(race, tokens))
        with httpx.Client(base_url=base) as client:
            records = [client.get(f"/api/v1/assessments/{token}").json() for token in tokens]
    assert len(records) == 40
    for record in records:
        answers, errors = decision.validate_answers(record["answers"])
        assert errors == []
        # The stored answers are the ones the verdict was decided from.
        assert record["verdict"] == decision.localize(
            decision.evaluate(answers).to_snapshot(), "en"
        ), record["title"]


def test_sessions_are_signed_with_a_server_secret_and_revoked_on_sign_out(guarded, database_url):
    with guarded() as client:
        client.post("/sign-in", data={"password": PASSWORD})
        cookie = client.cookies["session"]
        assert client.get("/assessments").status_code == 200
        # The old scheme's key, derived from the password, signs nothing now: no offline guessing.
        old_key = hashlib.sha256(b"finetune-wizard session\x00" + PASSWORD.encode()).hexdigest()
        assert (
            with_cookie(client, URLSafeTimedSerializer(old_key, salt="session").dumps({"ok": True}))
            == 303
        )
        client.cookies.set("session", cookie)
        assert client.post("/sign-out").status_code == 303
        assert with_cookie(client, cookie) == 303  # a captured cookie dies with sign-out
    with guarded() as first, guarded() as second:  # two workers: one secret, made once, kept
        first.post("/sign-in", data={"password": PASSWORD})
        kept = first.cookies["session"]
        assert with_cookie(second, kept) == 200
    db = Database(database_url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ServerSecret)) == 1
    db.dispose()
    with guarded(access_password="a new password") as client:
        assert with_cookie(client, kept) == 303  # a new password revokes every old cookie
    with guarded(secret_key="k" * 40) as client:  # APP_SECRET_KEY takes over from the stored one
        client.post("/sign-in", data={"password": PASSWORD})
        assert URLSafeTimedSerializer("k" * 40, salt="session").loads(client.cookies["session"])[
            "sid"
        ]
        assert with_cookie(client, kept) == 303


def test_head_is_answered_wherever_get_is(client):
    token = finish(client)
    draft = start(client)
    paths = [
        "/",
        "/how-we-decide",
        "/assessments",
        "/healthz",
        "/robots.txt",
        "/docs",
        "/new",
        f"/a/{token}",
        f"/a/{token}/export.md",
        f"/a/{token}/export.json",
        f"/api/v1/assessments/{token}",
        "/api/v1/assessments",
        f"/d/{draft}/task",
        "/static/favicon.svg",
        "/openapi.json",
    ]
    for path in paths:
        get, head = client.get(path), client.head(path)
        assert (head.status_code, head.content) == (get.status_code, b""), path
        assert head.headers["content-type"] == get.headers["content-type"], path
    assert client.head("/sign-out").status_code == 405  # no GET there, so no HEAD either


@pytest.mark.slow  # a live server
@pytest.mark.serial  # times the body timeout
def test_a_stalled_body_gets_408(tmp_path, sqlite_file):
    with live_server(tmp_path, database_url=sqlite_file, env={"APP_BODY_TIMEOUT": "1"}) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(
                b"POST /new HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ntitle=slo"
            )
            answer = sock.recv(64)
            waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert 0.9 < waited < 5
