"""Friendly error pages in the reader's language; JSON for the API. Never a traceback."""

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from app import assessments
from app.web import i18n
from app.web.bodies import problems_of
from app.web.deps import DraftFinished
from app.web.i18n import N_
from app.web.templating import render

TITLES = {
    400: N_("That request could not be understood"),
    403: N_("That request was refused"),
    404: N_("Page not found"),
    405: N_("That method isn't allowed here"),
    410: N_("This link no longer works"),
    408: N_("That request took too long to arrive"),
    413: N_("That request is too large"),
    422: N_("Some answers need another look"),
    431: N_("That request's headers are too large"),
    500: N_("Something went wrong on our side"),
    503: N_("Busy right now"),
}
EXPLANATIONS = {
    400: N_("The address or form looks malformed. Go back and try again."),
    403: N_(
        "Forms on this site can only be sent from this site. If you followed a link from elsewhere, open the page here and try again."
    ),
    404: N_(
        "There is nothing at this address. Share links are long: check that the whole link was copied."
    ),
    405: N_("This address doesn't accept that kind of request."),
    410: N_(
        "This link was replaced or has expired. Ask the person who shared it for the current link."
    ),
    408: N_(
        "The connection was too slow to send the form. Check your connection and send it again."
    ),
    413: N_("The form sent more text than we accept. Shorten the notes and try again."),
    422: N_("Check the highlighted fields and try again."),
    431: N_(
        "Your browser sent more cookies or headers than we accept. Clear this site's cookies and try again."
    ),
    500: N_(
        "The error has been logged, and nothing you entered before this page was lost. Try again in a moment."
    ),
    503: N_(
        "Too many requests, or a search that takes too long. Nothing was lost: try again in a few seconds, or search for a more specific word."
    ),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def error_response(request: Request, status: int, detail: object = None) -> Response:
    lang = getattr(request.state, "lang", "en")
    title = i18n.translate(lang, TITLES.get(status, TITLES[400]))
    if wants_json(request):
        return JSONResponse({"detail": detail or title}, status_code=status)
    explanation = i18n.translate(lang, EXPLANATIONS.get(status, EXPLANATIONS[400]))
    return render(
        request,
        "errors/error.html",
        {"status": status, "title": title, "explanation": explanation},
        status_code=status,
    )


def not_found_response(request: Request, error: assessments.NotFound) -> Response:
    """404, or 410 for `assessments.Gone` (a replaced or expired link); the API says "Not found"
    or "Gone", pages show their own page."""
    # A replaced link was a finished assessment's, never a draft's: under /d/ no draft has it.
    gone = isinstance(error, assessments.Gone) and not request.url.path.startswith("/d/")
    status = 410 if gone else 404
    detail = ("Gone" if gone else "Not found") if request.url.path.startswith("/api/") else None
    return error_response(request, status, detail)


async def refuse(
    scope: Scope, receive: Receive, send: Send, status: int, headers: dict[str, str] | None = None
) -> None:
    """Answer with the error page (or JSON) for `status`: a middleware's refusal."""
    response = error_response(Request(scope, receive), status)
    if headers:
        response.headers.update(headers)
    await response(scope, receive, send)


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        response = error_response(request, exc.status_code, exc.detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    # The one place a lookup that found nothing becomes an answer: 410 for a link that was replaced
    # or has expired (its page says to ask whoever shared it), 404 for any other; routes let
    # NotFound rise (a route that has a better answer, such as a redirect, catches it itself).
    @app.exception_handler(assessments.NotFound)
    async def on_not_found(request: Request, exc: assessments.NotFound) -> Response:
        return not_found_response(request, exc)

    @app.exception_handler(DraftFinished)
    async def on_finished_draft(request: Request, exc: DraftFinished) -> Response:
        return RedirectResponse(
            str(request.url_for("show_verdict", token=exc.token)), status_code=303
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        lang = getattr(request.state, "lang", "en")
        fields = []
        for err in exc.errors():
            problems = problems_of(err)
            if problems is not None:  # a body model's own problems (app/web/bodies.py)
                fields += [problem.to_dict(lang) for problem in problems]
                continue
            fields.append(
                {
                    "field": ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]),
                    "code": err["type"],
                    "message": err["msg"],
                }
            )
        return error_response(request, 422, fields)
