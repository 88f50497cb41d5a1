"""Eval-run files as the tools write them, built from a list of outcomes, for the tests and the
benchmark. Shapes follow the tools' own writers, read in their sources (see app/evals/reading.py
for the files and commits):

- promptfoo's OutputFile (`promptfoo eval -o results.json`: src/util/output.ts writeOutput, its
  `evalId`, `results` = EvaluateSummaryV3 (src/models/eval.ts toEvaluateSummary), `config`,
  `shareableUrl`, `metadata`; JSON.stringify(..., null, 2)); its CSV export as buildCsvHeaders
  writes it now (a `Reasoning` column after each prompt's output, src/util/eval/evalTableUtils.ts),
  before `Reasoning` (src/server/utils/evalTableUtils.ts), and the older `[PASS] (1.00) output`
  cells;
- openai/evals' LocalRecorder (evals/record.py): a `spec` line (RunSpec), one Event per line, and
  `{"final_report": ..., "run_id": ...}`;
- Inspect's EvalLog, version 2 (src/inspect_ai/log/_log.py: EvalLog, EvalSample, EvalError;
  scorer/_metric.py: Score and the "C"/"I" values)."""

import csv
import io
import json
import random

PASS, FAIL, ERROR = "pass", "fail", "error"
FORMATS = (
    "csv",
    "csv_expected",
    "promptfoo_json",
    "promptfoo_csv",
    "promptfoo_csv_status",
    "promptfoo_csv_legacy",
    "openai_evals",
    "inspect",
)
ASSERTIONS = ("equals", "is-json", "llm-rubric", "contains")
# openai/evals match events carry the expected answer: a label per assertion, for a classifier.
LABELS = dict(zip(ASSERTIONS, ("refund", "exchange", "escalate", "other"), strict=True))


def outcomes(n: int, seed: int, p_pass=0.8, p_error=0.05) -> list[tuple[str, str, str]]:
    """(id, outcome, failure category) for n cases."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        roll = rng.random()
        outcome = ERROR if roll < p_error else PASS if roll < p_error + p_pass else FAIL
        rows.append((f"case-{i:05d}", outcome, rng.choice(ASSERTIONS)))
    return rows


def plain_csv(rows, *, spellings=("1", "0")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "input", "passed", "category"])
    for i, (case, outcome, category) in enumerate(rows):
        value = {PASS: spellings[0], FAIL: spellings[1], ERROR: ""}[outcome]
        writer.writerow(
            [case, f"Question {i}, with a comma", value, category if outcome == FAIL else ""]
        )
    return out.getvalue().encode()


def expected_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "expected", "actual"])
    for i, (case, outcome, _) in enumerate(rows):
        expected = f"Label {i % 7}"
        # A pass differs only by surrounding space and Unicode normalization (é as e + U+0301).
        if outcome == PASS:
            writer.writerow([case, expected + " café", f"  {expected} cafe\u0301\n"])
        elif outcome == FAIL:
            writer.writerow([case, expected, expected.lower()])  # case-sensitive: a fail
        else:
            writer.writerow([case, expected, "   "])
    return out.getvalue().encode()


def promptfoo_json(rows) -> bytes:
    results = []
    for test, (case, outcome, category) in enumerate(rows):
        component = {
            "pass": outcome == PASS,
            "score": 1 if outcome == PASS else 0,
            "reason": "Assertion passed" if outcome == PASS else "Expected output to match",
            "assertion": {"type": category, "value": "x"},
        }
        result = {
            "id": f"res-{test}",
            "promptIdx": 0,
            "testIdx": test,
            "testCase": {"vars": {"question": case}, "assert": [{"type": category}]},
            "promptId": "p1",
            "provider": {"id": "openai:gpt-4.1-mini", "label": ""},
            "prompt": {"raw": "Answer: {{question}}", "label": "prompt v2"},
            "vars": {"question": case},
            "response": None if outcome == ERROR else {"output": "an answer"},
            "error": "Request failed: 429 Too Many Requests" if outcome == ERROR else None,
            "failureReason": {PASS: 0, FAIL: 1, ERROR: 2}[outcome],
            "success": outcome == PASS,
            "score": 1 if outcome == PASS else 0,
            "latencyMs": 812,
            "gradingResult": None
            if outcome == ERROR
            else {
                "pass": outcome == PASS,
                "score": component["score"],
                "reason": component["reason"],
                "componentResults": [
                    component,
                    {"pass": True, "score": 1, "reason": "ok", "assertion": {"type": "latency"}},
                ],
            },
            "namedScores": {},
            "cost": 0.00012,
            "metadata": {},
        }
        results.append(result)
    counts = {o: sum(1 for r in rows if r[1] == o) for o in (PASS, FAIL, ERROR)}
    document = {
        "evalId": "eval-2vC-2026-12-01T10:00:00",
        "results": {
            "version": 3,
            "timestamp": "2026-12-01T10:00:00.000Z",
            "prompts": [{"raw": "Answer: {{question}}", "label": "prompt v2"}],
            "results": results,
            "stats": {
                "successes": counts[PASS],
                "failures": counts[FAIL],
                "errors": counts[ERROR],
                "tokenUsage": {"total": 0, "prompt": 0, "completion": 0, "cached": 0},
            },
        },
        "config": {"description": "Refund classifier"},
        "shareableUrl": None,
        "metadata": {
            "promptfooVersion": "0.120.4",
            "nodeVersion": "v22.11.0",
            "platform": "linux",
            "arch": "x64",
            "exportedAt": "2026-12-01T10:05:00.000Z",
            "evaluationCreatedAt": "2026-12-01T10:00:00.000Z",
        },
    }
    # As promptfoo writes it: JSON.stringify(outputData, null, 2).
    return json.dumps(document, indent=2).encode()


def promptfoo_csv(rows, *, layout="reasoning") -> bytes:
    """`reasoning`: the export's columns now (label, Reasoning, Status, Score, Named Scores,
    Metric: <name>..., Grader Reason, Comment); `status`: the same before the Reasoning column;
    `legacy`: one cell per prompt that begins [PASS], [FAIL] or [ERROR]."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    label = "[openai:gpt-4.1-mini] prompt v2"
    reasoning = ["Reasoning"] if layout == "reasoning" else []
    if layout == "legacy":
        writer.writerow(["question", label])
    else:
        writer.writerow(
            [
                "question",
                label,
                *reasoning,
                "Status",
                "Score",
                "Named Scores",
                "Metric: tone",
                "Grader Reason",
                "Comment",
            ]
        )
    for case, outcome, _ in rows:
        status = {PASS: "PASS", FAIL: "FAIL", ERROR: "ERROR"}[outcome]
        if layout == "legacy":
            score = "1.00" if outcome == PASS else "0.00"
            writer.writerow([case, f"[{status}] ({score})\n\nan answer\n\nFail Reason: x"])
        else:
            tone = "1.00" if outcome == PASS else "0.00"
            thought = ["Compared the order date with the policy."] if reasoning else []
            # JSON.stringify of Number(value.toFixed(2)): {"tone":1}
            named = json.dumps({"tone": 1 if outcome == PASS else 0}, separators=(",", ":"))
            writer.writerow([case, "an answer", *thought, status, tone, named, tone, "", ""])
    return out.getvalue().encode()


def openai_evals(rows) -> bytes:
    run_id = "2612011000ABCDEF"
    lines = [
        {
            "spec": {
                "completion_fns": ["gpt-4.1-mini"],
                "eval_name": "refund-classifier.dev.v0",
                "base_eval": "refund-classifier",
                "split": "dev",
                "run_config": {},
                "created_by": "",
                "run_id": run_id,
                "created_at": "2026-12-01 10:00:00",
            }
        }
    ]
    event = 0
    for case, outcome, category in rows:
        sample = f"refund-classifier.dev.{case}"
        base = {
            "run_id": run_id,
            "sample_id": sample,
            "created_by": "",
            "created_at": "2026-12-01 10:00:07.123456+00:00",
        }
        lines.append(
            {
                **base,
                "event_id": event,
                "type": "sampling",
                "data": {"prompt": "...", "sampled": ["..."]},
            }
        )
        event += 1
        if outcome == ERROR:
            data = {"type": "RateLimitError", "message": "429"}
            lines.append({**base, "event_id": event, "type": "error", "data": data})
        else:
            data = {
                "correct": outcome == PASS,
                "expected": LABELS.get(category, category),
                "picked": LABELS.get(category, category) if outcome == PASS else "unsure",
                "sampled": "...",
            }
            lines.append({**base, "event_id": event, "type": "match", "data": data})
        event += 1
    lines.append({"final_report": {"accuracy": 0.0}, "run_id": run_id})
    return "\n".join(json.dumps(line) for line in lines).encode() + b"\n"


def inspect(rows) -> bytes:
    samples = []
    for i, (case, outcome, category) in enumerate(rows):
        sample = {
            "id": case,
            "epoch": 1,
            "input": f"Question {i}",
            "target": "A",
            "messages": [
                {"id": f"m{i}", "content": f"Question {i}", "source": "input", "role": "user"}
            ],
            "output": {"model": "openai/gpt-4.1-mini", "choices": [], "completion": "A"},
            "scores": None,
            "metadata": {"category": category},
            "store": {},
            "events": [],
            "model_usage": {},
            "total_time": 1.2,
            "working_time": 1.1,
            "uuid": f"u{i:06d}",
            "error": None,
            "attachments": {},
        }
        if outcome == ERROR:
            sample["error"] = {
                "message": "RateLimitError('429')",
                "traceback": "Traceback (most recent call last): ...",
                "traceback_ansi": "",
            }
        else:
            value = "C" if outcome == PASS else "I"
            sample["scores"] = {
                "match": {"value": value, "answer": "A", "explanation": "A", "history": []}
            }
        samples.append(sample)
    graded = sum(1 for r in rows if r[1] != ERROR)
    document = {
        "version": 2,
        "status": "success",
        "eval": {
            "eval_id": "Gx7mZJ4XpV",
            "run_id": "Rq2WcN8d",
            "created": "2026-12-01T10:00:00+00:00",
            "task": "refund_classifier",
            "task_id": "T3kLp",
            "task_version": 0,
            "dataset": {"name": "refunds", "samples": len(rows)},
            "model": "openai/gpt-4.1-mini",
            "config": {},
            "packages": {"inspect_ai": "0.3.150"},
        },
        "plan": {"name": "plan", "steps": [{"solver": "generate", "params": {}}]},
        "results": {
            "total_samples": len(rows),
            "completed_samples": len(rows),
            "scores": [
                {
                    "name": "match",
                    "scorer": "match",
                    "scored_samples": graded,
                    "unscored_samples": len(rows) - graded,
                    "params": {},
                    "metrics": {"accuracy": {"name": "accuracy", "value": 0.8, "params": {}}},
                }
            ],
        },
        "stats": {"started_at": "", "completed_at": "", "model_usage": {}},
        "invalidated": False,
        "tags": [],
        "metadata": {},
        "samples": samples,
    }
    return json.dumps(document).encode()


def build(fmt: str, rows) -> bytes:
    return {
        "csv": plain_csv,
        "csv_expected": expected_csv,
        "promptfoo_json": promptfoo_json,
        "promptfoo_csv": promptfoo_csv,
        "promptfoo_csv_status": lambda r: promptfoo_csv(r, layout="status"),
        "promptfoo_csv_legacy": lambda r: promptfoo_csv(r, layout="legacy"),
        "openai_evals": openai_evals,
        "inspect": inspect,
    }[fmt](rows)


# The format name the check gives each generated file.
DETECTED = {
    "csv": "csv",
    "csv_expected": "csv",
    "promptfoo_json": "promptfoo_json",
    "promptfoo_csv": "promptfoo_csv",
    "promptfoo_csv_status": "promptfoo_csv",
    "promptfoo_csv_legacy": "promptfoo_csv",
    "openai_evals": "openai_evals",
    "inspect": "inspect",
}
