"""Issue 21, point 8: share tokens leave query strings, and the access log shows none of them.

The comparison lives at /compare/{a}/{b}, a path the log masking knows; the history's form posts
its picks; old links (?a=&b=, ?pick=) are redirected, and their query strings are masked too.
Read from the access log of a live uvicorn, as an operator would read it.
"""

import httpx2 as httpx
import pytest

from app.web.logs import mask_tokens
from tests.e2e.live_server import live_server
from tests.helpers import PRODUCT_SPECS, REFUND_BOT

A = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
B = "ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-zyxwv"


@pytest.mark.parametrize(
    "text,masked",
    [
        (f"GET /compare/{A}/{B} HTTP/1.1", "GET /compare/AbCd…/ZyXw… HTTP/1.1"),
        (f"GET /compare?a={A}&b={B} HTTP/1.1", "GET /compare?a=AbCd…&b=ZyXw… HTTP/1.1"),
        (f"GET /compare?pick={A}&pick={B}", "GET /compare?pick=AbCd…&pick=ZyXw…"),
        (
            f"/sign-in?next=%2Fcompare%3Fa%3D{A}%26b%3D{B}",
            "/sign-in?next=%2Fcompare%3Fa%3DAbCd…%26b%3DZyXw…",
        ),
        (f"/sign-in?next=%2Fcompare%2F{A}%2F{B}", "/sign-in?next=%2Fcompare%2FAbCd…%2FZyXw…"),
        # Short values of other parameters are left alone.
        ("/assessments?q=abc&a=1", "/assessments?q=abc&a=1"),
    ],
)
def test_mask_tokens_knows_comparisons(text, masked):
    assert mask_tokens(text) == masked


@pytest.mark.slow  # a live server
def test_comparing_leaves_no_share_token_in_the_access_log(tmp_path):
    with live_server(tmp_path, env={"APP_LOG_LEVEL": "info"}) as base:
        with httpx.Client(base_url=base) as client:
            a, b = (
                client.post(
                    "/api/v1/assessments",
                    json={"title": title, "answers": {**answers, "baseline_accuracy": 95}},
                ).json()["id"]
                for title, answers in (("One", REFUND_BOT), ("Two", PRODUCT_SPECS))
            )
            assert client.get(f"/compare/{a}/{b}").status_code == 200
            picked = client.post("/compare", data={"pick": [a, b]})
            assert (picked.status_code, picked.headers["location"]) == (303, f"/compare/{a}/{b}")
            for old in (f"/compare?a={a}&b={b}", f"/compare?pick={a}&pick={b}"):
                moved = client.get(old)
                assert (moved.status_code, moved.headers["location"]) == (303, f"/compare/{a}/{b}")
    log = next(tmp_path.glob("uvicorn-*.log")).read_text()
    access = [line for line in log.splitlines() if "/compare" in line]
    for token in (a, b):
        assert token[4:] not in log and token[4:12] not in log
    a4, b4 = a[:4], b[:4]
    assert [line.split('"')[1] for line in access] == [
        f"GET /compare/{a4}…/{b4}… HTTP/1.1",
        "POST /compare HTTP/1.1",
        f"GET /compare?a={a4}…&b={b4}… HTTP/1.1",
        f"GET /compare?pick={a4}…&pick={b4}… HTTP/1.1",
    ]
