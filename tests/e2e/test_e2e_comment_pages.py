"""Issue 21, points 7 and 10 in a real browser, with and without JavaScript, in English and
Chinese: earlier comments a page at a time, and a comment typed while signed out that survives
signing in. A live server of its own, with a team password, on a SQLite file this test can seed."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, insert, select
from wizard_flow import CUSTOMER_SERVICE_BOT

from app.models import Assessment, Comment
from app.web.i18n import translations
from tests.e2e.live_server import live_server

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse"
TYPED = "先试 RAG，再决定是否微调。\nTry RAG first."


def t(lang: str, message: str, **values) -> str:
    return translations(lang).gettext(message) % values


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    workdir = tmp_path_factory.mktemp("guarded")
    with live_server(workdir, env={"APP_ACCESS_PASSWORD": PASSWORD}) as url:
        yield url, workdir / "wizard.db"


@pytest.fixture
def open_page(browser: Browser, guarded) -> Iterator[Callable[..., Page]]:
    url, _ = guarded
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make(lang: str, javascript: bool) -> Page:
        context = browser.new_context(base_url=url, java_script_enabled=javascript)
        context.add_cookies([{"name": "lang", "value": lang, "url": url}])
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def finished(page: Page, title: str) -> str:
    response = page.request.post(
        "/api/v1/assessments",
        headers={"Authorization": f"Bearer {PASSWORD}"},
        data={"title": title, "answers": dict(CUSTOMER_SERVICE_BOT)},
    )
    assert response.status == 201, response.text()
    return response.json()["id"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_comment_typed_signed_out_is_still_there_after_signing_in(
    open_page, lang: str, javascript: bool
) -> None:
    page = open_page(lang, javascript)
    token = finished(page, f"Signed out {lang} {javascript}")
    page.goto(f"/a/{token}")
    expect(page.locator("#comment-sign-in-needed")).to_have_text(
        t(
            lang,
            "Sign-in is needed to comment: this app has a team password. Write your comment, "
            "then sign in; you come back here with it as typed.",
        )
    )
    page.get_by_label(t(lang, "Your name"), exact=True).fill("Ana")
    page.get_by_label(t(lang, "Comment"), exact=True).fill(TYPED)
    page.get_by_role("button", name=t(lang, "Sign in to comment"), exact=True).click()
    expect(page.locator("#draft-kept")).to_be_visible()
    page.get_by_label(t(lang, "Team password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t(lang, "Sign in"), exact=True).click()
    page.wait_for_url(f"**/a/{token}#comment-form")
    expect(page.get_by_label(t(lang, "Your name"), exact=True)).to_have_value("Ana")
    expect(page.get_by_label(t(lang, "Comment"), exact=True)).to_have_value(TYPED)
    page.get_by_role("button", name=t(lang, "Add comment"), exact=True).click()
    expect(page.locator("#comments .comment-list > li .comment-text")).to_have_text(TYPED)


def seed_comments(db_path: Path, token: str, n: int) -> list[int]:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        assessment_id = connection.execute(
            select(Assessment.id).where(Assessment.share_token == token)
        ).scalar_one()
        start = datetime(2026, 12, 1, tzinfo=UTC)
        connection.execute(
            insert(Comment),
            [
                {
                    "assessment_id": assessment_id,
                    "author": f"P{i}",
                    "text": f"Comment {i}",
                    "created_at": start + timedelta(seconds=i),
                }
                for i in range(n)
            ],
        )
        connection.execute(
            Assessment.__table__.update()
            .where(Assessment.id == assessment_id)
            .values(updated_at=datetime.now(UTC))
        )
        ids = list(
            connection.execute(
                select(Comment.id)
                .where(Comment.assessment_id == assessment_id)
                .order_by(Comment.id)
            ).scalars()
        )
    engine.dispose()
    return ids


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_earlier_comments_come_fifty_at_a_time(
    open_page, guarded, lang: str, javascript: bool
) -> None:
    _, db_path = guarded
    page = open_page(lang, javascript)
    token = finished(page, f"Many comments {lang} {javascript}")
    ids = seed_comments(db_path, token, 120)
    page.goto(f"/a/{token}")
    listed = page.locator("#comments .comment-list > li")
    expect(listed).to_have_count(50)
    expect(listed.first).to_have_attribute("id", f"comment-{ids[-50]}")
    page.get_by_role("link", name=t(lang, "Show earlier comments"), exact=True).click()
    if javascript:
        # Swapped in above the newest, on the same page.
        expect(listed).to_have_count(100)
        assert page.url.endswith(f"/a/{token}")
        expect(listed.first).to_have_attribute("id", f"comment-{ids[-100]}")
        page.get_by_role("link", name=t(lang, "Show earlier comments"), exact=True).click()
        expect(listed).to_have_count(120)
        expect(listed.first).to_have_attribute("id", f"comment-{ids[0]}")
    else:
        page.wait_for_url(f"**/a/{token}/comments?before={ids[-50]}")
        expect(page.locator("h1")).to_have_text(
            t(lang, "Earlier comments on “%(title)s”", title=f"Many comments {lang} {javascript}")
        )
        expect(listed).to_have_count(50)
        page.get_by_role("link", name=t(lang, "Show earlier comments"), exact=True).click()
        page.wait_for_url(f"**/a/{token}/comments?before={ids[-100]}")
        expect(listed).to_have_count(20)
    expect(
        page.get_by_role("link", name=t(lang, "Show earlier comments"), exact=True)
    ).to_have_count(0)
