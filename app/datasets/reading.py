"""From an uploaded byte stream to training examples, one line at a time, in bounded memory.

Three formats are read: JSON Lines in chat format ({"messages": [{"role", "content"}, ...]}),
JSON Lines with "prompt" and "completion", and CSV (comma, tab or semicolon separated) with an
input and an output column. The first meaningful line decides the format. A line that cannot
be used becomes a `LineError` with its line number; a file that cannot be read at all raises
`Unreadable` as soon as that is known, without reading further.
"""

import csv
import hashlib
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# A line longer than this is refused without being kept in memory (the "10 MB line").
MAX_LINE_BYTES = 1_000_000
MAX_SNIPPET_BYTES = 200  # of text between a JSON array's elements that is not one
SNIFF_BYTES = 8192
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
INPUT_ROLES = ROLES - {"assistant"}
# CSV headers we recognise, matched case-insensitively after trimming, in order of preference.
INPUT_COLUMNS = ("input", "prompt", "question", "instruction", "query", "text", "source")
OUTPUT_COLUMNS = (
    "output",
    "completion",
    "answer",
    "response",
    "label",
    "target",
    "expected",
    "ideal",
    "class",
    "category",
)
CSV_DELIMITERS = (",", "\t", ";")
# The lines of the CSV record being read are kept, up to this many characters, so that those
# after an unclosed quote can be read again as rows (csv's own field limit, 131,072 characters,
# ends such a record long before).
MAX_RECORD_CHARS = 4 * MAX_LINE_BYTES

# Magic numbers of compressed and archive formats: refused, never decompressed.
COMPRESSED_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!", "rar"),
    (b"\x04\x22\x4d\x18", "lz4"),
)


class Unreadable(ValueError):
    """The file as a whole cannot be checked. `code` names the problem; `lines` are the first
    bad lines ([(line, LineError code, detail)]) when lines are to blame."""

    def __init__(self, code: str, detail: str = "", lines: list["LineError"] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.lines = lines or []


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    code: str
    detail: str = ""
    snippet: str = ""  # the line's start, for the downloadable list of bad lines


def _with_snippet(error: LineError, raw: bytes) -> LineError:
    text = raw[:120].decode("utf-8", "replace")
    return LineError(error.line, error.code, error.detail, " ".join(text.split())[:100])


@dataclass(slots=True)
class Example:
    line: int
    request: str  # the input: in a chat, the last message before the output (the user's turn)
    output: str  # the last trained output (the assistant's last turn, the chosen answer)
    context: str = ""  # in a chat, what came before the request: system prompt, earlier turns
    # Every turn but the system prompt, in order: what duplicates and clusters are measured on.
    dialogue: str = ""
    # Texts counted as tokens: (text, overhead) per message; a system prompt is cached by text.
    parts: tuple[tuple[str, int, bool], ...] = ()  # (text, overhead tokens, trained)
    rejected: str | None = None  # a preference pair's rejected answer
    warnings: tuple[tuple[str, str], ...] = ()  # (code, detail): kept, but worth fixing
    has_system: bool = False
    user_side: str = ""  # every user turn: what templates and label conflicts are measured on
    # Stand-ins for the input's parts that are not text (images, audio, files): part of the
    # input's identity, so that one question about two images is two inputs; never tokens.
    attachments: str = ""

    @property
    def prompt(self) -> str:
        return self.user_side or self.request or self.output

    @property
    def input(self) -> str:
        """Everything the model reads before the output."""
        return f"{self.context}\n{self.request}" if self.context else self.request

    @property
    def before_reply(self) -> str:
        """What leakage compares as the input: every turn before the final reply but the system
        (or developer) prompt, joined by newlines, so a shared, different or missing system
        prompt neither hides nor creates a copy; the request, else the output, when there is no
        such turn (a system prompt alone, a text record)."""
        dialogue, output = self.dialogue, self.output
        if len(dialogue) > len(output) + 1 and dialogue.endswith(output):
            return dialogue[: len(dialogue) - len(output) - 1]
        return self.request or self.output

    @property
    def whole(self) -> str:
        """The whole example, every turn (system prompt left out: it is shared by design)."""
        return self.dialogue or f"{self.request}\n{self.output}"


@dataclass
class Reading:
    """What the reader learned about the file besides its examples."""

    format: str | None = None  # chat, prompt_completion, alpaca, sharegpt, preference, text, csv
    columns: tuple[str, str] | None = None  # the CSV columns used as input and output
    delimiter: str | None = None
    container: str = "lines"  # or "json_array": one top-level array of records
    bytes_read: int = 0
    blank_lines: int = 0
    shape_errors: list[LineError] = field(default_factory=list)


def split_lines(chunks: Iterable[bytes], reading: Reading) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None in place of a line longer than MAX_LINE_BYTES,
    which is skipped as it streams past rather than gathered."""
    buffer = bytearray()
    number = 1
    skipping = False
    for chunk in chunks:
        reading.bytes_read += len(chunk)
        start = 0
        sliced = type(chunk) is bytes
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not skipping:
                    buffer += chunk[start:]
                    if len(buffer) > MAX_LINE_BYTES:
                        buffer.clear()
                        skipping = True
                break
            if skipping:
                yield number, None
                skipping = False
            elif not buffer and sliced:  # the whole line is in this chunk, a bytes
                yield number, chunk[start:end] if end - start <= MAX_LINE_BYTES else None
            else:
                buffer += chunk[start:end]
                yield number, bytes(buffer) if len(buffer) <= MAX_LINE_BYTES else None
                buffer.clear()
            number += 1
            start = end + 1
    if skipping:
        yield number, None
    elif buffer:
        yield number, bytes(buffer)


def sniff(head: bytes) -> None:
    """Refuse what is plainly not a text file of examples, from its first bytes."""
    for magic, name in COMPRESSED_MAGIC:
        if head.startswith(magic):
            raise Unreadable("compressed", name)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Unreadable("utf16")
    if b"\x00" in head[:SNIFF_BYTES]:
        raise Unreadable("binary")


ENCODING_LINES = 20  # the first lines with non-ASCII bytes that tell the file's encoding
# What a non-ASCII character of GB18030 text is when the file is Chinese: CJK ideographs,
# punctuation and full-width forms.
CJK_RANGES = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _likely_encoding(lines: list[bytes]) -> str:
    """The encoding lines that are not UTF-8 read as: GB18030 (and so GBK, GB2312) when they
    decode to Chinese text, Windows-1252 (Latin-1) when they decode as that; "" otherwise."""
    data = b"\n".join(lines)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        wide = [ord(c) for c in text if ord(c) > 0x7F]
        cjk = sum(any(low <= c <= high for low, high in CJK_RANGES) for c in wide)
        if wide and cjk >= 0.9 * len(wide):
            return "GB18030"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return "Windows-1252 (Latin-1)"


def sniff_encoding(head: bytes, whole: bool) -> None:
    """Refuse a file written in another encoding than UTF-8: most of its first lines with
    non-ASCII bytes (at least two) are not UTF-8. One stray byte on one line is that line's
    error, not the file's. `whole` says whether `head` is the whole file (else its last line
    may be cut)."""
    lines = head.split(b"\n")
    if not whole:
        del lines[-1]
    non_ascii = list(
        itertools.islice((line for line in lines if not line.isascii()), ENCODING_LINES)
    )
    bad = [line for line in non_ascii if not _is_utf8(line)]
    if len(bad) >= 2 and 2 * len(bad) > len(non_ascii):
        raise Unreadable("encoding", _likely_encoding(bad))


def _with_sniffing(chunks: Iterable[bytes]) -> Iterator[bytes]:
    head = bytearray()
    iterator = iter(chunks)
    whole = True  # whether head is the whole file
    for chunk in iterator:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            whole = False
            break
    if not head.strip():
        # Keep counting what remains, so an all-blank file of any size is "empty" too.
        for chunk in iterator:
            if chunk.strip():
                head += chunk
                whole = False
                break
        else:
            raise Unreadable("empty")
    sniff(bytes(head))
    if head.startswith(b"\xef\xbb\xbf"):
        del head[:3]
    sniff_encoding(bytes(head), whole)
    yield bytes(head)
    yield from iterator


# --- one JSON array of records --------------------------------------------------------------
#
# Alpaca's alpaca_data.json, LLaMA-Factory's data/*.json and ShareGPT dumps are one top-level
# array. It is split into its elements as the bytes stream past, by a state machine that only
# stops at the bytes that change its state (quotes, backslashes, brackets, commas, newlines):
# depth, inside a string or not, an escape pending. Each element is then one record, read as a
# line of JSON Lines would be, and numbered by the line it starts on.

_OUTSIDE = re.compile(rb'[\\"{}\[\],\n]')
_INSIDE = re.compile(rb'[\\"\n]')


class _ArraySplitter:
    """(line it starts on, bytes) for each element of a top-level JSON array; None in place of
    an element longer than MAX_LINE_BYTES, which is skipped as it streams past. A number, true,
    false or null element, and text after the array's end that is not whitespace, are yielded
    too (cut to MAX_SNIPPET_BYTES), so that each is an error of its own."""

    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.line = 1
        self.depth = 0  # 0 before the array, 1 between its elements, more inside an element
        self.in_string = False
        self.escaped = False  # a backslash ended the previous chunk, inside a string
        self.element: bytearray | None = None  # the element read so far, None between elements
        self.start_line = 0
        self.too_long = False
        self.gap = bytearray()  # text between elements (or after the end) that is not one
        self.gap_line = 0
        self.done = False  # past the array's closing bracket

    def split(self, chunks: Iterable[bytes]) -> Iterator[tuple[int, bytes | None]]:
        for chunk in chunks:
            self.reading.bytes_read += len(chunk)
            yield from self._chunk(chunk)
        if self.element is not None:  # the array was cut off inside an element
            yield self.start_line, None if self.too_long else bytes(self.element)
        elif self.gap.strip():
            yield self.gap_line, bytes(self.gap)

    def _chunk(self, chunk: bytes) -> Iterator[tuple[int, bytes | None]]:
        at = 0  # where the part of the chunk not yet added to self.element starts
        position, end = 0, len(chunk)
        if self.escaped:
            self.escaped = False
            self.line += chunk[:1] == b"\n"
            position = 1
        while position < end:
            if self.done:
                self._gap(chunk[position:])
                return
            found = (_INSIDE if self.in_string else _OUTSIDE).search(chunk, position)
            here = end if found is None else found.start()
            if self.element is None and self.depth == 1 and here > position:
                self._gap(chunk[position:here])
            if found is None:
                break
            byte = chunk[here]
            position = here + 1
            if byte == 0x0A:  # newline
                self.line += 1
                if self.element is None and self.depth == 1:
                    self._gap(b"\n")
            elif self.in_string:
                if byte == 0x5C:  # backslash: the next byte is escaped
                    if position >= end:
                        self.escaped = True
                    else:
                        self.line += chunk[position] == 0x0A
                        position += 1
                elif byte == 0x22:  # the closing quote
                    self.in_string = False
                    if self.depth == 1:  # a string element ends
                        yield self._end(chunk[at:position])
            elif self.depth == 0:
                self.depth = 1 if byte == 0x5B else 0  # the array opens
            elif self.element is None:  # between elements
                if byte in (0x2C, 0x5D):  # a comma, or the array's end
                    if self.gap.strip():
                        yield self.gap_line, bytes(self.gap)
                    self.gap.clear()
                    self.done = byte == 0x5D
                elif byte in (0x22, 0x7B, 0x5B):  # an object, an array or a string opens
                    self.element, self.start_line, self.too_long = bytearray(), self.line, False
                    at = here
                    self.in_string = byte == 0x22
                    self.depth += byte != 0x22
                else:
                    self._gap(chunk[here:position])
            elif byte == 0x22:
                self.in_string = True
            elif byte in (0x7B, 0x5B):
                self.depth += 1
            elif byte in (0x7D, 0x5D):
                self.depth -= 1
                if self.depth == 1:
                    yield self._end(chunk[at:position])
        if self.element is not None:
            self._keep(chunk[at:])

    def _gap(self, text: bytes) -> None:
        """Text outside every element; self.line is the line it starts on."""
        if not self.gap.strip():  # whitespace so far: what is not starts here
            self.gap.clear()
            stripped = text.lstrip()
            self.gap_line = self.line + text[: len(text) - len(stripped)].count(b"\n")
            text = stripped
        self.gap += text[: MAX_SNIPPET_BYTES - len(self.gap)]

    def _keep(self, text: bytes) -> None:
        assert self.element is not None
        if not self.too_long:
            self.element += text
            if len(self.element) > MAX_LINE_BYTES:
                self.element.clear()
                self.too_long = True

    def _end(self, text: bytes) -> tuple[int, bytes | None]:
        self._keep(text)
        assert self.element is not None
        element, self.element = self.element, None
        return self.start_line, None if self.too_long else bytes(element)


def read_examples(chunks: Iterable[bytes], reading: Reading) -> Iterator[Example | LineError]:
    """Examples and line errors in file order. Raises Unreadable for a file that is not one."""
    stream = _with_sniffing(chunks)
    head = next(stream)
    if head.lstrip()[:1] == b"[":
        reading.container = "json_array"
        yield from _read_records(
            _ArraySplitter(reading).split(itertools.chain([head], stream)), reading
        )
        return
    lines = split_lines(itertools.chain([head], stream), reading)
    for number, raw in lines:
        if raw is None:
            yield LineError(number, "too_long")
            continue
        stripped = raw.strip()
        if not stripped:
            reading.blank_lines += 1
            continue
        if stripped.startswith(b"{"):
            yield from _read_jsonl(number, raw, lines, reading)
        else:
            yield from _read_csv(number, raw, lines, reading)
        return


# --- JSON Lines ------------------------------------------------------------------------------


def _read_jsonl(
    first: int, raw: bytes, lines: Iterator[tuple[int, bytes | None]], reading: Reading
) -> Iterator[Example | LineError]:
    return _read_records(itertools.chain([(first, raw)], lines), reading)


def _read_records(
    records: Iterable[tuple[int, bytes | None]], reading: Reading
) -> Iterator[Example | LineError]:
    """Each record (a line of JSON Lines, an element of an array) as an example or an error."""
    for number, line in records:
        if line is None:
            yield LineError(number, "too_long")
        elif line.strip():
            result = _json_line(number, line, reading)
            yield _with_snippet(result, line) if isinstance(result, LineError) else result
        else:
            reading.blank_lines += 1


MESSAGE_OVERHEAD = 4  # the cookbook's 3 tokens per message, and the role's one token
REPLY_OVERHEAD = 3  # the cookbook's 3 tokens priming every reply
NAME_OVERHEAD = 1  # the cookbook's tokens_per_name: a message's "name", its tokens and 1 more
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)
RECORD_KEYS = {
    "chat": frozenset({"messages", "tools", "functions", "parallel_tool_calls", "system"}),
    "preference": frozenset(
        {
            "input",
            "preferred_output",
            "non_preferred_output",
            "prompt",
            "chosen",
            "rejected",
            "conversations",
            "system",
        }
    ),
    "sharegpt": frozenset({"conversations", "system", "tools", "id"}),
    "alpaca": frozenset({"instruction", "input", "output", "history", "system"}),
    "prompt_completion": frozenset({"prompt", "completion"}),
    "text": frozenset({"text"}),
    "fields": frozenset(),  # the two keys read, besides which every key is unknown
}
SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "system": "system",
    "function_call": "assistant",
    "observation": "tool",
    "tool": "tool",
    "function_response": "tool",
}


# Tool definitions are in every prompt the model sees, so they count as input tokens of each
# example that has them, the way OpenAI's cookbook counts them and checks against the API's
# usage.prompt_tokens ("How to count tokens with tiktoken", section 7, num_tokens_for_tools,
# github.com/openai/openai-cookbook examples/How_to_count_tokens_with_tiktoken.ipynb): for its
# cl100k_base models (gpt-3.5-turbo, gpt-4), 10 tokens start each function, then its
# "name:description" (a final period dropped); 3 start its properties, then per property 3 and
# "name:type:description"; an enum -3, then 3 and the value per item; 12 end the list. The
# cookbook reads only those fields: a definition without a function name is counted as its
# compact JSON text instead.
TOOL_FUNCTION, TOOL_PROPERTIES, TOOL_PROPERTY = 10, 3, 3
TOOL_ENUM, TOOL_ENUM_ITEM, TOOL_END = -3, 3, 12


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _without_period(value: object) -> str:
    text = _as_text(value)
    return text[:-1] if text.endswith(".") else text


def tool_parts(tools: object) -> tuple[tuple[str, int, bool], ...]:
    """The token parts (text, overhead, trained) of a record's tool or function definitions: a
    list of OpenAI tools ({"type": "function", "function": {...}}), of legacy functions, or
    such a list as JSON text (LLaMA-Factory's ShareGPT "tools")."""
    if isinstance(tools, str):
        try:
            tools = json.loads(tools)
        except ValueError:
            return ((tools, 0, False),) if tools.strip() else ()
    if not isinstance(tools, list) or not tools:
        return ()
    parts: list[tuple[str, int, bool]] = []
    for tool in tools:
        function = tool.get("function", tool) if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            compact = json.dumps(tool, ensure_ascii=False, separators=(",", ":"))
            parts.append((compact, 0, False))
            continue
        name, description = function["name"], _without_period(function.get("description"))
        parts.append((f"{name}:{description}", TOOL_FUNCTION, False))
        parameters = function.get("parameters")
        properties = parameters.get("properties") if isinstance(parameters, dict) else None
        if not isinstance(properties, dict) or not properties:
            continue
        parts.append(("", TOOL_PROPERTIES, False))
        for key, spec in properties.items():
            spec = spec if isinstance(spec, dict) else {}
            enum = spec.get("enum")
            if isinstance(enum, list):
                parts.append(("", TOOL_ENUM, False))
                parts.extend((_as_text(item), TOOL_ENUM_ITEM, False) for item in enum)
            kind, description = _as_text(spec.get("type")), _without_period(spec.get("description"))
            line = f"{key}:{kind}:{description}"
            parts.append((line, TOOL_PROPERTY, False))
    parts.append(("", TOOL_END, False))
    return tuple(parts)


def _with_tools(example: Example | LineError, record: dict) -> Example | LineError:
    """The example with its record's tool definitions counted, before the reply's 3 tokens."""
    if isinstance(example, LineError):
        return example
    tools = tool_parts(record.get("tools")) + tool_parts(record.get("functions"))
    if tools:
        example.parts = example.parts[:-1] + tools + example.parts[-1:]
    return example


def _shape(record: dict) -> str | None:
    if "messages" in record:
        return "chat"
    if {"preferred_output", "non_preferred_output", "chosen", "rejected"} & record.keys():
        return "preference"
    if "conversations" in record:
        return "sharegpt"
    if "instruction" in record:
        return "alpaca"
    if "prompt" in record or "completion" in record:
        return "prompt_completion"
    if "text" in record:
        return "text"
    if _key_pair(record) is not None:
        return "fields"
    return None


def _key_pair(record: dict) -> tuple[str, str] | None:
    """An input key and an output key named as a CSV's columns would be ("question" and
    "answer", "input" and "output", "query" and "response", ...), or None."""
    keys = [key for key in record if isinstance(key, str)]
    input_at, output_at = _pick(keys, INPUT_COLUMNS), _pick(keys, OUTPUT_COLUMNS)
    if input_at is None or output_at is None:
        return None
    return keys[input_at], keys[output_at]


def _no_constant(name: str) -> None:
    raise ValueError(name)


# json.loads(text, parse_constant=_no_constant) builds this decoder for every call.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def _json_line(number: int, raw: bytes, reading: Reading) -> Example | LineError:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return LineError(number, "encoding", str(error.start + 1))
    try:
        # A byte order mark json.loads would refuse by name fails here as "Expecting value".
        record = _DECODER.decode(text)
    except ValueError as error:
        if str(error) in ("NaN", "Infinity", "-Infinity"):
            return LineError(number, "nan_literal", str(error))
        return LineError(number, "not_json")
    except RecursionError:
        return LineError(number, "not_json")
    if not isinstance(record, dict):
        return LineError(number, "not_object")
    shape = _shape(record)
    if shape is None:
        error = LineError(number, "unknown_shape", ", ".join(sorted(map(str, record))[:5])[:200])
        if len(reading.shape_errors) < 20:
            reading.shape_errors.append(error)
        return error
    if reading.format is None:
        reading.format = shape
        if shape == "fields":
            reading.columns = _key_pair(record)
    elif shape != reading.format:
        return LineError(number, "mixed_format", shape)
    result = _READERS[shape](number, record)
    if isinstance(result, Example):
        extra = record.keys() - RECORD_KEYS[shape] - set(_key_pair(record) or ())
        if extra:
            unknown = sorted(str(key) for key in extra)
            result.warnings += (("unknown_key", ", ".join(unknown)[:80]),)
    return result


def _part_text(part: dict) -> str | None:
    """A content part's text: OpenAI's "text", or LLaMA-Factory's "value" in a text part."""
    if isinstance(part.get("text"), str):
        return part["text"]
    if part.get("type", "text") == "text" and isinstance(part.get("value"), str):
        return part["value"]
    return None


def _text(content: object) -> str | None:
    """A message's content as text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and _part_text(part) is not None:
                parts.append(_part_text(part))
            elif isinstance(part, dict) and isinstance(part.get("type"), str):
                parts.append("")  # an image or audio part: no text to count
            else:
                return None
        return "\n".join(parts)
    return None


MAX_STAND_IN = 300  # a non-text part's JSON up to this long is its own stand-in, else its digest


def _stand_ins(content: object) -> list[str]:
    """A stand-in for each part of a message that is not text (an image_url, input_audio or
    file part): its compact JSON (the image's URL), or the SHA-256 of it when that is long (an
    image's inline data)."""
    if not isinstance(content, list):
        return []
    found = []
    for part in content:
        if isinstance(part, dict) and _part_text(part) is None:
            given = json.dumps(part, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if len(given) > MAX_STAND_IN:
                given = f"{part.get('type')}:sha256:{hashlib.sha256(given.encode()).hexdigest()}"
            found.append(given)
    return found


def _messages(
    number: int, messages: object, *, system: object = None, roles: dict[str, str] | None = None
) -> Example | LineError:
    """A conversation (OpenAI chat messages, or ShareGPT's when `roles` maps its "from")."""
    if not isinstance(messages, list) or not messages:
        return LineError(number, "no_messages")
    warnings: list[tuple[str, str]] = []
    turns: list[tuple[str, str, bool]] = []  # (role, text, trained)
    if isinstance(system, str) and system:
        turns.append(("system", system, False))
    pending_calls = 0
    attachments: list[str] = []
    names: list[tuple[str, int, bool]] = []  # each message's "name", as input tokens
    for index, message in enumerate(messages, 1):
        if not isinstance(message, dict):
            return LineError(number, "bad_message", str(index))
        if roles is not None:
            given = message.get("from")
            if not isinstance(given, str):
                return LineError(number, "no_role", str(index))
            role = roles.get(given.strip().lower())
            if role is None:
                return LineError(number, "unknown_role", given[:40])
            content: object = message.get("value")
        else:
            given = message.get("role")
            if not isinstance(given, str):
                return LineError(number, "no_role", str(index))
            if given not in ROLES:
                return LineError(number, "unknown_role", given[:40])
            role = given
            if "content" not in message and not (
                role == "assistant" and (message.get("tool_calls") or message.get("function_call"))
            ):
                return LineError(number, "missing_content", str(index))
            unknown = sorted(str(key) for key in message.keys() - MESSAGE_KEYS)
            if unknown:
                warnings.append(("unknown_message_key", f"{index}: {', '.join(unknown)}"[:80]))
            content = message.get("content")
            name = message.get("name")
            if isinstance(name, str) and name:
                names.append((name, NAME_OVERHEAD, False))
        text = _text(content) if content is not None else None
        if role != "assistant":
            attachments += _stand_ins(content)
        trained = False
        if role == "assistant":
            calls = message.get("tool_calls") or message.get("function_call")
            if calls:
                pending_calls += len(calls) if isinstance(calls, list) else 1
                text = (text or "") + json.dumps(calls, ensure_ascii=False, sort_keys=True)
            elif roles is not None and message.get("from") == "function_call":
                pending_calls += 1
            if text is None:
                return LineError(number, "bad_content", str(index))
            weight = message.get("weight", 1)
            if weight not in (0, 1) or isinstance(weight, bool):
                return LineError(number, "bad_weight", str(weight)[:20])
            trained = weight == 1
            if not trained:
                warnings.append(("weight_zero", str(index)))
        else:
            if text is None:
                return LineError(number, "bad_content", str(index))
            if role in ("tool", "function"):
                if pending_calls == 0:
                    return LineError(number, "orphan_tool", str(index))
                pending_calls -= 1
        turns.append((role, text, trained))
    if turns[-1][0] != "assistant":
        has_assistant = any(role == "assistant" for role, _, _ in turns)
        return LineError(number, "not_last_assistant" if has_assistant else "no_assistant")
    if not turns[-1][1].strip():
        return LineError(number, "empty_output")
    if not any(trained for _, _, trained in turns):
        return LineError(number, "nothing_trained")
    if not any(role == "user" for role, _, _ in turns):
        warnings.append(("no_user", ""))
    example = _conversation(number, turns, warnings, "\n".join(attachments))
    if names:  # counted with the messages, before the reply's priming (the last part)
        example.parts = example.parts[:-1] + tuple(names) + example.parts[-1:]
    return example


def _conversation(
    number: int,
    turns: list[tuple[str, str, bool]],
    warnings: list[tuple[str, str]],
    attachments: str = "",
) -> Example:
    """An Example from a checked conversation ending with the assistant's turn."""
    output = turns[-1][1]
    before = turns[:-1]
    request_at = max(
        (i for i, (role, _, _) in enumerate(before) if role not in ("system", "developer")),
        default=None,
    )
    if request_at is None:  # no user turn: the system prompt is all the input there is
        request, context = "\n".join(text for _, text, _ in before), ""
    else:
        request = before[request_at][1]
        context = "\n".join(text for i, (_, text, _) in enumerate(before) if i != request_at)
    dialogue = "\n".join(text for role, text, _ in turns if role not in ("system", "developer"))
    parts = tuple((text, MESSAGE_OVERHEAD, trained) for _, text, trained in turns) + (
        ("", REPLY_OVERHEAD, False),
    )
    return Example(
        number,
        request,
        output,
        context,
        user_side="\n".join(text for role, text, _ in turns if role == "user"),
        dialogue=dialogue,
        parts=parts,
        warnings=tuple(warnings),
        has_system=any(role in ("system", "developer") for role, _, _ in turns),
        attachments=attachments,
    )


def _chat(number: int, record: dict) -> Example | LineError:
    # Anthropic's format keeps the system prompt beside the messages.
    return _with_tools(_messages(number, record["messages"], system=record.get("system")), record)


def _sharegpt(number: int, record: dict) -> Example | LineError:
    example = _messages(
        number, record["conversations"], system=record.get("system"), roles=SHAREGPT_ROLES
    )
    return _with_tools(example, record)


def _plain(number: int, request: str, output: str, **extra: Any) -> Example:
    return Example(
        number,
        request,
        output,
        dialogue=f"{request}\n{output}",
        parts=((request, 0, False), (output, 0, True)),
        **extra,
    )


def _alpaca(number: int, record: dict) -> Example | LineError:
    instruction, extra, output = (
        record.get("instruction"),
        record.get("input", ""),
        record.get("output"),
    )
    if not isinstance(instruction, str):
        return LineError(number, "no_instruction")
    if not isinstance(extra, str):
        return LineError(number, "bad_content", "input")
    if not isinstance(output, str):
        return LineError(number, "no_output")
    if not output.strip():
        return LineError(number, "empty_output")
    request = f"{instruction}\n\n{extra}" if extra.strip() else instruction
    return _plain(number, request, output)


def _text_record(number: int, record: dict) -> Example | LineError:
    text = record.get("text")
    if not isinstance(text, str):
        return LineError(number, "bad_content", "text")
    if not text.strip():
        return LineError(number, "empty_output")
    return Example(number, "", text, dialogue=text, parts=((text, 0, True),))


def _side(
    number: int, value: object, what: str, attachments: list[str] | None = None
) -> list[tuple[str, str, bool]] | LineError:
    """A prompt or answer given as text, as one message, or as a list of messages: OpenAI's
    ({"role", "content"}) or ShareGPT's ({"from", "value"}, as LLaMA-Factory's preference files
    give "conversations", "chosen" and "rejected")."""
    if isinstance(value, str):
        return [("user" if what == "prompt" else "assistant", value, what != "prompt")]
    if isinstance(value, dict) and ("role" in value or "from" in value):
        value = [value]
    if isinstance(value, list) and value:
        turns = []
        for index, message in enumerate(value, 1):
            if isinstance(message, dict) and isinstance(message.get("from"), str):
                role = SHAREGPT_ROLES.get(message["from"].strip().lower())
                if role is None:
                    return LineError(number, "unknown_role", message["from"][:40])
                content = message.get("value")
            elif isinstance(message, dict) and isinstance(message.get("role"), str):
                role = message["role"]
                if role not in ROLES:
                    return LineError(number, "unknown_role", role[:40])
                content = message.get("content")
            else:
                return LineError(number, "bad_message", f"{what} {index}")
            text = _text(content)
            if text is None:
                return LineError(number, "bad_content", f"{what} {index}")
            if attachments is not None and role != "assistant":
                attachments += _stand_ins(content)
            turns.append((role, text, role == "assistant"))
        return turns
    return LineError(number, f"no_{what}" if value is None else "bad_content", what)


def _prompt_completion(number: int, record: dict) -> Example | LineError:
    prompt, completion = record.get("prompt"), record.get("completion")
    if isinstance(prompt, str) and isinstance(completion, str):
        if not completion.strip():
            return LineError(number, "empty_output")
        return _plain(number, prompt, completion)
    if prompt is None:
        return LineError(number, "no_prompt")
    if completion is None:
        return LineError(number, "no_completion")
    attachments: list[str] = []
    before = _side(number, prompt, "prompt", attachments)
    if isinstance(before, LineError):
        return before
    after = _side(number, completion, "completion")
    if isinstance(after, LineError):
        return after
    if not after[-1][1].strip():
        return LineError(number, "empty_output")
    return _conversation(number, before + after, [], "\n".join(attachments))


def _preference(number: int, record: dict) -> Example | LineError:
    if "preferred_output" in record or "non_preferred_output" in record:  # OpenAI's DPO format
        given = record.get("input")
        if not isinstance(given, dict) or "messages" not in given:
            return LineError(number, "no_messages")
        prompt: object = given["messages"]
        chosen, rejected = record.get("preferred_output"), record.get("non_preferred_output")
    else:  # TRL: prompt (or an implicit prompt inside both answers), chosen, rejected
        prompt, chosen, rejected = (
            record.get("prompt", record.get("conversations")),  # LLaMA-Factory: ShareGPT's
            record.get("chosen"),
            record.get("rejected"),
        )
    if chosen is None:
        return LineError(number, "no_chosen")
    if rejected is None:
        return LineError(number, "no_rejected")
    attachments: list[str] = []
    good = _side(number, chosen, "chosen", attachments)
    if isinstance(good, LineError):
        return good
    bad = _side(number, rejected, "rejected")
    if isinstance(bad, LineError):
        return bad
    before: list[tuple[str, str, bool]] = []
    if prompt is not None:
        side = _side(number, prompt, "prompt", attachments)
        if isinstance(side, LineError):
            return side
        before = [(role, text, False) for role, text, _ in side]
        system = record.get("system")
        if isinstance(system, str) and system:
            before.insert(0, ("system", system, False))
    elif len(good) > 1:  # implicit prompt: the turns both answers share
        before = [(role, text, False) for role, text, _ in good[:-1]]
        good, bad = good[-1:], bad[-1:]
    if not good[-1][1].strip():
        return LineError(number, "empty_output")
    if not bad[-1][1].strip():
        return LineError(number, "empty_rejected")
    example = _conversation(number, before + good[-1:], [], "\n".join(attachments))
    example.rejected = bad[-1][1]
    example.parts = example.parts + ((example.rejected, MESSAGE_OVERHEAD, True),)
    if " ".join(good[-1][1].split()) == " ".join(bad[-1][1].split()):
        example.warnings += (("same_pair", ""),)
    return example


def _fields(number: int, record: dict) -> Example | LineError:
    pair = _key_pair(record)
    assert pair is not None
    request, output = record[pair[0]], record[pair[1]]
    if not isinstance(request, str):
        return LineError(number, "bad_content", pair[0])
    if isinstance(output, (int, float)) and not isinstance(output, bool):
        output = str(output)  # a numeric label, as a CSV cell would hold it
    if not isinstance(output, str):
        return LineError(number, "bad_content", pair[1])
    if not output.strip():
        return LineError(number, "empty_output")
    return _plain(number, request, output)


_READERS = {
    "chat": _chat,
    "preference": _preference,
    "sharegpt": _sharegpt,
    "alpaca": _alpaca,
    "prompt_completion": _prompt_completion,
    "text": _text_record,
    "fields": _fields,
}


# --- CSV ---------------------------------------------------------------------------------------


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def sniff_delimiter(
    header_line: str, fits: Callable[[list[str]], bool]
) -> tuple[str, list[str]] | None:
    """A CSV's delimiter, from its header line: the first of CSV_DELIMITERS (comma, tab,
    semicolon) that splits it into cells `fits` takes for a header, with those cells; None when
    none does. (The eval-run check reads its CSVs with it too.)"""
    for candidate in CSV_DELIMITERS:
        try:
            header = next(csv.reader([header_line], delimiter=candidate), [])
        except csv.Error:  # a carriage return inside the line, say: no header of this kind
            continue
        if fits(header):
            return candidate, header
    return None


def _has_columns(header: list[str]) -> bool:
    return _pick(header, INPUT_COLUMNS) is not None and _pick(header, OUTPUT_COLUMNS) is not None


def _read_csv(
    first: int, raw: bytes, lines: Iterator[tuple[int, bytes | None]], reading: Reading
) -> Iterator[Example | LineError]:
    try:
        header_text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = LineError(first, "encoding", str(error.start + 1))
        raise Unreadable("encoding", "", [line]) from None
    sniffed = sniff_delimiter(header_text, _has_columns)
    if sniffed is None:
        try:
            header = next(csv.reader([header_text]), [])
        except csv.Error:  # a carriage return inside the header line
            header = header_text.replace("\r", " ").split(",")
        shown = ", ".join(h.strip()[:40] for h in header[:10])
        raise Unreadable("csv_columns", shown)
    delimiter, header = sniffed
    input_at, output_at = _pick(header, INPUT_COLUMNS), _pick(header, OUTPUT_COLUMNS)
    assert input_at is not None and output_at is not None
    extra_at = None
    reading.format, reading.delimiter = "csv", delimiter
    instruction_at = _pick(header, ("instruction",))
    if instruction_at is not None and _pick(header, ("output",)) is not None:
        # Alpaca: the instruction is the request, its often empty "input" column is added to it.
        reading.format = "alpaca"
        extra_at = _pick(header, ("input",))
        input_at, output_at = instruction_at, _pick(header, ("output",))
        assert output_at is not None
    reading.columns = (header[input_at].strip(), header[output_at].strip())
    columns = len(header)
    problems: list[LineError] = []
    current = [first]
    # An unclosed quote makes every line after it part of one cell, up to the next quote or the
    # end of the file. Such a record is an error at the line the quote opened, and its other
    # lines are read again as rows: the lines of the record being read are kept (`record`, at
    # most MAX_RECORD_CHARS) and put back before the rest (`replay`).
    replay: deque[tuple[int, str]] = deque()
    record: list[tuple[int, str]] = []
    kept = [0]  # characters in `record`, or -1 once past MAX_RECORD_CHARS
    ended = [False]  # the file ended inside the record being read: in a quoted cell

    def decoded() -> Iterator[str]:
        while True:
            if replay:
                number, text = replay.popleft()
            else:
                try:
                    number, line = next(lines)
                except StopIteration:
                    ended[0] = True
                    return
                if line is None:
                    current[0] = number
                    problems.append(LineError(number, "too_long"))
                    continue
                try:
                    text = line.decode("utf-8") + "\n"
                except UnicodeDecodeError as error:
                    current[0] = number
                    problems.append(LineError(number, "encoding", str(error.start + 1)))
                    continue
            current[0] = number
            if kept[0] >= 0:
                kept[0] += len(text)
                if kept[0] > MAX_RECORD_CHARS:
                    record.clear()
                    kept[0] = -1
                else:
                    record.append((number, text))
            yield text

    def reader() -> Iterator[list[str]]:
        return csv.reader(decoded(), delimiter=delimiter, strict=False)

    rows = reader()
    width = max(input_at, output_at, extra_at or 0) + 1
    while True:
        record.clear()
        kept[0] = 0
        ended[0] = False
        broken = False
        try:
            row: list[str] | None = next(rows)
        except StopIteration:
            row = None
        except csv.Error as error:  # e.g. a quoted cell longer than csv's field limit
            broken = len(record) > 1  # an unclosed quote, most likely: read its lines again
            if not broken:
                problems.append(LineError(current[0], "csv_error", str(error)[:80]))
            row = []
        yield from problems
        problems.clear()
        if row is None:
            return
        start = record[0][0] if record else current[0]
        # A record's last physical line: the same as its first unless a quoted cell spans lines.
        number = current[0]
        if (
            broken
            or (row and ended[0])
            or (number > start and _swallowed_rows(row, delimiter, columns))
        ):
            yield LineError(start, "unbalanced_quote", f"{start}-{number}")
            replay.extendleft(reversed(record[1:]))
            rows = reader()
            continue
        if not row or not any(map(str.strip, row)):
            reading.blank_lines += 1 if row else 0
            continue
        if len(row) < width:
            yield LineError(number, "missing_cell")
            continue
        output = row[output_at]
        if not output.strip():
            yield LineError(number, "empty_output")
            continue
        request = row[input_at]
        if extra_at is not None and row[extra_at].strip():
            request = f"{request}\n\n{row[extra_at]}"
        yield _plain(number, request, output)


def _swallowed_rows(row: list[str], delimiter: str, columns: int) -> bool:
    """A quoted cell whose lines after the first are all rows of the file: an unbalanced quote
    swallowed them. Each such line has exactly a row's delimiters (columns - 1), and there are at
    least two of them. A real multi-line cell is prose: its lines have any number of delimiters,
    a blank line between paragraphs has none, and one line of prose with a single comma is not
    enough to call a two-column file's cell broken (a French insurance Q&A file of 163 records,
    every quote closed, had 21 of them refused by the old rule of any line with a comma)."""
    if columns < 2:
        return False
    for cell in row:
        lines = cell.split("\n")[1:]
        if len(lines) >= 2 and all(line.count(delimiter) == columns - 1 for line in lines):
            return True
    return False
