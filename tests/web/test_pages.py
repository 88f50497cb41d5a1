"""Home, "How we decide", languages, and the small routes every site needs."""

import pytest

from app import decision
from app.web.i18n import parse_accept_language, source_title
from tests.helpers import finish, html


def test_home_explains_and_links_to_the_start(client):
    page = html(client.get("/"))
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one(".hero a[role=button]")["href"] == "http://testserver/new"
    steps = [li.select_one("strong").get_text() for li in page.select(".step-cards li")]
    assert steps == [s.title.en for s in decision.STEPS]
    assert page.select_one("#recent-heading ~ .empty") is not None


def test_home_lists_recent_verdicts(client):
    token = finish(client, title="Refund agent")
    page = html(client.get("/"))
    rows = page.select(".assessment-list .assessment-row")
    assert [r.select_one(".row-title").get_text() for r in rows] == ["Refund agent"]
    assert rows[0].select_one("a")["href"] == f"http://testserver/a/{token}"
    assert rows[0].select_one(".badge").get_text() == decision.APPROACHES["fine_tune"].label.en


def test_how_we_decide_lists_every_rule_with_its_source(client):
    page = html(client.get("/how-we-decide"))
    guide = decision.how_we_decide()
    rendered = {el["id"].removeprefix("rule-"): el for el in page.select(".rule")}
    assert list(rendered) == [r.id for r in guide.rules]
    for rule in guide.rules:
        links = rendered[rule.id].select("a.source")
        assert [(a["href"], a.get_text()) for a in links] == [
            (s.url, f"{s.author}, {source_title(s.title, 'en')} ({s.year})") for s in rule.sources
        ]
        assert rendered[rule.id].select_one("p").get_text() == rule.reason.en
    assert guide.rules_version in page.select_one(".eyebrow").get_text()


def test_how_we_decide_in_chinese(client):
    page = html(client.get("/how-we-decide?lang=zh"))
    guide = decision.how_we_decide()
    assert [p.get_text() for p in page.select(".rule > p")] == [r.reason.zh for r in guide.rules]


def test_every_verdict_links_to_how_we_decide(client):
    token = finish(client)
    page = html(client.get(f"/a/{token}"))
    assert page.select_one(".verdict-foot a")["href"].endswith("/how-we-decide")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,zh-TW;q=0.5", "zh-Hans"),
        ("fr-FR", "en"),
        ("", "en"),
        ("zh;q=0, en;q=0.1", "en"),
    ],
)
def test_accept_language_sets_the_default(client, header, expected):
    page = html(client.get("/", headers={"Accept-Language": header}))
    assert page.select_one("html")["lang"] == expected


def test_parse_accept_language_orders_by_quality():
    assert parse_accept_language("en;q=0.5, zh-CN, fr;q=0.7, de;q=bad") == ["zh-cn", "fr", "en"]


def test_switcher_sets_a_cookie_that_wins_over_the_header(client):
    response = client.get("/lang/zh", params={"next": "/assessments?q=x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/assessments?q=x"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=zh;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = html(client.get("/", headers={"Accept-Language": "en"}))
    assert page.select_one("html")["lang"] == "zh-Hans"
    assert page.select_one(".lang-switch a[aria-current=true]").get_text() == "中文"
    assert page.select_one(".hero a[role=button]").get_text() == "开始评估"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", None]
)
def test_switcher_never_redirects_off_site(client, target):
    params = {"next": target} if target is not None else {}
    response = client.get("/lang/en", params=params)
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/a/abc?lang=en", "/a/abc"),
        ("/assessments?q=x&lang=en&cursor=2", "/assessments?q=x&cursor=2"),
        ("/assessments?q=a+b", "/assessments?q=a+b"),
        ("/assessments", "/assessments"),
    ],
)
def test_switcher_drops_the_lang_parameter_that_would_override_the_choice(client, target, location):
    # A page opened as ?lang=en came back in English from the switch to Chinese: the query
    # parameter wins over the cookie.
    response = client.get("/lang/zh", params={"next": target})
    assert response.headers["location"] == location
    page = html(client.get(location))
    assert page.select_one("html")["lang"] == "zh-Hans"


def test_a_page_opened_with_lang_keeps_that_language_for_the_next_pages(client):
    # A link shared in Chinese (?lang=zh) to a reader whose browser asks for English: the next
    # page, and the form posted from it, stay in Chinese instead of falling back to English.
    english = {"Accept-Language": "en"}
    opened = client.get("/how-we-decide?lang=zh", headers=english)
    assert html(opened).select_one("html")["lang"] == "zh-Hans"
    cookie = opened.headers["set-cookie"]
    assert cookie.startswith("lang=zh;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert html(client.get("/new", headers=english)).select_one("html")["lang"] == "zh-Hans"
    posted = client.post("/new", data={"title": "分享的链接"}, headers=english)
    assert posted.status_code == 303
    step = client.get(posted.headers["location"], headers=english)
    assert html(step).select_one("html")["lang"] == "zh-Hans"
    # Already the cookie's language: nothing to set.
    assert "set-cookie" not in client.get("/?lang=zh", headers=english).headers
    # Another choice later wins as before.
    assert client.get("/?lang=en").headers["set-cookie"].startswith("lang=en;")
    assert html(client.get("/")).select_one("html")["lang"] == "en"


def test_lang_in_an_api_request_or_an_unknown_lang_sets_no_cookie(client):
    for path in ("/api/v1/rules?lang=zh", "/?lang=fr", "/healthz?lang=zh"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path


def test_switcher_links_return_to_the_current_page(client):
    page = html(client.get("/assessments?q=abc"))
    links = {a.get_text(): a["href"] for a in page.select(".lang-switch a")}
    assert links["中文"] == "http://testserver/lang/zh?next=/assessments%3Fq%3Dabc"


def test_robots_keeps_crawlers_out_of_assessments(client):
    response = client.get("/robots.txt")
    assert response.headers["content-type"].startswith("text/plain")
    assert "Disallow: /a/" in response.text.splitlines()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response.headers["location"])
    assert (icon.status_code, icon.headers["content-type"]) == (200, "image/svg+xml")


def test_friendly_404_in_both_languages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = html(response)
    assert page.select_one("h1").get_text() == "Page not found"
    assert page.select_one("a[role=button]")["href"] == "http://testserver/"
    zh = html(client.get("/no/such/page?lang=zh"))
    assert zh.select_one("h1").get_text() == "页面不存在"


def test_static_assets_are_versioned_by_content(client):
    page = html(client.get("/"))
    css = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert all("?v=" in href and not href.endswith("?v=missing") for href in css)
    scripts = [s["src"] for s in page.select("script[src]")]
    assert [s.split("?")[0] for s in scripts] == ["/static/vendor/htmx.min.js", "/static/js/app.js"]
    assert client.get(scripts[0]).status_code == 200


def test_every_page_route_as_a_page_and_as_an_htmx_request(client):
    """Routes with a panel answer htmx with the panel only and say so in Vary; the rest answer
    htmx with the same whole page, so a boosted link or a history restore always gets a page."""
    from tests.helpers import REFUND_BOT, answer_all, start, vary

    token = finish(client)
    draft = start(client)
    answer_all(client, draft, REFUND_BOT)
    fragments = {
        f"/d/{draft}/task": "#step-heading",
        f"/d/{draft}/details": "#step-heading",
        f"/d/{draft}/review": "#step-heading",
        "/assessments": ".counts",
        "/costs": "#inputs-heading",
    }
    pages = ["/", "/new", f"/a/{token}", "/how-we-decide", "/docs", "/no-such-page"]
    client.get(f"/a/{token}")  # the first view shows the manage token, once: not compared
    for path, marker in fragments.items():
        page, fragment = client.get(path), client.get(path, headers={"HX-Request": "true"})
        assert html(page).select_one("html") is not None, path
        assert html(fragment).select_one("html") is None, path
        assert html(fragment).select_one(marker) is not None, path
        assert "hx-request" in vary(page) and "hx-request" in vary(fragment), path
    for path in pages:
        page, fragment = client.get(path), client.get(path, headers={"HX-Request": "true"})
        assert html(page).select_one("html") is not None, path
        assert html(fragment).select_one("html") is not None, path
        assert (
            html(fragment).select_one("main").get_text() == html(page).select_one("main").get_text()
        ), path
