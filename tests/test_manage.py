"""The manage capability (issue 12): a manage token made when an assessment is finished, shown
once, kept only as a hash; who may manage; rotation and expiry of the share link."""

import hashlib
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from starlette.testclient import TestClient

from app import assessments, manage
from app.main import create_app
from app.models import Assessment, ManageKey, utcnow
from app.settings import Settings
from app.web.logs import SafeLogRecord, mask_tokens
from app.web.manage_cookies import COOKIE, NEW_COOKIE
from tests.helpers import REFUND_BOT, answer_all, start
from tests.test_api import create


def row(app, share_token: str) -> Assessment | None:
    with app.state.db.read() as session:
        return session.scalars(
            select(Assessment).where(Assessment.share_token == share_token)
        ).one_or_none()


def key_hashes(app, share_token: str) -> list[str]:
    """The hashes of the manage keys of the decision behind a share token, oldest first."""
    with app.state.db.read() as session:
        return list(
            session.scalars(
                select(ManageKey.key_hash)
                .join(Assessment, Assessment.decision_id == ManageKey.decision_id)
                .where(Assessment.share_token == share_token)
                .order_by(ManageKey.id)
            ).all()
        )


def finish_in_browser(client: TestClient) -> tuple[str, str]:
    """Walk the wizard and finish: (share token, the manage token the browser was given)."""
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 303
    return token, response.cookies[NEW_COOKIE]


# --- The token ---------------------------------------------------------------------------------


def test_new_tokens_are_256_random_bits_url_safe_and_distinct():
    tokens = {manage.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 43  # 32 bytes in unpadded base64
        assert assessments.looks_like_token(token)
    assert manage.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()


def test_the_api_returns_the_manage_token_once_and_stores_only_its_hash(client, app):
    body = create(client).json()
    manage_token = body["manage_token"]
    stored = row(app, body["id"])
    assert key_hashes(app, body["id"]) == [hashlib.sha256(manage_token.encode()).hexdigest()]
    assert stored.share_expires_at is None
    with app.state.db.read() as session:
        dump = session.execute(text("SELECT * FROM assessments")).all()
        dump += session.execute(text("SELECT * FROM manage_keys")).all()
    assert manage_token not in repr(dump)
    again = client.get(f"/api/v1/assessments/{body['id']}")
    assert again.status_code == 200
    assert "manage_token" not in again.json()
    assert manage_token not in again.text


def test_the_create_answer_is_not_cached(client):
    assert create(client).headers["cache-control"] == "no-store"


def test_the_openapi_document_names_manage_token(client):
    created = client.get("/openapi.json").json()["components"]["schemas"]["Created"]
    assert created["required"] == ["id", "url", "verdict", "manage_token"]


def test_finishing_in_the_wizard_gives_the_browser_its_manage_token(client, app):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    response = client.post(f"/d/{token}/finish")
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/a/{token}"
    manage_token = response.cookies[NEW_COOKIE]
    assert response.cookies[COOKIE] == manage_token
    assert key_hashes(app, token) == [manage.hash_token(manage_token)]
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    for name in (COOKIE, NEW_COOKIE):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=lax" in cookies[name]
        assert "Path=/" in cookies[name]
    assert "Max-Age=600" in cookies[NEW_COOKIE]
    assert manage_token not in response.headers["location"]


def test_finishing_twice_keeps_the_first_token(client, app):
    token, manage_token = finish_in_browser(client)
    again = client.post(f"/d/{token}/finish")
    assert again.status_code == 303
    assert NEW_COOKIE not in again.cookies
    assert key_hashes(app, token) == [manage.hash_token(manage_token)]


def test_finishing_by_htmx_sets_the_cookies_on_the_client_redirect(client):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    response = client.post(f"/d/{token}/finish", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == f"http://testserver/a/{token}"
    assert len(response.cookies[NEW_COOKIE]) == 43


def test_each_finished_assessment_gets_its_own_token(client, app):
    first, second = create(client).json(), create(client).json()
    assert first["manage_token"] != second["manage_token"]
    assert key_hashes(app, first["id"]) != key_hashes(app, second["id"])
    assert row(app, first["id"]).decision_id != row(app, second["id"]).decision_id


# --- authorize ------------------------------------------------------------------------------


def test_authorize_accepts_only_the_right_token(client, app):
    body = create(client).json()
    db = app.state.db
    found, actor = manage.authorize(db, body["id"], body["manage_token"], signed_in=False)
    assert found.share_token == body["id"]
    assert (actor.kind, actor.label) == ("key", "")
    other = create(client).json()
    last = body["manage_token"][-1]
    one_off = body["manage_token"][:-1] + ("B" if last == "A" else "A")  # never the token itself
    for wrong in (None, "", other["manage_token"], one_off, "x" * 43):
        with pytest.raises(assessments.NotFound):
            manage.authorize(db, body["id"], wrong, signed_in=False)
    with pytest.raises(assessments.NotFound):
        manage.authorize(db, "unknown" * 6, body["manage_token"], signed_in=False)
    again, session_actor = manage.authorize(db, body["id"], None, signed_in=True)
    assert (again.id, session_actor) == (found.id, manage.SESSION)


def test_authorize_refuses_drafts_even_when_signed_in(client, app):
    token = start(client)
    with pytest.raises(assessments.NotFound):
        manage.authorize(app.state.db, token, None, signed_in=True)


def test_decisions_without_keys_are_managed_only_when_signed_in(client, app):
    body = create(client).json()
    with app.state.db.write() as session:
        session.execute(text("DELETE FROM manage_keys"))
    with pytest.raises(assessments.NotFound):
        manage.authorize(app.state.db, body["id"], body["manage_token"], signed_in=False)
    found, actor = manage.authorize(app.state.db, body["id"], None, signed_in=True)
    assert (found.share_token, actor) == (body["id"], manage.SESSION)


@pytest.mark.storage
def test_an_expired_link_is_unknown_except_to_its_managers(client, app):
    body = create(client).json()
    with app.state.db.write() as session:
        session.get(Assessment, row(app, body["id"]).id).share_expires_at = utcnow() - timedelta(
            seconds=1
        )
    with pytest.raises(assessments.Gone):
        assessments.get_finished(app.state.db, body["id"])
    found, _ = manage.authorize(app.state.db, body["id"], body["manage_token"], signed_in=False)
    assert found.share_token == body["id"]
    with pytest.raises(assessments.NotFound):
        manage.authorize(app.state.db, body["id"], None, signed_in=False)


# --- Logs ---------------------------------------------------------------------------------------


def test_manage_tokens_never_reach_the_logs():
    secret = "Zy9_-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"
    for text_ in (
        f"x-manage-token: {secret}",
        f"X-Manage-Token={secret}",
        f"('x-manage-token', '{secret}')",
        f"(b'x-manage-token', b'{secret}')",
        f'{{"manage_token": "{secret}"}}',
        f"manage_token={secret}&days=7",
    ):
        masked = mask_tokens(text_)
        assert secret not in masked and secret[:4] not in masked, masked
        assert "…" in masked
    record = SafeLogRecord(
        "app", logging.INFO, "", 0, "refused %s", (f"X-Manage-Token: {secret}",), None
    )
    assert record.getMessage() == "refused X-Manage-Token: …"


# --- Signed-in users ------------------------------------------------------------------------------


@pytest.fixture
def guarded_client(database_url):
    app = create_app(Settings(database_url=database_url, access_password="correct horse"))
    with TestClient(app, follow_redirects=False) as client:
        yield client
    app.state.db.dispose()


def test_signed_in_users_manage_every_assessment(guarded_client):
    client = guarded_client
    bearer = {"Authorization": "Bearer correct horse"}
    body = client.post("/api/v1/assessments", json=create_body(), headers=bearer).json()
    # The team password alone (no manage token) is enough...
    rotated = client.post(f"/api/v1/assessments/{body['id']}/rotate", headers=bearer)
    assert rotated.status_code == 200
    # ...and so is a signed-in browser session.
    assert client.post("/sign-in", data={"password": "correct horse"}).status_code == 303
    again = client.post(f"/api/v1/assessments/{rotated.json()['id']}/rotate")
    assert again.status_code == 200
    assert set(again.json()) == {"id", "url"}


def test_without_the_team_password_nobody_is_signed_in(client):
    body = create(client).json()
    client.cookies.set("session", "forged")
    response = client.post(
        f"/api/v1/assessments/{body['id']}/rotate", headers={"Authorization": "Bearer anything"}
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def create_body() -> dict:
    from tests.test_api import api_answers

    return {"title": "Refund agent", "answers": api_answers(REFUND_BOT)}


# --- Rotate and expire through the API ------------------------------------------------------------


def rotate(client, share_token: str, manage_token: str | None):
    headers = {"X-Manage-Token": manage_token} if manage_token is not None else {}
    return client.post(f"/api/v1/assessments/{share_token}/rotate", headers=headers)


@pytest.mark.storage
def test_rotate_gives_a_new_link_and_the_old_one_is_gone_at_once(client, app):
    body = create(client).json()
    old = body["id"]
    assert client.get(f"/a/{old}").status_code == 200  # rendered, and in the render cache
    response = rotate(client, old, body["manage_token"])
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    new = response.json()
    assert set(new) == {"id", "url"}
    assert len(new["id"]) == 43 and new["id"] != old
    assert new["url"] == f"/a/{new['id']}"
    # The old link answers 410 Gone everywhere (a draft link of that token never existed: 404).
    for path in (f"/a/{old}", f"/a/{old}/export.md", f"/a/{old}/export.json"):
        assert client.get(path).status_code == 410, path
    assert client.get(f"/api/v1/assessments/{old}").status_code == 410
    assert client.get(f"/d/{old}").status_code == 404
    assert client.post(f"/a/{old}/revise").status_code == 410
    assert client.get(new["url"]).status_code == 200
    assert client.get(f"/api/v1/assessments/{new['id']}").json()["id"] == new["id"]
    # The same manage token manages the new link; the old id is gone for it too.
    assert rotate(client, old, body["manage_token"]).status_code == 410
    assert rotate(client, new["id"], body["manage_token"]).status_code == 200
    assert row(app, old) is None


def test_manage_actions_without_the_right_token_answer_as_an_unknown_id(client, app):
    body = create(client).json()
    other = create(client).json()
    draft = start(client)
    unknown = manage.new_token()
    expected = (404, {"detail": "Not found"})
    for share_token, manage_token in (
        (body["id"], None),
        (body["id"], ""),
        (body["id"], other["manage_token"]),
        (body["id"], "not a token at all"),
        (body["id"], body["manage_token"].upper()),
        (unknown, body["manage_token"]),
        (unknown, None),
        (draft, body["manage_token"]),
    ):
        response = rotate(client, share_token, manage_token)
        assert (response.status_code, response.json()) == expected, manage_token
        headers = {"X-Manage-Token": manage_token} if manage_token is not None else {}
        response = client.put(
            f"/api/v1/assessments/{share_token}/expiry", json={"days": 7}, headers=headers
        )
        assert (response.status_code, response.json()) == expected, manage_token
    assert row(app, body["id"]).share_expires_at is None
    assert client.get(f"/a/{body['id']}").status_code == 200


@pytest.mark.storage
@pytest.mark.parametrize("days", [7, 30, 90])
def test_expiry_is_set_in_days_and_the_link_dies_when_it_passes(client, app, days):
    body = create(client).json()
    before = utcnow()
    response = client.put(
        f"/api/v1/assessments/{body['id']}/expiry",
        json={"days": days},
        headers={"X-Manage-Token": body["manage_token"]},
    )
    after = utcnow()
    assert response.status_code == 200
    result = response.json()
    assert set(result) == {"id", "url", "expires_at"}
    assert (result["id"], result["url"]) == (body["id"], f"/a/{body['id']}")
    stored = row(app, body["id"]).share_expires_at
    assert before + timedelta(days=days) <= stored <= after + timedelta(days=days)
    assert result["expires_at"] == stored.isoformat()
    assert client.get(f"/a/{body['id']}").status_code == 200
    # Time passes: the link now answers 410 Gone, as a replaced one does, and says no more.
    with app.state.db.write() as session:
        session.get(Assessment, row(app, body["id"]).id).share_expires_at = utcnow() - timedelta(
            microseconds=1
        )
    replaced = create(client).json()
    rotate(client, replaced["id"], replaced["manage_token"])
    for path in (
        f"/a/{body['id']}",
        f"/api/v1/assessments/{body['id']}",
        f"/a/{body['id']}/export.json",
    ):
        gone, also = client.get(path), client.get(path.replace(body["id"], replaced["id"]))
        assert gone.status_code == also.status_code == 410
        assert gone.content == also.content.replace(replaced["id"].encode(), body["id"].encode())


@pytest.mark.storage
def test_expiry_never_clears_it(client, app):
    body = create(client).json()
    headers = {"X-Manage-Token": body["manage_token"]}
    client.put(f"/api/v1/assessments/{body['id']}/expiry", json={"days": 30}, headers=headers)
    response = client.put(
        f"/api/v1/assessments/{body['id']}/expiry", json={"days": None}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["expires_at"] is None
    assert row(app, body["id"]).share_expires_at is None


@pytest.mark.parametrize(
    "payload",
    [{"days": 1}, {"days": "7"}, {"days": 7.0}, {"days": True}, {}, {"days": 7, "x": 1}, [7], "7"],
)
def test_a_bad_expiry_is_refused_with_422_and_nothing_changes(client, app, payload):
    body = create(client).json()
    response = client.put(
        f"/api/v1/assessments/{body['id']}/expiry",
        json=payload,
        headers={"X-Manage-Token": body["manage_token"]},
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {
                "field": "days",
                "code": "invalid_expiry",
                "message": 'Send {"days": 7}, 30, 90, or null for a link that never expires.',
            }
        ]
    }
    assert row(app, body["id"]).share_expires_at is None


@pytest.mark.storage
def test_an_expired_link_can_be_rotated_by_its_manager_and_the_new_one_works(client, app):
    body = create(client).json()
    with app.state.db.write() as session:
        session.get(Assessment, row(app, body["id"]).id).share_expires_at = utcnow() - timedelta(
            days=1
        )
    response = rotate(client, body["id"], body["manage_token"])
    assert response.status_code == 200
    new = response.json()["id"]
    assert row(app, new).share_expires_at is None
    assert client.get(f"/a/{new}").status_code == 200


@pytest.mark.storage
def test_rotating_keeps_an_expiry_still_to_come(client, app):
    body = create(client).json()
    headers = {"X-Manage-Token": body["manage_token"]}
    client.put(f"/api/v1/assessments/{body['id']}/expiry", json={"days": 7}, headers=headers)
    expires = row(app, body["id"]).share_expires_at
    new = rotate(client, body["id"], body["manage_token"]).json()["id"]
    assert row(app, new).share_expires_at == expires
