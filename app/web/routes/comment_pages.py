"""Comments past the newest page (issue 21, point 7): the verdict page shows the newest
comments.PAGE_SIZE; earlier ones come a page at a time, as a page of their own without
JavaScript, or swapped into the verdict page by htmx."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app import comments
from app.web import htmx
from app.web.deps import DatabaseDep, can_manage
from app.web.routes.assessments import PRIVATE, load_finished
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/a/{token}/comments", response_class=HTMLResponse)
def show_comments(
    request: Request,
    token: str,
    db: DatabaseDep,
    before: Annotated[int | None, Query(ge=1, le=comments.MAX_ID)] = None,
) -> Response:
    """The comments before comment `before` (the newest ones without it), oldest first."""
    assessment = load_finished(db, token)
    page = comments.page(db, assessment.id, before)
    context = {
        "assessment": assessment,
        "comments": page.items,
        "comments_earlier": page.earlier,
        "before": before,
        "owner": can_manage(request, db, assessment),
    }
    fragment = htmx.wants_fragment(request)
    return render(
        request,
        "assessments/_comments_page.html" if fragment else "assessments/comments.html",
        context,
        headers={**PRIVATE, "Vary": "HX-Request, Accept-Language, Cookie"},
    )
