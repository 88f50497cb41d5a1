"""POST /api/v1/costs and POST /api/v1/training-estimate take typed bodies (CostsIn and
TrainingEstimateIn, app/web/bodies.py), as every other JSON route does: /openapi.json takes their
schemas from those models, and a refused body gets the 422 it got when the two routes read their
bodies themselves, word for word in en and zh, whatever the Content-Type; nothing is stored."""

import json

import pytest
from sqlalchemy import func, inspect, select, table

from app.training import api_input
from app.web.bodies import JSONBodyRoute
from app.web.cost_schemas import CostsIn
from app.web.routes import costs as cost_routes
from app.web.routes import training
from app.web.routes.training import TrainingEstimateIn
from tests.training.test_training import ESTIMATE, RUN
from tests.unit.test_cost_formulas import EXAMPLE

COSTS = "/api/v1/costs"
COST = EXAMPLE  # the issue's example, as the cost formulas' tests take it


def changed(base: dict, key: str, literal: str) -> str:
    """`base` as JSON with `key`'s value written as `literal` (NaN, 1e309: not JSON Python makes)."""
    return json.dumps({**base, key: "__value__"}).replace('"__value__"', literal)


def problem(field: str, code: str, en: str, zh: str) -> dict[str, dict[str, str]]:
    return {
        lang: {"field": field, "code": code, "message": message}
        for lang, message in (("en", en), ("zh", zh))
    }


# The parser's refusals, the same for both routes.
INVALID_JSON = problem(
    "body", "invalid_json", "The body is not valid JSON.", "请求体不是有效的 JSON。"
)
NOT_OBJECT = problem("body", "not_object", "This must be a JSON object.", "此处必须是 JSON 对象。")
TOO_DEEP = problem(
    "body",
    "too_deep",
    "The body is nested too deeply: objects and lists go at most 16 levels deep.",
    "请求体嵌套过深：对象和列表最多嵌套 16 层。",
)
TOO_LARGE = problem(
    "body",
    "number_too_large",
    "A number in the body is too long: integers have at most 20 digits.",
    "请求体中的数字过长：整数最多 20 位。",
)
PARSER = {
    "empty body": ("", [INVALID_JSON]),
    "invalid JSON": ("{", [INVALID_JSON]),
    "an array": ("[1, 2]", [NOT_OBJECT]),
    "null": ("null", [NOT_OBJECT]),
    "nested too deep": ('{"a": ' + "[" * 20 + "]" * 20 + "}", [TOO_DEEP]),
}

TOKENS_RANGE = problem(
    "tokens",
    "out_of_range",
    "This must be between 1 and 1,000,000,000,000.",
    "必须在 1 到 1,000,000,000,000 之间。",
)
NOT_FINITE = problem(
    "params_b",
    "not_finite",
    "This must be a finite number (not NaN or infinity).",
    "必须是有限的数字（不能是 NaN 或无穷大）。",
)
UNKNOWN_RUN_FIELD = {
    "en": "Unknown field: the body takes params_b, method, gpu, gpus, seq_len, micro_batch, "
    "grad_accum, tokens and epochs.",
    "zh": "未知字段：请求体只接受 params_b、method、gpu、gpus、seq_len、micro_batch、grad_accum、"
    "tokens 和 epochs。",
}
ESTIMATE_CASES = {
    **PARSER,
    "unknown GPU": (
        json.dumps({**RUN, "gpu": "tpu-v5"}),
        [
            problem(
                "gpu",
                "unknown_gpu",
                "Unknown GPU: GET /api/v1/training-estimate lists the GPU keys.",
                "未知的 GPU：GET /api/v1/training-estimate 会列出 GPU 的键名。",
            )
        ],
    ),
    "negative tokens": (json.dumps({**RUN, "tokens": -5}), [TOKENS_RANGE]),
    "too many tokens": (json.dumps({**RUN, "tokens": 10**13}), [TOKENS_RANGE]),
    "NaN": (changed(RUN, "params_b", "NaN"), [NOT_FINITE]),
    "1e309": (changed(RUN, "params_b", "1e309"), [NOT_FINITE]),
    "21 digits": (changed(RUN, "tokens", "9" * 21), [TOO_LARGE]),
    "a string for a number": (
        json.dumps({**RUN, "seq_len": "2048"}),
        [
            problem(
                "seq_len",
                "not_integer",
                "This must be a whole number between 64 and 262,144.",
                "必须是 64 到 262,144 之间的整数。",
            )
        ],
    ),
    "extra fields": (
        json.dumps({**RUN, "colour": "red", "size": 3}),
        [
            {
                lang: {"field": field, "code": "unknown_field", "message": text}
                for lang, text in UNKNOWN_RUN_FIELD.items()
            }
            for field in ("colour", "size")
        ],
    ),
    "nothing given": (
        "{}",
        [
            problem(field, "required", "This field is required.", "此字段必填。")
            for field in ("params_b", "method", "gpu", "tokens")
        ],
    ),
}

REQUESTS_NOT_NUMBER = problem(
    "requests_per_day",
    "not_number",
    "Enter a number above 0 and at most 10,000,000,000.",
    "请输入大于 0、不超过 10,000,000,000 的数。",
)
REQUESTS_RANGE = problem(
    "requests_per_day",
    "out_of_range",
    "Enter a number above 0 and at most 10,000,000,000.",
    "请输入大于 0、不超过 10,000,000,000 的数。",
)
COST_CASES = {
    **PARSER,
    "negative tokens": (
        json.dumps({**COST, "input_tokens": -5}),
        [
            problem(
                "input_tokens",
                "out_of_range",
                "Enter a number from 0 to 10,000,000.",
                "请输入 0 到 10,000,000 之间的数。",
            )
        ],
    ),
    "NaN": (changed(COST, "requests_per_day", "NaN"), [REQUESTS_NOT_NUMBER]),
    "1e309": (changed(COST, "requests_per_day", "1e309"), [REQUESTS_RANGE]),
    "a huge number": (json.dumps({**COST, "requests_per_day": 1e30}), [REQUESTS_RANGE]),
    "21 digits": (changed(COST, "requests_per_day", "9" * 21), [TOO_LARGE]),
    "a string for a number": (
        json.dumps({**COST, "requests_per_day": "100000"}),
        [REQUESTS_NOT_NUMBER],
    ),
    "an extra field": (
        json.dumps({**COST, "colour": "red"}),
        [
            problem(
                "colour",
                "unknown_field",
                "Unknown field: this object takes requests_per_day, input_tokens, output_tokens, "
                "current, candidate, one_time_cost, training, error_cost, cached_input_share, "
                "batch_share.",
                "未知字段：这里只接受 requests_per_day, input_tokens, output_tokens, current, "
                "candidate, one_time_cost, training, error_cost, cached_input_share, batch_share。",
            )
        ],
    ),
    "an array for an object": (
        json.dumps({**COST, "current": [1]}),
        [problem("current", "not_object", "This must be a JSON object.", "这里必须是 JSON 对象。")],
    ),
}
CASES = [(ESTIMATE, name, *case) for name, case in ESTIMATE_CASES.items()] + [
    (COSTS, name, *case) for name, case in COST_CASES.items()
]


def rows(app) -> dict[str, int]:
    """Every table's row count."""
    engine = app.state.db.engine
    names = inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            name: connection.scalar(select(func.count()).select_from(table(name))) for name in names
        }


@pytest.mark.parametrize(
    ("path", "name", "body", "expected"), CASES, ids=[f"{c[0]} {c[1]}" for c in CASES]
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_body_gets_the_same_422_as_before(client, app, path, name, body, expected, lang):
    before = rows(app)
    for headers in ({"Content-Type": "application/json"}, {}, {"Content-Type": "text/plain"}):
        response = client.post(f"{path}?lang={lang}", content=body.encode(), headers=headers)
        assert response.status_code == 422, (name, headers)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"detail": [each[lang] for each in expected]}, (name, headers)
    assert rows(app) == before


@pytest.mark.parametrize(("path", "body"), [(ESTIMATE, RUN), (COSTS, COST)])
def test_a_good_body_is_still_answered(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 200
    answer = response.json()
    if path == COSTS:
        assert (answer["current_monthly"], answer["candidate_monthly"]) == (24_750.0, 1_080.0)
    else:
        assert answer["optimizer_steps"] == 62 and answer["fits"] is True


@pytest.mark.parametrize(
    ("router", "path", "body", "documented"),
    [
        (cost_routes.api_router, COSTS, CostsIn, CostsIn),
        (training.api_router, ESTIMATE, TrainingEstimateIn, api_input.TrainingEstimateIn),
    ],
)
def test_openapi_takes_the_request_body_from_the_model(client, router, path, body, documented):
    [route] = [r for r in router.routes if r.path == path and "POST" in r.methods]
    # The body is the route's typed parameter, read by the one parser; no hand-written schema.
    assert isinstance(route, JSONBodyRoute) and route.openapi_extra is None
    assert route.body_field.field_info.annotation is body
    document = client.get("/openapi.json").json()
    name = body.__name__
    assert document["paths"][path]["post"]["requestBody"] == {
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        "required": True,
    }
    # The estimate documents the domain model that validates it, the same schema as before.
    schema = documented.model_json_schema(ref_template="#/components/schemas/{model}")
    for nested, part in schema.pop("$defs", {}).items():
        assert document["components"]["schemas"][nested] == part
    assert document["components"]["schemas"][name] == schema


def test_the_estimates_body_model_is_the_domain_model_checked():
    assert (
        TrainingEstimateIn.model_json_schema() == api_input.TrainingEstimateIn.model_json_schema()
    )
    run = TrainingEstimateIn.model_validate({**RUN, "gpus": 2})
    assert (
        run.workload() == api_input.TrainingEstimateIn.model_validate({**RUN, "gpus": 2}).workload()
    )
