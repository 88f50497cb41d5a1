"""The verdict, its stored snapshot, and the API's localized form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .baseline import Baseline
from .questionnaire import Answer
from .text import Source, Text

Confidence = Literal["high", "medium", "low"]
# unsure: finding out an open answer could flip the verdict; actionable: something the team can
# improve; situation: a different task, knowledge source, volume...
ChangeKind = Literal["unsure", "actionable", "situation"]

# Bumped when the snapshot's own layout changes; the rules have their own version.
# 1: first wave (every fired rule as a reason); 2: deciding reasons, why_not, change kinds.
SNAPSHOT_FORMAT = 2


@dataclass(frozen=True, slots=True)
class Ranked:
    recommendation: str
    score: float


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: Text
    principle: Text
    sources: tuple[Source, ...]
    triggered_by: tuple[tuple[str, Answer], ...]
    # What a dataset check measured behind the answers this reason rests on.
    measured: tuple[Text, ...] = ()

    def to_snapshot(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "text": self.text.to_dict(),
            "principle": self.principle.to_dict(),
            "sources": [s.to_dict() for s in self.sources],
            "triggered_by": [{"question": q, "answer": a} for q, a in self.triggered_by],
            "measured": [m.to_dict() for m in self.measured],
        }


@dataclass(frozen=True, slots=True)
class CostEvidence:
    """What the team's cost numbers show: one of conditions.COST_CASES, and the figures in words."""

    case: str
    sentence: Text
    # Counting wrong answers (app/costs): the accuracy the candidate needs for the saving to
    # hold, and the fine-tuned model's expected accuracy; both fractions 0-1, None if unknown.
    break_even_accuracy: float | None = None
    fine_tuned_accuracy: float | None = None

    @property
    def break_even(self) -> str:
        """ "fails" when the fine-tuned model is below break-even, "passes", or "unknown"."""
        if self.break_even_accuracy is None or self.fine_tuned_accuracy is None:
            return "unknown"
        return "fails" if self.fine_tuned_accuracy < self.break_even_accuracy else "passes"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Measured facts a team can attach besides its answers."""

    cost: CostEvidence | None = None
    # question -> what a dataset check measured behind its answer
    measured: Mapping[str, Text] = field(default_factory=dict)
    # question -> the answer a measurement establishes (a dataset check, an eval run). Where it
    # differs from the team's answer the verdict is judged on it, names the conflict first and is
    # never of high confidence. With a measured data answer (a dataset check), a claimed "yes" on
    # hard cases, which no measure can see, counts as open.
    measured_answers: Mapping[str, Answer] = field(default_factory=dict)
    # The attached dataset holds preference pairs (chosen/rejected).
    preference_pairs: bool = False
    # Eval runs of successive prompt versions: no step improves significantly (True), the last
    # step did (False), or unknown (None).
    prompting_plateaued: bool | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """Changing `question` alone from `from_` to `to` would make the recommendation this."""

    question: str
    from_: Answer
    to: Answer
    recommendation: str
    kind: ChangeKind

    def to_snapshot(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "from": self.from_,
            "to": self.to,
            "recommendation": self.recommendation,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class WhyNot:
    """Why another approach lost, and which single answers would make it win."""

    recommendation: str
    reasons: tuple[Reason, ...]
    would_win_if: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    recommendation: str
    confidence: Confidence
    confidence_reason: Text
    ranking: tuple[Ranked, ...]
    summary: Text
    reasons: tuple[Reason, ...]
    why_not: tuple[WhyNot, ...]
    risks: tuple[Text, ...]
    next_steps: tuple[Text, ...]
    warnings: tuple[Text, ...]
    what_would_change: tuple[Change, ...]
    baseline: Baseline | None
    rules_version: str
    # For fine_tune, rag_and_fine_tune and improve_data: which kind of fine-tuning (method.py).
    method: str | None = None
    method_reason: Text | None = None
    method_sources: tuple[Source, ...] = ()

    def to_snapshot(self) -> dict[str, Any]:
        """A language-independent, JSON-serialisable record that renders the same forever."""
        return {
            "format": SNAPSHOT_FORMAT,
            "recommendation": self.recommendation,
            "confidence": self.confidence,
            "confidence_reason": self.confidence_reason.to_dict(),
            "ranking": [
                {"recommendation": r.recommendation, "score": r.score} for r in self.ranking
            ],
            "summary": self.summary.to_dict(),
            "reasons": [r.to_snapshot() for r in self.reasons],
            "why_not": [
                {
                    "recommendation": w.recommendation,
                    "reasons": [r.to_snapshot() for r in w.reasons],
                    "would_win_if": [c.to_snapshot() for c in w.would_win_if],
                }
                for w in self.why_not
            ],
            "risks": [t.to_dict() for t in self.risks],
            "next_steps": [t.to_dict() for t in self.next_steps],
            "warnings": [t.to_dict() for t in self.warnings],
            "what_would_change": [c.to_snapshot() for c in self.what_would_change],
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "rules_version": self.rules_version,
            "method": self.method,
            "method_reason": self.method_reason.to_dict() if self.method_reason else None,
            "method_sources": [s.to_dict() for s in self.method_sources],
        }

    def to_json(self, lang: str) -> dict[str, Any]:
        return localize(self.to_snapshot(), lang)


def _pick(text: dict[str, str], lang: str) -> str:
    """A stored text in `lang`; English if it was stored before `lang` was added."""
    return text.get(lang, text["en"])


def _sources(reason: dict[str, Any]) -> list[dict[str, Any]]:
    # Format 1 stored one source as {"id", "title", "url"}.
    if "sources" in reason:
        return [dict(s) for s in reason["sources"]]
    source = reason["source"]
    return [
        {
            "id": source["id"],
            "author": "",
            "title": source["title"],
            "year": None,
            "url": source["url"],
        }
    ]


def _reason(reason: dict[str, Any], lang: str) -> dict[str, Any]:
    sources = _sources(reason)
    return {
        "rule": reason["rule"],
        "text": _pick(reason["text"], lang),
        "principle": _pick(reason["principle"], lang),
        "source": sources[0],
        "more_sources": sources[1:],
        "triggered_by": [dict(t) for t in reason["triggered_by"]],
        "measured": [_pick(m, lang) for m in reason.get("measured", [])],
    }


def _change(change: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "situation", **change}


# Verdicts that train something name a method; stored before the third wave, they meant LoRA SFT.
_WITH_METHOD = frozenset({"fine_tune", "rag_and_fine_tune", "improve_data"})


def _method(snapshot: dict[str, Any]) -> str | None:
    if snapshot["recommendation"] not in _WITH_METHOD:
        return None
    return snapshot.get("method") or "lora_sft"


def localize(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    """The API's `verdict` object in one language, from a stored snapshot of any format."""
    baseline = snapshot.get("baseline")
    method_reason = snapshot.get("method_reason")
    return {
        "recommendation": snapshot["recommendation"],
        "confidence": snapshot["confidence"],
        "confidence_reason": _pick(snapshot["confidence_reason"], lang)
        if "confidence_reason" in snapshot
        else None,
        "ranking": [dict(r) for r in snapshot["ranking"]],
        "summary": _pick(snapshot["summary"], lang),
        "reasons": [_reason(r, lang) for r in snapshot["reasons"]],
        "why_not": [
            {
                "recommendation": w["recommendation"],
                "reasons": [_reason(r, lang) for r in w["reasons"]],
                "would_win_if": [_change(c) for c in w["would_win_if"]],
            }
            for w in snapshot.get("why_not", [])
        ],
        "risks": [_pick(t, lang) for t in snapshot["risks"]],
        "next_steps": [_pick(t, lang) for t in snapshot["next_steps"]],
        "warnings": [_pick(t, lang) for t in snapshot["warnings"]],
        "what_would_change": [_change(c) for c in snapshot["what_would_change"]],
        "baseline": {
            **{k: v for k, v in baseline.items() if k != "note"},
            "note": _pick(baseline["note"], lang),
        }
        if baseline
        else None,
        "rules_version": snapshot["rules_version"],
        "method": _method(snapshot),
        "method_reason": _pick(method_reason, lang) if method_reason else None,
        "method_sources": [dict(s) for s in snapshot.get("method_sources", [])],
    }
