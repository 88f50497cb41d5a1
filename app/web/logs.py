"""Logs that keep capability links secret and cannot be split by what a client sends.

Every record made in this process, whatever its logger (the app's, uvicorn's, a library's),
comes from `SafeLogRecord`: share tokens are masked, in paths and in query strings alike, manage
tokens are removed whole, and control characters are escaped, so a request can't forge a log
line. A traceback keeps its lines, each indented, so none can pass for a record of its own.
"""

import logging
import re
import traceback

_SLASH = r"(?:/|%2[fF])"
TOKEN_IN_PATH = re.compile(
    rf"({_SLASH}(?:a|d|api{_SLASH}v1{_SLASH}assessments|datasets{_SLASH}(?:checks|progress))"
    rf"{_SLASH})([A-Za-z0-9_-]{{4}})[A-Za-z0-9_-]{{12,60}}"
)
# Two share tokens side by side (/compare/{a}/{b}), and share tokens in the query strings of old
# /compare links (?a=&b=, ?pick=), which are redirected to that path, and the calculator's ?draft=.
TOKENS_COMPARED = re.compile(
    rf"({_SLASH}compare{_SLASH})([A-Za-z0-9_-]{{4}})[A-Za-z0-9_-]{{12,60}}({_SLASH})"
    rf"([A-Za-z0-9_-]{{4}})[A-Za-z0-9_-]{{12,60}}"
)
TOKEN_IN_QUERY = re.compile(
    r"((?:[?&]|%3[fF]|%26)(?:a|b|pick|draft)(?:=|%3[dD]))([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{12,60}"
)
# A manage token is a password: none of it is kept, wherever it shows (a header echoed in a
# message, a form field or JSON member quoted in one, a query string).
MANAGE_TOKEN = re.compile(
    r"""((?:x-manage-token|manage_token)["']?\s*[:=,]\s*b?["']?)[A-Za-z0-9_-]+""", re.IGNORECASE
)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def mask_tokens(text: str) -> str:
    """Keep the first four characters of a share token, enough to correlate, useless to attack;
    drop manage tokens whole."""
    text = TOKENS_COMPARED.sub(r"\1\2…\3\4…", TOKEN_IN_PATH.sub(r"\1\2…", text))
    return MANAGE_TOKEN.sub(r"\1…", TOKEN_IN_QUERY.sub(r"\1\2…", text))


def one_line(text: str) -> str:
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def safe(text: str) -> str:
    return one_line(mask_tokens(text))


class SafeLogRecord(logging.LogRecord):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Formatters that read args themselves (uvicorn's access log) get them clean too.
        if isinstance(self.args, tuple):
            self.args = tuple(safe(a) if isinstance(a, str) else a for a in self.args)
        if self.exc_info and self.exc_info[0] is not None:
            lines = "".join(traceback.format_exception(*self.exc_info)).splitlines()
            self.exc_text = "\n".join("    " + safe(line) for line in lines)

    def getMessage(self) -> str:  # noqa: N802 - logging's name
        return safe(super().getMessage())


def install() -> None:
    if logging.getLogRecordFactory() is not SafeLogRecord:
        logging.setLogRecordFactory(SafeLogRecord)
