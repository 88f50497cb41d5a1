"""A dataset check attached through the API: POST /api/v1/datasets/check keeps its profile under
an id, and POST /api/v1/assessments takes it as `dataset_check`, as the wizard's data step attaches
a check. Preference pairs could not reach a verdict through the API before: a team with 3,000
chosen/rejected pairs got LoRA SFT."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import pytest

from tests.dataset_files import jsonl, sentence
from tests.helpers import REFUND_BOT, count_assessments
from tests.training.test_training import api_answers

BODY = {"title": "Brand voice", "answers": api_answers(REFUND_BOT)}


def preference_pairs(n: int = 400, seed: int = 21) -> bytes:
    rng = random.Random(seed)
    return jsonl(
        {
            "prompt": sentence(rng, 8, 20),
            "chosen": sentence(rng, 10, 30),
            "rejected": sentence(rng, 10, 30),
        }
        for _ in range(n)
    )


def checked(client, data: bytes) -> dict:
    response = client.post(
        "/api/v1/datasets/check", files={"file": ("pairs.jsonl", data, "application/jsonl")}
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.storage
def test_an_attached_preference_check_leads_to_preference_tuning(client, app) -> None:
    report = checked(client, preference_pairs())
    assert report["format"] == "preference" and report["valid"] == 400
    without = client.post("/api/v1/assessments", json=BODY).json()
    assert without["verdict"]["method"] == "lora_sft"
    made = client.post("/api/v1/assessments", json={**BODY, "dataset_check": report["id"]})
    assert made.status_code == 201, made.text
    verdict = made.json()["verdict"]
    assert (verdict["recommendation"], verdict["method"]) == ("fine_tune", "preference_tuning")
    plan = client.get(f"/api/v1/assessments/{made.json()['id']}/plan").json()
    assert plan["method"]["key"] == "preference_tuning"
    # Sized from what was measured: the check's own counts.
    assert plan["tokens"]["source"] == "measured"
    assert plan["tokens"]["examples"] == {"low": 400, "high": 400}
    assert plan["tokens"]["tokens_per_epoch"]["low"] == report["tokens"]["total"]


@pytest.mark.storage
def test_an_unknown_or_malformed_check_is_refused_and_nothing_is_stored(client, app) -> None:
    before = count_assessments(app)
    for value, code in (("no-such-check", "unknown_check"), (42, "not_text")):
        response = client.post("/api/v1/assessments", json={**BODY, "dataset_check": value})
        assert response.status_code == 422, response.text
        (detail,) = response.json()["detail"]
        assert (detail["field"], detail["code"]) == ("dataset_check", code)
    zh = client.post("/api/v1/assessments?lang=zh", json={**BODY, "dataset_check": "nope"}).json()
    assert zh["detail"][0]["message"].startswith("没有 id 为此的数据集检查")
    assert count_assessments(app) == before


def test_a_draft_s_own_check_cannot_be_attached_by_id(client, app) -> None:
    # A check run from a draft belongs to that draft (the wizard attaches it there only).
    draft = client.post("/new", data={"title": "Draft"}, follow_redirects=False)
    token = urlsplit(draft.headers["location"]).path.split("/")[2]
    page = client.post(
        "/datasets/check",
        data={"draft": token},
        files={"file": ("pairs.jsonl", preference_pairs(50), "application/jsonl")},
        follow_redirects=False,
    )
    assert page.status_code == 303, page.text[:300]
    location = urlsplit(page.headers["location"]).path
    assert location.startswith(f"/d/{token}/data/checks/")  # the draft's own check
    response = client.post(
        "/api/v1/assessments", json={**BODY, "dataset_check": location.split("/")[-1]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "unknown_check"
