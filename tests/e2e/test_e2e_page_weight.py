"""Every first page load stays under 60 KB compressed, every asset included, as Chromium counts
the bytes it received (headers and compressed bodies) with an empty cache."""

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Request
from wizard_flow import CUSTOMER_SERVICE_BOT, create_finished, start

pytestmark = pytest.mark.e2e

BUDGET = 60 * 1024


def first_loads(
    visits: list[tuple[BrowserContext, str]],
) -> list[tuple[int, list[tuple[str, int]]]]:
    """For each (context, url): bytes received for `url` and all it loads, in a fresh page of a
    context that has an empty cache; with the requests by size.

    The pages load side by side: each waits for its own network to be idle (no request for
    0.5 s), and those waits, one after another, were most of the test's time."""
    pages, counts = [], []
    for context, url in visits:
        page = context.new_page()
        received: list[tuple[str, int]] = []

        def count(request: Request, received: list[tuple[str, int]] = received) -> None:
            if request.url.startswith("data:"):
                return
            sizes = request.sizes()
            received.append(
                (
                    urlsplit(request.url).path,
                    sizes["responseHeadersSize"] + sizes["responseBodySize"],
                )
            )

        page.on("requestfinished", count)
        page.goto(url, wait_until="commit")
        pages.append(page)
        counts.append(received)
    for page in pages:
        page.wait_for_load_state("networkidle")
        page.close()
    return [(sum(size for _, size in received), received) for received in counts]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_first_page_load_is_under_60_kb(
    lang: str, live_url: str, new_context: Callable[..., BrowserContext]
) -> None:
    setup = new_context().new_page()
    verdict = create_finished(setup.request, "Page weight", CUSTOMER_SERVICE_BOT, team="Support")
    draft = start(setup, "Page weight draft")
    pages = {
        "home": "/",
        "start": "/new",
        "step": f"/d/{draft}/task",
        "details": f"/d/{draft}/details",
        "verdict": f"/a/{verdict}",
        "history": "/assessments",
        "how we decide": "/how-we-decide",
        "error 404": "/no-such-page",
        "api docs": "/docs",
    }
    # /docs loads Swagger UI (about 450 KB) only when its button is pressed.
    report, over = [], []
    visits = []
    for path in pages.values():
        # A new context for each page: nothing cached, as for a first visit.
        context = new_context()
        context.add_cookies([{"name": "lang", "value": lang, "url": live_url}])
        visits.append((context, path))
    for name, (total, requests) in zip(pages, first_loads(visits), strict=True):
        report.append(
            f"{name:<14} {total / 1024:6.1f} KB  "
            + ", ".join(f"{p.rsplit('/', 1)[-1] or '/'} {s}" for p, s in requests)
        )
        if total > BUDGET or total == 0:
            over.append(name)
    print("\n".join(report))
    assert not over, "over the 60 KB budget:\n" + "\n".join(report)
