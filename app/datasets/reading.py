"""From an uploaded byte stream to training examples, one line at a time, in bounded memory.

Three formats are read: JSON Lines in chat format ({"messages": [{"role", "content"}, ...]}),
JSON Lines with "prompt" and "completion", and CSV (comma, tab or semicolon separated) with an
input and an output column. The first meaningful line decides the format. A line that cannot
be used becomes a `LineError` with its line number; a file that cannot be read at all raises
`Unreadable` as soon as that is known, without reading further.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

# A line longer than this is refused without being kept in memory (the "10 MB line").
MAX_LINE_BYTES = 1_000_000
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


@dataclass(slots=True)
class Example:
    line: int
    request: str  # the input: in a chat, the last message before the output (the user's turn)
    output: str
    context: str = ""  # in a chat, what came before the request: system prompt, earlier turns

    @property
    def input(self) -> str:
        """Everything the model reads before the output."""
        return f"{self.context}\n{self.request}" if self.context else self.request


@dataclass
class Reading:
    """What the reader learned about the file besides its examples."""

    format: str | None = None  # "chat" | "prompt_completion" | "csv"
    columns: tuple[str, str] | None = None  # the CSV columns used as input and output
    delimiter: str | None = None
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


def _with_sniffing(chunks: Iterable[bytes]) -> Iterator[bytes]:
    head = bytearray()
    iterator = iter(chunks)
    for chunk in iterator:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if not head.strip():
        # Keep counting what remains, so an all-blank file of any size is "empty" too.
        for chunk in iterator:
            if chunk.strip():
                head += chunk
                break
        else:
            raise Unreadable("empty")
    sniff(bytes(head))
    if head.startswith(b"\xef\xbb\xbf"):
        del head[:3]
    yield bytes(head)
    yield from iterator


def read_examples(chunks: Iterable[bytes], reading: Reading) -> Iterator[Example | LineError]:
    """Examples and line errors in file order. Raises Unreadable for a file that is not one."""
    lines = split_lines(_with_sniffing(chunks), reading)
    for number, raw in lines:
        if raw is None:
            yield LineError(number, "too_long")
            continue
        stripped = raw.strip()
        if not stripped:
            reading.blank_lines += 1
            continue
        if stripped.startswith(b"["):
            raise Unreadable("json_array")
        if stripped.startswith(b"{"):
            yield from _read_jsonl(number, raw, lines, reading)
        else:
            yield from _read_csv(number, raw, lines, reading)
        return


# --- JSON Lines ------------------------------------------------------------------------------


def _read_jsonl(
    first: int, raw: bytes, lines: Iterator[tuple[int, bytes | None]], reading: Reading
) -> Iterator[Example | LineError]:
    yield _json_line(first, raw, reading)
    for number, raw in lines:
        if raw is None:
            yield LineError(number, "too_long")
        elif raw.strip():
            yield _json_line(number, raw, reading)
        else:
            reading.blank_lines += 1


def _json_line(number: int, raw: bytes, reading: Reading) -> Example | LineError:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return LineError(number, "encoding", f"byte {error.start + 1}")
    try:
        record = json.loads(text)
    except (ValueError, RecursionError):
        return LineError(number, "not_json")
    if not isinstance(record, dict):
        return LineError(number, "not_object")
    shape = (
        "chat"
        if "messages" in record
        else ("prompt_completion" if "prompt" in record or "completion" in record else None)
    )
    if shape is None:
        error = LineError(number, "unknown_shape", ", ".join(sorted(map(str, record))[:5]))
        if len(reading.shape_errors) < 20:
            reading.shape_errors.append(error)
        return error
    if reading.format is None:
        reading.format = shape
    elif shape != reading.format:
        return LineError(number, "mixed_format", shape)
    return _chat(number, record) if shape == "chat" else _prompt_completion(number, record)


def _text(content: object) -> str | None:
    """A message's content as text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
            else:
                return None
        return "\n".join(parts)
    return None


def _chat(number: int, record: dict) -> Example | LineError:
    messages = record["messages"]
    if not isinstance(messages, list) or not messages:
        return LineError(number, "no_messages")
    inputs: list[str] = []
    system = record.get("system")  # Anthropic's format keeps the system prompt beside the messages
    if isinstance(system, str):
        inputs.append(system)
    last_output: str | None = None
    request = ""
    for index, message in enumerate(messages, 1):
        if not isinstance(message, dict):
            return LineError(number, "bad_message", str(index))
        role = message.get("role")
        if not isinstance(role, str):
            return LineError(number, "no_role", str(index))
        if role not in ROLES:
            return LineError(number, "unknown_role", role[:40])
        content = message.get("content")
        text = _text(content) if content is not None else None
        if role == "assistant":
            if text is None and message.get("tool_calls"):
                text = json.dumps(message["tool_calls"], ensure_ascii=False, sort_keys=True)
            if text is None:
                return LineError(number, "bad_content", str(index))
            if last_output is not None:
                inputs.append(last_output)
            last_output = text
        else:
            if text is None:
                return LineError(number, "bad_content", str(index))
            if last_output is not None:
                inputs.append(last_output)
                last_output = None
            inputs.append(text)
            if role != "system" and role != "developer":
                request = text
    if last_output is None:
        has_assistant = any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages)
        return LineError(number, "not_last_assistant" if has_assistant else "no_assistant")
    if not last_output.strip():
        return LineError(number, "empty_output")
    if request and inputs and inputs[-1] is request:
        inputs.pop()
    elif not request:  # no user turn: the system prompt is all the input there is
        request, inputs = "\n".join(inputs), []
    return Example(number, request, last_output, "\n".join(inputs))


def _prompt_completion(number: int, record: dict) -> Example | LineError:
    prompt, completion = record.get("prompt"), record.get("completion")
    if not isinstance(prompt, str):
        return LineError(number, "no_prompt")
    if not isinstance(completion, str):
        return LineError(number, "no_completion")
    if not completion.strip():
        return LineError(number, "empty_output")
    return Example(number, prompt, completion)


# --- CSV ---------------------------------------------------------------------------------------


def _pick(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [name.strip().lower() for name in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _read_csv(
    first: int, raw: bytes, lines: Iterator[tuple[int, bytes | None]], reading: Reading
) -> Iterator[Example | LineError]:
    try:
        header_text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("encoding", "1", [LineError(first, "encoding")]) from None
    header, delimiter = [], ","
    for candidate in CSV_DELIMITERS:
        header = next(csv.reader([header_text], delimiter=candidate), [])
        if _pick(header, INPUT_COLUMNS) is not None and _pick(header, OUTPUT_COLUMNS) is not None:
            delimiter = candidate
            break
    else:
        header = next(csv.reader([header_text]), [])
        shown = ", ".join(h.strip()[:40] for h in header[:10])
        raise Unreadable("csv_columns", shown)
    input_at, output_at = _pick(header, INPUT_COLUMNS), _pick(header, OUTPUT_COLUMNS)
    assert input_at is not None and output_at is not None
    reading.format, reading.delimiter = "csv", delimiter
    reading.columns = (header[input_at].strip(), header[output_at].strip())
    problems: list[LineError] = []
    current = [first]

    def decoded() -> Iterator[str]:
        for number, line in lines:
            current[0] = number
            if line is None:
                problems.append(LineError(number, "too_long"))
                continue
            try:
                yield line.decode("utf-8") + "\n"
            except UnicodeDecodeError as error:
                problems.append(LineError(number, "encoding", f"byte {error.start + 1}"))

    rows = csv.reader(decoded(), delimiter=delimiter, strict=False)
    width = max(input_at, output_at) + 1
    while True:
        try:
            row: list[str] | None = next(rows)
        except StopIteration:
            row = None
        except csv.Error as error:  # e.g. a quoted cell longer than csv's field limit
            problems.append(LineError(current[0], "csv_error", str(error)[:80]))
            row = []
        yield from problems
        problems.clear()
        if row is None:
            return
        # A record's last physical line: the same as its first unless a quoted cell spans lines.
        number = current[0]
        if not row or not any(cell.strip() for cell in row):
            reading.blank_lines += 1 if row else 0
            continue
        if len(row) < width:
            yield LineError(number, "missing_cell")
            continue
        output = row[output_at]
        if not output.strip():
            yield LineError(number, "empty_output")
            continue
        yield Example(number, row[input_at], output)
