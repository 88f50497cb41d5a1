"""evaluate(answers) -> Verdict: score, veto, pick, explain, and try every single-answer change.

A plain scorer: every rule's condition is checked against the answers and the facts derived
from them, points are added, vetoes applied, and the approach with the most points wins (ties go
to the simpler approach). "What would change" re-scores each single-answer change from scratch,
so every entry is true by construction. The reasons are only the rules that decided.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .advice import (
    FIND_OUT,
    FIND_OUT_QUESTION,
    MAX_FIND_OUT,
    MAX_NEXT_STEPS,
    MAX_RISKS,
    NEXT_STEPS,
    RISKS,
    WARNINGS,
    FIRST_STEPS,
    Advice,
)
from .approaches import APPROACHES, FINE_TUNING, SIMPLICITY_ORDER, Rec
from .baseline import Baseline, measure_baseline
from .conditions import ACCURACY_TARGETS, FACTS, PATH, RECOMMENDATION, When
from .questionnaire import QUESTIONS, Answer, InvalidAnswers, validate_answers
from .rules import BASE_SCORES, CONFIDENCE_MARGINS, PATH_PRIORITY, PRINCIPLES, RULES
from .summaries import summary
from .text import Text
from .verdict import Change, ChangeKind, Confidence, Ranked, Reason, Verdict, WhyNot
from .version import RULES_VERSION

MAX_REASONS = 5
MAX_WHY_NOT_REASONS = 3
# A veto that decided outranks any number of points.
_VETO_WEIGHT = 100

# Displayed scores squash points into (0, 1): 0.5 at _MIDPOINT points, steeper as _SPREAD shrinks.
_MIDPOINT = 2.0
_SPREAD = 3.0

_SIMPLER = {a: i for i, a in enumerate(SIMPLICITY_ORDER)}
_RECEIVERS = {r.hand_over_to for r in RULES if r.hand_over_to is not None}
assert len(_RECEIVERS) <= 1, "rules hand over to more than one approach"
_RECEIVER: Rec | None = next(iter(_RECEIVERS), None)

# Answers a team can improve, worst first. A change towards the start of a list is never offered
# as a way to change the verdict: nobody plans to prompt less or to make the data worse.
IMPROVEMENTS: Mapping[str, tuple[str, ...]] = {
    "prompting_effort": ("none", "basic", "extensive"),
    "example_count": ("none", "under_100", "100_to_1k", "over_1k"),
    "data_quality": ("noisy", "mixed", "clean"),
    "data_diversity": ("clustered", "diverse"),
    "edge_cases": ("no", "yes"),
    "synthetic_data": ("no", "yes"),
}
_KIND_ORDER: Mapping[ChangeKind, int] = {"unsure": 0, "actionable": 1, "situation": 2}


@dataclass(frozen=True, slots=True)
class Scored:
    """One scoring pass: which rules fired, the points, the vetoes and the winner."""

    facts: Mapping[str, object]
    fired: tuple[int, ...]
    points: Mapping[Rec, int]
    vetoed_by: Mapping[Rec, tuple[int, ...]]
    # Points of the approaches still allowed (None if vetoed), after any hand-over.
    effective: Mapping[Rec, int | None]
    # The vetoed approach whose points the receiver inherited, if it did.
    inherited_from: Rec | None
    winner: Rec

    def beats(self, a: Rec, points: int, b: Rec, other: int | None) -> bool:
        if other is None:
            return True
        return points > other or (points == other and _SIMPLER[a] < _SIMPLER[b])


def _facts(answers: Mapping[str, Answer]) -> dict[str, object]:
    facts: dict[str, object] = dict(answers)
    for fact in FACTS.values():
        facts[fact.key] = fact.compute(answers)
    return facts


def score(answers: Mapping[str, Answer]) -> Scored:
    facts = _facts(answers)
    fired = tuple(i for i, rule in enumerate(RULES) if rule.when.matches(facts))
    points = {a: BASE_SCORES[a] for a in Rec}
    vetoed_by: dict[Rec, list[int]] = {a: [] for a in Rec}
    for i in fired:
        for a, p in RULES[i].scores.items():
            points[a] += p
        for a in RULES[i].exclude:
            vetoed_by[a].append(i)
    effective: dict[Rec, int | None] = {a: None if vetoed_by[a] else points[a] for a in Rec}
    inherited_from = None
    if _RECEIVER is not None and not vetoed_by[_RECEIVER]:
        for a in SIMPLICITY_ORDER:
            handed = vetoed_by[a] and all(RULES[i].hand_over_to == _RECEIVER for i in vetoed_by[a])
            if handed and points[a] > effective[_RECEIVER]:  # type: ignore[operator]
                effective[_RECEIVER], inherited_from = points[a], a
    winner = min((a for a in Rec if effective[a] is not None),
                 key=lambda a: (-effective[a], _SIMPLER[a]))  # type: ignore[operator]
    return Scored(facts, fired, points, {a: tuple(v) for a, v in vetoed_by.items()},
                  effective, inherited_from, winner)


# --- What would change --------------------------------------------------------------------

def _alternatives(question: str, answers: Mapping[str, Answer], facts: Mapping[str, object]) -> list[Answer]:
    q = QUESTIONS[question]
    current = answers[question]
    if q.kind == "choice":
        values: list[Answer] = [o for o in q.option_keys if o not in q.uncertain_options and o != current]
        order = IMPROVEMENTS.get(question)
        if order and current in order:
            values = [v for v in values if order.index(v) > order.index(current)]  # type: ignore[arg-type]
        return values
    # An integer answer matters only through the facts built on it: try one value per outcome.
    values = []
    for fact in FACTS.values():
        if question not in fact.inputs or fact.realise is None:
            continue
        for outcome in fact.values:
            if outcome == facts[fact.key]:
                continue
            value = fact.realise(outcome, answers)[question]
            if value is None or value == current or value in values:
                continue
            if current is not None and value < current:  # type: ignore[operator]
                continue  # a lower measured accuracy is not a plan
            values.append(value)
    return values


def _kind(question: str, current: Answer) -> ChangeKind:
    q = QUESTIONS[question]
    if current is None or (q.kind == "choice" and current in q.uncertain_options):
        return "unsure"
    if question in IMPROVEMENTS or question == "baseline_accuracy":
        return "actionable"
    return "situation"


def _what_would_change(answers: Mapping[str, Answer], scored: Scored) -> tuple[Change, ...]:
    found: list[tuple[tuple[int, int, int], Change]] = []
    for n, question in enumerate(QUESTIONS):
        for value in _alternatives(question, answers, scored.facts):
            other = score({**answers, question: value})
            if other.winner == scored.winner:
                continue
            before = other.effective[scored.winner]
            lead = other.effective[other.winner] - before if before is not None else _VETO_WEIGHT  # type: ignore[operator]
            kind = _kind(question, answers[question])
            change = Change(question, answers[question], value, other.winner.value, kind)
            found.append(((_KIND_ORDER[kind], -lead, n), change))
    found.sort(key=lambda item: item[0])
    return tuple(c for _, c in found)


# --- Reasons ---------------------------------------------------------------------------------

def _reason(i: int, answers: Mapping[str, Answer]) -> Reason:
    rule = RULES[i]
    return Reason(
        rule=rule.id,
        text=rule.reason_for(answers),
        principle=PRINCIPLES[rule.principle].title,
        sources=rule.sources,
        triggered_by=tuple((q, answers[q]) for q in rule.when.questions()),
    )


def deciding_rules(scored: Scored) -> list[int]:
    """The fired rules that decided the winner, strongest first."""
    w = scored.winner
    weights: dict[int, int] = {}
    for i in scored.fired:
        rule = RULES[i]
        if rule.scores.get(w, 0) > 0:
            weights[i] = rule.scores[w]
        for a in rule.exclude:
            # A veto decided if the approach it took off the table would otherwise have won...
            if a != w and scored.beats(a, scored.points[a], w, scored.effective[w]):
                weights[i] = _VETO_WEIGHT
            # ...or if it handed that approach's points to the winner.
            if a == scored.inherited_from and rule.hand_over_to == w:
                weights[i] = _VETO_WEIGHT
        # "Fix the data" inherited fine-tuning's case: what made fine-tuning fit is part of why.
        if scored.inherited_from is not None and rule.scores.get(scored.inherited_from, 0) > 0:
            weights.setdefault(i, rule.scores[scored.inherited_from])
    return sorted(weights, key=lambda i: (-weights[i], i))


def _reasons_against(scored: Scored, loser: Rec) -> list[int]:
    w = scored.winner
    vetoes = list(scored.vetoed_by[loser])
    negative = sorted((i for i in scored.fired if RULES[i].scores.get(loser, 0) < 0 and i not in vetoes),
                      key=lambda i: (RULES[i].scores[loser], i))
    found = vetoes + negative
    if len(found) < 2:
        favour = sorted(
            (i for i in scored.fired if i not in found
             and RULES[i].scores.get(w, 0) - RULES[i].scores.get(loser, 0) > 0),
            key=lambda i: (RULES[i].scores.get(loser, 0) - RULES[i].scores.get(w, 0), i))
        found += favour
    return found[:MAX_WHY_NOT_REASONS]


# --- Confidence ------------------------------------------------------------------------------

_LEVELS: tuple[Confidence, ...] = ("low", "medium", "high")


def _label(key: str) -> Text:
    return APPROACHES[key].label


def _names(questions: list[str]) -> Text:
    names = [QUESTIONS[q].name for q in questions]
    return Text(", ".join(n.en for n in names), "、".join(n.zh for n in names))


def _confidence(scored: Scored, changes: tuple[Change, ...]) -> tuple[Confidence, Text]:
    w = scored.winner
    others = [(p, a) for a, p in scored.effective.items() if p is not None and a != w]
    open_questions = list(dict.fromkeys(c.question for c in changes if c.kind == "unsure"))
    if not others:
        level, margin, runner = 2, math.inf, None
    else:
        best, runner = max(others, key=lambda x: (x[0], -_SIMPLER[x[1]]))
        margin = scored.effective[w] - best  # type: ignore[operator]
        level = 2 if margin >= CONFIDENCE_MARGINS["high"] else 1 if margin >= CONFIDENCE_MARGINS["medium"] else 0
    if open_questions:
        level = min(level, 1 if len(open_questions) == 1 else 0)
    confidence = _LEVELS[level]

    if runner is not None and margin == 0:
        label = _label(runner)
        decide = [c.question for c in changes if c.recommendation == runner.value]
        if decide:
            names = _names(list(dict.fromkeys(decide))[:2])
            why = Text(f"Tied with {label.en}, and the simpler approach wins ties: your answer on "
                       f"{names.en} decides between them.",
                       f"与「{label.zh}」得分相同，平分时选择更简单的做法：你关于{names.zh}的答案决定二者之间的取舍。")
        else:
            why = Text(f"Tied with {label.en}, and the simpler approach wins ties.",
                       f"与「{label.zh}」得分相同，平分时选择更简单的做法。")
    elif open_questions:
        names = _names(open_questions)
        n = len(open_questions)
        why = Text(f"{n} open answer{'s' if n > 1 else ''} could change this: {names.en}.",
                   f"有 {n} 个尚未确定的答案可能改变结论：{names.zh}。")
    elif runner is None:
        why = Text("Every other approach is ruled out by a hard principle.",
                   "其他所有做法都被硬性原则排除了。")
    else:
        label = _label(runner)
        pts_en = f"{margin} point{'s' if margin != 1 else ''}"
        if level == 2:
            why = Text(f"{pts_en} ahead of {label.en}, and no open answer could change it.",
                       f"领先「{label.zh}」{margin} 分，且没有尚未确定的答案能改变它。")
        else:
            why = Text(f"Only {pts_en} ahead of {label.en}: a single answer could tip it.",
                       f"只领先「{label.zh}」{margin} 分：一个答案就可能改变结论。")
    return confidence, why


def _display_score(points: int | None) -> float:
    if points is None:
        return 0.0
    return round(1.0 / (1.0 + math.exp(-(points - _MIDPOINT) / _SPREAD)), 2)


def _advice(items: tuple[Advice, ...], facts: Mapping[str, object]) -> list[Advice]:
    return [a for a in items if a.when.matches(facts)]


def _baseline(answers: Mapping[str, Answer]) -> Baseline | None:
    accuracy, size = answers.get("baseline_accuracy"), answers.get("baseline_sample_size")
    if accuracy is None or size is None:
        return None
    return measure_baseline(accuracy, size, ACCURACY_TARGETS[answers["accuracy_target"]])  # type: ignore[arg-type, index]


_RECORD_SAMPLE_SIZE = Advice("record-sample-size", When(), Text(
    "Record how many cases your baseline was measured on: on a few dozen cases, a few points "
    "of accuracy are within noise.",
    "记下基线是在多少个案例上测得的：只有几十个案例时，几个百分点的差距可能只是噪声。"))


def _baseline_steps(answers: Mapping[str, Answer]) -> list[Advice]:
    baseline = _baseline(answers)
    if baseline is not None and baseline.gap == "uncertain":
        return [Advice("settle-baseline", When(), baseline.note())]
    if answers.get("baseline_accuracy") is not None and answers.get("baseline_sample_size") is None:
        return [_RECORD_SAMPLE_SIZE]
    return []


def evaluate(answers: Mapping[str, Answer]) -> Verdict:
    """Judge a complete set of answers. Pure: same answers and rules, same verdict."""
    normalized, errors = validate_answers(answers)
    if errors:
        raise InvalidAnswers(errors)
    scored = score(normalized)
    w = scored.winner
    changes = _what_would_change(normalized, scored)
    confidence, confidence_reason = _confidence(scored, changes)

    deciding = deciding_rules(scored)
    paths = {RULES[i].path for i in deciding[:MAX_REASONS]} if w in FINE_TUNING else set()
    path = next((p for p in PATH_PRIORITY if p in paths), "pattern" if w in FINE_TUNING else None)
    order = sorted(Rec, key=lambda a: (scored.effective[a] is None, -(scored.effective[a] or 0), _SIMPLER[a]))
    ranking = tuple(Ranked(a.value, _display_score(scored.effective[a])) for a in order)

    runner_up = order[1]
    wanted = [runner_up]
    if w not in FINE_TUNING and runner_up is not Rec.FT:
        wanted.append(Rec.FT)
    why_not = tuple(
        WhyNot(a.value,
               tuple(_reason(i, normalized) for i in _reasons_against(scored, a)),
               tuple(c for c in changes if c.recommendation == a.value))
        for a in wanted
    )

    facts = {**scored.facts, RECOMMENDATION: w.value, PATH: path or "none"}
    open_questions = {c.question for c in changes if c.kind == "unsure"}
    find_out = [a for a in _advice(FIND_OUT, facts) if FIND_OUT_QUESTION[a.id] in open_questions]
    # A cure that needs no training comes first, then what to find out, then the plan.
    plan = _advice(NEXT_STEPS, facts)
    first = [a for a in plan if a.id in FIRST_STEPS]
    ordered = [*first, *find_out[:MAX_FIND_OUT], *_baseline_steps(normalized), *plan]
    steps = list({a.id: a.text for a in reversed(ordered)}.items())[::-1]

    return Verdict(
        recommendation=w.value,
        confidence=confidence,
        confidence_reason=confidence_reason,
        ranking=ranking,
        summary=summary(w, normalized, path),
        reasons=tuple(_reason(i, normalized) for i in deciding[:MAX_REASONS]),
        why_not=why_not,
        risks=tuple(a.text for a in _advice(RISKS, facts)[:MAX_RISKS]),
        next_steps=tuple(text for _, text in steps[:MAX_NEXT_STEPS]),
        warnings=tuple(a.text for a in _advice(WARNINGS, facts)),
        what_would_change=changes,
        baseline=_baseline(normalized),
        rules_version=RULES_VERSION,
    )
