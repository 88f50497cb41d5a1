"""Issue 21, points 1-5: only owners change a decision (a viewer's revision is a proposal), one
set of owners per decision (keys: invite, revoke, last use), revocation that revokes (other
versions' links only to owners), dead ends that explain (410), and the audit trail."""

import re

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from app import manage
from app.main import create_app
from app.models import Assessment, ManageKey
from app.settings import Settings
from app.web.manage_cookies import COOKIE, NEW_COOKIE
from tests.helpers import PRODUCT_SPECS, finish, html
from tests.test_api import create
from tests.test_manage import create_body

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@pytest.fixture
def viewer(app):
    """Another browser, holding only the share links it is given."""
    with TestClient(app, follow_redirects=False) as other:
        yield other


@pytest.fixture
def colleague(app):
    """A third browser, for a co-owner."""
    with TestClient(app, follow_redirects=False) as other:
        yield other


def row(app, token: str) -> Assessment:
    with app.state.db.read() as session:
        return session.scalars(select(Assessment).where(Assessment.share_token == token)).one()


def revise(browser: TestClient, token: str) -> str:
    response = browser.post(f"/a/{token}/revise")
    assert response.status_code == 303
    return response.headers["location"].split("/")[-2]


def trail(browser: TestClient, token: str) -> list[tuple[str, str, str]]:
    """The audit trail as the manage view shows it: (who, what, reason), newest first."""
    page = html(browser.get(f"/a/{token}/manage"))
    return [
        (
            item.select_one(".audit-who").get_text(strip=True),
            item.select_one(".audit-what").get_text(strip=True),
            (item.select_one(".audit-reason") or page.new_tag("i")).get_text(strip=True),
        )
        for item in page.select(".audit-trail li")
    ]


def invite(browser: TestClient, token: str, label: str) -> str:
    response = browser.post(f"/a/{token}/keys", data={"label": label})
    assert response.status_code == 200, response.text
    return html(response).select_one("#invited-key")["value"]


# --- 1. Only owners change a decision ---------------------------------------------------------


def test_a_viewer_who_revises_and_finishes_makes_a_proposal_and_changes_nothing(
    client, viewer, app
):
    original = finish(client, title="Refund agent")
    assert client.post(f"/a/{original}/status", data={"status": "accepted"}).status_code == 303
    before = client.get(f"/api/v1/assessments/{original}").json()

    draft = revise(viewer, original)
    review = html(viewer.get(f"/d/{draft}/review"))
    # The wizard says so before Finish.
    note = review.select_one("#proposal-note")
    assert note.get_text(" ", strip=True) == (
        "This revision will be a proposal. You don't own this decision, so finishing doesn't "
        "change it: the version you revised shows your revision as “proposed revision v2”, and "
        "it supersedes that version only when an owner accepts it."
    )
    button = review.select_one("form.wizard-actions button[type=submit]")
    assert button.get_text(strip=True) == "Finish and propose this revision"
    finished = viewer.post(f"/d/{draft}/finish")
    assert finished.status_code == 303
    # No key for the proposer: it manages nothing.
    assert NEW_COOKIE not in finished.cookies and COOKIE not in viewer.cookies

    # The original is unchanged: status, no successor; the proposal exists, version 2.
    after = client.get(f"/api/v1/assessments/{original}").json()
    assert (after["status"], after["superseded_by"]) == ("accepted", None)
    assert row(app, original).status == "accepted"
    proposal = row(app, draft)
    assert (proposal.is_proposal, proposal.version, proposal.status) == (True, 2, "proposed")
    assert proposal.decision_id == row(app, original).decision_id
    assert [p["version"] for p in after["proposals"]] == [2]
    assert after["proposals"][0]["id"] == draft  # the owner gets its link
    assert {k: v for k, v in after.items() if k not in ("proposals", "audit")} == {
        k: v for k, v in before.items() if k not in ("proposals", "audit")
    }

    # The original's page shows it as "proposed revision v2": a link for owners only.
    for browser, linked in ((viewer, False), (client, True)):
        page = html(browser.get(f"/a/{original}"))
        item = page.select_one("#record .proposals li.proposal")
        assert item.get_text(" ", strip=True).startswith("proposed revision v2 ·")
        assert (item.select_one("a") is not None) == linked
        assert page.select_one(".superseded-notice") is None
        assert page.select_one(".title-line .status").get_text() == "Accepted"
    assert draft not in viewer.get(f"/a/{original}").text
    proposal_page = html(viewer.get(f"/a/{draft}"))
    assert proposal_page.select_one(".proposal-notice strong").get_text() == "Proposed revision."

    # The proposer can neither accept it, nor change a status, nor delete.
    for action, data in (("accept", {}), ("status", {"status": "rejected"}), ("delete", {})):
        for token in (draft, original):
            assert viewer.post(f"/a/{token}/{action}", data=data).status_code == 404
    assert row(app, original).status == "accepted" and row(app, draft).is_proposal


def test_an_owner_accepts_a_proposal_and_the_trail_says_who(client, viewer, app):
    original = finish(client)
    draft = revise(viewer, original)
    viewer.post(f"/d/{draft}/finish")
    view = html(client.get(f"/a/{draft}/manage"))
    assert view.select_one("form.accept-form")["action"] == f"http://testserver/a/{draft}/accept"
    response = client.post(f"/a/{draft}/accept", data={"reason": "Matches the new eval"})
    assert response.headers["location"] == f"http://testserver/a/{draft}/manage?done=accepted"
    assert row(app, original).status == "superseded"
    assert row(app, draft).is_proposal is False
    record = client.get(f"/api/v1/assessments/{original}").json()
    assert (record["superseded_by"]["id"], record["proposals"]) == (draft, [])
    assert trail(client, original)[0] == (
        "Key given at finishing",
        "accepted v2, which supersedes v1",
        "Reason: Matches the new eval",
    )
    # Accepting again changes nothing.
    client.post(f"/a/{draft}/accept")
    assert [event[1] for event in trail(client, original)].count(
        "accepted v2, which supersedes v1"
    ) == 1


def test_an_owners_revision_supersedes_at_once(client, app):
    original = finish(client)
    draft = revise(client, original)
    assert html(client.get(f"/d/{draft}/review")).select_one("#proposal-note") is None
    client.post(f"/d/{draft}/finish")
    assert row(app, draft).is_proposal is False
    assert row(app, original).status == "superseded"
    assert trail(client, draft)[0][:2] == (
        "Key given at finishing",
        "accepted v2, which supersedes v1",
    )


def test_the_api_accepts_proposals_only_for_owners(client, viewer, app):
    body = create(client).json()
    headers = {"X-Manage-Token": body["manage_token"]}
    draft = revise(viewer, body["id"])
    viewer.post(f"/d/{draft}/finish")
    path = f"/api/v1/assessments/{draft}/accept"
    assert viewer.post(path, json={}).status_code == 404
    not_one = client.post(f"/api/v1/assessments/{body['id']}/accept", json={}, headers=headers)
    assert not_one.status_code == 422
    assert not_one.json()["detail"][0]["code"] == "not_a_proposal"
    accepted = client.post(path, json={"reason": "ok"}, headers=headers)
    assert accepted.status_code == 200
    assert (accepted.json()["is_proposal"], accepted.json()["revised_from"]["id"]) == (
        False,
        body["id"],
    )
    assert row(app, body["id"]).status == "superseded"


# --- 2. One decision, one set of owners ----------------------------------------------------------


@pytest.mark.storage
def test_invite_a_co_owner_who_changes_the_status_then_revoke(client, colleague, app):
    original = finish(client)
    key = invite(client, original, "Ana (tech lead)")
    assert TOKEN.fullmatch(key)
    # Shown once: never again on the view.
    assert key not in client.get(f"/a/{original}/manage").text
    with app.state.db.read() as session:
        stored = session.scalars(
            select(ManageKey).where(ManageKey.label == "Ana (tech lead)")
        ).one()
    assert stored.key_hash == manage.hash_token(key) and stored.last_used_at is None

    # The co-owner pastes it, and manages every version: a revision made since, too.
    assert colleague.post(f"/a/{original}/manage", data={"manage_token": key}).status_code == 303
    revision = revise(client, original)
    client.post(f"/d/{revision}/finish")
    response = colleague.post(
        f"/a/{revision}/status", data={"status": "accepted", "reason": "Shipped"}
    )
    assert response.status_code == 303
    assert row(app, revision).status == "accepted"
    assert trail(client, original)[0] == (
        "Ana (tech lead)",
        "v2: status Proposed → Accepted",
        "Reason: Shipped",
    )
    # Each key: label, made, last use.
    rows = html(client.get(f"/a/{original}/manage")).select("table.keys tbody tr")
    cells = [[c.get_text(" ", strip=True) for c in r.select("th, td")] for r in rows]
    assert [c[0] for c in cells] == ["Key given at finishing (yours)", "Ana (tech lead)"]
    assert cells[1][2] not in ("Not used yet", "")  # used just now
    assert cells[1][3] == "Revoke"

    # Revoked, it manages nothing, and the trail says so.
    key_id = int(rows[1].select_one("form.revoke-form")["action"].split("/")[-2])
    assert client.post(f"/a/{original}/keys/{key_id}/revoke").status_code == 303
    assert colleague.post(f"/a/{revision}/status", data={"status": "rejected"}).status_code == 404
    assert row(app, revision).status == "accepted"
    assert html(colleague.get(f"/a/{original}/manage")).select_one("form.manage-unlock")
    assert trail(client, original)[0][:2] == (
        "Key given at finishing",
        "revoked the key “Ana (tech lead)”",
    )
    assert trail(client, original)[3][:2] == (
        "Key given at finishing",
        "invited a co-owner key “Ana (tech lead)”",
    )


def test_an_invite_needs_a_label(client, app):
    original = finish(client)
    for label, message in (
        (
            "  ",
            "Give the key a label your team will recognise, such as a name (up to 80 characters).",
        ),
        ("x" * 81, "Keep this to 80 characters or fewer."),
    ):
        response = client.post(f"/a/{original}/keys", data={"label": label})
        assert response.status_code == 422
        page = html(response)
        assert page.select_one("#invite-label-error").get_text(strip=True) == message
        assert page.select_one("#invited-key") is None
    with app.state.db.read() as session:
        assert len(session.scalars(select(ManageKey)).all()) == 1


@pytest.mark.storage
def test_keys_through_the_api(client, app):
    body = create(client).json()
    other = create(client).json()
    headers = {"X-Manage-Token": body["manage_token"]}
    path = f"/api/v1/assessments/{body['id']}/keys"
    made = client.post(path, json={"label": "CI bot"}, headers=headers)
    assert made.status_code == 201
    assert made.headers["cache-control"] == "no-store"
    new = made.json()
    assert set(new) == {"id", "label", "created_at", "last_used_at", "revoked_at", "key"}
    assert (new["label"], new["last_used_at"], new["revoked_at"]) == ("CI bot", None, None)
    listed = client.get(path, headers=headers).json()["items"]
    assert [k["label"] for k in listed] == ["", "CI bot"]
    assert all("key" not in k for k in listed) and new["key"] not in str(listed)
    # The new key works, and is seen used.
    bot = {"X-Manage-Token": new["key"]}
    assert client.get(path, headers=bot).status_code == 200
    assert client.get(path, headers=headers).json()["items"][1]["last_used_at"] is not None
    # Problems: 422, nothing stored.
    for bad in ({"label": ""}, {"label": "x" * 81}, {"label": "a", "extra": 1}, {"label": 5}):
        assert client.post(path, json=bad, headers=headers).status_code == 422, bad
    # A key of another decision can't be revoked from here; without a key, nothing.
    other_keys = client.get(
        f"/api/v1/assessments/{other['id']}/keys", headers={"X-Manage-Token": other["manage_token"]}
    ).json()["items"]
    assert client.delete(f"{path}/{other_keys[0]['id']}", headers=headers).status_code == 404
    assert client.delete(f"{path}/{new['id']}").status_code == 404
    assert client.delete(f"{path}/{new['id']}", headers=headers).status_code == 204
    assert client.get(path, headers=bot).status_code == 404
    revoked = client.get(path, headers=headers).json()["items"][1]
    assert revoked["revoked_at"] is not None
    audit = client.get(f"/api/v1/assessments/{body['id']}/audit", headers=headers).json()
    assert [(e["action"], e["detail"].get("label"), e["who"]) for e in audit["items"]] == [
        ("key_revoked", "CI bot", {"kind": "key", "label": ""}),
        ("key_invited", "CI bot", {"kind": "key", "label": ""}),
    ]
    assert client.get(f"/api/v1/assessments/{body['id']}/audit").status_code == 404


# --- 3. Revocation that revokes ---------------------------------------------------------------


def test_a_rotated_link_is_on_no_viewers_page_export_or_record(client, viewer, app):
    v1 = finish(client, title="Refund agent")
    v2 = revise(client, v1)
    client.post(f"/d/{v2}/finish")
    v3 = revise(client, v2)
    client.post(f"/d/{v3}/finish")
    proposal = revise(viewer, v2)
    viewer.post(f"/d/{proposal}/finish")
    new_v1 = client.post(f"/a/{v1}/rotate").headers["location"].split("/")[-2]
    new_v2 = client.post(f"/a/{v2}/rotate").headers["location"].split("/")[-2]
    secrets = {new_v1, new_v2, proposal}
    for token in (new_v1, new_v2, v3):
        for path in (f"/a/{token}", f"/a/{token}/export.json", f"/a/{token}/export.md"):
            response = viewer.get(path)
            assert response.status_code == 200, path
            leaked = {s for s in secrets if s != token} & set(TOKEN.findall(response.text))
            assert leaked == set(), path
        record = viewer.get(f"/api/v1/assessments/{token}").json()
        for link in (record["revised_from"], record["superseded_by"], *record["proposals"]):
            if link is not None:
                assert (link["id"], link["url"]) == (None, None)
                assert isinstance(link["version"], int)
    # Viewers still see that the other versions exist.
    page = html(viewer.get(f"/a/{new_v2}"))
    assert (
        page.select_one(".revised-from").get_text(" ", strip=True)
        == "Revised from Refund agent · v1"
    )
    assert page.select_one(".superseded-by").get_text(" ", strip=True) == "Refund agent · v3"
    assert page.select_one(".revised-from a") is None
    # Owners get the links.
    record = client.get(f"/api/v1/assessments/{v3}").json()
    assert record["revised_from"]["id"] == new_v2
    assert client.get(f"/a/{new_v2}/export.json").json()["revised_from"]["id"] == new_v1
    assert html(client.get(f"/a/{v3}")).select_one(".revised-from a")["href"].endswith(new_v2)


def test_history_and_listing_link_only_to_decisions_the_browser_owns(client, viewer, app):
    mine = finish(client, title="Mine")
    theirs = finish(viewer, title="Theirs", answers=PRODUCT_SPECS)
    page = html(client.get("/assessments"))
    rows = {
        r.select_one(".row-title").get_text(strip=True): r for r in page.select(".assessment-row")
    }
    assert rows["Mine"].select_one("a")["href"] == f"http://testserver/a/{mine}"
    assert rows["Mine"].select_one("input.row-pick")["value"] == mine
    assert rows["Theirs"].select_one("a") is None and rows["Theirs"].select_one("input") is None
    assert theirs not in client.get("/assessments").text
    assert theirs not in client.get("/").text
    listing = {i["title"]: i for i in viewer.get("/api/v1/assessments").json()["items"]}
    assert (listing["Mine"]["id"], listing["Mine"]["url"]) == (None, None)
    assert listing["Theirs"]["id"] == theirs
    body = create(client).json()
    keyed = viewer.get(
        "/api/v1/assessments", headers={"X-Manage-Token": body["manage_token"]}
    ).json()["items"]
    assert [i["id"] for i in keyed if i["id"] is not None] == [body["id"], theirs]


def test_rotation_asks_for_confirmation_first(client, viewer, app):
    token = finish(client)
    view = html(client.get(f"/a/{token}/manage"))
    link = view.select_one("#manage a[href$='/rotate']")
    assert link["href"] == f"http://testserver/a/{token}/rotate"
    confirm = client.get(f"/a/{token}/rotate")
    assert confirm.status_code == 200
    page = html(confirm)
    assert page.select_one("h1").get_text() == "Rotate the share link of “Refund agent”?"
    assert page.select_one("form")["action"] == f"http://testserver/a/{token}/rotate"
    assert row(app, token).share_token == token  # asking rotates nothing
    assert viewer.get(f"/a/{token}/rotate").status_code == 404
    response = client.post(f"/a/{token}/rotate", data={"reason": "Leaked in a public channel"})
    new = response.headers["location"].split("/")[-2]
    assert trail(client, new)[0] == (
        "Key given at finishing",
        "rotated the share link of v1",
        "Reason: Leaked in a public channel",
    )


# --- 4. Dead ends that explain ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "text"),
    [
        (
            "en",
            "This link no longer works",
            "This link was replaced or has expired. Ask the person who shared it for the current link.",
        ),
        ("zh", "此链接已失效", "此链接已被替换或已过期。请向分享链接的人索取当前链接。"),
    ],
)
def test_a_replaced_link_answers_410_with_its_own_page(client, viewer, lang, title, text):
    token = finish(client)
    new = client.post(f"/a/{token}/rotate").headers["location"].split("/")[-2]
    viewer.cookies.set("lang", lang)
    response = viewer.get(f"/a/{token}")
    assert response.status_code == 410
    page = html(response)
    assert page.select_one("h1").get_text(strip=True) == title
    assert page.select_one(".lead").get_text(strip=True) == text
    assert new not in response.text
    assert viewer.get(f"/api/v1/assessments/{token}").json() == {"detail": "Gone"}


def test_a_deleted_link_answers_404_and_its_old_links_too(client, app):
    token = finish(client)
    new = client.post(f"/a/{token}/rotate").headers["location"].split("/")[-2]
    assert client.post(f"/a/{new}/delete").status_code == 303
    for gone in (token, new):
        assert client.get(f"/a/{gone}").status_code == 404
        assert client.get(f"/api/v1/assessments/{gone}").status_code == 404


# --- 5. The audit trail -------------------------------------------------------------------------


def test_every_change_is_on_the_trail_and_in_the_owners_record(client, app):
    v1 = finish(client, title="Refund agent")
    v2 = revise(client, v1)
    client.post(f"/d/{v2}/finish")
    client.post(f"/a/{v1}/expiry", data={"days": "30"})
    client.post(f"/a/{v2}/status", data={"status": "accepted"})
    assert client.post(f"/a/{v1}/delete", data={"reason": "Old"}).status_code == 303
    expected = [
        ("Key given at finishing", "deleted v1 “Refund agent”", "Reason: Old"),
        ("Key given at finishing", "v2: status Proposed → Accepted", ""),
        ("Key given at finishing", "v1: the share link expires in 30 days", ""),
        ("Key given at finishing", "accepted v2, which supersedes v1", ""),
    ]
    assert trail(client, v2) == expected
    audit = client.get(f"/a/{v2}/export.json").json()["audit"]
    assert [(e["action"], e["version"], e["who"]["kind"], e["reason"]) for e in audit] == [
        ("deleted", 1, "key", "Old"),
        ("status", 2, "key", ""),
        ("expiry", 1, "key", ""),
        ("accepted", 2, "key", ""),
    ]
    assert all(e["at"].endswith("+00:00") for e in audit)
    client.cookies.clear()
    assert client.get(f"/a/{v2}/export.json").json()["audit"] is None


def test_a_signed_in_session_is_named_on_the_trail(database_url):

    app = create_app(Settings(database_url=database_url, access_password="correct horse"))
    with TestClient(app, follow_redirects=False) as client:
        bearer = {"Authorization": "Bearer correct horse"}
        body = client.post("/api/v1/assessments", json=create_body(), headers=bearer).json()
        client.patch(
            f"/api/v1/assessments/{body['id']}",
            json={"status": "rejected", "reason": "Budget"},
            headers=bearer,
        )
        audit = client.get(f"/api/v1/assessments/{body['id']}/audit", headers=bearer).json()
        assert [(e["who"], e["reason"]) for e in audit["items"]] == [
            ({"kind": "session", "label": ""}, "Budget")
        ]
        client.post("/sign-in", data={"password": "correct horse"})
        assert trail(client, body["id"]) == [
            ("Signed-in session", "v1: status Proposed → Rejected", "Reason: Budget")
        ]
    app.state.db.dispose()


@pytest.mark.storage
def test_retention_takes_a_decisions_keys_and_trail_with_its_last_version(client, app):
    from datetime import timedelta

    from app import purge
    from app.models import AuditEvent, utcnow

    kept = finish(client, title="Kept")
    old = finish(client, title="Old")
    client.post(f"/a/{old}/status", data={"status": "rejected", "reason": "Too costly"})
    client.post(f"/a/{kept}/status", data={"status": "accepted"})
    with app.state.db.write() as session:
        session.get(Assessment, row(app, old).id).finished_at = utcnow() - timedelta(days=400)
    report = purge.purge(app.state.db, 365)
    assert [p.title for p in report.finished] == ["Old"]
    with app.state.db.read() as session:
        keys = session.scalars(select(ManageKey.decision_id)).all()
        events = session.scalars(select(AuditEvent.decision_id)).all()
    decision = row(app, kept).decision_id
    assert (keys, events) == ([decision], [decision])


@pytest.mark.storage
def test_a_bulk_seeded_assessment_gets_its_first_co_owner_from_a_signed_in_user(database_url):
    from app import history
    from tests.helpers import REFUND_BOT
    from tests.test_api import api_answers

    app = create_app(Settings(database_url=database_url, access_password="correct horse"))
    history.bulk_create_finished(
        app.state.db, [history.FinishedItem(title="Seeded", answers=api_answers(REFUND_BOT))]
    )
    with app.state.db.read() as session:
        token = session.scalars(select(Assessment.share_token)).one()
    with TestClient(app, follow_redirects=False) as client:
        client.post("/sign-in", data={"password": "correct horse"})
        key = invite(client, token, "Bo")
        assert row(app, token).decision_id == row(app, token).id
        # Signed in and holding a key: the key names who acted.
        response = client.patch(
            f"/api/v1/assessments/{token}",
            json={"status": "accepted"},
            headers={"X-Manage-Token": key},
        )
        assert (response.status_code, response.json()["audit"][0]["who"]) == (
            200,
            {"kind": "key", "label": "Bo"},
        )
    app.state.db.dispose()


@pytest.mark.storage
def test_invites_through_two_versions_at_once_never_pass_the_key_limit(client, app):
    """Two versions lock different rows: 60 invites at once, half through each, still make the
    decision no more than MAX_KEYS keys (PostgreSQL gave 51 without the decision's lock)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from app.ownership import Actor

    body = create(client).json()
    client.cookies.set(COOKIE, body["manage_token"])
    draft = revise(client, body["id"])
    finished = client.post(f"/d/{draft}/finish")
    assert finished.status_code == 303
    v2 = finished.headers["location"].rsplit("/", 1)[1]
    versions = [row(app, body["id"]), row(app, v2)]
    assert versions[0].decision_id == versions[1].decision_id
    start = threading.Barrier(60)

    def attempt(i: int) -> str:
        start.wait()
        try:
            manage.invite(app.state.db, versions[i % 2], f"k{i}", Actor("key"))
        except manage.TooManyKeys:
            return "refused"
        return "made"

    with ThreadPoolExecutor(60) as pool:
        outcomes = list(pool.map(attempt, range(60)))
    with app.state.db.read() as session:
        stored = session.scalars(
            select(ManageKey).where(ManageKey.decision_id == versions[0].decision_id)
        ).all()
    assert len(stored) == manage.MAX_KEYS
    assert (outcomes.count("made"), outcomes.count("refused")) == (manage.MAX_KEYS - 1, 11)
