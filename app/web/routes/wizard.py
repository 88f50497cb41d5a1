"""The wizard: start a draft, answer five steps, review, finish.

Every form is a plain POST answered by a 303 redirect, so it all works without JavaScript; with
htmx the same responses arrive as fragments that replace the wizard panel.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import assessments, costs, decision
from app.models import Assessment
from app.web import htmx
from app.web.cost_views import wizard_cost_form
from app.web.deps import DatabaseDep, LangDep
from app.web.drafts import forget_draft, remember_draft
from app.web.forms import field_errors, meta_errors
from app.web.manage_cookies import announce_manage_token
from app.web.templating import render

router = APIRouter(include_in_schema=False)

DETAILS = "details"
STEP_BY_KEY = {step.key: step for step in decision.STEPS}
# The step whose form also carries the optional cost numbers (fields "costs.<path>").
COST_STEP = "cost"
COST_PREFIX = assessments.COST_FORM_PREFIX


async def read_form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(read_form)]


def see_other(url: Any) -> RedirectResponse:
    return RedirectResponse(str(url), status_code=303)


def step_url(request: Request, token: str, step: str) -> str:
    if step == assessments.REVIEW:
        return str(request.url_for("show_review", token=token))
    if step == DETAILS:
        return str(request.url_for("show_details", token=token))
    return str(request.url_for("show_step", token=token, step=step))


def load_draft(db, token: str) -> Assessment:
    try:
        return assessments.get(db, token)
    except assessments.NotFound:
        raise HTTPException(404) from None


def render_wizard(
    request: Request, assessment: Assessment, page: str, *, status_code: int = 200, **context: Any
) -> Response:
    """The wizard page, or just its panel for htmx; the URL shown is the step's own."""
    template = {DETAILS: "wizard/details.html", assessments.REVIEW: "wizard/review.html"}.get(
        page, "wizard/step.html"
    )
    headers = {"Cache-Control": "no-store"}
    if htmx.is_htmx(request):
        htmx.push_url(headers, step_url(request, assessment.share_token, page))
    if page == COST_STEP:
        context["cost_form"] = wizard_cost_form(
            request.state.lang, context.get("values", {}), context.get("errors", {})
        )
    return render(
        request,
        template,
        {
            "assessment": assessment,
            "page": page,
            "step": STEP_BY_KEY.get(page),
            "progress": assessments.PROGRESS,
            "reached": assessments.PROGRESS.index(assessment.current_step),
            **context,
        },
        status_code=status_code,
        block="panel",
        headers=headers,
    )


# --- Start --------------------------------------------------------------------------------


@router.get("/new", response_class=HTMLResponse)
def show_start(request: Request) -> Response:
    return render(request, "wizard/start.html", {"values": {}, "errors": {}})


@router.post("/new")
def start_assessment(request: Request, db: DatabaseDep, lang: LangDep, form: FormDep) -> Response:
    meta, errors = assessments.validate_meta(form)
    if errors:
        return render(
            request,
            "wizard/start.html",
            {"values": form, "errors": meta_errors(errors, lang)},
            status_code=422,
        )
    draft = assessments.start_draft(db, meta)
    response = see_other(step_url(request, draft.share_token, assessments.FIRST_STEP))
    remember_draft(request, response, draft.share_token)
    return response


# --- Steps --------------------------------------------------------------------------------


@router.get("/d/{token}")
def resume_draft(request: Request, token: str, db: DatabaseDep) -> Response:
    draft = load_draft(db, token)
    if draft.is_finished:
        return see_other(request.url_for("show_verdict", token=token))
    return see_other(step_url(request, token, draft.current_step))


@router.get("/d/{token}/details", response_class=HTMLResponse)
def show_details(request: Request, token: str, db: DatabaseDep) -> Response:
    draft = load_draft(db, token)
    if draft.is_finished:
        return see_other(request.url_for("show_verdict", token=token))
    values = {"title": draft.title, "team": draft.team, "notes": draft.notes}
    return render_wizard(request, draft, DETAILS, values=values, errors={})


@router.post("/d/{token}/details")
def save_details(
    request: Request, token: str, db: DatabaseDep, lang: LangDep, form: FormDep
) -> Response:
    draft = load_draft(db, token)
    if draft.is_finished:
        return see_other(request.url_for("show_verdict", token=token))
    meta, errors = assessments.validate_meta(form)
    if errors:
        return render_wizard(
            request, draft, DETAILS, status_code=422, values=form, errors=meta_errors(errors, lang)
        )
    assessments.update_meta(db, token, meta)
    return see_other(step_url(request, token, assessments.FIRST_STEP))


@router.get("/d/{token}/review", response_class=HTMLResponse)
def show_review(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    draft = load_draft(db, token)
    if draft.is_finished:
        return see_other(request.url_for("show_verdict", token=token))
    if draft.current_step != assessments.REVIEW:
        return see_other(step_url(request, token, draft.current_step))
    _, errors = decision.validate_answers(draft.answers)
    return render_wizard(request, draft, assessments.REVIEW, errors=field_errors(errors, lang))


@router.post("/d/{token}/finish")
def finish_assessment(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    draft = load_draft(db, token)
    try:
        finished = assessments.finish(db, token)
    except assessments.OutOfOrder as out_of_order:
        return see_other(step_url(request, token, out_of_order.current_step))
    except assessments.Incomplete as incomplete:
        return render_wizard(
            request,
            draft,
            assessments.REVIEW,
            status_code=422,
            errors=field_errors(incomplete.errors, lang),
        )
    response = see_other(request.url_for("show_verdict", token=finished.share_token))
    if htmx.is_htmx(request):
        # The verdict is a different page, not a panel: let htmx load it whole.
        response = htmx.client_redirect(
            str(request.url_for("show_verdict", token=finished.share_token))
        )
    forget_draft(request, response, token)
    if finished.manage_token is not None:
        announce_manage_token(request, response, finished.manage_token)
    return response


@router.get("/d/{token}/{step}", response_class=HTMLResponse)
def show_step(request: Request, token: str, step: str, db: DatabaseDep) -> Response:
    if step not in decision.STEP_KEYS:
        raise HTTPException(404)
    draft = load_draft(db, token)
    if draft.is_finished:
        return see_other(request.url_for("show_verdict", token=token))
    if assessments.PROGRESS.index(step) > assessments.PROGRESS.index(draft.current_step):
        return see_other(step_url(request, token, draft.current_step))
    values = dict(draft.answers)
    if step == COST_STEP:
        values.update(costs.form_values(assessments.stored_costs(draft), prefix=COST_PREFIX))
    return render_wizard(request, draft, step, values=values, errors={})


@router.post("/d/{token}/{step}")
def save_step(
    request: Request, token: str, step: str, db: DatabaseDep, lang: LangDep, form: FormDep
) -> Response:
    if step not in decision.STEP_KEYS:
        raise HTTPException(404)
    going_back = form.pop("nav", "next") == "back"
    answers = form
    cost_form = None
    if step == COST_STEP:
        answers = {k: v for k, v in form.items() if not k.startswith(COST_PREFIX)}
        if form.get(COST_PREFIX + "present"):
            cost_form = {k: v for k, v in form.items() if k.startswith(COST_PREFIX)}
    try:
        draft, errors = assessments.save_step(
            db, token, step, answers, partial=going_back, cost_form=cost_form
        )
    except assessments.AlreadyFinished:
        return see_other(request.url_for("show_verdict", token=token))
    except assessments.OutOfOrder as out_of_order:
        return see_other(step_url(request, token, out_of_order.current_step))
    except assessments.NotFound:
        raise HTTPException(404) from None
    if errors:
        return render_wizard(
            request, draft, step, status_code=422, values=form, errors=field_errors(errors, lang)
        )
    if going_back:
        target = assessments.previous_step(step) or DETAILS
    else:
        target = assessments.next_step(step)
    return see_other(step_url(request, token, target))
