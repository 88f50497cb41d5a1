"""The JSON API exactly as QUESTIONNAIRE.md specifies it."""

import pytest
from bs4 import BeautifulSoup

from app import decision
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, count_assessments, html


def api_answers(form_answers: dict[str, str]) -> dict:
    answers = dict(form_answers)
    answers["baseline_accuracy"] = (
        int(answers["baseline_accuracy"]) if answers["baseline_accuracy"] else None
    )
    answers.setdefault("baseline_sample_size", None)
    return answers


def create(client, answers=REFUND_BOT, **extra):
    body = {
        "title": "Refund agent",
        "team": "Support",
        "notes": "",
        "answers": api_answers(answers),
        **extra,
    }
    return client.post("/api/v1/assessments", json=body)


def test_create_returns_201_with_id_url_and_verdict(client, app):
    response = create(client)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "url", "verdict", "manage_token"}
    assert len(body["id"]) == 43
    assert len(body["manage_token"]) == 43
    assert body["url"] == f"/a/{body['id']}"
    assert response.headers["location"] == body["url"]
    expected = decision.evaluate(api_answers(REFUND_BOT)).to_json("en")
    assert body["verdict"] == expected
    assert body["verdict"]["recommendation"] == "fine_tune"
    assert [r["recommendation"] for r in body["verdict"]["ranking"]] == [
        r["recommendation"] for r in expected["ranking"]
    ]
    assert len(body["verdict"]["ranking"]) == 6
    assert count_assessments(app) == 1
    assert client.get(body["url"]).status_code == 200


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_texts_follow_the_lang_parameter_and_keys_do_not(client, lang):
    response = client.post(
        f"/api/v1/assessments?lang={lang}",
        json={"title": "Specs", "answers": api_answers(PRODUCT_SPECS)},
    )
    verdict = response.json()["verdict"]
    expected = decision.evaluate(api_answers(PRODUCT_SPECS)).to_json(lang)
    assert verdict == expected
    assert verdict["recommendation"] == "rag"


def test_accept_language_chooses_the_language(client):
    response = client.post(
        "/api/v1/assessments",
        headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
        json={"title": "Specs", "answers": api_answers(PRODUCT_SPECS)},
    )
    assert response.json()["verdict"] == decision.evaluate(api_answers(PRODUCT_SPECS)).to_json("zh")


def test_invalid_answers_are_422_naming_each_field_and_store_nothing(client, app):
    answers = api_answers(REFUND_BOT)
    del answers["task_type"]
    answers["volume"] = "galactic"
    answers["baseline_accuracy"] = 101
    answers["mood"] = "happy"
    response = client.post(
        "/api/v1/assessments", json={"title": "", "answers": answers, "extra": 1}
    )
    assert response.status_code == 422
    problems = {(p["field"], p["code"]) for p in response.json()["detail"]}
    assert problems == {
        ("extra", "unknown_field"),
        ("title", "required"),
        ("answers.task_type", "required"),
        ("answers.baseline_accuracy", "out_of_range"),
        ("answers.volume", "unknown_option"),
        ("answers.mood", "unknown_question"),
    }
    assert all(p["message"] for p in response.json()["detail"])
    assert count_assessments(app) == 0


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', '{"title": "x", "answers": []}'])
def test_malformed_bodies_are_422(client, app, body):
    response = client.post(
        "/api/v1/assessments", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] in ("body", "answers")
    assert count_assessments(app) == 0


def test_booleans_and_strings_are_not_integers(client):
    for value in (True, "ninety", 95.5):
        answers = {**api_answers(REFUND_BOT), "baseline_accuracy": value}
        response = client.post("/api/v1/assessments", json={"title": "x", "answers": answers})
        assert response.status_code == 422, value
        assert response.json()["detail"][0]["field"] == "answers.baseline_accuracy"


def test_error_messages_follow_the_language(client):
    response = client.post("/api/v1/assessments?lang=zh", json={"title": "x", "answers": {}})
    first = response.json()["detail"][0]
    assert first["field"] == "answers.task_type"
    assert first["message"] == decision.validate_answers({})[1][0].message.zh


def test_read_one(client):
    created = create(client).json()
    response = client.get(f"/api/v1/assessments/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "url", "title", "team", "notes")} == {
        "id": created["id"],
        "url": created["url"],
        "title": "Refund agent",
        "team": "Support",
        "notes": "",
    }
    assert body["answers"] == api_answers(REFUND_BOT)
    assert body["verdict"] == created["verdict"]
    assert body["created_at"].endswith("+00:00")


def test_read_unknown_is_404_json(client):
    response = client.get("/api/v1/assessments/" + "z" * 43)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


@pytest.mark.storage
def test_list_filters_searches_and_pages(client):
    for n in range(3):
        create(client, title=f"Bot {n}")
    create(client, answers=PRODUCT_SPECS, title="Specs", team="Docs")
    body = client.get("/api/v1/assessments").json()
    assert [i["title"] for i in body["items"]] == ["Specs", "Bot 2", "Bot 1", "Bot 0"]
    assert body["counts"]["rag"] == 1 and body["counts"]["fine_tune"] == 3
    assert [i["title"] for i in client.get("/api/v1/assessments?q=docs").json()["items"]] == [
        "Specs"
    ]
    filtered = client.get("/api/v1/assessments?recommendation=fine_tune").json()
    assert [i["recommendation"] for i in filtered["items"]] == ["fine_tune"] * 3
    page1 = client.get("/api/v1/assessments?limit=3").json()
    assert len(page1["items"]) == 3 and page1["next_cursor"]
    page2 = client.get(f"/api/v1/assessments?limit=3&cursor={page1['next_cursor']}").json()
    assert [i["title"] for i in page2["items"]] == ["Bot 0"]
    assert page2["next_cursor"] is None


def test_list_rejects_bad_parameters(client):
    assert client.get("/api/v1/assessments?cursor=bogus").status_code == 422
    assert client.get("/api/v1/assessments?recommendation=magic").status_code == 422
    assert client.get("/api/v1/assessments?limit=0").status_code == 422


def test_openapi_documents_the_answer_keys(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert set(paths) >= {"/api/v1/assessments", "/api/v1/assessments/{id}", "/healthz"}
    body = paths["/api/v1/assessments"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert body == {"$ref": "#/components/schemas/AssessmentIn"}
    components = schema["components"]["schemas"]
    assert components["AssessmentIn"]["properties"]["answers"] == {
        "$ref": "#/components/schemas/Answers"
    }
    answers = components["Answers"]["properties"]
    assert list(answers) == list(decision.QUESTIONS)
    assert answers["task_type"]["enum"] == [o.key for o in decision.QUESTIONS["task_type"].options]


def test_docs_page_is_served_with_local_assets(client):
    response = client.get("/docs")
    assert response.status_code == 200
    page = html(response)
    scripts = [s["src"] for s in page.select("script[src]")]
    assert all(src.startswith("/static/") for src in scripts)
    # The explorer's large bundle waits in a <template> until the reader asks for it.
    deferred = BeautifulSoup(
        page.select_one("template#api-explorer-assets").decode_contents(), "html.parser"
    )
    assert deferred.select_one("script")["src"].startswith("/static/vendor/swagger-ui-bundle.js?v=")
    assert page.select_one("button[data-api-explorer]") is not None


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "rules_version": decision.RULES_VERSION}
