"""The third wave's optional questions over HTTP: asked in the wizard with help text in both
languages, optional in the API (omitted = "not sure"), and the method on the verdict page."""

from __future__ import annotations

from app import decision
from tests.helpers import REFUND_BOT, answer_all, html, start

NEW = {
    "verifiable_outputs": "task",
    "strongest_model_tried": "accuracy",
    "knowledge_volume": "knowledge",
    "knowledge_form": "knowledge",
}
OLD_KEYS = [k for k in REFUND_BOT if k not in NEW]


def test_the_wizard_asks_each_new_question_optionally_with_its_help(client):
    token = start(client)
    answer_all(client, token, REFUND_BOT)  # every step reached
    for lang in ("en", "zh"):
        for key, step in NEW.items():
            page = html(client.get(f"/d/{token}/{step}?lang={lang}"))
            question = decision.QUESTIONS[key]
            fieldset = page.select_one(f"#field-{key}")

            assert fieldset.select_one("legend").get_text(strip=True) == question.label.get(lang)
            assert fieldset.get("aria-required") is None
            assert (
                page.select_one(f"#help-{key}")
                .get_text(" ", strip=True)
                .startswith(question.help.get(lang)[:20])
            )
            assert [i["value"] for i in fieldset.select("input[type=radio]")] == list(
                question.option_keys
            )


def test_the_api_takes_answers_without_the_new_questions_as_not_sure(client):
    answers = {k: REFUND_BOT[k] for k in OLD_KEYS}
    answers["baseline_accuracy"] = 95

    response = client.post("/api/v1/assessments", json={"title": "Old client", "answers": answers})

    assert response.status_code == 201, response.text
    stored = client.get(f"/api/v1/assessments/{response.json()['id']}").json()["answers"]
    assert {k: stored[k] for k in NEW} == {k: "unsure" for k in NEW}


def test_an_unknown_option_of_a_new_question_is_a_422_naming_it(client):
    answers = {**{k: REFUND_BOT[k] for k in OLD_KEYS}, "baseline_accuracy": 95}
    answers["knowledge_volume"] = "enormous"

    response = client.post("/api/v1/assessments", json={"title": "Bad", "answers": answers})

    assert response.status_code == 422
    assert "knowledge_volume" in response.text


def test_a_fine_tune_verdict_page_names_its_method_with_sources(client):
    answers = {**{k: REFUND_BOT[k] for k in OLD_KEYS}, "baseline_accuracy": 95}
    answers.update(baseline_sample_size=400, strongest_model_tried="yes")
    created = client.post("/api/v1/assessments", json={"title": "Bot", "answers": answers}).json()

    assert (created["verdict"]["recommendation"], created["verdict"]["method"]) == (
        "fine_tune",
        "lora_sft",
    )
    for lang in ("en", "zh"):
        page = html(client.get(f"{created['url']}?lang={lang}"))
        section = page.select_one("section.method")
        method = decision.METHODS_BY_KEY["lora_sft"]
        assert section.select_one("h2").get_text(strip=True).endswith(method.label.get(lang))
        assert section.select_one("p").get_text(strip=True) == method.reason.get(lang)
        assert [a["href"] for a in section.select("a.source")] == [s.url for s in method.sources]


def test_the_exports_carry_the_method(client):
    answers = {**{k: REFUND_BOT[k] for k in OLD_KEYS}, "baseline_accuracy": 95}
    answers.update(baseline_sample_size=400, strongest_model_tried="yes")
    token = client.post("/api/v1/assessments", json={"title": "Bot", "answers": answers}).json()[
        "id"
    ]
    method = decision.METHODS_BY_KEY["lora_sft"]

    markdown = client.get(f"/a/{token}/export.md?lang=zh").text
    exported = client.get(f"/a/{token}/export.json?lang=en").json()

    assert f"## 方法：{method.label.zh}" in markdown.splitlines()
    assert method.reason.zh in markdown
    assert exported["verdict"]["method"] == "lora_sft"
    assert exported["verdict"]["method_reason"] == method.reason.en
