"""The counterfactual shortcut (re-checking only the rules a change touches) equals full scoring."""

from __future__ import annotations

from hypothesis import given, settings

from app.decision.engine import _alternatives, _facts, _full_pass, _outcome, _rescore, score
from app.decision.questionnaire import QUESTIONS, not_applicable
from tests.unit.decision_cases import answer_sets, examples


@settings(max_examples=examples(300), deadline=None)
@given(answer_sets())
def test_rescoring_one_changed_answer_equals_a_full_pass(answers: dict) -> None:
    scored = score(answers)
    base = _full_pass(_facts(answers))
    for question in QUESTIONS:
        if question in not_applicable(answers):
            continue
        for value in _alternatives(question, answers, scored.facts):
            changed = {**answers, question: value}
            winner, effective = _outcome(_rescore(base, changed, {question}), changed)
            full = score(changed)
            assert list(full.effective.values()) == effective, (question, value)
            assert list(full.effective)[winner] == full.winner
