"""Every page's HTML, as the live server sends it, passes the Nu Html Checker (vnu).

vnu comes from the npm registry (package.json: vnu-jar) and runs on the machine's Java 17+. All
pages go to one vnu run, so the JVM starts once. htmx attributes are written `data-hx-*`, which
htmx reads the same way, so there is nothing to filter: any error fails the test.

htmx fragments are not checked on their own: they are the same templates as the whole pages,
which are.
"""

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from live_server import ROOT
from playwright.sync_api import APIRequestContext, BrowserContext
from wizard_flow import (
    CUSTOMER_SERVICE_BOT,
    NOISY_CLAIMS,
    PRODUCT_SPECS_QA,
    create_finished,
    step_answers,
)

from app.decision import STEP_KEYS

pytestmark = pytest.mark.e2e

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGS = ("en", "zh")
# A verdict with warnings, low confidence and the warning colours, besides the worked examples.
LOW_CONFIDENCE_DATA = {
    **CUSTOMER_SERVICE_BOT,
    "task_type": "extraction",
    "failure_mode": "format",
    "latency_need": "realtime",
    "needs_citations": "yes",
    "domain_language": "specialized",
    "example_count": "none",
    "edge_cases": "no",
    "synthetic_data": "unsure",
}


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "The HTML check needs Java 17 or later: `apt-get install -y "
            "default-jre-headless`. Or leave it out with `-m 'not e2e'`.",
            pytrace=False,
        )
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR.relative_to(ROOT)} is missing: run `make assets`.", pytrace=False)
    return [java, "-Xss2m", "-jar", str(VNU_JAR)]


def get(request: APIRequestContext, url: str, status: int = 200) -> str:
    response = request.get(url, max_redirects=0)
    assert response.status == status, (url, response.status)
    return response.text()


def post(request: APIRequestContext, url: str, form: dict[str, str], status: int) -> str:
    response = request.post(url, form=form, max_redirects=0)
    assert response.status == status, (url, response.status)
    return response.text()


def server_pages(request: APIRequestContext, empty_url: str) -> dict[str, str]:
    """The HTML of every page and state, by name: what a browser receives, byte for byte."""
    pages = {
        "home-empty": get(request, f"{empty_url}/"),
        "history-empty": get(request, f"{empty_url}/assessments"),
    }
    verdicts = {
        "fine-tune": CUSTOMER_SERVICE_BOT,
        "rag": PRODUCT_SPECS_QA,
        "improve-data": NOISY_CLAIMS,
        "low-confidence": LOW_CONFIDENCE_DATA,
    }
    for name, answers in verdicts.items():
        token = create_finished(
            request, f"HTML check: {name} <&> “quotes”", answers, team="Platform & Data"
        )
        pages[f"verdict-{name}"] = get(request, f"/a/{token}")

    # The manage view: for a visitor, then unlocked by the manage token, with a refused expiry.
    created = request.post(
        "/api/v1/assessments",
        data={"title": "HTML check: manage <&>", "answers": dict(CUSTOMER_SERVICE_BOT)},
    ).json()
    share, manage_token = created["id"], created["manage_token"]
    pages["manage-visitor"] = get(request, f"/a/{share}/manage")
    post(request, f"/a/{share}/manage", {"manage_token": manage_token}, 303)
    pages["manage"] = get(request, f"/a/{share}/manage")
    pages["verdict-manager"] = get(request, f"/a/{share}")
    pages["manage-expiry-errors"] = post(request, f"/a/{share}/expiry", {"days": "1"}, 422)
    post(request, f"/a/{share}/expiry", {"days": "30"}, 303)
    pages["manage-expiry-set"] = get(request, f"/a/{share}/manage?done=expiry")

    pages["start"] = get(request, "/new")
    pages["start-errors"] = post(request, "/new", {"title": ""}, 422)
    started = request.post("/new", form={"title": "HTML check: the wizard", "notes": "a\nb"})
    token = re.search(r"/d/([A-Za-z0-9_-]{43})/task$", started.url).group(1)
    for number, step in enumerate(STEP_KEYS, start=1):
        pages[f"step-{number}"] = get(request, f"/d/{token}/{step}")
        pages[f"step-{number}-errors"] = post(request, f"/d/{token}/{step}", {"nav": "next"}, 422)
        answers = {
            k: "" if v is None else str(v)
            for k, v in step_answers(step, CUSTOMER_SERVICE_BOT).items()
        }
        if step == "cost":  # the optional numbers, open and refused
            pages["step-3-numbers-errors"] = post(
                request,
                f"/d/{token}/{step}",
                {
                    **answers,
                    "costs.present": "1",
                    "costs.requests_per_day": "-1",
                    "costs.candidate.kind": "self_hosted",
                    "nav": "next",
                },
                422,
            )
        post(request, f"/d/{token}/{step}", {**answers, "nav": "next"}, 303)
    pages["step-1-answered"] = get(request, f"/d/{token}/{STEP_KEYS[0]}")
    pages["details"] = get(request, f"/d/{token}/details")
    pages["details-errors"] = post(request, f"/d/{token}/details", {"title": ""}, 422)
    pages["review"] = get(request, f"/d/{token}/review")

    pages["home"] = get(request, "/")
    pages["history"] = get(request, "/assessments")
    pages["history-filtered"] = get(request, "/assessments?q=HTML&recommendation=rag")
    pages["history-no-match"] = get(request, "/assessments?q=nothing-matches-this")
    pages["how-we-decide"] = get(request, "/how-we-decide")
    pages["costs"] = get(request, "/costs")
    pages["costs-errors"] = post(request, "/costs", {}, 422)
    example = {
        "requests_per_day": "100000",
        "input_tokens": "1500",
        "output_tokens": "300",
        "current.model": "openai/gpt-4o",
        "candidate.kind": "self_hosted",
        "candidate.gpu_per_hour": "2",
        "candidate.tokens_per_second": "1000",
        "candidate.utilization": "25",
        "one_time.kind": "amount",
        "one_time_cost": "5000",
        "current.accuracy": "97",
        "error_cost": "0.5",
    }
    pages["costs-results"] = post(request, "/costs", example, 200)
    pages["api-docs"] = get(request, "/docs")
    pages["error-404"] = get(request, "/no-such-page", 404)
    pages["error-400"] = get(request, "/assessments?cursor=not-a-cursor", 400)
    return pages


def run_vnu(vnu: list[str], args: list[str]) -> list[dict]:
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--stdout", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        pytest.fail(f"vnu did not run (exit {result.returncode}):\n{result.stderr}", pytrace=False)
    return json.loads(result.stdout)["messages"]


def readable(messages: list[dict], root: Path) -> str:
    lines = []
    for m in messages:
        where = Path(m.get("url", "").removeprefix("file:")).name or "?"
        lines.append(
            f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', '?')}: "
            f"{m['type']}: {m['message']}\n    {m.get('extract', '').strip()}"
        )
    return "\n".join(lines)


def test_every_page_is_valid_html(
    vnu: list[str], empty_url: str, tmp_path: Path, new_context: Callable[..., BrowserContext]
) -> None:
    files = []
    for lang in LANGS:
        context = new_context()
        context.add_cookies([{"name": "lang", "value": lang, "url": empty_url}])
        for name, text in server_pages(context.request, empty_url).items():
            assert text.lstrip().lower().startswith("<!doctype html>"), name
            path = tmp_path / f"{lang}-{name}.html"
            path.write_text(text, encoding="utf-8")
            files.append(path)
    messages = run_vnu(vnu, ["--html", *map(str, files)])
    if messages:
        pytest.fail(
            f"vnu: {len(messages)} error(s) in {len(files)} pages:\n"
            + readable(messages, tmp_path),
            pytrace=False,
        )


def test_the_stylesheet_is_valid_css(vnu: list[str]) -> None:
    sheets = [str(ROOT / "static" / "css" / name) for name in ("app.css", "wizard.css")]
    messages = run_vnu(vnu, ["--css", *sheets])
    if messages:
        pytest.fail("vnu, CSS:\n" + readable(messages, ROOT), pytrace=False)
