"""evaluate(answers) -> Verdict: score, veto, pick, explain, and try every single-answer change.

The rules are compiled once at import into tuples of (key, allowed values) and integer points
per approach, so one scoring pass is a few dozen set lookups. "What would change" re-checks
only the rules whose condition depends on the changed answer and adjusts the points by the
difference; a test compares this shortcut against a full re-evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .advice import FIND_OUT, NEXT_STEPS, RISKS, WARNINGS, Advice
from .approaches import APPROACH_KEYS, APPROACHES, SIMPLICITY_ORDER
from .conditions import FACTS, RECOMMENDATION, Fact
from .questionnaire import QUESTIONS, Answer, InvalidAnswers, validate_answers
from .rules import BASE_SCORES, CONFIDENCE_MARGINS, UNCERTAIN_CAP, PRINCIPLES, RULES
from .text import Text
from .verdict import Change, Confidence, Ranked, Reason, Verdict
from .version import RULES_VERSION

_N = len(APPROACH_KEYS)
_INDEX = {key: i for i, key in enumerate(APPROACH_KEYS)}
# Approaches in tie-break order: the simpler one wins a tie.
_BY_SIMPLICITY = tuple(_INDEX[k] for k in SIMPLICITY_ORDER)
_BASE = [BASE_SCORES[k] for k in APPROACH_KEYS]

# Displayed scores squash points into (0, 1): 0.5 at _MIDPOINT points, steeper as _SPREAD shrinks.
_MIDPOINT = 2.0
_SPREAD = 3.0


@dataclass(frozen=True, slots=True)
class _Compiled:
    clauses: tuple[tuple[str, frozenset[str]], ...]
    deltas: tuple[tuple[int, int], ...]
    excludes: tuple[int, ...]
    hands_over: bool


def _compile() -> tuple[tuple[_Compiled, ...], int | None]:
    receivers = {r.hand_over_to for r in RULES if r.hand_over_to is not None}
    if len(receivers) > 1:
        raise ValueError(f"rules hand over to more than one approach: {sorted(receivers)}")
    receiver = _INDEX[receivers.pop()] if receivers else None
    compiled = tuple(
        _Compiled(
            clauses=r.when.clauses,
            deltas=tuple((_INDEX[a], p) for a, p in r.scores.items() if p),
            excludes=tuple(_INDEX[a] for a in sorted(r.exclude)),
            hands_over=r.hand_over_to is not None,
        )
        for r in RULES
    )
    return compiled, receiver


_COMPILED, _RECEIVER = _compile()
_FACTS_BY_INPUT: dict[str, tuple[Fact, ...]] = {
    q: tuple(f for f in FACTS.values() if q in f.inputs) for q in QUESTIONS
}
# For each question, the rules whose outcome can change when that answer changes.
_AFFECTED: dict[str, tuple[int, ...]] = {
    q: tuple(i for i, r in enumerate(RULES) if q in r.when.questions()) for q in QUESTIONS
}
_TRIGGERS = tuple(r.when.questions() for r in RULES)
# Counterfactual targets for choice questions: every definite option (never "not sure").
_CHOICE_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    q.key: tuple(o for o in q.option_keys if o not in q.uncertain_options)
    for q in QUESTIONS.values()
    if q.kind == "choice"
}


def _facts(answers: Mapping[str, Answer]) -> dict[str, object]:
    facts: dict[str, object] = dict(answers)
    for fact in FACTS.values():
        facts[fact.key] = fact.compute(answers)
    return facts


def _score(facts: Mapping[str, object]) -> tuple[list[bool], list[int], list[int], list[int]]:
    fired: list[bool] = []
    scores = _BASE.copy()
    vetoes = [0] * _N
    handed = [0] * _N
    for rule in _COMPILED:
        for key, values in rule.clauses:
            if facts[key] not in values:
                fired.append(False)
                break
        else:
            fired.append(True)
            for a, points in rule.deltas:
                scores[a] += points
            for a in rule.excludes:
                vetoes[a] += 1
                if rule.hands_over:
                    handed[a] += 1
    return fired, scores, vetoes, handed


def _effective(scores: list[int], vetoes: list[int], handed: list[int]) -> list[int | None]:
    """Points of the approaches still allowed (None if vetoed), after any hand-over."""
    eff: list[int | None] = [s if v == 0 else None for s, v in zip(scores, vetoes)]
    if _RECEIVER is not None and vetoes[_RECEIVER] == 0:
        best = scores[_RECEIVER]
        for a in range(_N):
            if vetoes[a] and vetoes[a] == handed[a] and scores[a] > best:
                best = scores[a]
        eff[_RECEIVER] = best
    return eff


def _winner(eff: list[int | None]) -> int:
    best = -1
    best_points = 0
    for a in _BY_SIMPLICITY:
        points = eff[a]
        if points is not None and (best < 0 or points > best_points):
            best, best_points = a, points
    return best


def _recommend_with(
    facts: dict[str, object],
    question: str,
    value: Answer,
    fired: list[bool],
    scores: list[int],
    vetoes: list[int],
    handed: list[int],
) -> int:
    """The winner if `question` alone were answered `value`: re-check only affected rules."""
    old = facts[question]
    facts[question] = value
    saved = [(f.key, facts[f.key]) for f in _FACTS_BY_INPUT[question]]
    for f in _FACTS_BY_INPUT[question]:
        facts[f.key] = f.compute(facts)  # type: ignore[arg-type]
    new_scores, new_vetoes, new_handed = scores, vetoes, handed
    copied = False
    for i in _AFFECTED[question]:
        rule = _COMPILED[i]
        now = True
        for key, values in rule.clauses:
            if facts[key] not in values:
                now = False
                break
        if now is fired[i]:
            continue
        if not copied:
            new_scores, new_vetoes, new_handed = scores.copy(), vetoes.copy(), handed.copy()
            copied = True
        sign = 1 if now else -1
        for a, points in rule.deltas:
            new_scores[a] += sign * points
        for a in rule.excludes:
            new_vetoes[a] += sign
            if rule.hands_over:
                new_handed[a] += sign
    facts[question] = old
    for key, previous in saved:
        facts[key] = previous
    return _winner(_effective(new_scores, new_vetoes, new_handed))


def _alternatives(question: str, answers: Mapping[str, Answer], facts: Mapping[str, object]) -> list[Answer]:
    current = answers[question]
    if question in _CHOICE_ALTERNATIVES:
        return [o for o in _CHOICE_ALTERNATIVES[question] if o != current]
    # An integer answer matters only through the facts built on it: try one value per outcome.
    values: list[Answer] = []
    for fact in _FACTS_BY_INPUT[question]:
        if fact.realise is None:
            continue
        for outcome in fact.values:
            if outcome == facts[fact.key]:
                continue
            value = fact.realise(outcome, answers)[question]
            if value is not None and value != current and value not in values:
                values.append(value)
    return values


def _what_would_change(
    answers: Mapping[str, Answer],
    facts: dict[str, object],
    fired: list[bool],
    scores: list[int],
    vetoes: list[int],
    handed: list[int],
    winner: int,
) -> tuple[Change, ...]:
    changes: list[Change] = []
    for question in QUESTIONS:
        for value in _alternatives(question, answers, facts):
            other = _recommend_with(facts, question, value, fired, scores, vetoes, handed)
            if other != winner:
                changes.append(Change(question, answers[question], value, APPROACH_KEYS[other]))
    return tuple(changes)


def _uncertain_questions(answers: Mapping[str, Answer]) -> list[str]:
    return [
        q.key
        for q in QUESTIONS.values()
        if (q.kind == "choice" and answers[q.key] in q.uncertain_options)
        or (q.optional and answers[q.key] is None)
    ]


_LEVELS: tuple[Confidence, ...] = ("low", "medium", "high")


def _confidence(eff: list[int | None], winner: int, uncertain: list[str], changes: tuple[Change, ...]) -> Confidence:
    others = [p for a, p in enumerate(eff) if p is not None and a != winner]
    margin = eff[winner] - max(others) if others else math.inf  # type: ignore[operator]
    level = 2 if margin >= CONFIDENCE_MARGINS["high"] else 1 if margin >= CONFIDENCE_MARGINS["medium"] else 0
    if uncertain:
        level = min(level, _LEVELS.index(UNCERTAIN_CAP))
    # An open question whose answer could change the verdict costs one more level.
    changeable = {c.question for c in changes}
    level -= sum(1 for q in uncertain if q in changeable)
    return _LEVELS[max(level, 0)]


def _display_score(points: int | None) -> float:
    if points is None:
        return 0.0
    return round(1.0 / (1.0 + math.exp(-(points - _MIDPOINT) / _SPREAD)), 2)


def _applicable(items: tuple[Advice, ...], facts: Mapping[str, object]) -> tuple[Text, ...]:
    return tuple(a.text for a in items if a.when.matches(facts))


def evaluate(answers: Mapping[str, Answer]) -> Verdict:
    """Judge a complete set of answers. Pure: same answers and rules, same verdict."""
    normalized, errors = validate_answers(answers)
    if errors:
        raise InvalidAnswers(errors)
    facts = _facts(normalized)
    fired, scores, vetoes, handed = _score(facts)
    eff = _effective(scores, vetoes, handed)
    winner = _winner(eff)
    recommendation = APPROACH_KEYS[winner]

    changes = _what_would_change(normalized, facts, fired, scores, vetoes, handed, winner)
    confidence = _confidence(eff, winner, _uncertain_questions(normalized), changes)

    order = sorted(range(_N), key=lambda a: (eff[a] is None, -(eff[a] or 0), _BY_SIMPLICITY.index(a)))
    ranking = tuple(Ranked(APPROACH_KEYS[a], _display_score(eff[a])) for a in order)

    fired_rules = [i for i, f in enumerate(fired) if f]
    fired_rules.sort(key=lambda i: (not RULES[i].exclude, -RULES[i].scores.get(recommendation, 0), i))
    reasons = tuple(
        Reason(
            rule=RULES[i].id,
            text=RULES[i].reason,
            principle=PRINCIPLES[RULES[i].principle].title,
            source=RULES[i].source,
            triggered_by=tuple((q, normalized[q]) for q in _TRIGGERS[i]),
        )
        for i in fired_rules
    )

    facts[RECOMMENDATION] = recommendation
    return Verdict(
        recommendation=recommendation,
        confidence=confidence,
        ranking=ranking,
        summary=APPROACHES[recommendation].summary,
        reasons=reasons,
        risks=_applicable(RISKS, facts),
        next_steps=_applicable(FIND_OUT, facts) + _applicable(NEXT_STEPS, facts),
        warnings=_applicable(WARNINGS, facts),
        what_would_change=changes,
        rules_version=RULES_VERSION,
    )


def recommend(answers: Mapping[str, Answer]) -> str:
    """Only the recommendation: a full scoring pass without explanations or counterfactuals."""
    normalized, errors = validate_answers(answers)
    if errors:
        raise InvalidAnswers(errors)
    fired, scores, vetoes, handed = _score(_facts(normalized))
    return APPROACH_KEYS[_winner(_effective(scores, vetoes, handed))]


@dataclass(frozen=True, slots=True)
class Reassessment:
    """A stored verdict next to what the current rules say about the same answers."""

    judged_with: str
    previous_recommendation: str
    current: Verdict

    @property
    def rules_changed(self) -> bool:
        return self.judged_with != self.current.rules_version

    @property
    def recommendation_changed(self) -> bool:
        return self.previous_recommendation != self.current.recommendation

    def message(self) -> Text | None:
        """What to tell the reader, or None if the rules have not changed."""
        if not self.rules_changed:
            return None
        label = APPROACHES[self.current.recommendation].label
        if self.recommendation_changed:
            return Text(
                f"The rules have changed since this verdict (version {self.judged_with}). "
                f"The current rules ({self.current.rules_version}) would now recommend: {label.en}.",
                f"自本结论生成以来，规则已更新（原版本 {self.judged_with}）。"
                f"按照当前规则（{self.current.rules_version}），现在的建议是：{label.zh}。",
            )
        return Text(
            f"The rules have changed since this verdict (version {self.judged_with}); the current "
            f"rules ({self.current.rules_version}) still recommend: {label.en}.",
            f"自本结论生成以来，规则已更新（原版本 {self.judged_with}）；"
            f"当前规则（{self.current.rules_version}）仍然建议：{label.zh}。",
        )


def reassess(answers: Mapping[str, Answer], snapshot: Mapping[str, object]) -> Reassessment | None:
    """Re-judge stored answers with the current rules; None if they no longer form a valid set."""
    try:
        current = evaluate(answers)
    except InvalidAnswers:
        return None
    return Reassessment(
        judged_with=str(snapshot["rules_version"]),
        previous_recommendation=str(snapshot["recommendation"]),
        current=current,
    )
