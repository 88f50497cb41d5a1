"""JSON bodies as typed parameters: a route declares its body's model, and that model both
validates the body and documents it in /openapi.json.

Each model validates with the same domain checks the pages use (app.assessments, app.decision,
app.costs, app.comments, app.manage; the training estimate with app.training.api_input's model),
so the API and the forms accept and refuse the same things.
A refused body raises `refuse(problems)`, which FastAPI reports as a RequestValidationError;
app/web/errors.py turns each problem into the API's usual `{"field", "code", "message"}`, in the
reader's language, status 422.

Before FastAPI reads a body, `JSONBodyRoute` parses it with `parse_json`, which bounds it (depth,
integer digits) and refuses text no database can store, whatever the Content-Type says.
"""

import json
import re
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn, Protocol, Self

from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response

from app.web.forms import problem

# JSON bodies are small documents: a deeper nesting or a longer integer is an attack on the
# parser (Python's int() of 5,000 digits raises, 30,000 nested brackets overflow the stack).
MAX_JSON_DEPTH = 16
MAX_INTEGER_DIGITS = 20
# No database stores these as text, and no response can encode a lone surrogate as UTF-8: a
# string anywhere in a body (key or value) that holds one is refused, before any route reads it.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# The error type FastAPI carries the problems under (see errors.install).
PROBLEMS = "problems"


class JSONRefused(ValueError):
    def __init__(self, code: str, field: str = "body") -> None:
        super().__init__(code)
        self.code = code
        self.field = field


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JSONRefused("number_too_large")
    return int(digits)


def parse_json(raw: bytes) -> Any:
    """A JSON body within the limits, or JSONRefused naming the problem (and, for text that can't
    be stored, where it is: `title`, `answers.task_type`, or `body` for a name)."""
    try:
        body = json.loads(raw, parse_int=_bounded_int)
    except JSONRefused:
        raise
    except RecursionError:
        raise JSONRefused("too_deep") from None
    except (ValueError, UnicodeDecodeError):
        raise JSONRefused("invalid_json") from None
    stack: list[tuple[Any, int, str]] = [(body, 1, "body")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str) and UNSTORABLE.search(value):
            raise JSONRefused("invalid_text", where)
        if isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise JSONRefused("too_deep")
            if isinstance(value, dict):
                for key, child in value.items():
                    if UNSTORABLE.search(key):
                        raise JSONRefused("invalid_text", where)
                    path = key if where == "body" else f"{where}.{key}"
                    stack.append((child, depth + 1, path))
            else:
                stack.extend((child, depth + 1, where) for child in value)
    return body


class Problem(Protocol):
    def to_dict(self, lang: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class BodyProblem:
    """A problem worded by app/web/forms.py's MESSAGES (the engine's and the cost check's own
    errors word themselves: they have the same `to_dict(lang)`)."""

    field: str
    code: str
    limit: int | None = None

    def to_dict(self, lang: str) -> dict[str, str]:
        return problem(self.field, self.code, lang, self.limit)


NOT_OBJECT = BodyProblem("body", "not_object")


def refuse(problems: Sequence[Problem]) -> NoReturn:
    """Refuse the body being validated, with each of its problems (raised in a model validator)."""
    raise PydanticCustomError(
        PROBLEMS, "{count} problem(s) in the body", {"count": len(problems), "problems": problems}
    )


def problems_of(error: dict[str, Any]) -> Sequence[Problem] | None:
    """The problems a `refuse` carried, from one of a RequestValidationError's errors, or None."""
    if error.get("type") != PROBLEMS:
        return None
    return error["ctx"]["problems"]


def json_object(value: Any, otherwise: Problem = NOT_OBJECT) -> dict[str, Any]:
    """The body as a JSON object, at the start of a model's validator; else refused with the
    parser's problem, or `otherwise` when it is JSON but not an object."""
    if isinstance(value, JSONRefused):
        refuse([BodyProblem(value.field, value.code)])
    if not isinstance(value, dict):
        refuse([otherwise])
    return value


class CheckedBody(BaseModel):
    """A JSON body checked by the domain's own rules, the same the pages use: a subclass says
    how in `check`, which takes the body as a JSON object and returns the model or `refuse`s.
    Its fields only describe the body to OpenAPI."""

    model_config = ConfigDict(extra="forbid")
    # The problem for JSON that is not an object.
    otherwise: ClassVar[Problem] = NOT_OBJECT

    @model_validator(mode="wrap")
    @classmethod
    def _checked(cls, value: Any, handler: Any) -> Self:
        if isinstance(value, cls):
            return value
        return cls.check(json_object(value, cls.otherwise))

    @classmethod
    def check(cls, body: dict[str, Any]) -> Self:
        raise NotImplementedError


class JSONBodyRoute(APIRoute):
    """A route whose JSON body is read by `parse_json` before FastAPI validates it: refused with
    the API's 422 when it is not JSON within the limits (the model says what else it needs).

    Its body model's validator starts with `json_object(value)`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if self.body_field is None:
            return handle

        async def handle_json(request: Request) -> Response:
            raw = await request.body()
            try:
                request._json = parse_json(raw)
            except JSONRefused as refused:
                # Reported by the model (`json_object`) after the route's dependencies, as any
                # problem of the body is, so an unknown id still answers 404 first.
                request._json = refused
                if not raw:
                    request._body = b"null"  # FastAPI would call an empty body a missing one
            # FastAPI reads the body as JSON only when the Content-Type says so; this API never
            # required it. The parsed body is handed on as the request's JSON.
            MutableHeaders(scope=request.scope)["content-type"] = "application/json"
            request.__dict__.pop("_headers", None)
            return await handle(request)

        return handle_json
