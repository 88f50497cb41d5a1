"""Read an eval run from the bytes of its file: which tool wrote it, and each case's outcome.

Formats, detected from the content (never from the file name). Each tool's shape was checked
against its own source, at the commits named (GitHub paths):

- `csv`: a header with `id` and either `passed` (1/0, true/false, pass/fail, yes/no, any case;
  empty or `error`: an error) or `expected` and `actual`, compared after Unicode NFC
  normalization and stripping surrounding whitespace, case-sensitive (an empty `actual` is a case
  without an answer: an error). Optional `category` (or `failure_category`): counted on failures.
  Any CSV here may be separated by commas, tabs or semicolons: the first that gives a header this
  check reads, as the dataset check sniffs it (app.datasets.reading.sniff_delimiter).
- `promptfoo_json`: `promptfoo eval --output results.json`, the OutputFile `{evalId, results,
  config, shareableUrl, metadata}` (promptfoo/promptfoo src/util/output.ts @df9dbcd3) whose
  `results` is the EvaluateSummary, `version` 3 (or 2 for evals stored before v3;
  src/models/eval.ts @8892c2d6 toEvaluateSummary). Each of `results.results[]` counts as
  promptfoo counts its own stats (the evaluator: `success` passes, else `failureReason` 2 =
  ResultFailureReason.ERROR is an error, else a fail; src/types/results.ts @05eba334); files from
  before `failureReason`: an `error` without a `gradingResult` is an error. Failures by
  `gradingResult.componentResults[].assertion` (metric, else type), metric-only assertions left
  out (countedComponentResults). A file of several prompts or providers (or a CSV of several
  prompt columns) is refused, with each one's counts: pooled, they give an accuracy none has.
  A test is named by `testCase.description`, else by a canonical JSON of its `vars` (a CSV row
  by its variable columns, the same JSON), so that runs pair test by test, not by position.
- `promptfoo_csv`: `promptfoo eval --output results.csv`. For each prompt, its output column
  (`[provider] label`), `Reasoning` (since src/util/eval/evalTableUtils.ts @9e9ba381), `Status`
  (PASS/FAIL/ERROR), `Score`, `Named Scores`, one `Metric: <name>` per named score, `Grader
  Reason`, `Comment` (without `Reasoning`: src/server/utils/evalTableUtils.ts @a2469529); or, in
  older exports, output cells that begin `[PASS]`, `[FAIL]` or `[ERROR]` (outputToSimpleString,
  src/util/output.ts), whose column is found by those cells when its header is the prompt as
  JSON (promptfoo 0.43). The file's own Status is taken as it is: promptfoo writes ERROR for any
  failure whose reason is not ASSERT (getOutputStatus).
- `openai_evals`: the JSON Lines log of openai/evals' LocalRecorder (`oaieval`; openai/evals
  evals/record.py @4bfc1f58): a `spec` line (RunSpec), one Event per line `{"run_id",
  "event_id", "sample_id", "type", "data", "created_by", "created_at"}` and a `{"final_report",
  "run_id"}` line. A sample passes when every `match` event recorded for it has `data.correct`
  true (a `metrics` event with a boolean `correct` counts too); an `error` event (record_error),
  or no outcome at all, makes it an error.
- `inspect`: Inspect's JSON log (`inspect eval --log-format json`, or `inspect log convert
  --to json`), EvalLog `version` 2 (UKGovernmentBEIS/inspect_ai src/inspect_ai/log/_log.py
  @499e6152, 0.3.260): `samples[].scores[scorer].value` with the first scorer of
  `results.scores`; "C" (CORRECT), true, 1, "yes", "correct" pass; "I", "P" (PARTIAL: Inspect
  gives it 0.5), false, 0, "no", "incorrect" fail, and so does any number strictly between 0 and
  1 (partial credit, like "P": counted in `Run.partial`, which the report states); numbers written
  as strings are read as numbers (value_to_float, scorer/_metric.py). Errors: a sample `error` (EvalError), a sample never scored,
  "N" (NOANSWER: "no answer or refusal to answer"; Inspect's accuracy scores it 0) and NaN
  (Score.unscored(), written as the constant NaN). Epochs are repeated draws on one case: a
  sample is one case, its share of passed epochs (over those graded) is its accuracy, as
  Inspect's mean reducer gives it, and it is an error only when every epoch errored. A log that
  did not finish (`status` started, cancelled or error) is refused with how far it got, and one
  never scored (no scores anywhere, samples answered) is refused as such, not as all errors. The zipped `.eval` log is refused with the command that converts it.

Errors (the model or the grader failed to give an answer) are counted apart, never as a pass or a
fail. Anything that cannot be read raises Unreadable, naming the first bad lines or items.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import msgspec

from app.datasets.reading import sniff_delimiter

from .stats import ERROR, FAIL, PASS

FORMATS = ("csv", "promptfoo_json", "promptfoo_csv", "openai_evals", "inspect")
MAX_PROBLEMS = 20
MAX_ID = 500  # characters of a case id kept
MAX_CATEGORY = 120
# Failure categories reported, the most frequent first.
MAX_CATEGORIES = 20

_TRUE = frozenset({"1", "true", "pass", "passed", "yes", "y", "t", "correct"})
_FALSE = frozenset({"0", "false", "fail", "failed", "no", "n", "f", "incorrect"})
_ERROR_WORDS = frozenset({"", "error", "errored"})


@dataclass(frozen=True)
class Problem:
    """A bad line (text formats) or item (`results[i]`, `samples[i]`: 1-based) of a file."""

    code: str
    detail: str = ""
    line: int | None = None
    item: int | None = None


class Unreadable(ValueError):
    """The file is not an eval run this check reads. `code` is a key of messages.FILE_PROBLEMS;
    `values` fill its other {placeholders} (numbers, in every language alike)."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        problems: list[Problem] | None = None,
        values: dict[str, str] | None = None,
    ):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.problems = (problems or [])[:MAX_PROBLEMS]
        self.values = values or {}


@dataclass
class Run:
    format: str
    outcomes: dict[str, int] = field(default_factory=dict)
    # failure category or assertion name -> failed cases it was among
    categories: Counter = field(default_factory=Counter)
    version: str | None = None
    name: str | None = None  # task, eval or model, when the file says
    # Inspect logs of several epochs: each graded sample's share of passed epochs (its outcome
    # in `outcomes` is the majority), and the most epochs a sample has.
    shares: dict[str, Fraction] | None = None
    epochs: int = 1
    # Inspect: the scorer counted, and the log's other scorers with the accuracy it gives them.
    scorer: str | None = None
    other_scorers: list[tuple[str, float | None]] = field(default_factory=list)
    # Inspect: samples given partial credit ("P", or a number strictly between 0 and 1) in a
    # graded epoch, which pass/fail counting counts as a fail there.
    partial: int = 0


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, code: str, detail: str = "", *, line: int | None = None, item=None) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(code, str(detail)[:200], line, item))

    def raise_if_any(self) -> None:
        if self.found:
            raise Unreadable("bad_lines", problems=self.found)


def _short(value: object, limit: int = MAX_CATEGORY) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _add(run: Run, problems: _Problems, case: str, outcome: int, **where) -> None:
    case = case[:MAX_ID]
    if case in run.outcomes:
        problems.add("duplicate_id", case, **where)
        return
    run.outcomes[case] = outcome


# --- Bytes to text ------------------------------------------------------------------------


def decode(data: bytes) -> str:
    head = data[:4096]
    if data[:2] == b"\x1f\x8b":
        raise Unreadable("compressed", "gzip")
    if data[:4] == b"PK\x03\x04":
        raise Unreadable("zip")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise Unreadable("utf16")
    if b"\x00" in head:
        raise Unreadable("binary")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise Unreadable(
            "encoding", problems=[Problem("encoding", f"byte {error.start + 1}", line)]
        ) from None


# --- Detection ----------------------------------------------------------------------------


def read(data: bytes) -> Run:
    """The run in a file, whichever format it is in."""
    text = decode(data)
    first = _NOT_SPACE.search(text)  # (text.lstrip() would copy the whole file)
    if first is None:
        raise Unreadable("empty")
    if text[first.start()] == "[":
        raise Unreadable("json_array")
    if text[first.start()] == "{":
        body = memoryview(data)[3:] if data.startswith(b"\xef\xbb\xbf") else data
        return _read_json(text, body)
    return _read_csv(text)


_NOT_SPACE = re.compile(r"\S")


class _Slow(Exception):
    """The fast reader (msgspec) does not take this file as it is: the standard library reads it,
    and names whatever is wrong with it."""


def _read_json(text: str, data: bytes | memoryview) -> Run:
    start = _NOT_SPACE.search(text).start()
    end = text.find("\n", start)
    first = None
    # Only a file of several lines can be JSON Lines; a single document is parsed once, below.
    if end != -1 and _NOT_SPACE.search(text, end):
        try:
            first = json.loads(text[start:end])
        except (ValueError, RecursionError):
            first = None
    if isinstance(first, dict) and (
        "spec" in first or "final_report" in first or {"run_id", "sample_id"} <= first.keys()
    ):
        return _read_openai_evals(text)
    try:
        return _read_json_fast(data)
    except _Slow:
        pass
    try:
        document = json.loads(text)
    except ValueError as error:
        lineno = getattr(error, "lineno", None)
        if isinstance(first, dict):
            raise Unreadable("unknown_json", ", ".join(sorted(map(str, first))[:12])) from None
        raise Unreadable(
            "not_json", problems=[Problem("not_json", str(getattr(error, "msg", "")), lineno)]
        ) from None
    except RecursionError:
        raise Unreadable("not_json") from None
    if not isinstance(document, dict):
        raise Unreadable("unknown_json")
    results = document.get("results")
    if isinstance(results, dict) and isinstance(results.get("results"), list):
        config = document.get("config")
        return _read_promptfoo(
            results.get("version", document.get("version")),
            config.get("description") if isinstance(config, dict) else None,
            [_promptfoo_result(r) for r in results["results"]],
        )
    if isinstance(document.get("samples"), list) or (
        isinstance(document.get("eval"), dict) and "status" in document
    ):
        samples = document.get("samples")
        return _read_inspect(
            document.get("version"),
            document.get("eval"),
            document.get("results"),
            [_inspect_sample(s) for s in samples] if isinstance(samples, list) else None,
            document.get("status", ""),
        )
    raise Unreadable("unknown_json", ", ".join(sorted(map(str, document))[:12]))


# --- The fast path: only the fields read are decoded ----------------------------------------
#
# msgspec decodes a document into these Structs and skips every other field without building
# it (a promptfoo result's prompt, vars and response; an Inspect sample's messages, output and
# events), so a 100,000-case log is read in a fraction of a second, in memory that grows with
# the cases rather than with the file. Fields typed Any hold exactly what json.loads would give.
# Whatever the fast path does not take as it is (invalid JSON, NaN or Infinity, integers beyond
# 64 bits, a field of another shape) is read again by the standard library, whose reading names
# the problems; both paths then share one counting function per format, so their results agree.


class _Provider(msgspec.Struct, gc=False, frozen=True):
    id: Any = None
    label: Any = None


class _Component(msgspec.Struct, gc=False, rename={"passed": "pass"}):
    passed: Any = None
    assertion: Any = None
    metadata: Any = None


class _Grading(msgspec.Struct, gc=False):
    componentResults: list[_Component] | None = None  # noqa: N815 (promptfoo's name)
    assertion: Any = None


class _Prompt(msgspec.Struct, gc=False):
    label: Any = None
    display: Any = None  # results.version 2 names a prompt by its template


class _TestCase(msgspec.Struct, gc=False):
    description: Any = None


class _PromptfooResult(msgspec.Struct, gc=False):
    success: Any = None
    failureReason: Any = None  # noqa: N815
    error: Any = None
    gradingResult: _Grading | None = None  # noqa: N815
    testIdx: Any = None  # noqa: N815
    id: Any = None
    promptIdx: Any = None  # noqa: N815
    provider: str | _Provider | None = None
    prompt: str | _Prompt | None = None
    vars: Any = None
    testCase: _TestCase | None = None  # noqa: N815


class _Score(msgspec.Struct, gc=False):
    value: Any = None


class _SampleMetadata(msgspec.Struct, gc=False):
    category: Any = None


class _InspectSample(msgspec.Struct, gc=False):
    id: Any = None
    epoch: Any = msgspec.UNSET
    scores: dict[str, _Score] | None = None
    error: Any = None
    metadata: _SampleMetadata | None = None


class _EventData(msgspec.Struct, gc=False):
    correct: Any = None
    expected: Any = None


class _Event(msgspec.Struct, gc=False):
    spec: Any = msgspec.UNSET
    final_report: Any = msgspec.UNSET
    run_id: Any = None
    sample_id: Any = None
    type: Any = None
    data: _EventData | None = None


class _Described(msgspec.Struct, gc=False):
    description: Any = None


class _Results(msgspec.Struct, gc=False):
    """`results`: promptfoo's summary (its version and results) or Inspect's (its scores)."""

    version: Any = msgspec.UNSET
    results: list[_PromptfooResult] | None = None
    scores: Any = None
    total_samples: Any = None
    completed_samples: Any = None


class _Document(msgspec.Struct, gc=False):
    version: Any = None
    status: Any = msgspec.UNSET
    eval: Any = None
    results: _Results | None = None
    samples: list[_InspectSample] | None = None
    config: msgspec.Raw = msgspec.Raw()


_DOCUMENT = msgspec.json.Decoder(_Document)
_DESCRIBED = msgspec.json.Decoder(_Described)
_EVENT = msgspec.json.Decoder(_Event)


def _struct(cls, item):
    """A value the standard library read, as the Struct the fast path gives when it is an object
    (other values are left as they are: the counting skips or names them)."""
    if not isinstance(item, dict):
        return item
    names = zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True)
    return cls(**{field: item[key] for field, key in names if key in item})


def _promptfoo_result(item):
    result = _struct(_PromptfooResult, item)
    if isinstance(result, _PromptfooResult):
        grading = result.gradingResult
        if isinstance(grading, dict):
            components = grading.get("componentResults")
            result.gradingResult = _Grading(
                [_struct(_Component, c) for c in components]
                if isinstance(components, list)
                else None,
                grading.get("assertion"),
            )
        result.provider = _struct(_Provider, result.provider)
        result.prompt = _struct(_Prompt, result.prompt)
        result.testCase = _struct(_TestCase, result.testCase)
    return result


def _inspect_sample(item):
    sample = _struct(_InspectSample, item)
    if isinstance(sample, _InspectSample):
        if isinstance(sample.scores, dict):
            sample.scores = {k: _struct(_Score, v) for k, v in sample.scores.items()}
        sample.metadata = _struct(_SampleMetadata, sample.metadata)
    return sample


def _starts(raw: msgspec.Raw, char: int) -> bool:
    return len(raw) > 0 and memoryview(raw)[0] == char


def _decode(decoder, raw):
    try:
        return decoder.decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise _Slow from None


def _read_json_fast(data: bytes | memoryview) -> Run:
    """One pass over the document; _Slow unless it is a promptfoo output or an Inspect log whose
    fields all have the shapes the Structs say."""
    document = _decode(_DOCUMENT, data)
    summary = document.results
    if summary is not None and summary.results is not None:
        description = None
        if _starts(document.config, ord("{")):
            description = _decode(_DESCRIBED, document.config).description
        version = document.version if summary.version is msgspec.UNSET else summary.version
        return _read_promptfoo(version, description, summary.results)
    if document.samples is not None or (
        isinstance(document.eval, dict) and document.status is not msgspec.UNSET
    ):
        results = None
        if summary is not None:
            results = {
                "scores": summary.scores,
                "total_samples": summary.total_samples,
                "completed_samples": summary.completed_samples,
            }
        status = "" if document.status is msgspec.UNSET else document.status
        return _read_inspect(document.version, document.eval, results, document.samples, status)
    raise _Slow


# --- CSV ----------------------------------------------------------------------------------


def _known_header(cells: list[str]) -> bool:
    """A header this check reads: id and passed, id, expected and actual, or a promptfoo export's."""
    header = [name.strip() for name in cells]
    names = {name.lower() for name in header}
    plain = "id" in names and ("passed" in names or {"expected", "actual"} <= names)
    return plain or _is_promptfoo_csv(header)


def _csv_rows(text: str):
    sample = text[:4096].split("\n", 1)[0]
    # Comma, tab or semicolon, sniffed as the dataset check does: the first that gives a header
    # this check reads (else a tab without a comma, else a comma: an older promptfoo export's
    # prompt columns are told by their cells, not by their header).
    sniffed = sniff_delimiter(sample, _known_header)
    if sniffed is not None:
        delimiter = sniffed[0]
    else:
        delimiter = "\t" if "\t" in sample and "," not in sample else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, None, str(error)
            return
        yield start, row, ""
        start = reader.line_num + 1


def _csv_records(rows, width: int, problems: _Problems):
    """(line, row) for each row of the header's width; blank rows are skipped, and a row of
    another width or bad CSV syntax (which ends the reading) is a problem."""
    for line, row, error in rows:
        if row is None:
            problems.add("csv_syntax", error, line=line)
            return
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            problems.add("csv_width", f"{len(row)}/{width}", line=line)
            continue
        yield line, row


def _read_csv(text: str) -> Run:
    rows = _csv_rows(text)
    header_row = next(rows, None)
    if header_row is None or header_row[1] is None:
        raise Unreadable("csv_columns", "")
    header = [name.strip() for name in header_row[1]]
    names = [name.lower() for name in header]
    if _is_promptfoo_csv(header):
        return _read_promptfoo_csv(header, rows)
    if "id" in names and ("passed" in names or {"expected", "actual"} <= set(names)):
        return _read_plain_csv(names, rows)
    # Older promptfoo exports (0.43: a prompt column's header is the prompt as JSON) are told by
    # their cells: the first row's outcome cells begin [PASS], [FAIL] or [ERROR].
    first = next((r for r in rows if r[1] is None or not _blank(r[1])), None)
    if first is not None and first[1] is not None and len(first[1]) == len(header):
        columns = [i for i, cell in enumerate(first[1]) if _LEGACY_CELL.match(cell)]
        if columns:
            return _read_promptfoo_csv(header, itertools.chain([first], rows), columns)
    raise Unreadable("csv_columns", ", ".join(_short(h, 40) for h in header[:12]))


def _blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


_LEGACY_CELL = re.compile(r"\s*\[(PASS|FAIL|ERROR)\]")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _compare(expected: str, actual: str) -> int:
    """NFC-normalized and stripped, case-sensitive; an empty answer is an error. ASCII text is
    its own normal form, so only other text is normalized."""
    expected, actual = expected.strip(), actual.strip()
    if not actual:
        return ERROR
    if expected == actual:
        return PASS
    if expected.isascii() and actual.isascii():
        return FAIL
    actual = _nfc(actual)
    return ERROR if not actual else PASS if _nfc(expected) == actual else FAIL


def _read_plain_csv(names: list[str], rows) -> Run:
    run = Run("csv")
    problems = _Problems()
    index = {name: i for i, name in reversed(list(enumerate(names)))}
    id_at = index["id"]
    passed_at = index.get("passed")
    expected_at, actual_at = index.get("expected"), index.get("actual")
    category_at = index.get("category", index.get("failure_category"))
    for line, row in _csv_records(rows, len(names), problems):
        case = row[id_at].strip()
        if not case:
            problems.add("no_id", line=line)
            continue
        if passed_at is not None:
            value = row[passed_at].strip().lower()
            if value in _TRUE:
                outcome = PASS
            elif value in _FALSE:
                outcome = FAIL
            elif value in _ERROR_WORDS:
                outcome = ERROR
            else:
                problems.add("bad_passed", _short(row[passed_at], 40), line=line)
                continue
        else:
            outcome = _compare(row[expected_at], row[actual_at])
        _add(run, problems, case, outcome, line=line)
        if outcome == FAIL and category_at is not None and row[category_at].strip():
            run.categories[_short(row[category_at])] += 1
    problems.raise_if_any()
    return run


def _status_prompts(header: list[str]) -> list[tuple[int, int]]:
    """(prompt column, its Status column) for each prompt of a promptfoo export: the output
    column comes right before `Status`, or before `Reasoning` where the export has one."""
    pairs = []
    for i, name in enumerate(header):
        if name != "Status" or i == 0:
            continue
        prompt = i - 2 if header[i - 1] == "Reasoning" and i >= 2 else i - 1
        if header[prompt]:
            pairs.append((prompt, i))
    return pairs


def _column_label(name: str) -> str:
    """A prompt column's name; an older export's JSON header as `[provider] template`."""
    if name.startswith("{"):
        try:
            prompt = json.loads(name)
        except ValueError:
            prompt = None
        if isinstance(prompt, dict):
            text = prompt.get("label") or prompt.get("display") or prompt.get("raw")
            provider = prompt.get("provider")
            if isinstance(text, str):
                name = f"[{provider}] {text}" if isinstance(provider, str) else text
    return _short(name, 80)


def _is_promptfoo_csv(header: list[str]) -> bool:
    return any(
        header[prompt].startswith("[") or status - prompt == 2
        for prompt, status in _status_prompts(header)
    ) or any(name.startswith("[") and "] " in name for name in header)


_STATUS = {"PASS": PASS, "FAIL": FAIL, "ERROR": ERROR}


def _read_promptfoo_csv(header: list[str], rows, legacy_columns: list[int] | None = None) -> Run:
    """`legacy_columns`: the prompt columns of an older export, found by their cells."""
    run = Run("promptfoo_csv")
    problems = _Problems()
    pairs = [] if legacy_columns else _status_prompts(header)
    legacy = not pairs
    prompt_columns = (
        legacy_columns
        or [i for i, name in enumerate(header) if name.startswith("[") and "] " in name]
        if legacy
        else [prompt for prompt, _ in pairs]
    )
    status_of = dict(pairs)
    metric_columns = {
        prompt: [
            (i, header[i].removeprefix("Metric: "))
            for i in range(prompt + 1, len(header))
            if header[i].startswith("Metric: ")
            and all(j not in prompt_columns for j in range(prompt + 1, i + 1))
        ]
        for prompt in prompt_columns
    }
    several = len(prompt_columns) > 1
    tallies = {prompt: Counter() for prompt in prompt_columns}
    # The variable columns come before the first prompt's: a row is named by them, as the JSON
    # output names a test by its vars (the same canonical JSON, so the two pair up).
    variables = header[: min(prompt_columns)] if prompt_columns else []
    number = 0
    for line, row in _csv_records(rows, len(header), problems):
        number += 1
        for prompt in prompt_columns:
            if legacy:
                cell = row[prompt].lstrip()
                if legacy_columns and not cell:
                    continue  # this prompt was not run on this test
                tag = cell[1 : cell.find("]")] if cell.startswith("[") and "]" in cell else ""
                outcome = _STATUS.get(tag)
            else:
                status = row[status_of[prompt]]
                outcome = _STATUS.get(status.strip().upper())
                if outcome is None and not status.strip() and not row[prompt].strip():
                    continue  # this prompt was not run on this test
            if outcome is None:
                cell = row[prompt] if legacy else row[status_of[prompt]]
                problems.add("bad_status", _short(cell, 40), line=line)
                continue
            tallies[prompt][outcome] += 1
            if several:
                continue  # refused below, once every row is read
            if variables:
                named = _canonical(dict(zip(variables, row, strict=False)))
                case = _unique(_fit(named), run.outcomes) if named else str(number)
            else:
                case = str(number)
            _add(run, problems, case, outcome, line=line)
            if outcome == FAIL:
                for i, name in metric_columns[prompt]:
                    try:
                        failed = float(row[i]) < 1
                    except ValueError:
                        failed = False
                    if failed:
                        run.categories[_short(name)] += 1
    problems.raise_if_any()
    if not prompt_columns:
        raise Unreadable("csv_columns", ", ".join(_short(h, 40) for h in header[:12]))
    if several:
        _refuse_several([((_column_label(header[p]),), tallies[p]) for p in prompt_columns])
    return run


# --- promptfoo JSON -----------------------------------------------------------------------


def _assertion_name(result: _Component | _Grading) -> str | None:
    assertion = result.assertion
    if not isinstance(assertion, dict):
        return None
    name = assertion.get("metric") or assertion.get("type")
    return _short(name) if isinstance(name, str) and name else None


def _metric_only(component: _Component) -> bool:
    """A metric-only assertion only records a named score: it takes no part in pass or fail
    (promptfoo's countedComponentResults)."""
    assertion, metadata = component.assertion, component.metadata
    return (isinstance(assertion, dict) and assertion.get("metricOnly") is True) or (
        isinstance(metadata, dict) and metadata.get("metricOnly") is True
    )


def _promptfoo_outcome(result: _PromptfooResult) -> int:
    """As promptfoo counts its own stats (evaluator: successes, errors, failures): a success
    passes; failureReason 2 (ERROR) is an error and any other reason a fail. Files older than
    failureReason: a result with a grading result failed; one with only an error errored."""
    if result.success:
        return PASS
    reason = result.failureReason
    if isinstance(reason, int) and not isinstance(reason, bool):
        return ERROR if reason == 2 else FAIL
    if isinstance(result.gradingResult, _Grading):
        return FAIL
    return ERROR if result.error else FAIL


def _read_promptfoo(version: object, description: object, results: list) -> Run:
    run = Run("promptfoo_json", version=str(version) if version is not None else None)
    if isinstance(description, str):
        run.name = _short(description)
    problems = _Problems()
    # Each prompt on each provider is a run of its own: pooled, they give an accuracy none of
    # them has (the same tests counted once per prompt and provider).
    tallies: dict[tuple[str, str, str], Counter] = {}
    outcomes = run.outcomes
    for position, result in enumerate(results, start=1):
        if type(result) is not _PromptfooResult:
            problems.add("not_object", item=position)
            continue
        if type(result.success) is not bool:
            problems.add("no_success", item=position)
            continue
        outcome = PASS if result.success else _promptfoo_outcome(result)
        index = result.promptIdx
        group = (_provider(result), _prompt_label(result), str(index) if type(index) is int else "")
        tally = tallies.get(group)
        if tally is None:
            tally = tallies[group] = Counter()
        tally[outcome] += 1
        if len(tallies) > 1:
            continue  # refused below, once every result is read
        # A case is its test, named by what the test is (its description, else its variables),
        # so that two runs pair test by test even when a test was added, removed or reordered:
        # testIdx shifts, and results.version 2 lists results in the order they finished.
        case = _test_key(result)
        if case is not None:
            case = _unique(case, outcomes)
        else:
            test = result.testIdx
            # (type() is int: a JSON true is a bool, not a test index)
            case = str(test) if type(test) is int else str(result.id or position)
            case = case[:MAX_ID]
            if case in outcomes:
                problems.add("duplicate_id", case, item=position)
                continue
        outcomes[case] = outcome
        grading = result.gradingResult
        if outcome == FAIL and isinstance(grading, _Grading):
            names = set()
            components = grading.componentResults
            if isinstance(components, list):
                for component in components:
                    if (
                        isinstance(component, _Component)
                        and component.passed is False
                        and not _metric_only(component)
                    ):
                        name = _assertion_name(component)
                        if name:
                            names.add(name)
            if not names:
                name = _assertion_name(grading)
                if name:
                    names.add(name)
            for name in names:
                run.categories[name] += 1
    problems.raise_if_any()
    if len(tallies) > 1:
        ordered = sorted(tallies.items(), key=lambda item: (item[0][0], item[0][2], item[0][1]))
        _refuse_several([((p, label), t) for (p, label, _), t in ordered])
    return run


def _canonical(value: object) -> str | None:
    """A test's variables as one text, the same whatever the order of their keys."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None


def _test_key(result: _PromptfooResult) -> str | None:
    """The test's description when it has one, else a canonical JSON of its variables."""
    test = result.testCase
    if isinstance(test, _TestCase) and isinstance(test.description, str):
        if test.description.strip():
            return _fit(test.description)
    if isinstance(result.vars, dict) and result.vars:
        text = _canonical(result.vars)
        return None if text is None else _fit(text)
    return None


def _fit(key: str) -> str:
    """A key within MAX_ID characters; a longer one ends in a digest of the whole, so two keys
    that differ only past the cut stay two."""
    if len(key) <= MAX_ID:
        return key
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    return f"{key[: MAX_ID - 18]}…{digest}"


def _unique(key: str, taken) -> str:
    """The same test run more than once (promptfoo's repeat) pairs in order: #2, #3..."""
    if key not in taken:
        return key
    n = 2
    while f"{key} #{n}" in taken:
        n += 1
    return f"{key} #{n}"


def _prompt_label(result: _PromptfooResult) -> str:
    """A prompt's name: its label (results.version 3), else its template (version 2)."""
    prompt = result.prompt
    texts = (prompt.label, prompt.display) if isinstance(prompt, _Prompt) else (prompt,)
    for text in texts:
        if isinstance(text, str) and text.strip():
            return _short(text, 80)
    index = result.promptIdx
    return f"prompt {index + 1}" if type(index) is int else ""


def _refuse_several(tallies: list[tuple[tuple[str, str], Counter]]) -> None:
    """Several prompts or providers in one file: each one's passed / failed / errors, listed."""
    listed = [
        f"{' · '.join(part for part in name if part) or '?'}: "
        f"{tally[PASS]}/{tally[FAIL]}/{tally[ERROR]}"
        for name, tally in tallies[:MAX_PROBLEMS]
    ]
    if len(tallies) > MAX_PROBLEMS:
        listed.append("…")
    raise Unreadable("several_prompts", "; ".join(listed))


def _provider_key(provider: object) -> str:
    if isinstance(provider, _Provider):
        provider = provider.label or provider.id
    return provider if isinstance(provider, str) else str(provider or "")


def _provider(result: _PromptfooResult) -> str:
    return _short(_provider_key(result.provider), 80)


# --- openai/evals -------------------------------------------------------------------------


def _event(line: str) -> _Event | str:
    """A line's event, or the code of its problem: msgspec where it takes the line, the standard
    library where it does not (NaN, a `data` that is not an object)."""
    try:
        return _EVENT.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError):
        pass
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return "not_json"
    if not isinstance(record, dict):
        return "not_object"
    event = _struct(_Event, record)
    if isinstance(event.data, dict):
        event.data = _EventData(event.data.get("correct"), event.data.get("expected"))
    return event


def _lines(text: str):
    """The lines of a text, one at a time (text.split would hold a copy of all of them)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _read_openai_evals(text: str) -> Run:
    run = Run("openai_evals")
    problems = _Problems()
    verdicts: dict[str, int] = {}
    errored: set[str] = set()
    seen: dict[str, None] = {}
    expected_of: dict[str, str] = {}
    run_id = None
    unset = msgspec.UNSET
    for line_number, line in enumerate(_lines(text), start=1):
        if not line or line.isspace():
            continue
        record = _event(line)
        if type(record) is str:
            problems.add(record, line=line_number)
            continue
        if record.spec is not unset:
            spec = record.spec
            if isinstance(spec, dict):
                name = spec.get("eval_name") or spec.get("base_eval")
                run.name = _short(name) if isinstance(name, str) else None
                run_id = spec.get("run_id", run_id)
            continue
        if record.final_report is not unset:
            continue
        sample, kind = record.sample_id, record.type
        if type(kind) is not str or (type(sample) is not str and type(sample) is not int):
            keys = ", ".join(sorted(map(str, json.loads(line)))[:8])
            problems.add("not_event", keys, line=line_number)
            continue
        this_run = record.run_id
        if this_run is not None and this_run != run_id:
            if run_id is None:
                run_id = this_run
            else:
                problems.add("mixed_runs", this_run, line=line_number)
                continue
        case = sample[:MAX_ID] if type(sample) is str else str(sample)[:MAX_ID]
        seen[case] = None
        if kind == "error":
            errored.add(case)
            continue
        if kind != "match" and kind != "metrics":
            continue
        data = record.data
        if type(data) is not _EventData:
            continue
        correct = data.correct
        if correct is True:
            if case not in verdicts:
                verdicts[case] = PASS
            continue
        if correct is not False:
            if kind == "match":
                problems.add("no_correct", line=line_number)
            continue
        verdicts[case] = FAIL
        expected = data.expected
        if isinstance(expected, str | int | float) and expected_of.get(case) is None:
            expected_of[case] = _short(expected)
    problems.raise_if_any()
    if not seen:
        raise Unreadable("no_cases")
    if not verdicts:
        raise Unreadable("no_outcomes")
    for case in seen:
        run.outcomes[case] = ERROR if case in errored or case not in verdicts else verdicts[case]
    # Failures by expected answer, when the answers are a few labels (a classification eval).
    labels = Counter(
        expected_of[c] for c, o in run.outcomes.items() if o == FAIL and c in expected_of
    )
    if labels and len(labels) <= 50:
        run.categories.update({f"expected {label}": n for label, n in labels.items()})
    return run


# --- Inspect ------------------------------------------------------------------------------

_INSPECT_PASS = frozenset({"c", "correct", "yes", "true", "pass"})
_INSPECT_FAIL = frozenset({"i", "incorrect", "no", "false", "fail", "p", "partial"})
_INSPECT_NO_ANSWER = frozenset({"n", "noanswer"})


def _number_outcome(value: float) -> int | None:
    if value != value:  # NaN: Score.unscored(), "the scorer could not produce a value"
        return ERROR
    return PASS if value == 1 else FAIL if 0 <= value < 1 else None


def _partial(value: object) -> bool:
    """A score Inspect counts as partly correct (value_to_float: "P" is 0.5; a number strictly
    between 0 and 1, or one written as a string), which is counted here as a fail."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("p", "partial"):
            return True
        try:
            value = float(word)
        except ValueError:
            return False
    return isinstance(value, int | float) and 0 < value < 1


def _score_outcome(value: object) -> int | None:
    if isinstance(value, bool):
        return PASS if value else FAIL
    if isinstance(value, int | float):
        return _number_outcome(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _INSPECT_PASS:
            return PASS
        if word in _INSPECT_FAIL:
            return FAIL
        if word in _INSPECT_NO_ANSWER:
            return ERROR
        try:  # a number written as a string, which Inspect's value_to_float converts
            number = float(word)
        except ValueError:
            return None
        return _number_outcome(number) if math.isfinite(number) else None
    return None


# EvalLog.status: "started" (still running, or killed), "cancelled", "error"; "success" when done.
_UNFINISHED = frozenset({"started", "cancelled", "error"})


def _count(value: object) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _progress(header: object, results: object, samples: list | None) -> dict[str, str]:
    """How far an unfinished run got: samples completed, of the dataset's samples (capped by
    --limit) times the epochs, else of the total the results give."""
    results = results if isinstance(results, dict) else {}
    completed = _count(results.get("completed_samples"))
    if completed is None:
        completed = sum(
            1
            for s in samples or []
            if type(s) is _InspectSample and not s.error and isinstance(s.scores, dict) and s.scores
        )
    total = None
    if isinstance(header, dict):
        dataset, config = header.get("dataset"), header.get("config")
        config = config if isinstance(config, dict) else {}
        total = _count(dataset.get("samples")) if isinstance(dataset, dict) else None
        limit = _count(config.get("limit"))
        if total is not None and limit is not None:
            total = min(total, limit)
        epochs = _count(config.get("epochs"))
        if total is not None and epochs:
            total *= epochs
    if total is None:
        total = _count(results.get("total_samples"))
    return {"completed": str(completed), "total": "?" if total is None else str(total)}


def _accuracy_of(score: dict) -> float | None:
    """The accuracy Inspect's results give a scorer (metrics.accuracy.value), if any."""
    metrics = score.get("metrics")
    accuracy = metrics.get("accuracy") if isinstance(metrics, dict) else None
    value = accuracy.get("value") if isinstance(accuracy, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


def _first_scorer(samples: list) -> str:
    for sample in samples:
        if type(sample) is _InspectSample and isinstance(sample.scores, dict) and sample.scores:
            return str(next(iter(sample.scores)))
    return ""


def _read_inspect(
    version: object, header: object, results: object, samples: list | None, status: object
) -> Run:
    run = Run("inspect", version=str(version) if version is not None else None)
    if isinstance(header, dict):
        parts = [header.get("task"), header.get("model")]
        run.name = _short(" · ".join(p for p in parts if isinstance(p, str))) or None
    if isinstance(status, str) and status in _UNFINISHED:
        # Part of the dataset, and samples stopped by the user: not the run's accuracy.
        raise Unreadable("not_finished", status, values=_progress(header, results, samples))
    if not isinstance(samples, list) or not samples:
        config = header.get("config") if isinstance(header, dict) else None
        if isinstance(config, dict) and config.get("log_samples") is True:
            raise Unreadable("no_cases")  # (--no-log-samples was not the cause)
        raise Unreadable("no_samples", str(status))
    scorer = None
    scores_listed = isinstance(results, dict) and isinstance(results.get("scores"), list)
    if scores_listed:
        for score in results["scores"]:
            if isinstance(score, dict) and isinstance(score.get("name"), str):
                if scorer is None:
                    scorer = score["name"]
                elif score["name"] != scorer:
                    run.other_scorers.append((_short(score["name"], 80), _accuracy_of(score)))
    if (not scores_listed or not results["scores"]) and not any(
        type(s) is _InspectSample and isinstance(s.scores, dict) and s.scores for s in samples
    ):
        if any(type(s) is _InspectSample and not s.error for s in samples):
            # Answered, never scored (`inspect eval --no-score`): no case is an error.
            raise Unreadable("not_scored")
    several_epochs = any(
        type(s) is _InspectSample and isinstance(s.epoch, int) and s.epoch > 1 for s in samples
    )
    problems = _Problems()
    # Each sample's outcome in each of its epochs: epochs are repeated draws on one case, never
    # cases of their own.
    epochs_of: dict[str, dict[str, int]] = {}
    categories_of: dict[str, set[str]] = {}
    partial: set[str] = set()  # samples with partial credit counted as a fail
    for position, sample in enumerate(samples, start=1):
        if not isinstance(sample, _InspectSample):
            problems.add("not_object", item=position)
            continue
        sample_id = sample.id
        if not isinstance(sample_id, str | int) or isinstance(sample_id, bool):
            problems.add("no_id", item=position)
            continue
        case = str(sample_id)[:MAX_ID]
        epoch = "1" if sample.epoch is msgspec.UNSET else str(sample.epoch)
        scores = sample.scores
        if sample.error:
            outcome = ERROR
        elif not isinstance(scores, dict) or not scores:
            outcome = ERROR  # never scored: cancelled, or the scorer failed
        else:
            score = scores.get(scorer if scorer in scores else next(iter(scores)))
            value = score.value if isinstance(score, _Score) else None
            outcome = _score_outcome(value)
            if outcome is None:
                problems.add("bad_score", _short(json.dumps(value)[:60], 60), item=position)
                continue
        if not several_epochs:  # one epoch: no bookkeeping per sample, memory stays per case
            _add(run, problems, case, outcome, item=position)
            names: Counter | set[str] = run.categories
        else:
            epochs = epochs_of.setdefault(case, {})
            if epoch in epochs:
                problems.add("duplicate_id", f"{case}#{epoch}", item=position)
                continue
            epochs[epoch] = outcome
            names = categories_of.setdefault(case, set()) if outcome == FAIL else set()
        if outcome == FAIL:
            if _partial(value):
                partial.add(case)
            if isinstance(value, str) and value.strip().upper() == "P":
                names.update(("partial",))
            metadata = sample.metadata
            if isinstance(metadata, _SampleMetadata):
                category = metadata.category
                if isinstance(category, str) and category.strip():
                    names.update((_short(category),))
    problems.raise_if_any()
    run.partial = len(partial)
    counted = {
        name
        for sample in samples
        if type(sample) is _InspectSample and isinstance(sample.scores, dict)
        for name in sample.scores
    }
    run.scorer = _short(scorer if scorer in counted else _first_scorer(samples), 80) or None
    if several_epochs:
        run.epochs = max(len(outcomes) for outcomes in epochs_of.values())
        run.shares = {}
    for case, by_epoch in epochs_of.items():
        outcomes = list(by_epoch.values())
        graded = len(outcomes) - outcomes.count(ERROR)
        passes = outcomes.count(PASS)
        if graded == 0:  # an error only when every epoch errored
            run.outcomes[case] = ERROR
            continue
        # Paired with another run, a sample passes when more than half its graded epochs did.
        run.outcomes[case] = PASS if 2 * passes > graded else FAIL
        if run.shares is not None:
            run.shares[case] = Fraction(passes, graded)
        if run.outcomes[case] == FAIL:
            run.categories.update(categories_of.get(case, ()))
    problems.raise_if_any()
    return run
