"""Read an eval run from the bytes of its file: which tool wrote it, and each case's outcome.

Formats, detected from the content (never from the file name):

- `csv`: a header with `id` and either `passed` (1/0, true/false, pass/fail, yes/no, any case;
  empty or `error`: an error) or `expected` and `actual`, compared after Unicode NFC
  normalization and stripping surrounding whitespace, case-sensitive (an empty `actual` is a case
  without an answer: an error). Optional `category` (or `failure_category`): counted on failures.
- `promptfoo_json`: `promptfoo eval --output results.json` (read: the OutputFile of promptfoo
  0.x with `results.version` 2, 3 and 4; `results.results[]` with `success`, `failureReason`
  0/1/2 (none/assert/error), `error`, `gradingResult.componentResults[].assertion`).
- `promptfoo_csv`: `promptfoo eval --output results.csv`: one column per prompt
  (`[provider] label`) followed by `Status` (PASS/FAIL/ERROR), as written since the export gained
  status columns; or, in older exports, cells that begin `[PASS]`, `[FAIL]` or `[ERROR]`.
- `openai_evals`: the JSON Lines log of openai/evals' LocalRecorder (`oaieval`): a `spec` line,
  events `{"run_id", "event_id", "sample_id", "type", "data"}` and a `final_report` line. A
  sample passes when every `match` event recorded for it has `data.correct` true (a `metrics`
  event with a boolean `correct` counts too); an `error` event, or no outcome at all, makes it an
  error.
- `inspect`: Inspect's JSON log (`inspect eval --log-format json`, EvalLog `version` 2):
  `samples[].scores[scorer].value` with the first scorer of `results.scores`; "C", true, 1,
  "yes", "correct" pass; "I", "P" (partial), false, 0, "no", "incorrect" fail; "N" (no answer) and
  a sample `error` are errors. Epochs beyond the first become cases of their own (`id#epoch`).
  The zipped `.eval` log is refused with the command that converts it.

Errors (the model or the grader failed to give an answer) are counted apart, never as a pass or a
fail. Anything that cannot be read raises Unreadable, naming the first bad lines or items.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

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
    """The file is not an eval run this check reads. `code` is a key of messages.FILE_PROBLEMS."""

    def __init__(self, code: str, detail: str = "", problems: list[Problem] | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.problems = (problems or [])[:MAX_PROBLEMS]


@dataclass
class Run:
    format: str
    outcomes: dict[str, int] = field(default_factory=dict)
    # failure category or assertion name -> failed cases it was among
    categories: Counter = field(default_factory=Counter)
    version: str | None = None
    name: str | None = None  # task, eval or model, when the file says


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
    stripped = text.lstrip()
    if not stripped:
        raise Unreadable("empty")
    if stripped[0] == "[":
        raise Unreadable("json_array")
    if stripped[0] == "{":
        return _read_json(text)
    return _read_csv(text)


def _read_json(text: str) -> Run:
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    first = None
    # Only a file of several lines can be JSON Lines; a single document is parsed once, below.
    if end != -1 and text[end:].strip():
        try:
            first = json.loads(text[start:end])
        except (ValueError, RecursionError):
            first = None
    if isinstance(first, dict) and (
        "spec" in first or "final_report" in first or {"run_id", "sample_id"} <= first.keys()
    ):
        return _read_openai_evals(text)
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
        return _read_promptfoo(document, results)
    if isinstance(document.get("samples"), list) or (
        isinstance(document.get("eval"), dict) and "status" in document
    ):
        return _read_inspect(document)
    raise Unreadable("unknown_json", ", ".join(sorted(map(str, document))[:12]))


# --- CSV ----------------------------------------------------------------------------------


def _csv_rows(text: str):
    sample = text[:4096].split("\n", 1)[0]
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
    raise Unreadable("csv_columns", ", ".join(_short(h, 40) for h in header[:12]))


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
    width = len(names)
    for line, row, error in rows:
        if row is None:
            problems.add("csv_syntax", error, line=line)
            break
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            problems.add("csv_width", f"{len(row)}/{width}", line=line)
            continue
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


def _is_promptfoo_csv(header: list[str]) -> bool:
    return any(
        name == "Status" and i > 0 and header[i - 1].startswith("[")
        for i, name in enumerate(header)
    ) or any(name.startswith("[") and "] " in name for name in header)


_STATUS = {"PASS": PASS, "FAIL": FAIL, "ERROR": ERROR}


def _read_promptfoo_csv(header: list[str], rows) -> Run:
    run = Run("promptfoo_csv")
    problems = _Problems()
    status_columns = [
        i for i, name in enumerate(header) if name == "Status" and i > 0 and header[i - 1]
    ]
    legacy = not status_columns
    prompt_columns = (
        [i for i, name in enumerate(header) if name.startswith("[") and "] " in name]
        if legacy
        else [i - 1 for i in status_columns]
    )
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
    width = len(header)
    number = 0
    for line, row, error in rows:
        if row is None:
            problems.add("csv_syntax", error, line=line)
            break
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            problems.add("csv_width", f"{len(row)}/{width}", line=line)
            continue
        number += 1
        for prompt in prompt_columns:
            if legacy:
                cell = row[prompt].lstrip()
                tag = cell[1 : cell.find("]")] if cell.startswith("[") and "]" in cell else ""
                outcome = _STATUS.get(tag)
            else:
                outcome = _STATUS.get(row[prompt + 1].strip().upper())
                if outcome is None and not row[prompt + 1].strip() and not row[prompt].strip():
                    continue  # this prompt was not run on this test
            if outcome is None:
                problems.add(
                    "bad_status", _short(row[prompt + (0 if legacy else 1)], 40), line=line
                )
                continue
            case = f"{number} · {header[prompt]}" if several else str(number)
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
    return run


# --- promptfoo JSON -----------------------------------------------------------------------


def _assertion_name(result: dict) -> str | None:
    assertion = result.get("assertion")
    if not isinstance(assertion, dict):
        return None
    name = assertion.get("metric") or assertion.get("type")
    return _short(name) if isinstance(name, str) and name else None


def _read_promptfoo(document: dict, summary: dict) -> Run:
    version = summary.get("version", document.get("version"))
    run = Run("promptfoo_json", version=str(version) if version is not None else None)
    config = document.get("config")
    if isinstance(config, dict) and isinstance(config.get("description"), str):
        run.name = _short(config["description"])
    problems = _Problems()
    results = summary["results"]
    prompts = {(r.get("promptIdx"), _provider(r)) for r in results if isinstance(r, dict)}
    several = len(prompts) > 1
    for position, result in enumerate(results, start=1):
        if not isinstance(result, dict):
            problems.add("not_object", item=position)
            continue
        success = result.get("success")
        if not isinstance(success, bool):
            problems.add("no_success", item=position)
            continue
        reason = result.get("failureReason")
        grading = result.get("gradingResult")
        if success:
            outcome = PASS
        elif reason == 2:
            outcome = ERROR
        elif reason == 1:
            outcome = FAIL
        elif isinstance(grading, dict):
            outcome = FAIL
        else:
            outcome = ERROR if result.get("error") else FAIL
        test = result.get("testIdx")
        case = str(test) if isinstance(test, int) and not isinstance(test, bool) else None
        if case is None:
            case = str(result.get("id") or position)
        if several:
            case = f"{case} · {_provider(result)} · {result.get('promptIdx')}"
        _add(run, problems, case, outcome, item=position)
        if outcome == FAIL and isinstance(grading, dict):
            names = set()
            components = grading.get("componentResults")
            if isinstance(components, list):
                for component in components:
                    if isinstance(component, dict) and component.get("pass") is False:
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
    return run


def _provider(result: dict) -> str:
    provider = result.get("provider")
    if isinstance(provider, dict):
        return _short(provider.get("label") or provider.get("id") or "", 80)
    return _short(provider or "", 80)


# --- openai/evals -------------------------------------------------------------------------


def _read_openai_evals(text: str) -> Run:
    run = Run("openai_evals")
    problems = _Problems()
    verdicts: dict[str, int] = {}
    errored: set[str] = set()
    seen: dict[str, None] = {}
    expected_of: dict[str, str] = {}
    run_id = None
    for line_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            problems.add("not_json", line=line_number)
            continue
        if not isinstance(record, dict):
            problems.add("not_object", line=line_number)
            continue
        if "spec" in record:
            spec = record["spec"]
            if isinstance(spec, dict):
                name = spec.get("eval_name") or spec.get("base_eval")
                run.name = _short(name) if isinstance(name, str) else None
                run_id = spec.get("run_id", run_id)
            continue
        if "final_report" in record:
            continue
        sample, kind, data = record.get("sample_id"), record.get("type"), record.get("data")
        if (
            not isinstance(sample, str | int)
            or isinstance(sample, bool)
            or not isinstance(kind, str)
        ):
            problems.add("not_event", ", ".join(sorted(map(str, record))[:8]), line=line_number)
            continue
        if run_id is None:
            run_id = record.get("run_id")
        elif record.get("run_id") not in (None, run_id):
            problems.add("mixed_runs", record.get("run_id"), line=line_number)
            continue
        case = str(sample)[:MAX_ID]
        seen[case] = None
        if kind == "error":
            errored.add(case)
            continue
        if kind not in ("match", "metrics") or not isinstance(data, dict):
            continue
        correct = data.get("correct")
        if not isinstance(correct, bool):
            if kind == "match":
                problems.add("no_correct", line=line_number)
            continue
        verdicts[case] = min(verdicts.get(case, PASS), PASS if correct else FAIL)
        expected = data.get("expected")
        if (
            not correct
            and isinstance(expected, str | int | float)
            and expected_of.get(case) is None
        ):
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


def _score_outcome(value: object) -> int | None:
    if isinstance(value, bool):
        return PASS if value else FAIL
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        return PASS if value == 1 else FAIL if 0 <= value < 1 else None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _INSPECT_PASS:
            return PASS
        if word in _INSPECT_FAIL:
            return FAIL
        if word in _INSPECT_NO_ANSWER:
            return ERROR
    return None


def _read_inspect(document: dict) -> Run:
    version = document.get("version")
    run = Run("inspect", version=str(version) if version is not None else None)
    header = document.get("eval")
    if isinstance(header, dict):
        parts = [header.get("task"), header.get("model")]
        run.name = _short(" · ".join(p for p in parts if isinstance(p, str))) or None
    samples = document.get("samples")
    if not isinstance(samples, list) or not samples:
        raise Unreadable("no_samples", str(document.get("status", "")))
    scorer = None
    results = document.get("results")
    if isinstance(results, dict) and isinstance(results.get("scores"), list):
        for score in results["scores"]:
            if isinstance(score, dict) and isinstance(score.get("name"), str):
                scorer = score["name"]
                break
    epochs = {s.get("epoch") for s in samples if isinstance(s, dict)}
    several_epochs = any(isinstance(e, int) and e > 1 for e in epochs)
    problems = _Problems()
    for position, sample in enumerate(samples, start=1):
        if not isinstance(sample, dict):
            problems.add("not_object", item=position)
            continue
        sample_id = sample.get("id")
        if not isinstance(sample_id, str | int) or isinstance(sample_id, bool):
            problems.add("no_id", item=position)
            continue
        case = str(sample_id)
        if several_epochs:
            case = f"{case}#{sample.get('epoch', 1)}"
        scores = sample.get("scores")
        if sample.get("error"):
            outcome = ERROR
        elif not isinstance(scores, dict) or not scores:
            outcome = ERROR  # never scored: cancelled, or the scorer failed
        else:
            score = scores.get(scorer if scorer in scores else next(iter(scores)))
            value = score.get("value") if isinstance(score, dict) else None
            outcome = _score_outcome(value)
            if outcome is None:
                problems.add("bad_score", _short(json.dumps(value)[:60], 60), item=position)
                continue
            if outcome == FAIL and isinstance(value, str) and value.strip().upper() == "P":
                run.categories["partial"] += 1
        _add(run, problems, case, outcome, item=position)
        metadata = sample.get("metadata")
        if outcome == FAIL and isinstance(metadata, dict):
            category = metadata.get("category")
            if isinstance(category, str) and category.strip():
                run.categories[_short(category)] += 1
    problems.raise_if_any()
    return run
