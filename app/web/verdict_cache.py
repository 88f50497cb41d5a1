"""What of a request the cached verdict page depends on (issue 21, point 7), and the lookup of its
link that every request makes (issue 23, point 7).

The page reads one query parameter, `lang` (the language, and the language links that keep it).
Any other (`?cachebust=N`, `?utm_source=`) changes nothing on the page, so it is dropped before
rendering and is not part of the cache key: eighty such requests make one page, not eighty.
"""

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from app import assessments

PAGE_PARAMETERS = ("lang",)


def _kept_query(request: Request) -> str:
    if not request.scope["query_string"]:
        return ""
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
    if kept.encode() == request.scope["query_string"]:
        return request
    return Request({**request.scope, "query_string": kept.encode()}, request.receive)


def page_url(request: Request) -> tuple[object, ...]:
    """The URL part of the page's key: what `request.url` is made of (scheme, Host header or
    server, root path, path) and the query parameters the page reads. Equal parts make equal
    URLs; the parts are read from the request as they are, since building the URL costs more
    than the rest of a cached answer."""
    scope = request.scope
    return (
        scope["scheme"],
        # The Host header, or where there is none the server's address (a list in some servers).
        request.headers.get("host") or tuple(scope.get("server") or ()),
        scope.get("root_path", ""),
        scope["path"],
        _kept_query(request),
    )


class LinkCheck:
    """Whether a link is alive and which version of its page it stands for, from the database on
    every request, with the requests for one link that arrive together sharing a lookup.

    A rotated, expired or deleted link must answer 410/404 from the next request on, on every
    worker, so no request is answered from what an earlier one learnt. But a lookup need not be
    a request's own: requests for a link that arrive while a lookup of it is running wait for
    the next one, which starts as soon as that one ends and answers all of them. Every request
    is thus answered by a query that began after it arrived (it sees every write committed
    before it came, as a query of its own would), while a link read by many at once costs one
    query and one thread hop at a time instead of one per request (issue 23, point 7).

    `lookup(db, token)` runs in a worker thread; the NotFound it raises (`missing`) is returned
    to each waiting request as a value, any other error is raised in each of them.
    """

    def __init__(
        self,
        lookup: Callable[[Any, str], Any],
        missing: type[Exception],
    ) -> None:
        self._lookup = lookup
        self._missing = missing
        # Per event loop (a test client runs one per `with`), per (database, token): whether a
        # lookup is running and the future of the next one. Entries live while lookups do.
        self._links: dict[asyncio.AbstractEventLoop, dict[tuple, _Link]] = {}
        self._tasks: set[asyncio.Task] = set()

    def in_flight(self) -> int:
        """Links with a lookup running or waited for, on this thread's loop (for tests)."""
        return len(self._links.get(asyncio.get_running_loop(), {}))

    async def __call__(self, db: Any, token: str) -> Any:
        """The lookup's answer (or the NotFound it raised) from a query begun after this call."""
        loop = asyncio.get_running_loop()
        links = self._links.setdefault(loop, {})
        key = (db, token)
        link = links.setdefault(key, _Link())
        if link.next is None:
            link.next = loop.create_future()
            # An error nobody is left to read (every waiter gone) is not "never retrieved".
            link.next.add_done_callback(_read_outcome)
        future = link.next
        if not link.running:
            self._start(links, key, link)
        # Shielded: one waiter cancelled (its client gone) cancels nothing for the others.
        return await asyncio.shield(future)

    def _start(self, links: dict[tuple, "_Link"], key: tuple, link: "_Link") -> None:
        future, link.next, link.running = link.next, None, True
        task = asyncio.get_running_loop().create_task(self._run(links, key, link, future))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, links: dict[tuple, "_Link"], key: tuple, link: "_Link", future: asyncio.Future
    ) -> None:
        cancelled = False
        try:
            result = await run_in_threadpool(self._lookup, *key)
        except asyncio.CancelledError:  # the loop is shutting down
            cancelled = True
            future.cancel()
            raise
        except self._missing as error:
            future.set_result(error)
        except Exception as error:  # noqa: BLE001 - raised in every waiting request
            future.set_exception(error)
        else:
            future.set_result(result)
        finally:
            link.running = False
            if link.next is not None and not cancelled:
                self._start(links, key, link)
            else:
                if link.next is not None:
                    link.next.cancel()
                links.pop(key, None)
                if not links:
                    self._links.pop(asyncio.get_running_loop(), None)


class _Link:
    __slots__ = ("running", "next")

    def __init__(self) -> None:
        self.running = False
        self.next: asyncio.Future | None = None


def _read_outcome(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


# The verdict page's: one indexed query (assessments.stamp), shared as above.
check_link = LinkCheck(assessments.stamp, assessments.NotFound)
