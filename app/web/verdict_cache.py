"""What of a request the cached verdict page depends on (issue 21, point 7).

The page reads one query parameter, `lang` (the language, and the language links that keep it).
Any other (`?cachebust=N`, `?utm_source=`) changes nothing on the page, so it is dropped before
rendering and is not part of the cache key: eighty such requests make one page, not eighty.
"""

from urllib.parse import urlencode

from starlette.requests import Request

PAGE_PARAMETERS = ("lang",)


def _kept_query(request: Request) -> str:
    return urlencode(
        [
            (name, value)
            for name, value in request.query_params.multi_items()
            if name in PAGE_PARAMETERS
        ]
    )


def page_request(request: Request) -> Request:
    """The request as the page sees it: only the query parameters it reads."""
    kept = _kept_query(request)
    if kept == request.url.query:
        return request
    return Request({**request.scope, "query_string": kept.encode()}, request.receive)


def page_url(request: Request) -> str:
    """Scheme, host, path and the query parameters the page reads: the URL part of its key."""
    kept = _kept_query(request)
    return str(request.url.replace(query=kept))
