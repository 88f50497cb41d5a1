"""Calling one ASGI middleware on a bare scope: no app, no TestClient, no database.

`call` runs the middleware around `Endpoint` (which records what reached it and answers 200) with
a receive that hands out the given body chunks and a send that collects the messages."""

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from tests.helpers import run_apart

Message = dict[str, Any]


def http_scope(
    method: str = "GET",
    path: str = "/api/thing",
    headers: Sequence[tuple[str, str]] = (),
    query: str = "",
    scheme: str = "http",
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


@dataclass
class Endpoint:
    """The app inside the middleware: reads the whole body (unless told not to), answers 200."""

    read_body: bool = True
    body: bytes = b"ok"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    fail_with: BaseException | None = None
    seen: list[dict[str, Any]] = field(default_factory=list)
    received: bytes = b""

    async def __call__(self, scope, receive, send) -> None:
        self.seen.append(scope)
        if self.read_body:
            while True:
                message = await receive()
                self.received += message.get("body", b"")
                if not message.get("more_body", False):
                    break
        if self.fail_with is not None:
            raise self.fail_with
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(self.body)).encode()), *self.headers],
            }
        )
        await send({"type": "http.response.body", "body": self.body})


@dataclass
class Answer:
    messages: list[Message]

    @property
    def status(self) -> int | None:
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        return starts[0]["status"] if starts else None

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        return list(starts[0]["headers"]) if starts else []

    def header(self, name: str) -> str | None:
        values = [v.decode("latin-1") for k, v in self.headers if k == name.encode()]
        assert len(values) <= 1, values
        return values[0] if values else None

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )

    def json(self) -> Any:
        return json.loads(self.body)


Receive = Callable[[], Awaitable[Message]]


def chunks(*parts: bytes) -> Receive:
    """A receive that hands out the body in these parts, then reports a disconnect."""
    messages = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts or (b"",))
    ]

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        await anyio.sleep(3600)  # a client that stays connected
        return {"type": "http.disconnect"}

    return receive


def call(middleware, scope: dict[str, Any], receive: Receive | None = None) -> Answer:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    run_apart(middleware, scope, receive or chunks(b""), send)
    return Answer(sent)
