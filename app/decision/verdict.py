"""The verdict, its stored snapshot, and the API's localized form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .questionnaire import Answer
from .text import Source, Text

Confidence = Literal["high", "medium", "low"]

# Bumped only if the snapshot's own layout changes; the rules have their own version.
SNAPSHOT_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Ranked:
    recommendation: str
    score: float


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: Text
    principle: Text
    source: Source
    triggered_by: tuple[tuple[str, Answer], ...]


@dataclass(frozen=True, slots=True)
class Change:
    """Changing `question` alone from `from_` to `to` would make the recommendation this."""

    question: str
    from_: Answer
    to: Answer
    recommendation: str


@dataclass(frozen=True, slots=True)
class Verdict:
    recommendation: str
    confidence: Confidence
    ranking: tuple[Ranked, ...]
    summary: Text
    reasons: tuple[Reason, ...]
    risks: tuple[Text, ...]
    next_steps: tuple[Text, ...]
    warnings: tuple[Text, ...]
    what_would_change: tuple[Change, ...]
    rules_version: str

    def to_snapshot(self) -> dict[str, Any]:
        """A language-independent, JSON-serialisable record that renders the same forever."""
        return {
            "format": SNAPSHOT_FORMAT,
            "recommendation": self.recommendation,
            "confidence": self.confidence,
            "ranking": [{"recommendation": r.recommendation, "score": r.score} for r in self.ranking],
            "summary": self.summary.to_dict(),
            "reasons": [
                {
                    "rule": r.rule,
                    "text": r.text.to_dict(),
                    "principle": r.principle.to_dict(),
                    "source": r.source.to_dict(),
                    "triggered_by": [{"question": q, "answer": a} for q, a in r.triggered_by],
                }
                for r in self.reasons
            ],
            "risks": [t.to_dict() for t in self.risks],
            "next_steps": [t.to_dict() for t in self.next_steps],
            "warnings": [t.to_dict() for t in self.warnings],
            "what_would_change": [
                {"question": c.question, "from": c.from_, "to": c.to, "recommendation": c.recommendation}
                for c in self.what_would_change
            ],
            "rules_version": self.rules_version,
        }

    def to_json(self, lang: str) -> dict[str, Any]:
        return localize(self.to_snapshot(), lang)


def _pick(text: dict[str, str], lang: str) -> str:
    return text["zh"] if lang == "zh" else text["en"]


def localize(snapshot: dict[str, Any], lang: str) -> dict[str, Any]:
    """The API's `verdict` object in one language, from a stored snapshot."""
    return {
        "recommendation": snapshot["recommendation"],
        "confidence": snapshot["confidence"],
        "ranking": [dict(r) for r in snapshot["ranking"]],
        "summary": _pick(snapshot["summary"], lang),
        "reasons": [
            {
                "rule": r["rule"],
                "text": _pick(r["text"], lang),
                "source": r["source"]["title"],
                "source_url": r["source"]["url"],
                "principle": _pick(r["principle"], lang),
                "triggered_by": [dict(t) for t in r["triggered_by"]],
            }
            for r in snapshot["reasons"]
        ],
        "risks": [_pick(t, lang) for t in snapshot["risks"]],
        "next_steps": [_pick(t, lang) for t in snapshot["next_steps"]],
        "warnings": [_pick(t, lang) for t in snapshot["warnings"]],
        "what_would_change": [dict(c) for c in snapshot["what_would_change"]],
        "rules_version": snapshot["rules_version"],
    }
