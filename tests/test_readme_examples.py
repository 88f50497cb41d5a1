"""Every curl example in README.md runs, in the order the README gives them, against the app.

Each example is parsed as curl would read it (`-X`, `-H`, `-d`, `-F name=@file`, the URL) and
sent to a fresh app. `<share token>` and `<manage token>` stand for what earlier examples
returned: the newest assessment's id and manage token (a rotation's new id from then on). A
status written in the comment after an example (`# 201 …`, `# 204: …`) must be the one answered;
otherwise any 2xx.
"""

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from app.settings import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"```(?:sh|bash)\n(.*?)```", re.DOTALL)
STATUS = re.compile(r"^#\s*(\d{3})\b")


@dataclass
class Example:
    line: int
    argv: list[str]
    status: int | None


@dataclass
class Request:
    method: str = "GET"
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    data: str | None = None
    files: list[tuple[str, tuple[str, bytes]]] = field(default_factory=list)


def examples(text: str) -> list[Example]:
    """The curl commands of the README's sh blocks, continuation lines joined, each with the
    status its following comment promises."""
    found = []
    for block in BLOCK.finditer(text):
        first_line = text[: block.start(1)].count("\n") + 1
        lines = block.group(1).splitlines()
        index = 0
        while index < len(lines):
            start = index
            command = lines[index]
            while command.rstrip().endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command.rstrip()[:-1] + " " + lines[index]
            # A quoted JSON body may run over several lines without backslashes.
            while command.count("'") % 2 and index + 1 < len(lines):
                index += 1
                command += "\n" + lines[index]
            index += 1
            argv = shlex.split(command, comments=True)
            if not argv or argv[0] != "curl":
                continue
            comment = command.split("#", 1)[1] if " #" in command else ""
            promised = STATUS.match("#" + comment.strip()) if comment else None
            if promised is None and index < len(lines):
                promised = STATUS.match(lines[index].strip())
            found.append(Example(first_line + start, argv, int(promised[1]) if promised else None))
    return found


def parse_curl(argv: list[str]) -> Request:
    request = Request()
    words = iter(argv[1:])
    for word in words:
        if word in ("-s", "-S", "-sS", "--silent", "-i", "-v"):
            continue
        if word in ("-X", "--request"):
            request.method = next(words)
        elif word in ("-H", "--header"):
            name, _, value = next(words).partition(":")
            request.headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw", "--data-binary"):
            request.data = next(words)
            if request.method == "GET":
                request.method = "POST"
        elif word in ("-F", "--form"):
            name, _, value = next(words).partition("=")
            assert value.startswith("@"), f"only file fields are supported: {word}"
            path = ROOT / value[1:].split(";")[0]
            request.files.append((name, (path.name, path.read_bytes())))
            if request.method == "GET":
                request.method = "POST"
        elif word.startswith("http"):
            request.url = word
        else:
            raise AssertionError(f"curl option the README test does not know: {word}")
    return request


def test_the_readme_has_curl_examples_to_run() -> None:
    assert len(examples(README.read_text())) >= 10


def test_every_curl_example_in_the_readme_runs(client: TestClient) -> None:
    tokens: dict[str, str] = {}
    failures = []
    for example in examples(README.read_text()):
        if any("<proposed revision>" in word for word in example.argv):
            tokens.setdefault("proposed revision", _propose(client, tokens["share token"]))
        argv = [_fill(word, tokens) for word in example.argv]
        request = parse_curl(argv)
        parts = urlsplit(request.url)
        assert parts.netloc == "127.0.0.1:8000", f"README line {example.line}: {request.url}"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.request(
            request.method,
            target,
            headers=request.headers,
            content=request.data.encode() if request.data is not None else None,
            files=request.files or None,
        )
        expected = example.status
        ok = response.status_code == expected if expected else 200 <= response.status_code < 300
        if not ok:
            failures.append(
                f"README line {example.line}: {request.method} {target} answered "
                f"{response.status_code} (expected {expected or '2xx'}): {response.text[:200]}"
            )
            continue
        _remember(response, tokens, rotated=parts.path.endswith("/rotate"))
    assert failures == []


def _propose(client: TestClient, share_token: str) -> str:
    """What `<proposed revision>` stands for: a teammate without a key revises the decision and
    finishes, which makes a proposal (README, "A decision record")."""
    teammate = TestClient(client.app, follow_redirects=False)
    draft = teammate.post(f"/a/{share_token}/revise")
    assert draft.status_code == 303, draft.text
    token = draft.headers["location"].split("/d/", 1)[1].split("/", 1)[0]
    finished = teammate.post(f"/d/{token}/finish")
    assert finished.status_code == 303, finished.text
    assert client.get(f"/api/v1/assessments/{token}").json()["is_proposal"] is True
    return token


def _fill(word: str, tokens: dict[str, str]) -> str:
    for name, value in tokens.items():
        word = word.replace(f"<{name}>", value)
    return word


def _remember(response, tokens: dict[str, str], rotated: bool) -> None:
    """A new assessment (it comes with its manage token) and a rotation give `<share token>` a
    new value; other answers that carry an id (an accepted proposal's record) do not."""
    if "application/json" not in response.headers.get("content-type", ""):
        return
    body = json.loads(response.text or "null")
    if not isinstance(body, dict):
        return
    if isinstance(body.get("manage_token"), str):
        tokens["manage token"] = body["manage_token"]
        tokens["share token"] = body["id"]
    elif rotated and isinstance(body.get("id"), str):
        tokens["share token"] = body["id"]


@pytest.mark.parametrize(
    ("command", "method", "headers", "data"),
    [
        (
            "curl -s -X PATCH -H 'X-Manage-Token: k' -H 'Content-Type: application/json' "
            "-d '{\"a\": 1}' 'http://127.0.0.1:8000/x'",
            "PATCH",
            {"X-Manage-Token": "k", "Content-Type": "application/json"},
            '{"a": 1}',
        ),
        ("curl -s 'http://127.0.0.1:8000/x?q=1'", "GET", {}, None),
    ],
)
def test_curl_commands_are_read_as_curl_reads_them(command, method, headers, data) -> None:
    request = parse_curl(shlex.split(command))
    assert (request.method, request.headers, request.data) == (method, headers, data)


def test_examples_are_found_with_their_promised_status(tmp_path: Path) -> None:
    text = (
        "```sh\ncurl -s -X POST 'http://127.0.0.1:8000/a' \\\n  -d '{\"x\":\n 1}'\n"
        "# 201 {\"id\": ...}\ncurl -s 'http://127.0.0.1:8000/b'   # 204: gone\n"
        "make run\ncurl -s 'http://127.0.0.1:8000/c'   # counts\n```\n"
    )
    found = examples(text)
    assert [(e.argv[-1], e.status) for e in found] == [
        ('{"x":\n 1}', 201),
        ("http://127.0.0.1:8000/b", 204),
        ("http://127.0.0.1:8000/c", None),
    ]
