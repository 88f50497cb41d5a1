"""The bare-ASGI and link-check tests run their async code through `run_apart`, so they pass in a
worker whose thread already runs an event loop (sync Playwright's, after a browser test)."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from app.web.middleware.methods import MethodMiddleware
from tests.helpers import run_apart
from tests.web.asgi_calls import Endpoint, call, http_scope


async def answer(value: int) -> int:
    await anyio.sleep(0)
    return value * 2


def test_it_returns_what_the_function_returns():
    assert run_apart(answer, 21) == 42


def test_a_middleware_call_works_inside_a_running_loop():
    async def inside_a_loop() -> tuple[int, int]:
        # As in a worker after a browser test: this thread runs a loop, so a plain anyio.run
        # refuses, and run_apart does not.
        with pytest.raises(RuntimeError, match="Already running"):
            anyio.run(answer, 1)
        refused = call(MethodMiddleware(Endpoint()), http_scope("TRACE"))
        passed = call(MethodMiddleware(Endpoint()), http_scope("GET"))
        return refused.status, passed.status

    # A thread of its own for the outer loop: this worker's main thread may run a loop already
    # (sync Playwright's, after a browser test), where asyncio.run itself refuses.
    with ThreadPoolExecutor(max_workers=1) as thread:
        assert thread.submit(asyncio.run, inside_a_loop()).result() == (405, 200)
