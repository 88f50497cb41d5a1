"""Read-only views over many assessments: two side by side (/compare), and counts (/insights)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, create_model

from app import assessments, compare, decision, history, insights
from app.insights.chart import bar_chart
from app.web.deps import DatabaseDep, LangDep, SettingsDep
from app.web.forms import message, problem
from app.web.i18n import N_, translate
from app.web.templating import render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["insights"])

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
COMPARE_PROBLEMS = {
    "pick_two": N_("Pick exactly two assessments to compare (you picked %(count)s)."),
    "same": N_("That is the same assessment twice: pick two different ones to compare."),
}


def _compare_problem(request: Request, lang: str, code: str, count: int = 0) -> Response:
    return render(
        request,
        "assessments/compare.html",
        {"problem": translate(lang, COMPARE_PROBLEMS[code]) % {"count": count}},
        status_code=422,
        headers=PRIVATE,
    )


def _comparison_redirect(request: Request, a: str, b: str) -> Response:
    url = request.url_for("show_comparison", a=a, b=b)
    return RedirectResponse(url.path, status_code=303, headers=PRIVATE)


def _picked(request: Request, lang: str, pick: list[str]) -> Response:
    if len(pick) != 2:
        return _compare_problem(request, lang, "pick_two", len(pick))
    if not all(assessments.looks_like_token(token) for token in pick):
        raise HTTPException(404)
    return _comparison_redirect(request, pick[0], pick[1])


@router.post("/compare", response_class=HTMLResponse)
def pick_compare(
    request: Request,
    lang: LangDep,
    pick: Annotated[list[str], Form(max_length=100)] = [],  # noqa: B006 - FastAPI copies it
) -> Response:
    """The history's "compare the two ticked" form: the share tokens travel in the body, never in
    a URL that logs or browser history keep, and the comparison opens at /compare/{a}/{b}."""
    return _picked(request, lang, pick)


@router.get("/compare", response_class=HTMLResponse)
def show_compare(
    request: Request,
    lang: LangDep,
    a: Annotated[str, Query(max_length=200)] = "",
    b: Annotated[str, Query(max_length=200)] = "",
    pick: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006 - FastAPI copies it
) -> Response:
    """Old links (`?a=&b=`, `?pick=` twice) keep working: redirected to /compare/{a}/{b}, whose
    tokens the log masking knows (app/web/logs.py masks these query strings too)."""
    if not a and not b and pick:
        return _picked(request, lang, pick)
    if not a or not b:
        return _compare_problem(request, lang, "pick_two", int(bool(a or b)))
    if not (assessments.looks_like_token(a) and assessments.looks_like_token(b)):
        raise HTTPException(404)
    return _comparison_redirect(request, a, b)


@router.get("/compare/{a}/{b}", response_class=HTMLResponse)
def show_comparison(request: Request, db: DatabaseDep, lang: LangDep, a: str, b: str) -> Response:
    """Two finished assessments side by side, by share token."""
    if a == b:
        return _compare_problem(request, lang, "same")
    first, second = assessments.get_finished(db, a), assessments.get_finished(db, b)
    return render(
        request,
        "assessments/compare.html",
        {"comparison": compare.compare(first, second, lang)},
        headers=PRIVATE,
    )


def counted(request: Request, db, filters: insights.Filters, timeout: float) -> insights.Insights:
    """The counts for `filters`, reused for APP_INSIGHTS_CACHE_SECONDS: thirty clients on the
    page at once cost one count, not thirty (each under the search's statement timeout)."""
    cache = request.app.state.insights_cache
    key = (filters.q, tuple(sorted(filters.equal.items())))
    found = cache.get(key)
    if found is None:
        found = insights.insights(db, filters, timeout=timeout)
        cache.put(key, found)
    return found


def _html_filters(request: Request, q: str) -> insights.Filters:
    """The history's filters from the query string; an unknown value is ignored, as there."""
    equal = {}
    for name, (_, accepted) in insights.FILTERS.items():
        value = request.query_params.get(name, "")
        equal[name] = value if value in accepted else ""
    return insights.Filters(q=q, equal=equal)


def _charts(found: insights.Insights) -> dict[str, Any]:
    recommendations, confidences = tuple(decision.APPROACHES), insights.CONFIDENCES
    return {
        "recommendation": bar_chart(
            [(key, {key: n}) for key, n in found.overall.recommendations.items()],
            recommendations,
            labels_above=True,
        ),
        "confidence": bar_chart(
            [(key, {key: n}) for key, n in found.overall.confidences.items()],
            confidences,
            labels_above=True,
        ),
        "month": bar_chart(
            [(when, t.recommendations) for when, t in found.months], recommendations
        ),
        "month_confidence": bar_chart(
            [(when, t.confidences) for when, t in found.months], confidences
        ),
        # Team names are long ("Claims operations"): each on its own line over its bar, whole,
        # rather than cut to what fits left of the bars on a phone.
        "team": bar_chart(
            [(team, t.recommendations) for team, t in found.teams],
            recommendations,
            labels_above=True,
        ),
        "team_confidence": bar_chart(
            [(team, t.confidences) for team, t in found.teams], confidences, labels_above=True
        ),
    }


@router.get("/insights", response_class=HTMLResponse)
def show_insights(
    request: Request,
    db: DatabaseDep,
    lang: LangDep,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    filters = _html_filters(request, q)
    problem_text, status = None, 200
    try:
        found = counted(request, db, filters, settings.search_timeout)
    except history.Unsearchable:
        found, problem_text, status = None, message("unsearchable", lang), 422
    return render(
        request,
        "insights/insights.html",
        {
            "insights": found,
            "charts": _charts(found) if found else None,
            "q": q,
            "filters": filters.equal,
            "problem": problem_text,
            "CONFIDENCES": insights.CONFIDENCES,
        },
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


# --- JSON ----------------------------------------------------------------------------------

# Generated from insights.FILTERS, as the HTML page reads them: one more filter there is one
# more documented query parameter here.
InsightsQuery = create_model(
    "InsightsQuery",
    q=(str, Field("", max_length=200, description="Search in title and team, as the history")),
    **{
        name: (
            Literal[accepted] | None,  # type: ignore[valid-type]
            Field(None, description=f"Only assessments with this {name}"),
        )
        for name, (_, accepted) in insights.FILTERS.items()
    },
)


class TallyOut(BaseModel):
    total: int
    recommendations: dict[str, int] = Field(description="Every approach, zeros included")
    confidences: dict[str, int] = Field(description="high, medium and low, zeros included")


class MonthOut(TallyOut):
    month: str = Field(description="YYYY-MM, of finished_at in UTC", examples=["2026-11"])


class TeamOut(TallyOut):
    team: str = Field(description='As typed; "" for assessments with no team')


class OtherTeamsOut(TallyOut):
    teams: int = Field(description="How many teams these counts cover")


class InsightsOut(BaseModel):
    total: int
    recommendations: dict[str, int] = Field(description="Every approach, zeros included")
    confidences: dict[str, int] = Field(description="high, medium and low, zeros included")
    months: list[MonthOut] = Field(
        description="Oldest first, every month from the first match to the last, empty ones too"
    )
    teams: list[TeamOut] = Field(
        description=f"The {insights.TEAM_LIMIT} teams with most assessments, most first"
    )
    other_teams: OtherTeamsOut = Field(description="The remaining teams, counted together")


def _tally_json(tally: insights.Tally) -> dict[str, Any]:
    return {
        "total": tally.total,
        "recommendations": tally.recommendations,
        "confidences": tally.confidences,
    }


@api_router.get(
    "/insights",
    response_model=InsightsOut,
    responses={
        422: {
            "description": "A filter with an unknown value, or a search with no letter or digit."
        },
        503: {"description": "The search took too long, or the server is busy."},
    },
)
def api_insights(
    request: Request,
    db: DatabaseDep,
    lang: LangDep,
    settings: SettingsDep,
    query: Annotated[InsightsQuery, Query()],  # type: ignore[valid-type]
) -> Any:
    """Finished assessments counted by recommendation and confidence: in all, by month, by team."""
    values = query.model_dump()
    filters = insights.Filters(
        q=values.pop("q"), equal={name: value or "" for name, value in values.items()}
    )
    try:
        found = counted(request, db, filters, settings.search_timeout)
    except history.Unsearchable:
        raise HTTPException(422, [problem("q", "unsearchable", lang)]) from None
    return {
        **_tally_json(found.overall),
        "months": [{"month": f"{when:%Y-%m}", **_tally_json(t)} for when, t in found.months],
        "teams": [{"team": team, **_tally_json(t)} for team, t in found.teams],
        "other_teams": {"teams": found.other_team_count, **_tally_json(found.other_teams)},
    }
