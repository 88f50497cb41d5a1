"""The API's body models validate with the domain's checks and say what is wrong in the API's
shape; the parser bounds what it reads. No app: the models and functions are called directly."""

import pytest
from pydantic import ValidationError

from app.training import api_input
from app.web.bodies import JSONRefused, parse_json, problems_of
from app.web.cost_schemas import CostsIn
from app.web.routes.api import AssessmentIn, CommentIn, ExpiryIn, StatusIn
from app.web.routes.owners import AcceptIn, KeyIn
from app.web.routes.training import TrainingEstimateIn
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT


def refusal(model, value, lang="en") -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(value)
    [error] = raised.value.errors()
    return [problem.to_dict(lang) for problem in problems_of(error)]


def test_parse_json_bounds_depth_numbers_and_text():
    assert parse_json(b'{"a": [1, {"b": "c"}]}') == {"a": [1, {"b": "c"}]}
    assert parse_json(b"[" * 16 + b"]" * 16) == [[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]
    cases = {
        b"[" * 17 + b"]" * 17: ("too_deep", "body"),
        b"[" * 30000 + b"]" * 30000: ("too_deep", "body"),
        b'{"n": ' + b"9" * 21 + b"}": ("number_too_large", "body"),
        b'{"title": "a\\u0000b"}': ("invalid_text", "title"),
        b'{"answers": {"task_type": "\\ud800"}}': ("invalid_text", "answers.task_type"),
        b'{"\\ud800": 1}': ("invalid_text", "body"),
        b"{not json": ("invalid_json", "body"),
        b"": ("invalid_json", "body"),
        b"\xff": ("invalid_json", "body"),
    }
    for raw, (code, field) in cases.items():
        with pytest.raises(JSONRefused) as refused:
            parse_json(raw)
        assert (refused.value.code, refused.value.field) == (code, field), raw[:40]
    assert parse_json(b'{"n": ' + b"9" * 20 + b"}") == {"n": int("9" * 20)}


def test_a_parser_refusal_and_a_non_object_are_the_models_problems():
    assert refusal(StatusIn, JSONRefused("too_deep")) == [
        {
            "field": "body",
            "code": "too_deep",
            "message": "The body is nested too deeply: objects and lists go at most 16 levels deep.",
        }
    ]
    assert refusal(CommentIn, ["Ana", "hi"]) == [
        {"field": "body", "code": "not_object", "message": "This must be a JSON object."}
    ]


def test_assessment_problems_come_in_the_bodys_order_with_the_engines_messages():
    problems = refusal(
        AssessmentIn, {"colour": "red", "title": "", "team": "t" * 101, "answers": []}
    )
    assert [(p["field"], p["code"]) for p in problems] == [
        ("colour", "unknown_field"),
        ("title", "required"),
        ("team", "too_long"),
        ("answers", "not_object"),
    ]
    assert problems[2]["message"] == "Keep this to 100 characters or fewer."


def test_a_valid_assessment_carries_what_the_use_case_takes():
    body = AssessmentIn.model_validate({"title": "  Refund bot\n", "answers": CUSTOMER_SERVICE_BOT})
    assert body.meta == {"title": "  Refund bot ", "team": "", "notes": ""}
    assert body._answers == CUSTOMER_SERVICE_BOT
    assert body._cost_inputs is None


def test_status_expiry_comment_key_and_accept_bodies():
    assert StatusIn.model_validate({"status": "accepted", "reason": "ok"}).reason == "ok"
    assert [(p["field"], p["code"]) for p in refusal(StatusIn, {"status": "done", "x": 1})] == [
        ("x", "unknown_status_field"),
        ("status", "invalid_status"),
    ]
    assert ExpiryIn.model_validate({"days": 30}).days == 30
    assert ExpiryIn.model_validate({"days": None}).days is None
    for bad in ({"days": 31}, {"days": True}, {"days": 30, "x": 1}, {}, [30]):
        assert [p["code"] for p in refusal(ExpiryIn, bad)] == ["invalid_expiry"], bad
    comment = CommentIn.model_validate({"author": " Ana ", "text": "Looks right"})
    assert (comment.author, comment.text) == ("Ana", "Looks right")
    assert [(p["field"], p["code"]) for p in refusal(CommentIn, {"author": "", "text": 5})] == [
        ("author", "author_required"),
        ("text", "not_text"),
    ]
    assert KeyIn.model_validate({"label": " Ana "}).label == "Ana"
    assert [p["code"] for p in refusal(KeyIn, {"label": "", "x": 1})] == ["unknown_key_field"]
    assert [p["code"] for p in refusal(KeyIn, {"label": "  "})] == ["label_required"]
    assert AcceptIn.model_validate({}).reason == ""
    assert [p["code"] for p in refusal(AcceptIn, {"reason": "r" * 501})] == ["reason_too_long"]


def test_messages_follow_the_readers_language():
    [english] = refusal(StatusIn, {"status": "done"})
    [chinese] = refusal(StatusIn, {"status": "done"}, lang="zh")
    assert english["code"] == chinese["code"] == "invalid_status"
    assert chinese["message"] != english["message"]


RUN = {"params_b": 7, "method": "lora", "gpu": "a100-80gb", "tokens": 1_000_000}
COSTS = {
    "requests_per_day": 100_000,
    "input_tokens": 1_500,
    "output_tokens": 300,
    "current": {"input_per_million": 2.5, "output_per_million": 15},
    "candidate": {"input_per_million": 0.2, "output_per_million": 0.2},
}


def test_costs_body_checks_with_parse_costs_and_carries_the_inputs():
    inputs = CostsIn.model_validate(COSTS).inputs
    assert (inputs.requests_per_day, inputs.current.output_per_million) == (100_000, 15)
    assert inputs.candidate.input_per_million == 0.2
    problems = refusal(CostsIn, {"requests_per_day": -1, "x": 1, "current": [], "candidate": {}})
    assert [(p["field"], p["code"]) for p in problems] == [
        ("x", "unknown_field"),
        ("requests_per_day", "out_of_range"),
        ("input_tokens", "required"),
        ("output_tokens", "required"),
        ("current", "not_object"),
        ("candidate.input_per_million", "required"),
        ("candidate.output_per_million", "required"),
    ]
    assert problems[1]["message"] == "Enter a number above 0 and at most 10,000,000,000."
    assert refusal(CostsIn, JSONRefused("invalid_json"), "zh") == [
        {"field": "body", "code": "invalid_json", "message": "请求体不是有效的 JSON。"}
    ]


def test_estimate_body_checks_with_the_domain_model_and_words_its_errors():
    run = TrainingEstimateIn.model_validate({**RUN, "epochs": 2.5})
    assert (
        run.workload()
        == api_input.TrainingEstimateIn.model_validate({**RUN, "epochs": 2.5}).workload()
    )
    assert (run.epochs, run.seq_len) == (2.5, 2048)
    problems = refusal(
        TrainingEstimateIn, {**RUN, "gpu": "tpu", "gpus": 1.5, "epochs": float("nan"), "x": 1}
    )
    assert [(p["field"], p["code"]) for p in problems] == [
        ("gpu", "unknown_gpu"),
        ("gpus", "not_integer"),
        ("epochs", "not_finite"),
        ("x", "unknown_field"),
    ]
    assert problems[1]["message"] == "This must be a whole number between 1 and 64."
    assert refusal(TrainingEstimateIn, [RUN], "zh") == [
        {"field": "body", "code": "not_object", "message": "此处必须是 JSON 对象。"}
    ]
