"""The manage view in HTML: the token shown once after the wizard, the finishing browser,
the pasted token, signed-in users; rotate and expiry as plain forms; 404 for everyone else."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from app import manage
from app.main import create_app
from app.models import Assessment, utcnow
from app.settings import Settings
from app.web.i18n import format_when
from app.web.manage_cookies import COOKIE, NEW_COOKIE
from tests.helpers import html
from tests.test_manage import finish_in_browser, row


@pytest.fixture
def stranger(app):
    """Another browser: no cookies from the one that finished."""
    with TestClient(app, follow_redirects=False) as other:
        yield other


def controls(page) -> dict[str, object]:
    """What a page offers to manage the decision, read from it."""
    return {
        "rotate": page.select_one("#manage a[href$='/rotate']") is not None,
        "expiry": [i["value"] for i in page.select("form.manage-expiry-form input[name=days]")],
        "unlock": page.select_one("form.manage-unlock input[name=manage_token]") is not None,
    }


def manage_link(page) -> str | None:
    """The verdict page's one way to the manage view, for owners."""
    link = page.select_one("#record a.manage-link")
    return link["href"] if link else None


MANAGER = {"rotate": True, "expiry": ["7", "30", "90", "never"], "unlock": False}
VISITOR = {"rotate": False, "expiry": [], "unlock": True}


def test_the_manage_view_shows_the_manage_key_once_after_finishing(client, app):
    token, manage_token = finish_in_browser(client)
    first = client.get(f"/a/{token}")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    page = html(first)
    # The verdict page says where the key is; it never shows the key or the manage controls.
    assert manage_token not in first.text
    assert page.select_one("#manage") is None and page.select_one("form.status-form") is None
    assert (
        page.select_one(".manage-key-waiting")
        .get_text(" ", strip=True)
        .startswith("This browser now manages this decision.")
    )
    assert manage_link(page) == f"http://testserver/a/{token}/manage"
    view = client.get(f"/a/{token}/manage")
    shown = html(view).select_one("#manage-token-new")
    assert shown["value"] == manage_token
    assert shown.has_attr("readonly")
    assert (
        html(view)
        .select_one("label[for=manage-token-new]")
        .get_text(strip=True)
        .startswith("Keep it somewhere safe")
    )
    # The one-time cookie is dropped; the browser keeps the key to manage from here.
    assert f'{NEW_COOKIE}=""' in view.headers["set-cookie"]
    assert client.cookies.get(COOKIE) == manage_token
    again = client.get(f"/a/{token}/manage")
    assert html(again).select_one("#manage-token-new") is None
    assert manage_token not in again.text
    assert controls(html(again)) == MANAGER
    verdict = html(client.get(f"/a/{token}"))
    assert verdict.select_one(".manage-key-waiting") is None
    assert manage_link(verdict) == f"http://testserver/a/{token}/manage"


def test_the_token_is_never_in_a_url(client):
    token, manage_token = finish_in_browser(client)
    page = client.get(f"/a/{token}")
    for element in html(page).select("[href], [action], [src]"):
        for attribute in ("href", "action", "src"):
            assert manage_token not in element.get(attribute, "")


def test_another_verdicts_one_time_cookie_shows_nothing(client, app):
    first, first_token = finish_in_browser(client)
    second, _ = finish_in_browser(client)
    client.cookies.clear()
    client.cookies.set(NEW_COOKIE, first_token)
    page = html(client.get(f"/a/{second}/manage"))
    assert page.select_one("#manage-token-new") is None


def test_visitors_see_only_the_token_field(client, stranger):
    token, _ = finish_in_browser(client)
    page = html(stranger.get(f"/a/{token}"))
    assert manage_link(page) is None
    assert controls(page) == {"rotate": False, "expiry": [], "unlock": False}
    view = stranger.get(f"/a/{token}/manage")
    assert view.status_code == 200
    assert view.headers["cache-control"] == "no-store"
    assert controls(html(view)) == VISITOR


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_manage_view_is_translated(client, lang):
    token, _ = finish_in_browser(client)
    client.get(f"/a/{token}")
    page = html(client.get(f"/a/{token}/manage?lang={lang}"))
    expected = {"en": "Share link", "zh": "分享链接"}[lang]
    assert page.select_one("#link-heading").get_text(strip=True) == expected
    button = page.select_one("#manage a[href$='/rotate']").get_text(strip=True)
    assert button == {"en": "Rotate share link…", "zh": "轮换分享链接…"}[lang]


def test_rotate_by_form_in_the_finishing_browser(client, stranger, app):
    token, _ = finish_in_browser(client)
    client.get(f"/a/{token}")
    assert stranger.get(f"/a/{token}").status_code == 200
    response = client.post(f"/a/{token}/rotate")
    assert response.status_code == 303
    new = row(app, token)
    assert new is None
    with app.state.db.read() as session:
        (new_token,) = session.scalars(select(Assessment.share_token)).all()
    assert response.headers["location"] == f"http://testserver/a/{new_token}/manage?done=rotated"
    for browser in (client, stranger):
        assert browser.get(f"/a/{token}").status_code == 410
        assert browser.get(f"/a/{token}/manage").status_code == 410
        assert browser.get(f"/a/{new_token}").status_code == 200
    done = html(client.get(response.headers["location"]))
    assert done.select_one("p[role=status]").get_text(strip=True) == (
        "The share link was rotated: the old link no longer works, for anyone. "
        "Share the new one below."
    )
    # The new link, in a read-only field (copied by hand without JS; a Copy button with it).
    assert done.select_one("#manage-share-url")["value"] == f"http://testserver/a/{new_token}"
    assert done.select_one("#manage-share-url").has_attr("readonly")
    assert done.select_one("button[data-copy=manage-share-url]") is not None
    page = html(client.get(f"/a/{new_token}"))
    assert page.select_one("#share-url")["value"] == f"http://testserver/a/{new_token}"


@pytest.mark.parametrize(("choice", "days"), [("7", 7), ("30", 30), ("90", 90), ("never", None)])
def test_expiry_by_form(client, app, choice, days):
    token, _ = finish_in_browser(client)
    before = utcnow()
    response = client.post(f"/a/{token}/expiry", data={"days": choice})
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/a/{token}/manage?done=expiry"
    stored = row(app, token).share_expires_at
    if days is None:
        assert stored is None
        expected = "The share link never expires."
    else:
        assert before + timedelta(days=days) <= stored <= utcnow() + timedelta(days=days)
        # The one date-and-time format of each language (tested in tests/test_wizard_edits.py).
        expected = f"The share link stops working on {format_when(stored, 'en')}."
    page = html(client.get(response.headers["location"]))
    assert page.select_one(".manage-expiry").get_text(strip=True) == expected
    checked = page.select_one("input[name=days][checked]")
    assert (checked["value"] if checked else None) == ("never" if days is None else None)


@pytest.mark.parametrize("choice", ["", "1", "365", "7 ", "never!"])
def test_a_bad_expiry_choice_is_a_422_and_nothing_changes(client, app, choice):
    token, _ = finish_in_browser(client)
    response = client.post(f"/a/{token}/expiry", data={"days": choice})
    assert response.status_code == 422
    page = html(response)
    assert (
        page.select_one("#days-error").get_text(strip=True) == "Choose 7, 30 or 90 days, or never."
    )
    assert page.select_one("#field-days")["aria-invalid"] == "true"
    assert row(app, token).share_expires_at is None


def test_a_pasted_token_unlocks_the_browser(client, stranger, app):
    token, manage_token = finish_in_browser(client)
    response = stranger.post(f"/a/{token}/manage", data={"manage_token": manage_token})
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/a/{token}/manage"
    assert stranger.cookies.get(COOKIE) == manage_token
    assert controls(html(stranger.get(f"/a/{token}/manage"))) == MANAGER
    assert stranger.post(f"/a/{token}/expiry", data={"days": "7"}).status_code == 303


def test_a_token_in_the_form_works_without_cookies(client, stranger, app):
    token, manage_token = finish_in_browser(client)
    response = stranger.post(f"/a/{token}/rotate", data={"manage_token": manage_token})
    assert response.status_code == 303
    assert row(app, token) is None


def test_manage_actions_without_the_token_are_404_and_a_wrong_key_an_inline_error(
    client, stranger, app
):
    token, manage_token = finish_in_browser(client)
    _, other_token = finish_in_browser(client)
    unknown = manage.new_token()
    not_found = html(stranger.get(f"/a/{unknown}")).select_one("h1").get_text(strip=True)
    for data in (
        {},
        {"manage_token": ""},
        {"manage_token": other_token},
        {"manage_token": "x" * 43},
    ):
        for action in ("rotate", "expiry", "status", "keys", "accept"):
            response = stranger.post(f"/a/{token}/{action}", data={**data, "days": "7"})
            assert response.status_code == 404, (action, data)
            assert html(response).select_one("h1").get_text(strip=True) == not_found
        # The unlock form answers a wrong key on its field, saying nothing else.
        response = stranger.post(f"/a/{token}/manage", data=data)
        assert response.status_code == 422, data
        page = html(response)
        assert page.select_one("#manage-token-error").get_text(strip=True) == (
            "That is not a manage key of this decision, or it was revoked. "
            "Check that the whole key was copied."
        )
        assert page.select_one("#manage-token-input")["aria-invalid"] == "true"
        assert controls(page) == VISITOR
    for action in ("manage", "rotate", "expiry"):
        assert (
            stranger.post(f"/a/{unknown}/{action}", data={"manage_token": manage_token}).status_code
            == 404
        )
    assert stranger.get(f"/a/{unknown}/manage").status_code == 404
    assert row(app, token).share_expires_at is None
    assert COOKIE not in stranger.cookies


def test_a_draft_has_no_manage_view(client):
    from tests.helpers import start

    draft = start(client)
    assert client.get(f"/a/{draft}/manage").status_code == 404
    assert client.post(f"/a/{draft}/rotate").status_code == 404


def test_cross_site_manage_posts_are_refused(client, app):
    token, _ = finish_in_browser(client)
    for action in ("rotate", "expiry", "manage"):
        response = client.post(
            f"/a/{token}/{action}", data={"days": "7"}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert response.status_code == 403
    assert row(app, token) is not None and row(app, token).share_expires_at is None


def test_an_expired_link_is_410_to_visitors_and_manageable_by_its_manager(client, stranger, app):
    token, _ = finish_in_browser(client)
    client.get(f"/a/{token}")
    with app.state.db.write() as session:
        session.get(Assessment, row(app, token).id).share_expires_at = utcnow() - timedelta(
            seconds=1
        )
    assert stranger.get(f"/a/{token}").status_code == 410
    assert stranger.get(f"/a/{token}/manage").status_code == 410
    assert client.get(f"/a/{token}").status_code == 410
    view = client.get(f"/a/{token}/manage")
    assert view.status_code == 200
    assert controls(html(view)) == MANAGER
    response = client.post(f"/a/{token}/rotate")
    assert response.status_code == 303
    assert client.get(response.headers["location"].split("/manage")[0]).status_code == 200


# --- Signed-in users ----------------------------------------------------------------------------


@pytest.fixture
def guarded(database_url):
    app = create_app(Settings(database_url=database_url, access_password="correct horse"))
    yield app
    app.state.db.dispose()


def test_signed_in_users_manage_every_assessment_in_html(guarded):
    with TestClient(guarded, follow_redirects=False) as author:
        author.post("/sign-in", data={"password": "correct horse"})
        token, _ = finish_in_browser(author)
    with TestClient(guarded, follow_redirects=False) as teammate:
        assert teammate.post(f"/a/{token}/rotate").status_code == 303  # to the sign-in page
        assert teammate.get(f"/a/{token}").status_code == 200
        assert teammate.post("/sign-in", data={"password": "correct horse"}).status_code == 303
        assert (
            manage_link(html(teammate.get(f"/a/{token}"))) == f"http://testserver/a/{token}/manage"
        )
        assert controls(html(teammate.get(f"/a/{token}/manage"))) == MANAGER
        response = teammate.post(f"/a/{token}/rotate")
        assert response.status_code == 303
        assert "/manage?done=rotated" in response.headers["location"]
        assert teammate.get(f"/a/{token}").status_code == 410
