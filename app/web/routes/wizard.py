"""The wizard: start a draft, answer five steps, review, finish.

Every form is a plain POST answered by a 303 redirect, so it all works without JavaScript; with
htmx the same responses arrive as fragments that replace the wizard panel.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import assessments, costs, decision
from app.decision.questionnaire import DEFAULTS
from app.models import Assessment
from app.web import htmx, i18n
from app.web.cookies import set_cookie
from app.web.cost_views import draft_plan_cost, prefill_one_time, wizard_cost_form
from app.web.deps import DatabaseDep, LangDep, OpenDraftDep, manager
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


async def read_presets(request: Request) -> frozenset[str]:
    """The questions the form showed with their usual answer chosen for the person, unsaved."""
    return frozenset(p for p in (await request.form()).getlist("preset") if isinstance(p, str))


async def read_asked(request: Request) -> frozenset[str] | None:
    """The questions the form showed (a marker each; a hidden one's is disabled, so not sent).
    None when the form carries no markers (a script): then every question counts as asked."""
    markers = (await request.form()).getlist("asked")
    return frozenset(m for m in markers if isinstance(m, str)) if markers else None


FormDep = Annotated[dict[str, str], Depends(read_form)]
AskedDep = Annotated[frozenset[str] | None, Depends(read_asked)]
PresetsDep = Annotated[frozenset[str], Depends(read_presets)]


def see_other(url: Any) -> RedirectResponse:
    return RedirectResponse(str(url), status_code=303)


def step_url(request: Request, token: str, step: str, *, more: bool = False) -> str:
    if step == assessments.REVIEW:
        return str(request.url_for("show_review", token=token))
    if step == DETAILS:
        return str(request.url_for("show_details", token=token))
    url = str(request.url_for("show_step", token=token, step=step))
    return url + "?more=1" if more else url


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
    if page == assessments.REVIEW and assessments.is_revision(assessment):
        # Finishing a revision of a decision this browser does not own makes a proposal.
        context["proposal"] = manager(request, request.app.state.db, assessment) is None
    if page == COST_STEP:
        context["cost_form"] = wizard_cost_form(
            request.state.lang,
            context.get("values", {}),
            context.get("errors", {}),
            context.pop("plan_cost", None),
            context.pop("plan_state", None),
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
            # Once the review was reached, editing a step is a detour that returns to it.
            "returning": assessment.current_step == assessments.REVIEW,
            # The form that the progress bar and the language switch submit, so leaving saves.
            "save_form": None if page == assessments.REVIEW else WIZARD_FORM,
            "usual": DEFAULTS,
            # The header's and the step's links out, as buttons that save this form first.
            "leave_names": LEAVE_TO,
            **context,
        },
        status_code=status_code,
        block="panel",
        headers=headers,
    )


WIZARD_FORM = "wizard-form"
# The button that accepts the usual answer of every question left open on a step, and goes on.
USUAL = "defaults"


def with_usual_answers(step: str, answers: dict[str, str]) -> dict[str, str]:
    """The step's answers, each question left open that has a usual answer given it."""
    skipped = decision.not_applicable(answers)
    filled = dict(answers)
    for q in STEP_BY_KEY[step].questions:
        if q.key in DEFAULTS and q.key not in skipped and not (answers.get(q.key) or "").strip():
            filled[q.key] = DEFAULTS[q.key]
    return filled


@dataclass(frozen=True)
class Leaving:
    """How a posted wizard form asks to go: the button pressed, read off the form's fields."""

    nav: str  # "next" | "back" | "review" | "defaults" (next, with the usual answers)
    goto: str | None  # a page of the progress bar
    lang: str | None  # the language switch
    leave: str | None = None  # a link out of the wizard (LEAVE_TO): the header, the calculator

    @property
    def partial(self) -> bool:
        """Leaving sideways keeps what is valid and what is typed; only going on insists."""
        return (
            self.nav == "back"
            or self.goto is not None
            or self.lang is not None
            or self.leave is not None
        )


def leaving(form: dict[str, str]) -> Leaving:
    nav = form.pop("nav", "next")
    goto = form.pop("goto", None)
    lang = form.pop("switch_lang", None)
    leave = form.pop("leave", None)
    form.pop("asked", None)
    form.pop("preset", None)
    return Leaving(
        nav if nav in ("next", "back", "review", USUAL) else "next",
        goto if goto in (*assessments.PROGRESS, DETAILS) else None,
        lang if lang in i18n.LANGUAGES else None,
        leave if leave in LEAVE_TO else None,
    )


# Where a link out of a wizard page may go once the page is saved: a route's name (never a URL
# from the form, so no open redirect). The dataset check keeps the draft, to attach its report.
LEAVE_TO = {
    "home": "show_home",
    "start": "show_start",
    "history": "show_history",
    "insights": "show_insights",
    "calculator": "show_calculator",
    "how": "show_how_we_decide",
    "dataset": "show_draft_dataset_check",
}


def leave_url(request: Request, token: str, where: str) -> str:
    """Where a link out of the wizard goes, once the step is saved: the dataset check of this
    draft, the calculator with this draft's numbers (it reads them from the draft), or a page."""
    if where == "dataset":
        return str(request.url_for(LEAVE_TO[where], token=token))
    url = str(request.url_for(LEAVE_TO[where]))
    return f"{url}?draft={token}" if where == "calculator" else url


def left_to(request: Request, token: str, how: Leaving, here: str, onward: str) -> Response:
    """Where a saved form goes: the progress bar's page, this page in another language, back,
    to the review, or on."""
    if how.lang is not None:
        url = step_url(request, token, here)
        response: Response = htmx.client_redirect(url) if htmx.is_htmx(request) else see_other(url)
        set_cookie(request, response, i18n.LANG_COOKIE, how.lang, max_age=365 * 24 * 3600)
        return response
    if how.leave is not None:
        url = leave_url(request, token, how.leave)
        return htmx.client_redirect(url) if htmx.is_htmx(request) else see_other(url)
    if how.goto is not None:
        return see_other(step_url(request, token, how.goto))
    if how.nav == "back":
        return see_other(step_url(request, token, assessments.previous_step(here) or DETAILS))
    if how.nav == "review":
        return see_other(step_url(request, token, assessments.REVIEW))
    return see_other(step_url(request, token, onward))


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
def resume_draft(request: Request, draft: OpenDraftDep) -> Response:
    return see_other(step_url(request, draft.share_token, draft.current_step))


@router.get("/d/{token}/details", response_class=HTMLResponse)
def show_details(request: Request, draft: OpenDraftDep, lang: LangDep) -> Response:
    typed = assessments.typed_fields(draft, assessments.META_LIMITS)
    values = {"title": draft.title, "team": draft.team, "notes": draft.notes, **typed}
    _, errors = assessments.validate_meta(values)
    shown = meta_errors([e for e in errors if e.field in typed], lang)
    return render_wizard(request, draft, DETAILS, values=values, errors=shown)


@router.post("/d/{token}/details")
def save_details(
    request: Request, form: FormDep, draft: OpenDraftDep, db: DatabaseDep, lang: LangDep
) -> Response:
    token = draft.share_token
    how = leaving(form)
    meta, errors = assessments.validate_meta(form)
    if errors and not how.partial:
        return render_wizard(
            request, draft, DETAILS, status_code=422, values=form, errors=meta_errors(errors, lang)
        )
    failed = {e.field: form.get(e.field, "") for e in errors}
    typed = {k: v if isinstance(v, str) else "" for k, v in failed.items()}
    try:
        assessments.update_meta(db, token, meta, typed)
    except assessments.AlreadyFinished:
        return see_other(request.url_for("show_verdict", token=token))
    onward = assessments.REVIEW if how.nav == "review" else assessments.FIRST_STEP
    return left_to(request, token, how, DETAILS, onward)


@router.get("/d/{token}/review", response_class=HTMLResponse)
def show_review(request: Request, draft: OpenDraftDep, lang: LangDep) -> Response:
    if draft.current_step != assessments.REVIEW:
        return see_other(step_url(request, draft.share_token, draft.current_step))
    _, errors = decision.validate_answers(assessments.pending_answers(draft))
    return render_wizard(request, draft, assessments.REVIEW, errors=field_errors(errors, lang))


@router.post("/d/{token}/finish")
def finish_assessment(
    request: Request, token: str, db: DatabaseDep, lang: LangDep, draft: OpenDraftDep
) -> Response:
    # A revision by an owner of its decision supersedes the version it revises; by anyone
    # else, it is a proposal (the review page said so).
    try:
        finished = assessments.finish(db, token, manager(request, db, draft))
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


def typed_step_errors(draft: Assessment, step: str, lang: str) -> tuple[dict[str, str], dict]:
    """What was typed into `step` and did not validate, and its errors, to show them again."""
    fields = [q.key for q in STEP_BY_KEY[step].questions]
    typed = assessments.typed_fields(draft, fields)
    _, errors = decision.validate_answers(typed, steps=[step])
    shown = field_errors([e for e in errors if e.field in typed], lang)
    typed_costs = {
        k: v for k, v in assessments.typed_fields(draft).items() if k.startswith(COST_PREFIX)
    }
    if step == COST_STEP and typed_costs:
        _, cost_errors = costs.parse_form(typed_costs, costs.price_table(), prefix=COST_PREFIX)
        shown.update(field_errors(cost_errors, lang))
        typed.update(typed_costs)
    return typed, shown


@router.get("/d/{token}/{step}", response_class=HTMLResponse)
def show_step(
    request: Request, step: str, draft: OpenDraftDep, lang: LangDep, more: bool = False
) -> Response:
    if step not in decision.STEP_KEYS:
        raise HTTPException(404)
    if assessments.PROGRESS.index(step) > assessments.PROGRESS.index(draft.current_step):
        return see_other(step_url(request, draft.share_token, draft.current_step))
    values = dict(draft.answers)
    if step == COST_STEP:
        values.update(costs.form_values(assessments.stored_costs(draft), prefix=COST_PREFIX))
    typed, errors = typed_step_errors(draft, step, lang)
    values.update(typed)
    extra: dict[str, Any] = {}
    if step == COST_STEP and not typed:
        # The training plan's one-time cost, prefilled where the numbers lack one (editable).
        plan_cost = draft_plan_cost(draft)
        values, plan_state = prefill_one_time(values, plan_cost)
        extra = {"plan_cost": plan_cost, "plan_state": plan_state}
    return render_wizard(request, draft, step, values=values, errors=errors, more=more, **extra)


@router.post("/d/{token}/{step}")
def save_step(
    request: Request,
    step: str,
    # The form before the draft, as before this dependency: the body is always read, so a client
    # that hangs up mid-form is noticed (and logged) however the draft lookup ends.
    form: FormDep,
    asked: AskedDep,
    presets: PresetsDep,
    draft: OpenDraftDep,
    db: DatabaseDep,
    lang: LangDep,
) -> Response:
    if step not in decision.STEP_KEYS:
        raise HTTPException(404)
    token = draft.share_token
    how = leaving(form)
    answers = with_usual_answers(step, form) if how.nav == USUAL else form
    # A question shown with its usual answer chosen for the person (marked `preset`) that an
    # answer on the same form rules out: without JavaScript it is only hidden, so that answer is
    # still sent, though nobody gave it. It is left out, as the question was never asked.
    dropped = presets & decision.not_applicable(answers)
    if dropped:
        answers = {k: v for k, v in answers.items() if k not in dropped}
    cost_form = None
    if step == COST_STEP:
        answers = {k: v for k, v in answers.items() if not k.startswith(COST_PREFIX)}
        if form.get(COST_PREFIX + "present"):
            cost_form = {k: v for k, v in form.items() if k.startswith(COST_PREFIX)}
    # Questions this answer makes apply that the form did not show (without JavaScript, the
    # server left them out): the person answers them before going on.
    unasked = set()
    if asked is not None:
        now_apply = decision.not_applicable(draft.answers) - decision.not_applicable(answers)
        unasked = {q for q in now_apply if decision.QUESTIONS[q].step == step} - asked
    partial = how.partial or bool(unasked)
    try:
        saved, errors = assessments.save_step(
            db, token, step, answers, partial=partial, cost_form=cost_form
        )
    except assessments.AlreadyFinished:
        return see_other(request.url_for("show_verdict", token=token))
    except assessments.OutOfOrder as out_of_order:
        return see_other(step_url(request, token, out_of_order.current_step))
    if errors:
        return render_wizard(
            request,
            saved,
            step,
            status_code=422,
            values={**form, **answers},
            errors=field_errors(errors, lang),
        )
    if unasked and not how.partial:
        return see_other(step_url(request, token, step, more=True))
    return left_to(request, token, how, step, assessments.next_step(step))
