"""What it costs: POST /api/v1/costs, and the calculator page.

The calculator stores nothing: its results have a stable URL (the numbers in the query), and one
click carries them into a draft assessment (POST /costs/draft), new or the one it came from.
"""

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app import assessments, costs
from app.web import cost_views, htmx
from app.web.bodies import JSONBodyRoute
from app.web.cost_schemas import CostsIn, CostsOut
from app.web.deps import DatabaseDep, LangDep, TodayDep, today
from app.web.drafts import remember_draft
from app.web.forms import field_errors, meta_errors
from app.web.i18n import N_, translate
from app.web.templating import render

# The wizard step whose form carries the cost numbers (app/web/routes/wizard.py).
COST_STEP = "cost"

# The body is read by the one JSON parser and checked by CostsIn (app/web/bodies.py).
api_router = APIRouter(prefix="/api/v1", tags=["costs"], route_class=JSONBodyRoute)
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
)
async def compute_costs(body: CostsIn, lang: LangDep, day: TodayDep) -> Any:
    """Monthly cost of the current model and of the fine-tuned candidate, the saving, the payback
    of the one-time cost, cost per 1,000 requests, 12 months of cumulative cost and the break-even
    accuracy. A month is 30 days; money is US dollars. Nothing is stored. A model named from the
    price table that retires, or whose provider takes no new fine-tuning jobs, gets a dated
    warning (`model_warnings`), and the cumulative cost stops before the earlier retirement
    (`projection_end`)."""
    view = cost_views.cost_view(body.inputs, today=day)
    return JSONResponse(cost_views.results_record(view, lang))


def draft_for(db: Any, token: str | None) -> Any:
    """The open draft a calculator link names (`?draft=`), or None: unknown or finished ones are
    ignored, so an old link still shows its numbers."""
    if not token:
        return None
    try:
        draft = assessments.get(db, token)
    except assessments.NotFound:
        return None
    return None if draft.is_finished else draft


def draft_numbers(draft: Any) -> dict[str, str] | None:
    """The cost numbers a draft saved, as the calculator's form values; None if it has none."""
    if draft is None or not draft.cost_inputs:
        return None
    inputs, _ = costs.parse_costs(draft.cost_inputs)
    return None if inputs is None else costs.form_values(inputs)


def render_calculator(
    request: Request,
    values: dict[str, str],
    *,
    view=None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    draft: Any = None,
) -> Response:
    lang = request.state.lang
    headers: dict[str, str] = {}
    token = draft.share_token if draft is not None else ""
    if htmx.is_htmx(request) and view is not None:
        # The address bar shows the results' stable link, as a GET without htmx would.
        query = cost_views.calculator_query(values, draft=token)
        htmx.push_url(headers, f"{request.url_for('show_calculator')}?{query}")
    return render(
        request,
        "costs/calculator.html",
        {
            "values": values,
            "errors": errors or {},
            "cost": view,
            "prices": costs.price_table(),
            "anchors": {**cost_views.summary_anchors(), "title": "cost-carry-title"},
            "labels": {
                **cost_views.summary_labels(lang),
                "title": translate(lang, N_("Title of the assessment")),
            },
            "draft": draft,
            "carry": calculator_values(values),
            "query": cost_views.calculator_query(values, draft=token),
            "default_title": default_title(view, lang),
        },
        status_code=status_code,
        block="calculator",
        headers=headers,
    )


def default_title(view: Any, lang: str) -> str:
    """A draft's title when it starts from the calculator: the two models compared."""
    if view is None:
        return ""
    names = []
    for pricing, entry in (
        (view.inputs.current, view.current_price),
        (view.inputs.candidate, view.candidate_price),
    ):
        names.append(entry.model if entry else pricing.model)
    if all(names):
        return translate(lang, N_("Fine-tuning for cost: %(now)s or %(new)s")) % {
            "now": names[0],
            "new": names[1],
        }
    return translate(lang, N_("Fine-tuning for cost"))


def calculator_values(params: Mapping[str, str]) -> dict[str, str]:
    return {key: params[key] for key in costs.inputs.FORM_FIELDS if key in params}


@router.get("/costs", response_class=HTMLResponse)
def show_calculator(request: Request, db: DatabaseDep, lang: LangDep) -> Response:
    """The calculator; with numbers in the query (a stable link), their results as well."""
    params = request.query_params
    draft = draft_for(db, params.get("draft"))
    if params.get("example"):
        values = dict(EXAMPLE_FORM)
    else:
        values = calculator_values(params)
    if not params.get("calculate") and costs.form_is_empty(values):
        stored = draft_numbers(draft)
        if stored is None:
            return render_calculator(request, values, draft=draft)
        values = stored  # opened from a wizard step: the numbers it saved
    inputs, errors = costs.parse_form(values, costs.price_table())
    if errors:
        return render_calculator(
            request, values, errors=field_errors(errors, lang), status_code=422, draft=draft
        )
    return render_calculator(
        request, values, view=cost_views.cost_view(inputs, today=today(request)), draft=draft
    )


@router.get("/costs/prices", response_class=HTMLResponse)
def show_price_table(request: Request) -> Response:
    """The dated price table: its own page, so "How we decide" stays light."""
    return render(request, "costs/prices.html", {"prices": costs.price_table()})


@router.post("/costs", response_class=HTMLResponse)
async def calculate_costs(request: Request, db: DatabaseDep, lang: LangDep) -> Response:
    """The figures on the same page (older forms and scripts post here; the page's form GETs)."""
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    draft = draft_for(db, form.get("draft"))
    inputs, errors = costs.parse_form(form, costs.price_table())
    if errors:
        return render_calculator(
            request, form, errors=field_errors(errors, lang), status_code=422, draft=draft
        )
    return render_calculator(
        request, form, view=cost_views.cost_view(inputs, today=today(request)), draft=draft
    )


@router.post("/costs/draft")
async def carry_into_draft(request: Request, db: DatabaseDep, lang: LangDep) -> Response:
    """The calculator's numbers into an assessment in one click: a new draft (titled), or the
    open draft the calculator was opened from (`draft`, its token). Nothing is stored when the
    numbers or the title are wrong; the calculator comes back with the errors."""
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    values = calculator_values(form)
    draft = draft_for(db, form.get("draft"))
    if form.get("draft") and draft is None:
        raise HTTPException(404)
    inputs, errors = costs.parse_form(values, costs.price_table())
    meta: dict[str, str] = {}
    meta_problems: dict[str, str] = {}
    if draft is None:
        meta, problems = assessments.validate_meta({"title": form.get("title", "")})
        meta_problems = meta_errors(problems, lang)
    if errors or meta_problems or inputs is None:
        return render_calculator(
            request,
            values,
            view=cost_views.cost_view(inputs, today=today(request)) if inputs is not None else None,
            errors={**field_errors(errors, lang), **meta_problems},
            status_code=422,
            draft=draft,
        )
    if draft is not None:
        assessments.set_draft_costs(db, draft.share_token, inputs)
        token, step = draft.share_token, draft.current_step
        if assessments.PROGRESS.index(step) >= assessments.PROGRESS.index(COST_STEP):
            step = COST_STEP
    else:
        created = assessments.start_draft(db, meta, cost_inputs=costs.inputs_to_dict(inputs))
        token, step = created.share_token, assessments.FIRST_STEP
    url = str(request.url_for("show_step", token=token, step=step))
    response = RedirectResponse(url + "#cost-numbers" if step == COST_STEP else url, 303)
    remember_draft(request, response, token)
    return response
