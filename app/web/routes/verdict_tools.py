"""What a verdict page offers besides itself: "what if" (one answer changed, judged beside the
verdict, nothing saved) and the PDF export."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app import assessments, decision
from app.models import Assessment
from app.web import htmx
from app.web.deps import DatabaseDep, LangDep, today
from app.web.export import content_disposition
from app.web.i18n import N_, translate
from app.web.pdf import verdict_pdf
from app.web.templating import render

router = APIRouter(include_in_schema=False)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
UNKNOWN_QUESTION = N_("Choose one of the questions.")
UNKNOWN_ANSWER = N_("Choose one of this question's answers.")
SAME_ANSWER = N_("That is the answer already given: choose another one to compare.")


def load_finished(db, token: str) -> Assessment:
    return assessments.get_finished(db, token)


def changed_answers(answers: dict[str, Any], question: str, value: Any) -> dict[str, Any]:
    """The answers with one changed; questions that no longer apply become "not applicable",
    and ones that apply again get the answer they would have been asked for (none: "unsure")."""
    changed = {**answers, question: value}
    for key in decision.not_applicable(changed):
        changed[key] = None
    return changed


def what_if_change(form: dict[str, str]) -> dict[str, str]:
    """The answer a "what if" form changes, {question: answer}; empty unless both are valid."""
    question = decision.QUESTIONS.get(form.get("q", ""))
    if question is None or question.kind != "choice" or form.get("v") not in question.option_keys:
        return {}
    return {question.key: form["v"]}


def judge(assessment: Assessment, answers: dict[str, Any]) -> dict[str, Any] | None:
    """The verdict these answers would get, with the assessment's own measurements; None when the
    answers are incomplete (a question that applies again has no answer: then we say so)."""
    valid, errors = decision.validate_answers(answers)
    if errors:
        return None
    verdict = decision.evaluate(valid, assessments.evidence_of(assessment, valid))
    return verdict.to_snapshot()


@router.get("/a/{token}/what-if", response_class=HTMLResponse)
def show_what_if(
    request: Request,
    token: str,
    db: DatabaseDep,
    lang: LangDep,
    q: str = "",
    v: str = "",
    shown: str = "",
) -> Response:
    """One answer changed: the form (a GET, so it works without JavaScript and can be linked),
    and the verdict it would lead to beside the current one. Nothing is stored.

    `shown` is the question whose answers the form showed: when another question was chosen in
    the list since, its answer `v` belongs to the old one, so the new question's answers are
    shown to choose from. htmx gets the form and the result (block "tool"), the same page."""
    assessment = load_finished(db, token)
    if shown and shown != q:
        v = ""
    error, question, value = None, None, None
    if q:
        question = decision.QUESTIONS.get(q)
        if question is None or question.kind != "choice":
            error, question = translate(lang, UNKNOWN_QUESTION), None
    if question is not None and v:
        if v not in question.option_keys:
            error = translate(lang, UNKNOWN_ANSWER)
        elif assessment.answers.get(question.key) == v:
            error = translate(lang, SAME_ANSWER)
        else:
            value = v
    new = None
    incomplete = False
    if question is not None and value is not None:
        snapshot = judge(assessment, changed_answers(dict(assessment.answers), question.key, value))
        if snapshot is None:
            incomplete = True
        else:
            new = decision.localize(snapshot, lang)
    headers = dict(PRIVATE)
    if htmx.is_htmx(request):
        htmx.push_url(headers, str(request.url))
    return render(
        request,
        "assessments/what_if.html",
        {
            "assessment": assessment,
            "verdict": decision.localize(assessment.verdict, lang),
            "question": question,
            "value": value,
            "chosen": v if question is not None else "",
            "new": new,
            "incomplete": incomplete,
            "error": error,
            "questions": [q for q in decision.QUESTIONS.values() if q.kind == "choice"],
        },
        status_code=422 if error else 200,
        block="tool",
        headers=headers,
    )


@router.get("/a/{token}/export.pdf")
def export_pdf(request: Request, token: str, db: DatabaseDep, lang: LangDep) -> Response:
    assessment = load_finished(db, token)
    url = str(request.url_for("show_verdict", token=token))
    return Response(
        verdict_pdf(assessment, lang, url, today(request)),
        media_type="application/pdf",
        headers={**PRIVATE, "Content-Disposition": content_disposition(assessment.title, "pdf")},
    )
