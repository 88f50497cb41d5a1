"""Two finished assessments side by side: which answers differ, both verdicts, and the reasons
one verdict gives and the other does not. Pure: it reads the stored records, never the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import decision
from app.models import Assessment


@dataclass(frozen=True)
class AnswerRow:
    question: str
    a: Any
    b: Any

    @property
    def differs(self) -> bool:
        # Compared as text: older records may hold a number as "95" where newer hold 95.
        return (None if self.a is None else str(self.a)) != (
            None if self.b is None else str(self.b)
        )


@dataclass(frozen=True)
class Comparison:
    a: Assessment
    b: Assessment
    # Each verdict in the reader's language, from a snapshot of any format (decision.localize).
    verdict_a: dict[str, Any]
    verdict_b: dict[str, Any]
    answers: list[AnswerRow]  # every question, in the questionnaire's order
    only_a: list[dict[str, Any]]  # reasons (by rule) that A's verdict gives and B's does not
    only_b: list[dict[str, Any]]
    shared: int  # how many reasons both give

    @property
    def differing(self) -> list[AnswerRow]:
        return [row for row in self.answers if row.differs]


def _answer(answers: dict[str, Any], key: str) -> Any:
    # An unanswered question and an empty answer read the same ("not answered").
    value = answers.get(key)
    return None if value in ("", None) else value


def compare(a: Assessment, b: Assessment, lang: str) -> Comparison:
    verdict_a = decision.localize(a.verdict or {}, lang)
    verdict_b = decision.localize(b.verdict or {}, lang)
    rules_a = {reason["rule"] for reason in verdict_a["reasons"]}
    rules_b = {reason["rule"] for reason in verdict_b["reasons"]}
    return Comparison(
        a=a,
        b=b,
        verdict_a=verdict_a,
        verdict_b=verdict_b,
        answers=[
            AnswerRow(q.key, _answer(a.answers, q.key), _answer(b.answers, q.key))
            for step in decision.STEPS
            for q in step.questions
        ],
        only_a=[r for r in verdict_a["reasons"] if r["rule"] not in rules_b],
        only_b=[r for r in verdict_b["reasons"] if r["rule"] not in rules_a],
        shared=len(rules_a & rules_b),
    )
