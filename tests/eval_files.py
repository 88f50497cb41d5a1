"""Eval-run files as the tools write them, built from a list of outcomes, for the tests and the
benchmark. Shapes follow the tools' own writers: promptfoo's OutputFile (results.version 3) and its
CSV export, openai/evals' LocalRecorder, Inspect's EvalLog (version 2)."""

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
    }
    return json.dumps(document).encode()


def promptfoo_csv(rows, *, legacy=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    label = "[openai:gpt-4.1-mini] prompt v2"
    if legacy:
        writer.writerow(["question", label])
    else:
        writer.writerow(
            [
                "question",
                label,
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
        if legacy:
            writer.writerow([case, f"[{status}] an answer\n---\nmore"])
        else:
            tone = "1.00" if outcome == PASS else "0.00"
            writer.writerow(
                [case, "an answer", status, tone, json.dumps({"tone": float(tone)}), tone, "", ""]
            )
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
    lines.append({"final_report": {"accuracy": 0.0}})
    return "\n".join(json.dumps(line) for line in lines).encode() + b"\n"


def inspect(rows) -> bytes:
    samples = []
    for i, (case, outcome, category) in enumerate(rows):
        sample = {
            "id": case,
            "epoch": 1,
            "input": f"Question {i}",
            "target": "A",
            "messages": [],
            "output": {"model": "openai/gpt-4.1-mini", "choices": []},
            "scores": {},
            "metadata": {"category": category},
            "error": None,
        }
        if outcome == ERROR:
            sample["error"] = {"message": "RateLimitError", "traceback": "", "traceback_ansi": ""}
        else:
            value = "C" if outcome == PASS else "I"
            sample["scores"] = {"match": {"value": value, "answer": "A", "explanation": "A"}}
        samples.append(sample)
    document = {
        "version": 2,
        "status": "success",
        "eval": {
            "task": "refund_classifier",
            "model": "openai/gpt-4.1-mini",
            "created": "2026-12-01T10:00:00+00:00",
            "dataset": {"name": "refunds", "samples": len(rows)},
        },
        "plan": {"name": "plan", "steps": []},
        "results": {
            "total_samples": len(rows),
            "completed_samples": len(rows),
            "scores": [
                {
                    "name": "match",
                    "scorer": "match",
                    "metrics": {"accuracy": {"name": "accuracy", "value": 0.8}},
                }
            ],
        },
        "stats": {"started_at": "", "completed_at": "", "model_usage": {}},
        "samples": samples,
    }
    return json.dumps(document).encode()


def build(fmt: str, rows) -> bytes:
    return {
        "csv": plain_csv,
        "csv_expected": expected_csv,
        "promptfoo_json": promptfoo_json,
        "promptfoo_csv": promptfoo_csv,
        "promptfoo_csv_legacy": lambda r: promptfoo_csv(r, legacy=True),
        "openai_evals": openai_evals,
        "inspect": inspect,
    }[fmt](rows)


# The format name the check gives each generated file.
DETECTED = {
    "csv": "csv",
    "csv_expected": "csv",
    "promptfoo_json": "promptfoo_json",
    "promptfoo_csv": "promptfoo_csv",
    "promptfoo_csv_legacy": "promptfoo_csv",
    "openai_evals": "openai_evals",
    "inspect": "inspect",
}
