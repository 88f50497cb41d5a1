"""Issue 8's properties of a verdict, checked over the whole answer space.

"Supports" is defined here from the rules' data (points and vetoes) and the rules that `score()`
found fired, not from the engine's own choice of reasons. "Fix the data first" is worth what
fine-tuning would be worth with the data fixed, less the time fixing takes (QUESTIONNAIRE.md,
second wave); the fixed data is written out here from the contract.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.decision import BASE_SCORES, RULES, SIMPLICITY_ORDER, Rec, evaluate
from app.decision.advice import FIND_OUT, FIND_OUT_QUESTION
from app.decision.engine import score
from app.decision.rules import FIX_DATA_COST
from tests.unit.decision_cases import BETTER, FINE_TUNING, answer_sets, examples, is_complete

MANY = settings(max_examples=examples(200), deadline=None)
RULE = {r.id: r for r in RULES}
SIMPLER = {a: i for i, a in enumerate(SIMPLICITY_ORDER)}
DATA_PRINCIPLE = "garbage-in-garbage-out"
# When no rule makes the case for the winner, the prior decided (simplest first).
PRIOR = "simplest-first"


def fixed_data(answers: dict) -> dict:
    """The data fixed: correct, varied, with hard cases, real examples collected if there were none
    (with or without synthetic data: real examples are part of fixing the data)."""
    fixed = dict(answers)
    if fixed["example_count"] == "none":
        fixed.update(
            example_count="100_to_1k",
            data_quality="clean",
            data_diversity="diverse",
            edge_cases="yes",
        )
    if fixed["data_quality"] in {"noisy", "mixed"}:
        fixed["data_quality"] = "clean"
    if fixed["data_diversity"] == "clustered":
        fixed["data_diversity"] = "diverse"
    if fixed["edge_cases"] == "no":
        fixed["edge_cases"] = "yes"
    return fixed


def fired_rules(answers: dict) -> list[str]:
    return [RULES[i].id for i in score(answers).fired]


def points_and_vetoes(fired: list[str]) -> tuple[dict[Rec, int], dict[Rec, list[str]]]:
    """Each approach's prior plus the points of the rules that fired; the rules that veto it."""
    points = {a: BASE_SCORES.get(a, 0) + sum(RULE[i].scores.get(a, 0) for i in fired) for a in Rec}
    return points, {a: [i for i in fired if a in RULE[i].exclude] for a in Rec}


def all_points(answers: dict) -> tuple[dict[Rec, int | None], dict[Rec, int | None]]:
    """(points ignoring vetoes, points of the approaches left) for every approach, "fix the data"
    included. A vetoed approach has None among those left; "fix the data" has None in both when
    there is nothing to fix or fine-tuning stays vetoed on the fixed data."""
    raw: dict[Rec, int | None]
    raw, vetoed = points_and_vetoes(fired_rules(answers))  # type: ignore[assignment]
    fixed = fixed_data(answers)
    fixed_points, fixed_vetoes = points_and_vetoes(fired_rules(fixed))
    raw[Rec.ID] = None
    if fixed != answers and not vetoed[Rec.ID] and not fixed_vetoes[Rec.FT]:
        raw[Rec.ID] = fixed_points[Rec.FT] - FIX_DATA_COST
    left = {a: None if vetoed[a] else raw[a] for a in Rec}
    return raw, left


def would_beat(a: Rec, points_a: int | None, winner: Rec, points_w: int) -> bool:
    if points_a is None:
        return False
    return points_a > points_w or (points_a == points_w and SIMPLER[a] < SIMPLER[winner])


def supports(rule_id: str, winner: Rec, answers: dict) -> bool:
    rule = RULE[rule_id]
    if winner is Rec.ID:
        # What is wrong with the data for fine-tuning, then why fine-tuning would fit.
        against_ft = Rec.FT in rule.exclude or rule.scores.get(Rec.FT, 0) < 0
        return (rule.principle == DATA_PRINCIPLE and against_ft) or rule.scores.get(Rec.FT, 0) > 0
    if rule.scores.get(winner, 0) > 0:
        return True
    raw, left = all_points(answers)
    mine = left[winner]
    assert mine is not None
    return any(a != winner and would_beat(a, raw[a], winner, mine) for a in rule.exclude)


@MANY
@given(answer_sets())
def test_every_reason_supports_the_recommendation(answers: dict) -> None:
    verdict = evaluate(answers)
    fired = fired_rules(answers)
    winner = Rec(verdict.recommendation)

    if [r.rule for r in verdict.reasons] == [PRIOR]:
        # The prior decided: no rule that fired makes the case for the winner.
        assert not any(supports(i, winner, answers) for i in fired)
        return
    for reason in verdict.reasons:
        assert reason.rule in fired
        assert supports(reason.rule, winner, answers), reason.rule


@MANY
@given(answer_sets())
def test_a_supporting_rule_is_never_left_without_a_reason(answers: dict) -> None:
    # Up to five reasons: if any rule that fired supports the winner, the prior is not cited.
    verdict = evaluate(answers)
    winner = Rec(verdict.recommendation)
    supporting = [i for i in fired_rules(answers) if supports(i, winner, answers)]
    rules = [r.rule for r in verdict.reasons]

    assert len(rules) == min(5, len(supporting)) or (rules == [PRIOR] and not supporting)


@MANY
@given(answer_sets())
def test_the_recommendation_has_the_most_effective_points_ties_to_the_simpler(
    answers: dict,
) -> None:
    verdict = evaluate(answers)
    scored = score(answers)
    raw, left = all_points(answers)
    winner = Rec(verdict.recommendation)

    assert dict(scored.effective) == left
    assert all(scored.points[a] == raw[a] for a in Rec if a is not Rec.ID)
    mine = left[winner]
    assert mine is not None
    for other in Rec:
        if other != winner:
            assert not would_beat(other, left[other], winner, mine), other


@MANY
@given(answer_sets())
def test_at_most_five_distinct_reasons(answers: dict) -> None:
    rules = [r.rule for r in evaluate(answers).reasons]

    assert len(rules) <= 5
    assert len(set(rules)) == len(rules)


@MANY
@given(answer_sets())
def test_at_most_eight_next_steps_without_duplicates(answers: dict) -> None:
    steps = [s.en for s in evaluate(answers).next_steps]

    assert len(steps) <= 8
    assert len(set(steps)) == len(steps)


@MANY
@given(answer_sets())
def test_why_not_covers_the_runner_up_and_fine_tuning(answers: dict) -> None:
    verdict = evaluate(answers)
    ranked = [r.recommendation for r in verdict.ranking]
    expected = [ranked[1]]
    if verdict.recommendation not in FINE_TUNING and "fine_tune" not in expected:
        expected.append("fine_tune")
    elif verdict.recommendation in FINE_TUNING and ranked[1] in FINE_TUNING | {"improve_data"}:
        # "Why not something simpler?": the best approach that neither fine-tunes nor fixes data.
        expected.append(next(r for r in ranked if r not in FINE_TUNING | {"improve_data"}))

    assert [w.recommendation for w in verdict.why_not] == expected


@MANY
@given(answer_sets())
def test_why_not_a_vetoed_approach_names_a_veto(answers: dict) -> None:
    verdict = evaluate(answers)
    _, vetoed = points_and_vetoes(fired_rules(answers))

    for why_not in verdict.why_not:
        against = [r.rule for r in why_not.reasons]
        assert len(against) <= 3
        if vetoed[Rec(why_not.recommendation)]:
            assert against and against[0] in vetoed[Rec(why_not.recommendation)]


@MANY
@given(answer_sets())
def test_would_win_if_entries_are_changes_to_that_recommendation(answers: dict) -> None:
    verdict = evaluate(answers)

    for why_not in verdict.why_not:
        for change in why_not.would_win_if:
            assert change in verdict.what_would_change
            assert change.recommendation == why_not.recommendation


@MANY
@given(answer_sets())
def test_why_not_reasons_are_rules_that_fired(answers: dict) -> None:
    verdict = evaluate(answers)
    fired = {RULES[i].id for i in score(answers).fired}

    for why_not in verdict.why_not:
        assert {r.rule for r in why_not.reasons} <= fired


IMPROVEMENTS = [
    (q, i, j)
    for q, order in BETTER.items()
    for i in range(len(order))
    for j in range(i + 1, len(order))
]


def improved(answers: dict, improvement: tuple[str, int, int]) -> tuple[dict, dict]:
    """The answers before and after one improvement; both complete (an improvement that makes
    an unanswered question apply is not a single-answer change)."""
    question, worse, better = improvement
    order = BETTER[question]
    before = {**answers, question: order[worse]}
    after = {**answers, question: order[better]}
    assume(is_complete(before) and is_complete(after))
    return before, after


def at_least(after: int | None, before: int | None) -> bool:
    """A vetoed approach (None) is below any number of points."""
    return before is None or (after is not None and after >= before)


@settings(max_examples=examples(300), deadline=None)
@given(answer_sets(), st.sampled_from(IMPROVEMENTS))
def test_better_data_or_more_prompting_never_lowers_fine_tunings_points(
    answers: dict, improvement: tuple[str, int, int]
) -> None:
    before, after = improved(answers, improvement)
    ft_before, ft_after = score(before).effective[Rec.FT], score(after).effective[Rec.FT]

    # Vetoed (None) is below any number of points: better data or more prompting never puts a
    # veto on fine-tuning that was not there, and never takes points from it.
    assert at_least(ft_after, ft_before)


def fine_tune_score(answers: dict) -> float:
    return next(r.score for r in evaluate(answers).ranking if r.recommendation == "fine_tune")


@settings(max_examples=examples(250), deadline=None)
@given(answer_sets(), st.sampled_from(IMPROVEMENTS))
def test_better_data_or_more_prompting_never_lowers_fine_tunings_ranking_score(
    answers: dict, improvement: tuple[str, int, int]
) -> None:
    before, after = improved(answers, improvement)

    assert fine_tune_score(after) >= fine_tune_score(before)


@MANY
@given(answer_sets())
def test_score_and_evaluate_agree_on_the_winner(answers: dict) -> None:
    assert score(answers).winner.value == evaluate(answers).recommendation


@settings(max_examples=examples(250), deadline=None)
@given(answer_sets(), st.sampled_from(IMPROVEMENTS))
def test_better_data_or_more_prompting_never_moves_a_verdict_away_from_fine_tuning(
    answers: dict, improvement: tuple[str, int, int]
) -> None:
    before, after = improved(answers, improvement)

    if score(before).winner.value in FINE_TUNING:
        assert score(after).winner.value in FINE_TUNING


FIND_OUT_TEXTS = {a.text.en: FIND_OUT_QUESTION[a.id] for a in FIND_OUT}


@MANY
@given(answer_sets())
def test_find_out_steps_only_for_open_answers_that_could_change_the_verdict(answers: dict) -> None:
    verdict = evaluate(answers)
    could_change = {c.question for c in verdict.what_would_change if c.kind == "unsure"}

    asked = [FIND_OUT_TEXTS[s.en] for s in verdict.next_steps if s.en in FIND_OUT_TEXTS]
    assert set(asked) <= could_change
