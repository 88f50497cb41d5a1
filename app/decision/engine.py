"""evaluate(answers) -> Verdict: score, veto, pick, explain, and try every single-answer change.

A plain scorer: every rule's condition is checked against the answers and the facts derived
from them, points are added, vetoes applied, and the approach with the most points wins (ties go
to the simpler approach). "What would change" re-scores each single-answer change from scratch,
so every entry is true by construction. The reasons are only the rules that decided.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .advice import (
    DROP_FIRST,
    EVAL_SET_TOPIC,
    FIND_OUT,
    FIND_OUT_QUESTION,
    FIRST_STEPS,
    KEEP,
    MAX_FIND_OUT,
    MAX_NEXT_STEPS,
    MAX_RISKS,
    NEXT_STEPS,
    RISKS,
    WARNINGS,
    Advice,
)
from .approaches import APPROACHES, FINE_TUNING, SIMPLICITY_ORDER, Rec
from .baseline import Baseline, measure_baseline
from .conditions import (
    ACCURACY_TARGETS,
    BREAK_EVEN,
    COST_CASE,
    FACTS,
    METHOD,
    PATH,
    PROMPTING_TREND,
    RECOMMENDATION,
    Fact,
    When,
    applicable_answers,
    fixed_data,
    not_applicable,
)
from .method import choose as choose_method
from .questionnaire import (
    NOT_APPLICABLE,
    NOT_APPLICABLE_WHEN,
    QUESTIONS,
    Answer,
    InvalidAnswers,
    _validate_one,
    validate_answers,
)
from .rules import (
    BASE_SCORES,
    CONFIDENCE_MARGINS,
    FIX_DATA_COST,
    PATH_PRIORITY,
    PRINCIPLES,
    RULES,
    RULES_BY_ID,
    Rule,
)
from .summaries import summary
from .text import LIST, NG_BATCH_294, SENTENCES, Text
from .verdict import Change, ChangeKind, Confidence, Evidence, Ranked, Reason, Verdict, WhyNot
from .version import RULES_VERSION

MAX_REASONS = 5
DATA_PRINCIPLE = "garbage-in-garbage-out"
MAX_WHY_NOT_REASONS = 3
# A veto that decided outranks any number of points.
_VETO_WEIGHT = 100

# Displayed scores squash points into (0, 1): 0.5 at _MIDPOINT points, steeper as _SPREAD shrinks.
_MIDPOINT = 2.0
_SPREAD = 3.0

_SIMPLER = {a: i for i, a in enumerate(SIMPLICITY_ORDER)}

# Answers a team can improve, worst first. A change towards the start of a list is never offered
# as a way to change the verdict: nobody plans to prompt less or to make the data worse.
IMPROVEMENTS: Mapping[str, tuple[str, ...]] = {
    "prompting_effort": ("none", "basic", "extensive"),
    "example_count": ("none", "under_100", "100_to_1k", "over_1k"),
    "data_quality": ("noisy", "mixed", "clean"),
    "data_diversity": ("clustered", "diverse"),
    "edge_cases": ("no", "yes"),
    "synthetic_data": ("no", "yes"),
    "strongest_model_tried": ("no", "yes"),
}
_KIND_ORDER: Mapping[ChangeKind, int] = {"unsure": 0, "actionable": 1, "situation": 2}


@dataclass(frozen=True, slots=True)
class Scored:
    """One scoring pass: which rules fired, the points, the vetoes and the winner."""

    facts: Mapping[str, object]
    fired: tuple[int, ...]
    points: Mapping[Rec, int]
    vetoed_by: Mapping[Rec, tuple[int, ...]]
    # Points of the approaches still allowed (None if vetoed).
    effective: Mapping[Rec, int | None]
    winner: Rec

    def beats(self, a: Rec, points: int, b: Rec, other: int | None) -> bool:
        if other is None:
            return True
        return points > other or (points == other and _SIMPLER[a] < _SIMPLER[b])


_NO_EVIDENCE = Evidence()


def _facts(answers: Mapping[str, Answer], evidence: Evidence = _NO_EVIDENCE) -> dict[str, object]:
    """The answers (those that cannot apply masked), every fact derived from them, and evidence."""
    masked = applicable_answers(answers)
    facts: dict[str, object] = dict(masked)
    for fact in FACTS.values():
        facts[fact.key] = fact.compute(masked)
    facts[COST_CASE] = evidence.cost.case if evidence.cost else "none"
    facts["cost_sentence"] = evidence.cost.sentence if evidence.cost else None
    facts[BREAK_EVEN] = evidence.cost.break_even if evidence.cost else "unknown"
    facts["break_even_figures"] = (
        (evidence.cost.fine_tuned_accuracy, evidence.cost.break_even_accuracy)
        if facts[BREAK_EVEN] != "unknown"
        else None
    )
    facts[PROMPTING_TREND] = {None: "unknown", True: "plateaued", False: "improving"}[
        evidence.prompting_plateaued
    ]
    facts["preference_pairs"] = "yes" if evidence.preference_pairs else "no"
    return facts


def _points(
    facts: Mapping[str, object],
) -> tuple[tuple[int, ...], dict[Rec, int], dict[Rec, list[int]]]:
    fired = tuple(i for i, rule in enumerate(RULES) if rule.when.matches(facts))
    points = {a: BASE_SCORES.get(a, 0) for a in Rec}
    vetoed_by: dict[Rec, list[int]] = {a: [] for a in Rec}
    for i in fired:
        for a, p in RULES[i].scores.items():
            points[a] += p
        for a in RULES[i].exclude:
            vetoed_by[a].append(i)
    return fired, points, vetoed_by


def _raw_facts(answers: Mapping[str, Answer]) -> dict[str, object]:
    facts: dict[str, object] = dict(answers)
    for fact in FACTS.values():
        facts[fact.key] = fact.compute(answers)
    return facts


def score(answers: Mapping[str, Answer], evidence: Evidence = _NO_EVIDENCE) -> Scored:
    facts = _facts(answers, evidence)
    fired, points, vetoed_by = _points(facts)
    # "Fix the data first" is worth what fine-tuning would be worth with the data fixed, less the
    # time fixing takes; it is on the table only when the data has a problem and fixing it would
    # leave fine-tuning allowed.
    points[Rec.ID] = -_VETO_WEIGHT
    if not vetoed_by[Rec.ID]:
        _, fixed_points, fixed_vetoes = _points(_facts(fixed_data(answers), evidence))
        if not fixed_vetoes[Rec.FT]:
            points[Rec.ID] = fixed_points[Rec.FT] - FIX_DATA_COST
        else:
            vetoed_by[Rec.ID] = list(fixed_vetoes[Rec.FT])
    effective: dict[Rec, int | None] = {a: None if vetoed_by[a] else points[a] for a in Rec}
    winner = min(
        (a for a in Rec if effective[a] is not None), key=lambda a: (-effective[a], _SIMPLER[a])
    )  # type: ignore[operator]
    return Scored(
        facts, fired, points, {a: tuple(v) for a, v in vetoed_by.items()}, effective, winner
    )


# --- What would change --------------------------------------------------------------------
# Re-scoring every single-answer change from scratch costs about 50 scoring passes a verdict.
# A change touches few rules, so each pass starts from the verdict's own and re-checks only the
# rules whose condition reads the changed answer (directly or through a fact); the result equals
# a full pass, and a test compares the two over the whole answer space.

_INDEX = {a: n for n, a in enumerate(Rec)}
_N = len(_INDEX)
_ID, _FT = _INDEX[Rec.ID], _INDEX[Rec.FT]
_RULE_DELTAS = tuple(tuple((_INDEX[a], p) for a, p in r.scores.items() if p) for r in RULES)
_RULE_VETOES = tuple(tuple(_INDEX[a] for a in r.exclude) for r in RULES)
_RULE_CLAUSES = tuple(r.when.clauses for r in RULES)
# Changing one of these also changes whether the questions in its list apply.
_CONTROLS: dict[str, tuple[str, ...]] = {}
for _q, (_control, _value) in NOT_APPLICABLE_WHEN.items():
    _CONTROLS[_control] = (*_CONTROLS.get(_control, ()), _q)
_FACTS_OF = {q: tuple(f for f in FACTS.values() if q in f.inputs) for q in QUESTIONS}
_RULES_OF = {
    q: frozenset(i for i, r in enumerate(RULES) if q in r.when.questions()) for q in QUESTIONS
}
_BY_SIMPLICITY = tuple(_INDEX[a] for a in SIMPLICITY_ORDER)
# Questions no rule reads (directly or through a fact): changing one never changes the winner.
_DECIDES_NOTHING = frozenset(q for q in QUESTIONS if not _RULES_OF[q] and q not in _CONTROLS)
_KEYS = tuple(Rec)


@dataclass(slots=True)
class _Pass:
    """One scoring pass in plain lists, for the counterfactuals."""

    facts: dict[str, object]
    fired: set[int]
    points: list[int]
    vetoes: list[int]


def _full_pass(facts: dict[str, object]) -> _Pass:
    fired: set[int] = set()
    points = [BASE_SCORES.get(a, 0) for a in Rec]
    vetoes = [0] * _N
    for i, clauses in enumerate(_RULE_CLAUSES):
        for key, values in clauses:
            if facts[key] not in values:
                break
        else:
            fired.add(i)
            for a, p in _RULE_DELTAS[i]:
                points[a] += p
            for a in _RULE_VETOES[i]:
                vetoes[a] += 1
    return _Pass(facts, fired, points, vetoes)


def _rescore(
    base: _Pass,
    answers: Mapping[str, Answer],
    changed: set[str],
    masked: Mapping[str, Answer] | None = None,
) -> _Pass:
    """`base` with `changed` answers taken from `answers`: only the affected rules re-checked.
    `masked`: applicable_answers(answers), when the caller has it already."""
    for q in list(changed):
        changed.update(_CONTROLS.get(q, ()))
    if masked is None:
        masked = applicable_answers(answers)
    facts = dict(base.facts)
    affected: set[int] = set()
    stale: dict[str, Fact] = {}
    for q in changed:
        facts[q] = masked[q]
        affected |= _RULES_OF[q]
        stale.update((f.key, f) for f in _FACTS_OF[q])
    for fact in stale.values():
        facts[fact.key] = fact.compute(masked)
    fired, points, vetoes = set(base.fired), list(base.points), list(base.vetoes)
    for i in affected:
        now = True
        for key, values in _RULE_CLAUSES[i]:
            if facts[key] not in values:
                now = False
                break
        if now == (i in fired):
            continue
        sign = 1 if now else -1
        (fired.add if now else fired.discard)(i)
        for a, p in _RULE_DELTAS[i]:
            points[a] += sign * p
        for a in _RULE_VETOES[i]:
            vetoes[a] += sign
    return _Pass(facts, fired, points, vetoes)


def _outcome(one: _Pass, answers: Mapping[str, Answer]) -> tuple[int, list[int | None]]:
    """The winner and effective points of a pass, with "fix the data" scored as in score()."""
    effective: list[int | None] = [
        None if v else p for p, v in zip(one.points, one.vetoes, strict=True)
    ]
    if not one.vetoes[_ID]:
        fixed = fixed_data(answers)
        diff = {q for q in fixed if fixed[q] != answers[q]}
        after = _rescore(one, fixed, diff) if diff else one
        effective[_ID] = None if after.vetoes[_FT] else after.points[_FT] - FIX_DATA_COST
    best, best_points = -1, 0
    for a in _BY_SIMPLICITY:
        p = effective[a]
        if p is not None and (best < 0 or p > best_points):
            best, best_points = a, p
    return best, effective


def _alternatives(
    question: str, answers: Mapping[str, Answer], facts: Mapping[str, object]
) -> list[Answer]:
    q = QUESTIONS[question]
    current = answers[question]
    if q.kind == "choice":
        values: list[Answer] = [
            o for o in q.option_keys if o not in q.uncertain_options and o != current
        ]
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
    if question in IMPROVEMENTS or question in {"baseline_accuracy", "baseline_sample_size"}:
        return "actionable"
    return "situation"


def _what_would_change(
    answers: Mapping[str, Answer], scored: Scored, evidence: Evidence
) -> tuple[Change, ...]:
    found: list[tuple[tuple[int, int, int], Change]] = []
    skip = not_applicable(answers)
    base = _full_pass(dict(scored.facts))
    masked = applicable_answers(answers)
    winner = _INDEX[scored.winner]
    for n, question in enumerate(QUESTIONS):
        if question in skip or question in _DECIDES_NOTHING:
            continue
        controls = question in _CONTROLS
        for value in _alternatives(question, answers, scored.facts):
            changed = {**answers, question: value}
            if controls and any(
                QUESTIONS[q].kind == "choice" and masked.get(q) == NOT_APPLICABLE
                for q in skip - not_applicable(changed)
            ):
                continue  # it would make a question apply that was left out: we can't say
            # A question that controls no other keeps every other answer's mask as it was.
            changed_masked = None if controls else {**masked, question: value}
            other, effective = _outcome(
                _rescore(base, changed, {question}, changed_masked), changed
            )
            if other == winner:
                continue
            before = effective[winner]
            lead = effective[other] - before if before is not None else _VETO_WEIGHT  # type: ignore[operator]
            kind = _kind(question, answers[question])
            change = Change(question, answers[question], value, _KEYS[other].value, kind)
            found.append(((_KIND_ORDER[kind], -lead, n), change))
    found.sort(key=lambda item: item[0])
    return tuple(c for _, c in found)


# --- Reasons ---------------------------------------------------------------------------------


def _reason(
    i: int, answers: Mapping[str, Answer], facts: Mapping[str, object], evidence: Evidence
) -> Reason:
    rule = RULES[i]
    questions = rule.when.questions()
    return Reason(
        rule=rule.id,
        text=rule.reason_for(facts),
        principle=PRINCIPLES[rule.principle].title,
        sources=rule.sources,
        triggered_by=tuple((q, answers[q]) for q in questions),
        measured=tuple(evidence.measured[q] for q in questions if q in evidence.measured),
    )


def deciding_rules(scored: Scored) -> list[int]:
    """The fired rules that decided the winner, strongest first."""
    w = scored.winner
    weights: dict[int, int] = {}
    for i in scored.fired:
        rule = RULES[i]
        if w is Rec.ID:
            # "Fix the data": what is wrong with the data, then why fine-tuning would fit.
            if rule.principle == DATA_PRINCIPLE and (
                Rec.FT in rule.exclude or rule.scores.get(Rec.FT, 0) < 0
            ):
                weights[i] = _VETO_WEIGHT if Rec.FT in rule.exclude else -rule.scores[Rec.FT] * 10
            elif rule.scores.get(Rec.FT, 0) > 0:
                weights[i] = rule.scores[Rec.FT]
            continue
        if rule.scores.get(w, 0) > 0:
            weights[i] = rule.scores[w]
        # A veto decided if the approach it took off the table would otherwise have won; the
        # veto that removed the strongest such approach comes first.
        beaten = [
            scored.points[a]
            for a in rule.exclude
            if a != w and scored.beats(a, scored.points[a], w, scored.effective[w])
        ]
        if beaten:
            weights[i] = _VETO_WEIGHT + max(beaten)
    return sorted(weights, key=lambda i: (-weights[i], i))


def _reasons_against(scored: Scored, loser: Rec) -> list[int]:
    w = scored.winner
    vetoes = list(scored.vetoed_by[loser])
    negative = sorted(
        (i for i in scored.fired if RULES[i].scores.get(loser, 0) < 0 and i not in vetoes),
        key=lambda i: (RULES[i].scores[loser], i),
    )
    found = vetoes + negative
    if len(found) < 2:
        favour = sorted(
            (
                i
                for i in scored.fired
                if i not in found and RULES[i].scores.get(w, 0) - RULES[i].scores.get(loser, 0) > 0
            ),
            key=lambda i: (RULES[i].scores.get(loser, 0) - RULES[i].scores.get(w, 0), i),
        )
        found += favour
    return found[:MAX_WHY_NOT_REASONS]


# --- Confidence ------------------------------------------------------------------------------

_LEVELS: tuple[Confidence, ...] = ("low", "medium", "high")


def _label(key: str) -> Text:
    return APPROACHES[key].label


def _names(questions: list[str]) -> Text:
    names = [QUESTIONS[q].name for q in questions]
    return Text.join(names, LIST)


def _confidence(
    scored: Scored,
    changes: tuple[Change, ...],
    baseline: Baseline | None,
    unsized: bool = False,
    unmeasured: bool = False,
    distillation: bool = False,
) -> tuple[Confidence, Text]:
    """`unsized`: a training verdict stands on a baseline whose sample size isn't given, so
    nobody can tell whether its gap is real; `unmeasured`: it stands on no measured baseline at
    all. Either counts like an open answer. `distillation`: the model to measure is the large one,
    which the small one must match rather than beat."""
    w = scored.winner
    others = [(p, a) for a, p in scored.effective.items() if p is not None and a != w]
    open_questions = list(dict.fromkeys(c.question for c in changes if c.kind == "unsure"))
    if not others:
        level, margin, lead, runner = 2, math.inf, math.inf, None
        mine = theirs = 0.0
    else:
        best, runner = max(others, key=lambda x: (x[0], -_SIMPLER[x[1]]))
        margin = scored.effective[w] - best  # type: ignore[operator]
        # The lead as the ranking shows it: the displayed scores, rounded as shown.
        mine, theirs = _display_score(scored.effective[w]), _display_score(best)
        lead = round(mine - theirs, 2)
        level = (
            2
            if lead >= CONFIDENCE_MARGINS["high"]
            else 1
            if lead >= CONFIDENCE_MARGINS["medium"]
            else 0
        )
    # An unmeasured baseline that could itself change the winner is already an open answer.
    unmeasured = unmeasured and "baseline_accuracy" not in open_questions
    unsettled = (baseline is not None and baseline.gap == "uncertain") or unsized or unmeasured
    if open_questions or unsettled:
        level = min(level, 1 if len(open_questions) + unsettled == 1 else 0)
    confidence = _LEVELS[level]

    if runner is not None and margin == 0:
        label = _label(runner)
        decide = [c.question for c in changes if c.recommendation == runner.value]
        if decide:
            names = _names(list(dict.fromkeys(decide))[:2])
            why = Text(
                "Tied with “{label}”, and the simpler approach wins ties: your answer on {names} "
                "decides between them.",
                label=label,
                names=names,
            )
        else:
            why = Text("Tied with “{label}”, and the simpler approach wins ties.", label=label)
        # The answers still open matter as much as the tie: a measurement nobody made yet, say.
        if open_questions:
            why = _joined(why, _open_answers(open_questions))
    elif unsized and not open_questions:
        why = Text(
            "Your baseline's sample size isn't given, so nobody can tell whether its gap to the "
            "target is real: record how many cases it was measured on."
        )
    elif unmeasured and not open_questions and distillation:
        why = Text(
            "No accuracy has been measured, so nothing yet shows what the small model would have "
            "to match: measure the large model on a held-out eval set first."
        )
    elif unmeasured and not open_questions:
        why = Text(
            "No accuracy has been measured, so nothing yet shows what a fine-tune would have to "
            "beat: measure your best prompt on a held-out eval set first."
        )
    elif unsettled and not open_questions:
        why = Text(
            "Your baseline was measured on too few cases to tell whether it meets the target."
        )
    elif open_questions:
        why = _open_answers(open_questions)
        # The measurement missing too counts toward "low": say so beside the open answers.
        if unmeasured and distillation:
            why = Text(
                "{why} And no accuracy has been measured, so nothing yet shows what the small "
                "model would have to match.",
                why=why,
            )
        elif unmeasured:
            why = Text(
                "{why} And no accuracy has been measured, so nothing yet shows what a fine-tune "
                "would have to beat.",
                why=why,
            )
        elif unsized:
            why = Text(
                "{why} And your baseline's sample size isn't given, so nobody can tell whether "
                "its gap to the target is real.",
                why=why,
            )
    elif runner is None:
        why = Text("Every other approach is ruled out by a hard principle.")
    else:
        label = _label(runner)
        scores = Text("{mine:.2f} against {theirs:.2f}", mine=mine, theirs=theirs)
        if level == 2:
            why = Text(
                "Ahead of “{label}” by {lead:.2f} on the ranking's scale ({scores}), and no open "
                "answer could change it.",
                label=label,
                lead=lead,
                scores=scores,
            )
        elif changes:
            why = Text(
                "Only {lead:.2f} ahead of “{label}” on the ranking's scale ({scores}): a single "
                "answer could tip it.",
                lead=lead,
                label=label,
                scores=scores,
            )
        else:
            # Close, but no one answer changed alone flips it ("What would change it" is empty).
            why = Text(
                "Only {lead:.2f} ahead of “{label}” on the ranking's scale ({scores}): a close "
                "call, though no single answer changed on its own would tip it.",
                lead=lead,
                label=label,
                scores=scores,
            )
    return confidence, why


def _open_answers(open_questions: list[str]) -> Text:
    return Text.plural(
        "{n} open answer could change this: {names}.",
        "{n} open answers could change this: {names}.",
        len(open_questions),
        names=_names(open_questions),
    )


def _display_score(points: int | None) -> float:
    if points is None:
        return 0.0
    return round(1.0 / (1.0 + math.exp(-(points - _MIDPOINT) / _SPREAD)), 2)


def _advice(items: tuple[Advice, ...], facts: Mapping[str, object]) -> list[Advice]:
    return [a for a in items if a.when.matches(facts)]


def _baseline(answers: Mapping[str, Answer]) -> Baseline | None:
    if "baseline_accuracy" in not_applicable(answers):
        return None
    accuracy, size = answers.get("baseline_accuracy"), answers.get("baseline_sample_size")
    if accuracy is None or size is None:
        return None
    return measure_baseline(accuracy, size, ACCURACY_TARGETS[answers["accuracy_target"]])  # type: ignore[arg-type, index]


# When no rule favours the winner, the prior decided: the simplest approach comes first.
_PRIOR_REASON = Reason(
    rule="simplest-first",
    text=Text(
        "Nothing in your answers makes the case for a heavier approach yet, so the simplest "
        "one comes first: most teams that fine-tune could have got good results with it."
    ),
    principle=PRINCIPLES["prompting-first"].title,
    sources=(NG_BATCH_294,),
    triggered_by=(),
)

_RECORD_SAMPLE_SIZE = Advice(
    "record-sample-size",
    When(),
    Text(
        "Record how many cases your baseline was measured on: on a few dozen cases, a few points "
        "of accuracy are within noise."
    ),
)


def _baseline_steps(answers: Mapping[str, Answer]) -> list[Advice]:
    if "baseline_accuracy" in not_applicable(answers):
        return []
    baseline = _baseline(answers)
    if baseline is not None and baseline.gap == "uncertain":
        return [Advice("settle-baseline", When(), baseline.note())]
    if answers.get("baseline_accuracy") is not None and answers.get("baseline_sample_size") is None:
        return [_RECORD_SAMPLE_SIZE]
    return []


def _measure_first(baseline: Baseline) -> Text:
    """The summary's opening when the baseline's interval contains the target."""
    acc, target = round(100 * baseline.accuracy), round(100 * baseline.target)
    n = baseline.sample_size
    if baseline.settle_with is None:
        more = Text("more cases")
    else:
        more = Text("about {settle_with:,} cases", settle_with=baseline.settle_with)
    return Text.plural(
        "Measure first: {acc}{percent} on {n:,} case cannot tell whether you meet your "
        "{target}{percent} target, so no training project yet; {more} would settle it.",
        "Measure first: {acc}{percent} on {n:,} cases cannot tell whether you meet your "
        "{target}{percent} target, so no training project yet; {more} would settle it.",
        n,
        acc=acc,
        target=target,
        more=more,
        percent="%",
    )


_NO_GAP_MEASURED = next(i for i, r in enumerate(RULES) if r.id == "no-gap-measured")
_MEASURE_FIRST_UNMEASURED = Text(
    "Measure first: with no accuracy measured there is no gap to close yet, so no training "
    "project; build an eval set of real cases and measure your best prompt on it."
)
# Steps that measure on the team's eval set: with nothing measured, one that builds it comes first.
MEASURED_ON_EVAL_SET = frozenset(
    {
        "schema-first",
        "measure-strongest-model",
        "measure-strongest-model-self-hosted",
        "pe-cheaper-model",
        "pe-iterate",
        "aw-measure",
    }
)


def _build_before_use(steps: list[Advice], builders: list[Advice]) -> None:
    """Puts the step that builds the eval set (the verdict's own, else `builders`' first) just
    before the first step that measures on it, when it would come after or not at all."""
    uses = next((i for i, a in enumerate(steps) if a.id in MEASURED_ON_EVAL_SET), None)
    if uses is None:
        return
    builds = next((i for i, a in enumerate(steps) if a.key == EVAL_SET_TOPIC), None)
    if builds is None and builders:
        steps.insert(uses, builders[0])
    elif builds is not None and builds > uses:
        steps.insert(uses, steps.pop(builds))


# Methods that train no LoRA adapter on a chat model: the "start with LoRA" steps don't apply.
NOT_LORA = frozenset({"encoder_classifier", "reinforcement_fine_tuning"})

# --- Measured beats claimed --------------------------------------------------------------

_HARD_CASES_OPEN = Text(
    "No measure can see whether the examples include hard, malformed or adversarial cases, so "
    "your “yes” counts as not yet checked."
)


def _label_of(question: str, value: Answer) -> Text:
    q = QUESTIONS[question]
    if q.kind == "choice" and isinstance(value, str) and value in q.option_keys:
        return q.option(value).label
    shown = "—" if value is None else str(value)
    return Text.verbatim(shown)


def _measured(
    answers: Mapping[str, Answer], evidence: Evidence
) -> tuple[dict[str, Answer], list[Text]]:
    """The answers to judge on, measured values in place of claimed ones, and each conflict."""
    judged = dict(answers)
    conflicts: list[Text] = []
    for question in QUESTIONS:
        if question not in evidence.measured_answers:
            continue
        value, error = _validate_one(QUESTIONS[question], evidence.measured_answers[question])
        if error is not None or value is None or value == answers[question]:
            continue
        judged[question] = value
        name, was, now = QUESTIONS[question].name, _label_of(question, answers[question]), None
        now = _label_of(question, value)
        conflicts.append(
            Text(
                "Measured, the {name} is “{now}”, not “{was}” as answered: this verdict is "
                "judged on the measurement.",
                name=name,
                now=now,
                was=was,
            )
        )
    # Only a measurement of the data itself (a dataset check) leaves the hard cases as the one
    # data answer nobody checked; an eval run measures the prompt, not the training examples.
    data_measured = any(QUESTIONS[q].step == "data" for q in evidence.measured_answers)
    if (
        data_measured
        and "edge_cases" not in evidence.measured_answers
        and judged["edge_cases"] == "yes"
        and judged["example_count"] != "none"
    ):
        judged["edge_cases"] = "unsure"
        conflicts.append(_HARD_CASES_OPEN)
    return judged, conflicts


def _joined(*parts: Text) -> Text:
    return Text.join(parts, SENTENCES)


_CONFLICT_CONFIDENCE = Text(
    "What was measured contradicts your answers, so the verdict is judged on the measurement and "
    "its confidence is at most medium until the answers agree with it."
)


# The cases that name a method of their own: the headline says "the large model does the job"
# only for a distillation, and "train against your checker" only for reinforcement fine-tuning,
# whichever rules decided the verdict (a quick payback alone is no large model that works).
_METHOD_PATH: Mapping[str, str] = {
    "reinforcement_fine_tuning": "verifiable",
    "distillation": "distill",
}


def _path(w: object, rules: Sequence[Rule], method: object) -> str | None:
    """Why fine-tuning fits, for the headline: the method's own case, else the most specific
    case among the deciding reasons' rules (PATH_PRIORITY), else a pattern."""
    if w not in FINE_TUNING:
        return None
    if method in _METHOD_PATH:
        return _METHOD_PATH[method]  # type: ignore[index]
    paths = {r.path for r in rules[:MAX_REASONS]} - set(_METHOD_PATH.values())
    return next((p for p in PATH_PRIORITY if p in paths), "pattern")


def stored_path(snapshot: Mapping[str, object]) -> str | None:
    """The fine-tuning case of a stored verdict (its headline's path: "voice", "distill", ...),
    from the rules of its stored reasons; rules a later version dropped are skipped."""
    reasons = snapshot.get("reasons") or ()
    found = (RULES_BY_ID.get(r.get("rule")) for r in reasons if isinstance(r, Mapping))  # type: ignore[union-attr]
    rules = [r for r in found if r is not None]
    return _path(snapshot.get("recommendation"), rules, snapshot.get("method"))


def evaluate(answers: Mapping[str, Answer], evidence: Evidence | None = None) -> Verdict:
    """Judge a complete set of answers, with any measured evidence. Pure: same inputs and rules,
    same verdict."""
    claimed, errors = validate_answers(answers)
    if errors:
        raise InvalidAnswers(errors)
    evidence = evidence or _NO_EVIDENCE
    normalized, conflicts = _measured(claimed, evidence)
    scored = score(normalized, evidence)
    w = scored.winner
    changes = _what_would_change(normalized, scored, evidence)
    baseline = _baseline(normalized)
    unmeasured = w in FINE_TUNING and scored.facts["baseline_gap"] == "unmeasured"
    unsized = w in FINE_TUNING and not unmeasured and normalized.get("baseline_sample_size") is None
    method = choose_method(w, scored.facts)
    confidence, confidence_reason = _confidence(
        scored,
        changes,
        baseline,
        unsized,
        unmeasured,
        method is not None and method.key == "distillation",
    )
    if conflicts and confidence == "high":
        confidence, confidence_reason = "medium", _CONFLICT_CONFIDENCE

    deciding = deciding_rules(scored)
    order = sorted(
        Rec, key=lambda a: (scored.effective[a] is None, -(scored.effective[a] or 0), _SIMPLER[a])
    )
    ranking = tuple(Ranked(a.value, _display_score(scored.effective[a])) for a in order)

    runner_up = order[1]
    wanted = [runner_up]
    if w not in FINE_TUNING and runner_up is not Rec.FT:
        wanted.append(Rec.FT)
    elif w in FINE_TUNING and runner_up in FINE_TUNING | {Rec.ID}:
        # "Why not something simpler?" is the question a fine-tuning verdict must answer.
        wanted.append(next(a for a in order if a not in FINE_TUNING | {Rec.ID}))
    why_not = tuple(
        WhyNot(
            a.value,
            tuple(
                _reason(i, normalized, scored.facts, evidence) for i in _reasons_against(scored, a)
            ),
            tuple(c for c in changes if c.recommendation == a.value),
        )
        for a in wanted
    )

    path = _path(w, [RULES[i] for i in deciding[:MAX_REASONS]], method.key if method else None)
    facts = {
        **scored.facts,
        RECOMMENDATION: w.value,
        PATH: path or "none",
        METHOD: method.key if method else "none",
    }
    open_questions = {c.question for c in changes if c.kind == "unsure"}
    find_out = [a for a in _advice(FIND_OUT, facts) if FIND_OUT_QUESTION[a.id] in open_questions]
    # A cure that needs no training comes first, then what to find out, then the plan.
    plan = _advice(NEXT_STEPS, facts)
    if facts[METHOD] in NOT_LORA:
        plan = [a for a in plan if not a.id.startswith("ft-lora-")]
    # The verdict's eval set is built once: the plan's own step (the questions a retrieval
    # system is scored on, the examples to collect) takes the place of the general find-out step.
    plan_eval = [a for a in plan if a.key == EVAL_SET_TOPIC]
    if plan_eval:
        find_out = [b for a in find_out for b in (plan_eval if a.key == EVAL_SET_TOPIC else [a])]
    first = sorted((a for a in plan if a.id in FIRST_STEPS), key=lambda a: FIRST_STEPS.index(a.id))
    baseline_steps = _baseline_steps(normalized)
    # An unsettled gap comes before everything: no plan stands on a gap that isn't measured.
    settle = [a for a in baseline_steps if a.id == "settle-baseline"]
    # Fine-tuning would have won but nothing is measured: the headline says so first, and the
    # first step builds the eval set. With nothing measured, the eval set also comes before the
    # step that measures the strongest model "on your eval set".
    nothing_measured = _NO_GAP_MEASURED in deciding[:MAX_REASONS]
    general_eval = [a for a in _advice(FIND_OUT, facts) if a.key == EVAL_SET_TOPIC]
    eval_set = (plan_eval or general_eval) if nothing_measured else []
    ordered = [*settle, *eval_set, *first, *find_out[:MAX_FIND_OUT], *baseline_steps, *plan]
    first_of: dict[str, Advice] = {}
    for advice in ordered:
        first_of.setdefault(advice.key, advice)
    unique = list(first_of.values())
    if facts["baseline_gap"] == "unmeasured":
        # The general step says "Find out": only for a baseline the team could still give.
        _build_before_use(
            unique, plan_eval or (general_eval if "baseline_accuracy" in open_questions else [])
        )
    while len(unique) > MAX_NEXT_STEPS and any(a.id in DROP_FIRST for a in unique):
        unique.remove(next(a for a in reversed(unique) if a.id in DROP_FIRST))
    room = MAX_NEXT_STEPS - sum(a.id in KEEP for a in unique)
    kept: list[Advice] = []
    for advice in unique:
        if advice.id in KEEP or room > 0:
            kept.append(advice)
            room -= advice.id not in KEEP
    unique = kept

    unsettled = baseline is not None and baseline.gap == "uncertain"
    headline = summary(
        w, normalized, path, unsettled or nothing_measured, method.key if method else None
    )
    if unsettled:
        headline = _joined(_measure_first(baseline), headline)  # type: ignore[arg-type]
    elif nothing_measured:
        headline = _joined(_MEASURE_FIRST_UNMEASURED, headline)
    if conflicts:
        headline = _joined(*conflicts, headline)

    return Verdict(
        recommendation=w.value,
        confidence=confidence,
        confidence_reason=confidence_reason,
        ranking=ranking,
        summary=headline,
        reasons=tuple(
            _reason(i, normalized, scored.facts, evidence) for i in deciding[:MAX_REASONS]
        )
        or (_PRIOR_REASON,),
        why_not=why_not,
        risks=tuple(a.text for a in _advice(RISKS, facts)[:MAX_RISKS]),
        next_steps=tuple(a.text for a in unique[:MAX_NEXT_STEPS]),
        # Contradictions are read from the answers as given, including those that cannot apply.
        warnings=tuple(a.text for a in _advice(WARNINGS, _raw_facts(normalized))),
        what_would_change=changes,
        baseline=baseline,
        rules_version=RULES_VERSION,
        method=method.key if method else None,
        method_reason=method.reason if method else None,
        method_sources=method.sources if method else (),
    )
