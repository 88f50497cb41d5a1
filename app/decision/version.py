"""The rules version: a hash of everything that shapes a verdict, so it cannot be forgotten.

Change a point, a condition, a threshold, a reason, a next step, or the code that scores and
words a verdict, and the version changes. Stored verdicts keep the version they were judged with.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import baseline, method, summaries
from .advice import FIND_OUT, NEXT_STEPS, RISKS, WARNINGS, Advice
from .approaches import SIMPLICITY_ORDER
from .conditions import FACTS, Fact
from .rules import BASE_SCORES, CONFIDENCE_MARGINS, FIX_DATA_COST, PRINCIPLES, RULES, Rule

RULES_EPOCH = "2026.11"


def _code(obj: object) -> str:
    try:
        return inspect.getsource(obj)  # type: ignore[arg-type]
    except (OSError, TypeError):  # pragma: no cover - source unavailable (e.g. zipped install)
        return getattr(obj, "__qualname__", getattr(obj, "__name__", repr(obj)))


def _rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "principle": rule.principle,
        "when": rule.when.to_data(),
        "scores": dict(sorted(rule.scores.items())),
        "exclude": sorted(rule.exclude),
        "reason": rule.reason.to_dict(),
        "reason_for_answers": _code(rule.reason_for_answers) if rule.reason_for_answers else None,
        "sources": [s.to_dict() for s in rule.sources],
        "path": rule.path,
    }


def _fact_data(fact: Fact) -> dict[str, Any]:
    # The computation itself is part of the rules: hash its source, not only its numbers.
    code = _code(fact.compute)
    return {
        "inputs": list(fact.inputs),
        "parameters": dict(fact.parameters),
        "values": {k: v.to_dict() for k, v in fact.values.items()},
        "code": code,
    }


def _advice_data(items: Iterable[Advice]) -> list[dict[str, Any]]:
    return [
        {"id": a.id, "when": a.when.to_data(), "text": a.text.to_dict(), "topic": a.topic}
        for a in items
    ]


def _engine_source() -> str:
    try:
        return Path(__file__).with_name("engine.py").read_text(encoding="utf-8")
    except OSError:  # pragma: no cover - source unavailable (e.g. zipped install)
        return "engine.py"


def canonical_rule_data(
    rules: Iterable[Rule] = RULES,
    *,
    base_scores: Mapping[str, int] = BASE_SCORES,
) -> dict[str, Any]:
    """Everything a verdict depends on, as plain data."""
    return {
        "rules": [_rule_data(r) for r in rules],
        "base_scores": dict(base_scores),
        "fix_data_cost": FIX_DATA_COST,
        "simplicity_order": list(SIMPLICITY_ORDER),
        "confidence": {"margins": dict(CONFIDENCE_MARGINS)},
        "facts": {k: _fact_data(f) for k, f in FACTS.items()},
        "principles": {k: [p.title.to_dict(), p.invariant] for k, p in PRINCIPLES.items()},
        "summaries": _code(summaries),
        "baseline": _code(baseline),
        "method": _code(method),
        # The engine imports this module, so its source is read rather than imported: how it
        # weighs confidence and words the verdict is part of the rules too.
        "engine": _engine_source(),
        "warnings": _advice_data(WARNINGS),
        "risks": _advice_data(RISKS),
        "find_out": _advice_data(FIND_OUT),
        "next_steps": _advice_data(NEXT_STEPS),
    }


def rules_version(data: Mapping[str, Any]) -> str:
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{RULES_EPOCH}-{hashlib.sha256(blob.encode()).hexdigest()[:10]}"


RULES_VERSION: str = rules_version(canonical_rule_data())
