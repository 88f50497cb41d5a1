"""NotFound becomes 404 (Gone 410) in one place, app/web/errors.py; no route maps it itself."""

import ast
import json
from pathlib import Path

import pytest
from asgi_calls import http_scope
from starlette.requests import Request

from app import assessments
from app.web.errors import not_found_response

WEB = Path(__file__).resolve().parents[2] / "app" / "web"


def request_for(path: str, accept: str = "") -> Request:
    scope = http_scope(path=path, headers=[("accept", accept)] if accept else [])
    scope["state"] = {"lang": "en"}
    return Request(scope)


@pytest.mark.parametrize(
    ("error", "status", "detail"),
    [
        (assessments.NotFound("t"), 404, "Not found"),
        (assessments.AlreadyFinished("t"), 404, "Not found"),
        (assessments.Gone("t"), 410, "Gone"),
    ],
)
def test_the_api_says_not_found_or_gone(error, status, detail):
    response = not_found_response(request_for("/api/v1/assessments/t"), error)
    assert response.status_code == status
    assert json.loads(response.body) == {"detail": detail}


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (assessments.NotFound("t"), 404, "Page not found"),
        (assessments.Gone("t"), 410, "This link no longer works"),
    ],
)
def test_a_page_asked_for_as_json_gets_its_title(error, status, title):
    response = not_found_response(request_for("/a/t", accept="application/json"), error)
    assert response.status_code == status
    assert json.loads(response.body) == {"detail": title}


def test_a_replaced_link_is_no_drafts_link():
    response = not_found_response(
        request_for("/d/t/task", accept="application/json"), assessments.Gone("t")
    )
    assert response.status_code == 404
    assert json.loads(response.body) == {"detail": "Page not found"}


def catches_not_found_to_refuse(handler: ast.ExceptHandler) -> bool:
    """An `except assessments.NotFound/Gone:` whose body raises an HTTPException (or the old
    helper). The dataset checks' store has its own Gone (an expired check), answered by its route."""
    caught = ast.unparse(handler.type) if handler.type is not None else ""
    if not any(name in caught for name in ("assessments.NotFound", "assessments.Gone")):
        return False
    for node in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = ast.unparse(node.exc)
            if raised.startswith(("HTTPException(", "missing(")):
                return True
    return False


def test_no_route_or_dependency_maps_not_found_itself():
    offenders = [
        f"{path.relative_to(WEB)}:{node.lineno}"
        for path in sorted(WEB.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ExceptHandler) and catches_not_found_to_refuse(node)
    ]
    assert offenders == []


def test_the_check_sees_a_mapping():
    source = "try:\n    f()\nexcept assessments.NotFound:\n    raise HTTPException(404) from None\n"
    [handler] = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ExceptHandler)]
    assert catches_not_found_to_refuse(handler)
    optional = "try:\n    f()\nexcept assessments.NotFound:\n    return None\n"
    [handler] = [n for n in ast.walk(ast.parse(optional)) if isinstance(n, ast.ExceptHandler)]
    assert not catches_not_found_to_refuse(handler)
