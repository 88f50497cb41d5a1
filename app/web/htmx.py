"""What htmx sends and understands, in one place (after django-htmx's `http.py`).

Requests: `HX-Request: true` on every htmx request, `HX-History-Restore-Request: true` when htmx
restores a page from history (which needs the whole page, not a fragment).
Responses: `HX-Push-Url` puts a URL in the address bar; `HX-Redirect` makes htmx load a whole page.
"""

from collections.abc import MutableMapping

from starlette.requests import Request
from starlette.responses import Response


def is_htmx(request: Request) -> bool:
    """The request came from htmx."""
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request) -> bool:
    """htmx swaps a fragment in, except when it restores history, which needs the whole page."""
    return is_htmx(request) and request.headers.get("hx-history-restore-request") != "true"


def push_url(headers: MutableMapping[str, str], url: str) -> None:
    """Ask htmx to show `url` in the address bar (and history) after the swap."""
    headers["HX-Push-Url"] = url


def client_redirect(url: str) -> Response:
    """A response that makes htmx load `url` as a whole page (a 204: no body to swap)."""
    return Response(status_code=204, headers={"HX-Redirect": url})
