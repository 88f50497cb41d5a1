"""Conditions as data: `When(task_type={"style"}, prompting_effort="extensive")`.

A condition is an AND across keys and set membership per key. Keys are choice questions,
derived facts (below) or, for advice given after the verdict, the `recommendation`. Keeping
conditions declarative lets the engine say which answers triggered a rule, re-check only the
rules a changed answer can affect, describe every rule in words, and hash the rules into a
version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .approaches import APPROACHES
from .baseline import cases_to_settle, wilson_interval
from .questionnaire import (
    NOT_APPLICABLE,
    QUESTION_ORDER,
    QUESTIONS,
    Answer,
    not_applicable,
)
from .text import Text

# --- Questions that cannot apply ------------------------------------------------------------


def applicable_answers(answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers with every question that cannot apply, and was left out, set to NOT_APPLICABLE.

    An answer given anyway still counts where it is definite (a team that calls its data noisy
    is never told to fine-tune on it); it is never an open question (see engine).
    """
    masked = dict(answers)
    for q in not_applicable(answers):
        question = QUESTIONS[q]
        if question.kind == "choice" and (
            masked.get(q) is None or masked[q] in question.uncertain_options
        ):
            masked[q] = NOT_APPLICABLE
    return masked


# --- Derived facts -----------------------------------------------------------------------

# What each accuracy target means in points, so a measured baseline can be compared with it.
ACCURACY_TARGETS: Mapping[str, int] = MappingProxyType(
    {"best_effort": 85, "high": 95, "critical": 99}
)
# A gap this small is "the last mile" that fine-tuning can buy (Ng: 95% -> 99%).
SMALL_GAP = 10


def _baseline_for_gap(gap: str, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    target = ACCURACY_TARGETS[answers["accuracy_target"]]  # type: ignore[index]
    return {
        "baseline_accuracy": {
            "unmeasured": None,
            "meets_target": target,
            "small": target - SMALL_GAP // 2,
            "large": max(0, target - 3 * SMALL_GAP),
        }[gap]
    }


def baseline_gap(answers: Mapping[str, Answer]) -> str:
    baseline = answers["baseline_accuracy"]
    if baseline is None:
        return "unmeasured"
    gap = ACCURACY_TARGETS[answers["accuracy_target"]] - baseline  # type: ignore[index, operator]
    if gap <= 0:
        return "meets_target"
    return "small" if gap <= SMALL_GAP else "large"


@dataclass(frozen=True, slots=True)
class Fact:
    """A value computed from several answers, usable in conditions like a question."""

    key: str
    name: Text
    inputs: tuple[str, ...]
    values: Mapping[str, Text]
    compute: Callable[[Mapping[str, Answer]], str]
    # The numbers behind `compute`, so that changing them changes the rules version.
    parameters: Mapping[str, object]

    # For facts built on an integer answer: answers that give the fact a chosen value, so the
    # engine can try "what would change" with a few representative numbers.
    realise: Callable[[str, Mapping[str, Answer]], dict[str, Answer]] | None = None


# Each data problem that weakens fine-tuning on its own; together they make the data not ready.
# Few examples is not one of them: 100 or even fewer good examples can be enough (Ng), and no
# examples at all is a veto of its own.
DATA_PROBLEMS: Mapping[str, str] = MappingProxyType(
    {
        "data_quality": "mixed",
        "data_diversity": "clustered",
        "edge_cases": "no",
    }
)


def data_problems(answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """The questions whose answers are a data problem, in questionnaire order."""
    return tuple(q for q, bad in DATA_PROBLEMS.items() if answers[q] == bad)


# This many of the problems above, and the data is not ready for fine-tuning.
DATA_NOT_READY_AT = 2


def data_readiness(answers: Mapping[str, Answer]) -> str:
    return "weak" if len(data_problems(answers)) >= DATA_NOT_READY_AT else "adequate"


def fixed_data(answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers as they would be once the data is fixed: correct, varied, with hard cases,
    and real examples collected where there were none."""
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


def data_problem(answers: Mapping[str, Answer]) -> str:
    return "none" if fixed_data(answers) == dict(answers) else "some"


def large_model_works(answers: Mapping[str, Answer]) -> str:
    """Whether the current (large) model already meets the target: measured at or above it, or,
    with nothing measured, quality the team calls acceptable. A baseline below the target is not
    a model that does the job, however close."""
    gap = baseline_gap(answers)
    if gap == "meets_target" or (answers["failure_mode"] == "none" and gap == "unmeasured"):
        return "yes"
    return "no"


# What stops a team from shipping the large model that works: only these make a small model
# trained on its outputs (distillation) the case, even before prompting is exhausted.
def distill(answers: Mapping[str, Answer]) -> str:
    """A large model meets the target, and cost, latency or hosting keeps it out of production."""
    blocked = (
        answers["cost_pressure"] == "blocking"
        or answers["latency_need"] == "realtime"
        or answers["hosting"] == "self_hosted_required"
    )
    return "yes" if blocked and large_model_works(answers) == "yes" else "no"


def teacher(answers: Mapping[str, Answer]) -> str:
    """Whether "a larger model can write good examples" can count: only a model measured at or
    above the target can teach one (a teacher below the target writes wrong examples)."""
    if answers["synthetic_data"] != "yes":
        return "none"
    return "proven" if baseline_gap(answers) == "meets_target" else "unproven"


# The 95% Wilson interval of a baseline given with its sample size: does it tell us which side
# of the target the model is on?
def baseline_certainty(answers: Mapping[str, Answer]) -> str:
    accuracy, size = answers["baseline_accuracy"], answers["baseline_sample_size"]
    if accuracy is None or size is None or accuracy == NOT_APPLICABLE:
        return "no_sample_size"
    # The same computation as baseline.measure_baseline, which words the verdict's note.
    p = accuracy / 100  # type: ignore[operator]
    target = ACCURACY_TARGETS[answers["accuracy_target"]] / 100  # type: ignore[index]
    low, high = wilson_interval(round(p * size), size)  # type: ignore[operator]
    real = high < target if p < target else low >= target
    return "settled" if real else "uncertain"


# The fewest cases an eval set needs at each target, by the verdict's 95% Wilson interval
# (advice.EVAL_CASES words them): 90% measured on 100 cases is clearly below 95%, on 50 it is not;
# 99% measured on 300 is at least 97%, on 100 not even 95%; about 85% needs 50-100.
EVAL_SET_MIN: Mapping[str, int] = MappingProxyType(
    {"best_effort": 50, "high": 100, "critical": 300}
)


def eval_set_size(answers: Mapping[str, Answer]) -> str:
    """Whether the cases a baseline was measured on are enough to judge a fine-tune against the
    target, kept as its held-out eval set."""
    accuracy, size = answers["baseline_accuracy"], answers["baseline_sample_size"]
    if not isinstance(accuracy, int) or not isinstance(size, int) or isinstance(size, bool):
        return "not_given"
    return "enough" if size >= EVAL_SET_MIN[answers["accuracy_target"]] else "small"  # type: ignore[index]


def _certainty_for(outcome: str, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """A sample size that settles the gap at the measured accuracy (what "would change")."""
    accuracy = answers["baseline_accuracy"]
    if outcome != "settled" or not isinstance(accuracy, int):
        return {"baseline_sample_size": None, "baseline_accuracy": accuracy}
    target = ACCURACY_TARGETS[answers["accuracy_target"]]  # type: ignore[index]
    measured = answers.get("baseline_sample_size")
    beyond = measured if isinstance(measured, int) and not isinstance(measured, bool) else 0
    return {
        "baseline_sample_size": cases_to_settle(accuracy / 100, target / 100, beyond),
        "baseline_accuracy": accuracy,
    }


def rft_ready(answers: Mapping[str, Answer]) -> str:
    """Reinforcement fine-tuning is on the table: a program checks the answers, prompting is
    exhausted, and the strongest model (a reasoning model included) was measured."""
    ready = (
        answers["verifiable_outputs"] == "yes"
        and answers["prompting_effort"] == "extensive"
        and answers["strongest_model_tried"] == "yes"
    )
    return "yes" if ready else "no"


def knowledge_in_prompt(answers: Mapping[str, Answer]) -> str:
    """Stable private knowledge small enough to sit in a long-context prompt."""
    fits = (
        answers["knowledge_source"] == "private_stable"
        and answers["knowledge_volume"] == "fits_in_prompt"
    )
    return "yes" if fits else "no"


def quality_reached(answers: Mapping[str, Answer]) -> str:
    """Whether today's prompt already gives the quality wanted. A measurement outweighs the team's
    word: a baseline below the target is not quality reached, whatever the failure answer says;
    with nothing measured, quality the team calls acceptable is. A baseline at the target on too
    few cases to tell (its interval still holds lower values) is "unsettled": neither kept as it
    is nor improved on before it is measured on more cases."""
    gap = baseline_gap(answers)
    if gap == "unmeasured":
        return "yes" if answers["failure_mode"] == "none" else "no"
    if gap != "meets_target":
        return "no"
    return "unsettled" if baseline_certainty(answers) == "uncertain" else "yes"


def at_scale(answers: Mapping[str, Answer]) -> str:
    """Speed and cost matter at real volume or under cost pressure, not for a few calls a day."""
    if answers["volume"] in {"medium", "high"} or answers["cost_pressure"] in {
        "moderate",
        "blocking",
    }:
        return "yes"
    return "no"


FACTS: Mapping[str, Fact] = MappingProxyType(
    {
        "baseline_gap": Fact(
            key="baseline_gap",
            name=Text("the gap between the measured baseline and the target"),
            inputs=("baseline_accuracy", "accuracy_target"),
            values=MappingProxyType(
                {
                    "unmeasured": Text.in_context("baseline_gap", "not measured"),
                    "meets_target": Text("none (the baseline meets the target)"),
                    "small": Text("small (at most {small_gap} points)", small_gap=SMALL_GAP),
                    "large": Text("large (more than {small_gap} points)", small_gap=SMALL_GAP),
                }
            ),
            compute=baseline_gap,
            parameters=MappingProxyType(
                {"targets": dict(ACCURACY_TARGETS), "small_gap": SMALL_GAP}
            ),
            realise=_baseline_for_gap,
        ),
        "data_readiness": Fact(
            key="data_readiness",
            name=Text("the readiness of the data"),
            inputs=("data_quality", "data_diversity", "edge_cases"),
            values=MappingProxyType(
                {
                    "adequate": Text(
                        "adequate (at most one of: some wrong labels, clustered examples, no "
                        "edge cases)"
                    ),
                    "weak": Text(
                        "weak ({data_not_ready_at} or more of: some wrong labels, clustered examples, no "
                        "edge cases)",
                        data_not_ready_at=DATA_NOT_READY_AT,
                    ),
                }
            ),
            compute=data_readiness,
            parameters=MappingProxyType(
                {"not_ready_at": DATA_NOT_READY_AT, "problems": dict(DATA_PROBLEMS)}
            ),
        ),
        "data_problem": Fact(
            key="data_problem",
            name=Text("whether the data has a problem to fix"),
            inputs=(
                "example_count",
                "data_quality",
                "data_diversity",
                "edge_cases",
                "synthetic_data",
            ),
            values=MappingProxyType(
                {
                    "none": Text.in_context("data_problem", "none"),
                    "some": Text(
                        "some (wrong or clustered examples, no hard cases, or no examples)"
                    ),
                }
            ),
            compute=data_problem,
            parameters=MappingProxyType({}),
        ),
        "large_model_works": Fact(
            key="large_model_works",
            name=Text("whether the current model already does the job"),
            inputs=("failure_mode", "baseline_accuracy", "accuracy_target"),
            values=MappingProxyType(
                {
                    "yes": Text(
                        "yes (the baseline meets the target, or quality is acceptable and nothing "
                        "was measured)"
                    ),
                    "no": Text("no, or not measured"),
                }
            ),
            compute=large_model_works,
            parameters=MappingProxyType({}),
        ),
        "distill": Fact(
            key="distill",
            name=Text("whether a large model meets the target but cannot be shipped"),
            inputs=(
                "failure_mode",
                "baseline_accuracy",
                "accuracy_target",
                "cost_pressure",
                "latency_need",
                "hosting",
            ),
            values=MappingProxyType(
                {
                    "yes": Text("yes (it meets the target; cost, latency or hosting blocks it)"),
                    "no": Text("no"),
                }
            ),
            compute=distill,
            parameters=MappingProxyType({}),
        ),
        "teacher": Fact(
            key="teacher",
            name=Text("whether a large model is good enough to write the training data"),
            inputs=("synthetic_data", "baseline_accuracy", "accuracy_target"),
            values=MappingProxyType(
                {
                    "none": Text("no large model to generate examples"),
                    "proven": Text("proven (measured at or above the target)"),
                    "unproven": Text("unproven (measured below the target, or not measured)"),
                }
            ),
            compute=teacher,
            parameters=MappingProxyType({}),
        ),
        "baseline_certainty": Fact(
            key="baseline_certainty",
            name=Text("whether the baseline's sample settles the gap"),
            inputs=("baseline_accuracy", "baseline_sample_size", "accuracy_target"),
            values=MappingProxyType(
                {
                    "no_sample_size": Text("no sample size given"),
                    "settled": Text(
                        "settled (the 95{percent} interval leaves out the target)", percent="%"
                    ),
                    "uncertain": Text(
                        "not settled (the 95{percent} interval contains the target)", percent="%"
                    ),
                }
            ),
            compute=baseline_certainty,
            parameters=MappingProxyType({"targets": dict(ACCURACY_TARGETS), "z": 1.96}),
            realise=_certainty_for,
        ),
        "eval_set_size": Fact(
            key="eval_set_size",
            name=Text("whether the baseline's cases make an eval set big enough for the target"),
            inputs=("baseline_accuracy", "baseline_sample_size", "accuracy_target"),
            values=MappingProxyType(
                {
                    "not_given": Text("no baseline with its sample size"),
                    "enough": Text(
                        "enough (50 at about 85{percent}, 100 at 95{percent}, 300 at 99{percent})",
                        percent="%",
                    ),
                    "small": Text("too few for the target"),
                }
            ),
            compute=eval_set_size,
            parameters=MappingProxyType({"minimum": dict(EVAL_SET_MIN)}),
        ),
        "rft_ready": Fact(
            key="rft_ready",
            name=Text("whether reinforcement fine-tuning is on the table"),
            inputs=("verifiable_outputs", "prompting_effort", "strongest_model_tried"),
            values=MappingProxyType(
                {
                    "yes": Text(
                        "yes (a program checks the answers, prompting is extensive, the strongest "
                        "model was measured)"
                    ),
                    "no": Text("no"),
                }
            ),
            compute=rft_ready,
            parameters=MappingProxyType({}),
        ),
        "knowledge_in_prompt": Fact(
            key="knowledge_in_prompt",
            name=Text("whether the private knowledge fits in the prompt"),
            inputs=("knowledge_source", "knowledge_volume"),
            values=MappingProxyType(
                {
                    "yes": Text("yes (stable internal knowledge that fits in one prompt)"),
                    "no": Text("no"),
                }
            ),
            compute=knowledge_in_prompt,
            parameters=MappingProxyType({}),
        ),
        "quality_reached": Fact(
            key="quality_reached",
            name=Text("whether the quality wanted is reached"),
            inputs=("failure_mode", "baseline_accuracy", "baseline_sample_size", "accuracy_target"),
            values=MappingProxyType(
                {
                    "yes": Text(
                        "yes (the baseline meets the target, or quality is acceptable and "
                        "nothing was measured)"
                    ),
                    "no": Text("no, or not measured"),
                    "unsettled": Text(
                        "not yet known (the baseline is at the target on too few cases to tell)"
                    ),
                }
            ),
            compute=quality_reached,
            parameters=MappingProxyType({}),
        ),
        "at_scale": Fact(
            key="at_scale",
            name=Text("whether speed and cost matter at scale"),
            inputs=("volume", "cost_pressure"),
            values=MappingProxyType(
                {
                    "yes": Text("yes (at least 1,000 requests a day, or some cost pressure)"),
                    "no": Text("no (fewer than 1,000 requests a day and no cost pressure)"),
                }
            ),
            compute=at_scale,
            parameters=MappingProxyType({}),
        ),
    }
)


# Measured evidence the team may attach besides its answers: what the cost numbers say (see
# app/costs: the saving's payback against the thresholds there). "none" without numbers.
COST_CASE = "cost_case"
COST_CASES: Mapping[str, Text] = MappingProxyType(
    {
        "none": Text("no numbers given"),
        "fast_payback": Text("pays back within 3 months"),
        "moderate_payback": Text("pays back within a year"),
        "payback_unknown": Text("saves money, one-time cost not given"),
        "slow_payback": Text("pays back only after a year"),
        "negligible_saving": Text("a negligible saving"),
        "costs_more": Text("costs more than today"),
    }
)

# What the cost calculator says once wrong answers are counted: the fine-tuned model's expected
# accuracy against the break-even accuracy (app/costs). "unknown" without both figures.
BREAK_EVEN = "break_even"
BREAK_EVEN_CASES: Mapping[str, Text] = MappingProxyType(
    {
        "unknown": Text("not computed"),
        "passes": Text("the fine-tuned model is at or above the break-even accuracy"),
        "fails": Text("the fine-tuned model is below the break-even accuracy"),
    }
)
# What eval runs of successive prompt versions measured (app/evals): "no step improves
# significantly" (plateaued), "the last step improved significantly" (improving), or unknown.
PROMPTING_TREND = "prompting_trend"
PROMPTING_TRENDS: Mapping[str, Text] = MappingProxyType(
    {
        "unknown": Text("not measured"),
        "plateaued": Text("measured to have plateaued"),
        "improving": Text("measured to be still improving"),
    }
)

# Keys that only advice given after the verdict may use: what was recommended, and for
# fine-tuning, which case made it (see Rule.path).
RECOMMENDATION = "recommendation"
PATH = "path"
METHOD = "method"
_VERDICT_KEYS: Mapping[str, tuple[Text, Mapping[str, Text]]] = MappingProxyType(
    {
        RECOMMENDATION: (
            Text("the recommendation"),
            MappingProxyType({k: a.label for k, a in APPROACHES.items()}),
        ),
        COST_CASE: (Text("what the cost numbers show"), COST_CASES),
        BREAK_EVEN: (
            Text("the accuracy the saving needs"),
            BREAK_EVEN_CASES,
        ),
        PROMPTING_TREND: (
            Text("what the prompt eval runs show"),
            PROMPTING_TRENDS,
        ),
        PATH: (
            Text("the case for fine-tuning"),
            MappingProxyType(
                {
                    "none": Text("none"),
                    "last_mile": Text("the last mile of accuracy"),
                    "pattern": Text("a format or style to learn"),
                    "mapping": Text("an input-to-label mapping"),
                    "voice": Text("a voice or style"),
                    "decision": Text("a hard-to-state decision"),
                    "distill": Text("a small model for cost or latency"),
                    "verifiable": Text("reasoning a program can check"),
                }
            ),
        ),
        METHOD: (
            Text("the fine-tuning method"),
            MappingProxyType(
                {
                    "none": Text("none"),
                    "lora_sft": Text("supervised fine-tuning with LoRA"),
                    "preference_tuning": Text("preference tuning"),
                    "reinforcement_fine_tuning": Text("reinforcement fine-tuning"),
                    "distillation": Text("distillation"),
                    "encoder_classifier": Text("an encoder classifier"),
                }
            ),
        ),
    }
)

# Every key a condition may use, in a stable order: questions, then facts, then the verdict.
CONDITION_ORDER: Mapping[str, int] = MappingProxyType(
    {k: i for i, k in enumerate([*QUESTIONS, *FACTS, *_VERDICT_KEYS])}
)


def _domain(key: str) -> Mapping[str, Text]:
    if key in FACTS:
        return FACTS[key].values
    if key in _VERDICT_KEYS:
        return _VERDICT_KEYS[key][1]
    q = QUESTIONS.get(key)
    if q is None or q.kind != "choice":
        raise ValueError(
            f"conditions can use choice questions, facts or {sorted(_VERDICT_KEYS)}: {key!r}"
        )
    return {o.key: o.label for o in q.options}


def _name(key: str) -> Text:
    if key in FACTS:
        return FACTS[key].name
    if key in _VERDICT_KEYS:
        return _VERDICT_KEYS[key][0]
    return QUESTIONS[key].name


@dataclass(frozen=True, slots=True)
class Except:
    """Every option of a question but these: `When(task_type=Except("reasoning"))`."""

    values: tuple[str, ...]

    def __init__(self, *values: str) -> None:
        object.__setattr__(self, "values", values)


class When:
    """All clauses hold: each key's value is one of the given values."""

    __slots__ = ("clauses",)
    clauses: tuple[tuple[str, frozenset[str]], ...]

    def __init__(self, **clauses: str | Iterable[str] | Except) -> None:
        resolved: list[tuple[str, frozenset[str]]] = []
        for key, spec in clauses.items():
            domain = _domain(key)
            if isinstance(spec, str):
                values = frozenset({spec})
            elif isinstance(spec, Except):
                values = frozenset(domain) - frozenset(spec.values)
                unknown_excepted = set(spec.values) - set(domain)
                if unknown_excepted:
                    raise ValueError(f"{key}: unknown values {sorted(unknown_excepted)}")
            else:
                values = frozenset(spec)
            if not values or not values <= set(domain):
                raise ValueError(f"{key}: bad values {sorted(values)}")
            resolved.append((key, values))
        resolved.sort(key=lambda c: CONDITION_ORDER[c[0]])
        self.clauses = tuple(resolved)

    def matches(self, facts: Mapping[str, object]) -> bool:
        for key, values in self.clauses:
            if facts[key] not in values:
                return False
        return True

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.clauses)

    def questions(self) -> tuple[str, ...]:
        """The answers this condition depends on, in questionnaire order."""
        found: set[str] = set()
        for key, _ in self.clauses:
            if key in FACTS:
                found.update(FACTS[key].inputs)
            elif key not in _VERDICT_KEYS:
                found.add(key)
        return tuple(sorted(found, key=QUESTION_ORDER.__getitem__))

    def to_data(self) -> list[list[object]]:
        return [[k, sorted(v)] for k, v in self.clauses]

    def describe(self) -> Text:
        if not self.clauses:
            return Text("always")
        clauses: list[Text] = []
        for key, values in self.clauses:
            domain = _domain(key)
            ordered = [k for k in domain if k in values]
            excluded = [k for k in domain if k not in values]
            name = _name(key)
            quoted = [
                Text("“{value}”", value=domain[k])
                for k in (excluded if len(excluded) < len(ordered) else ordered)
            ]
            either = Text.join(quoted, Text("{items} or {item}"))
            if len(excluded) < len(ordered):
                clauses.append(Text("{name} is not {either}", name=name, either=either))
            else:
                clauses.append(Text("{name} is {either}", name=name, either=either))
        return Text.join(clauses, Text("{items} and {item}"), capitalize=True)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={sorted(v)}" for k, v in self.clauses)
        return f"When({inner})"
