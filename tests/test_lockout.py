"""Issue 21, point 6: password guessing from elsewhere cannot lock the owner out.

The review's attack, replayed against a live uvicorn: 120 wrong Bearer guesses from six
addresses with a new User-Agent each, then wrong guesses kept up from seven addresses. Clients
connect from loopback addresses of their own (127.0.0.x), which the server sees as the client
address, as it would see real ones (proxy headers are off). Runs on SQLite and PostgreSQL (two
workers there, sharing the throttle through the database).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, text

from app import auth
from app.db import Database
from app.models import utcnow
from tests.e2e.live_server import live_server
from tests.helpers import http_client

PASSWORD = "correct horse"
ATTACKERS = [f"127.0.0.{n}" for n in range(2, 9)]  # seven addresses; the first six open the attack


def bearer(password: str, agent: str = "real-user-script") -> dict[str, str]:
    return {"Authorization": f"Bearer {password}", "User-Agent": agent}


def client_from(base: str, address: str) -> httpx.Client:
    """A new HTTP client whose connections come from `address` (any 127.0.0.x is loopback)."""
    return http_client(base, local_address=address, timeout=30)


def throttle_keys(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        keys = list(
            connection.execute(text("SELECT key FROM auth_throttle ORDER BY key")).scalars()
        )
    engine.dispose()
    return keys


@pytest.mark.storage
@pytest.mark.slow  # a live server
def test_the_reviews_attack_leaves_the_real_user_in_on_the_first_try(tmp_path, database_url):
    several = database_url.startswith("postgresql")
    with live_server(
        tmp_path,
        database_url=database_url,
        workers=2 if several else 1,
        env={"APP_ACCESS_PASSWORD": PASSWORD},
    ) as base:
        # Before the attack, the real user signed in once in a browser and once from a script
        # that keeps cookies, both behind the address the attack will come from.
        with client_from(base, ATTACKERS[0]) as browser:
            assert browser.post("/sign-in", data={"password": PASSWORD}).status_code == 303
            browser_device = browser.cookies["device"]
        with client_from(base, ATTACKERS[0]) as script:
            assert script.get("/api/v1/assessments", headers=bearer(PASSWORD)).status_code == 200
            script_device = script.cookies["device"]
        assert browser_device != script_device

        # 120 wrong Bearer guesses from six addresses, each with a new User-Agent.
        def opening(n: int) -> int:
            with client_from(base, ATTACKERS[n % 6]) as attacker:
                return attacker.get(
                    "/api/v1/assessments", headers=bearer(f"guess {n}", f"bot/{n}")
                ).status_code

        with ThreadPoolExecutor(12) as pool:
            opened = list(pool.map(opening, range(120)))
        assert (opened.count(401), opened.count(429)) == (60, 60)  # ten answered per address

        # Then wrong guesses kept up from seven addresses, about 8 a second, while the user works.
        stop = threading.Event()
        sent = []

        def keep_guessing(address: str) -> None:
            with client_from(base, address) as attacker:
                n = 0
                while not stop.is_set():
                    got = attacker.get(
                        "/api/v1/assessments", headers=bearer(f"more {n}", f"{address}/{n}")
                    )
                    sent.append((address, got.status_code))
                    n += 1
                    stop.wait(7 / 8)

        guessers = [threading.Thread(target=keep_guessing, args=(a,)) for a in ATTACKERS]
        for guesser in guessers:
            guesser.start()
        try:
            time.sleep(1.5)
            for attempt in range(10):
                # The trusted browser, at an attacking address: signed in on the first try.
                with client_from(base, ATTACKERS[0]) as browser:
                    browser.cookies.set("device", browser_device)
                    signed_in = browser.post("/sign-in", data={"password": PASSWORD})
                    assert signed_in.status_code == 303, (attempt, signed_in.text)
                    assert browser.get("/assessments").status_code == 200
                # The trusted script, at an attacking address: its Bearer password is taken.
                with client_from(base, ATTACKERS[1]) as script:
                    script.cookies.set("device", script_device)
                    got = script.get("/api/v1/assessments", headers=bearer(PASSWORD))
                    assert got.status_code == 200, (attempt, got.text)
                # A new laptop and a new script somewhere else: first try too, however many
                # wrong passwords the account has seen.
                with client_from(base, f"127.0.1.{attempt + 1}") as laptop:
                    assert laptop.post("/sign-in", data={"password": PASSWORD}).status_code == 303
                with client_from(base, f"127.0.2.{attempt + 1}") as fresh_script:
                    assert (
                        fresh_script.get(
                            "/api/v1/assessments", headers=bearer(PASSWORD)
                        ).status_code
                        == 200
                    )
                time.sleep(0.2)
        finally:
            stop.set()
            for guesser in guessers:
                guesser.join()
        # The six that opened the attack got no more answers; the seventh got its first ten.
        assert len(sent) >= 7 * 3
        assert {status for address, status in sent if address != ATTACKERS[6]} == {429}
        seventh = [status for address, status in sent if address == ATTACKERS[6]]
        assert seventh == [401] * min(10, len(seventh)) + [429] * (len(seventh) - 10)

        # 32 requests at once with the right password, from a client with no cookie: none is
        # counted as a failure while in flight, so none is refused.
        def right(n: int) -> int:
            with client_from(base, "127.0.3.1") as api:
                return api.get(
                    "/api/v1/assessments", headers=bearer(PASSWORD, f"ci/{n}")
                ).status_code

        with ThreadPoolExecutor(32) as pool:
            assert list(pool.map(right, range(32))) == [200] * 32

    # One row per attacking address and one for the account: nothing per User-Agent, nothing for
    # right passwords, nothing for the trusted devices (they made no mistake).
    assert throttle_keys(database_url) == ["account"] + [f"address:{a}" for a in ATTACKERS]


@pytest.mark.storage
def test_rows_expire_on_any_password_check_not_only_on_counted_ones(database_url):
    db = Database(database_url)
    try:
        start = utcnow()
        for n in range(50):
            keys = auth.throttle_keys(f"198.51.100.{n}")
            assert auth.decide(db, keys, right=False, now=start) is None
        assert len(throttle_keys(database_url)) == 51
        auth._next_expiry = 0.0  # as in a process that has not expired rows yet
        later = start + auth.WINDOW + timedelta(seconds=1)
        # A right password, which itself writes nothing, clears the rows whose window has ended.
        assert auth.decide(db, auth.throttle_keys("203.0.113.1"), right=True, now=later) is None
        assert throttle_keys(database_url) == []
    finally:
        db.dispose()


@pytest.mark.storage
def test_a_trusted_device_that_guesses_becomes_untrusted(database_url):
    db = Database(database_url)
    try:
        now = utcnow()
        keys = auth.throttle_keys("192.0.2.7", device="abc")
        for _ in range(5):
            assert auth.decide(db, keys, right=False, now=now) is None
        assert throttle_keys(database_url) == ["device:abc"]
        # Past its own five, it is one more untrusted client at its address.
        for _ in range(10):
            assert auth.decide(db, keys, right=False, now=now) is None
        refused = auth.decide(db, keys, right=True, now=now)
        assert refused is not None and refused.kind == "address"
        assert 899 <= refused.retry_after <= 900
    finally:
        db.dispose()


@pytest.mark.storage
def test_the_account_wide_key_never_refuses_the_right_password(database_url):
    db = Database(database_url)
    try:
        now = utcnow()
        for n in range(150):
            auth.decide(db, auth.throttle_keys(f"198.51.{n // 10}.{n % 10}"), right=False, now=now)
        wrong = auth.decide(db, auth.throttle_keys("203.0.113.5"), right=False, now=now)
        assert wrong is not None and wrong.kind == "account"
        assert auth.decide(db, auth.throttle_keys("203.0.113.6"), right=True, now=now) is None
    finally:
        db.dispose()
