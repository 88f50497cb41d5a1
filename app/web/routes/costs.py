"""What it costs: POST /api/v1/costs, and the calculator page. Nothing here is stored."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app import costs
from app.web import cost_views
from app.web.cost_schemas import CostsOut
from app.web.deps import LangDep
from app.web.forms import field_errors
from app.web.routes.api import json_object
from app.web.templating import render

api_router = APIRouter(prefix="/api/v1", tags=["costs"])
router = APIRouter(include_in_schema=False)

# The worked example of issue 11, offered on the calculator as a starting point.
EXAMPLE_FORM = {
    "requests_per_day": "100000",
    "input_tokens": "1500",
    "output_tokens": "300",
    "current.model": "",
    "current.input_per_million": "2.5",
    "current.output_per_million": "15",
    "current.accuracy": "97",
    "candidate.kind": "tokens",
    "candidate.input_per_million": "0.2",
    "candidate.output_per_million": "0.2",
    "one_time.kind": "amount",
    "one_time_cost": "5000",
    "error_cost": "0.5",
}


@api_router.post(
    "/costs",
    response_model=CostsOut,
    responses={422: {"description": "Each offending field, named (`current.utilization`, ...)."}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CostsIn"}}},
        }
    },
)
async def compute_costs(request: Request, lang: LangDep) -> Any:
    """Monthly cost of the current model and of the fine-tuned candidate, the saving, the payback
    of the one-time cost, cost per 1,000 requests, 12 months of cumulative cost and the break-even
    accuracy. A month is 30 days; money is US dollars. Nothing is stored."""
    # The same parser, depth and digit limits as every other JSON route.
    body, refusal = await json_object(request, lang)
    if refusal is not None:
        return refusal
    inputs, errors = costs.parse_costs(body)
    if errors:
        return JSONResponse({"detail": [error.to_dict(lang) for error in errors]}, status_code=422)
    view = cost_views.cost_view(inputs)
    return JSONResponse(cost_views.results_record(view, lang))


def render_calculator(
    request: Request,
    values: dict[str, str],
    *,
    view=None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = request.state.lang
    return render(
        request,
        "costs/calculator.html",
        {
            "values": values,
            "errors": errors or {},
            "cost": view,
            "prices": costs.price_table(),
            "anchors": cost_views.summary_anchors(),
            "labels": cost_views.summary_labels(lang),
        },
        status_code=status_code,
        block="calculator",
    )


@router.get("/costs", response_class=HTMLResponse)
def show_calculator(request: Request, example: bool = False) -> Response:
    return render_calculator(request, dict(EXAMPLE_FORM) if example else {})


@router.post("/costs", response_class=HTMLResponse)
async def calculate_costs(request: Request, lang: LangDep) -> Response:
    """The figures on the same page: nothing is stored, so there is nothing to redirect to."""
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    inputs, errors = costs.parse_form(form, costs.price_table())
    if errors:
        return render_calculator(request, form, errors=field_errors(errors, lang), status_code=422)
    return render_calculator(request, form, view=cost_views.cost_view(inputs))
