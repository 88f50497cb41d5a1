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
from .questionnaire import QUESTION_ORDER, QUESTIONS, Answer
from .text import Text

# --- Derived facts -----------------------------------------------------------------------

# What each accuracy target means in points, so a measured baseline can be compared with it.
ACCURACY_TARGETS: Mapping[str, int] = MappingProxyType({"best_effort": 85, "high": 95, "critical": 99})
# A gap this small is "the last mile" that fine-tuning can buy (Ng: 95% -> 99%).
SMALL_GAP = 10


def _baseline_for_gap(gap: str, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    target = ACCURACY_TARGETS[answers["accuracy_target"]]  # type: ignore[index]
    return {"baseline_accuracy": {"unmeasured": None, "meets_target": target,
                                  "small": target - SMALL_GAP // 2,
                                  "large": max(0, target - 3 * SMALL_GAP)}[gap]}


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


def data_problems(answers: Mapping[str, Answer]) -> int:
    """Data problems that each only weaken fine-tuning; together they make the data not ready."""
    return (
        (answers["data_quality"] == "mixed")
        + (answers["data_diversity"] == "clustered")
        + (answers["edge_cases"] == "no")
        + (answers["example_count"] == "under_100" and answers["synthetic_data"] != "yes")
    )


# This many of the problems above, and the data is not ready for fine-tuning.
DATA_NOT_READY_AT = 2


def data_readiness(answers: Mapping[str, Answer]) -> str:
    return "weak" if data_problems(answers) >= DATA_NOT_READY_AT else "adequate"


FACTS: Mapping[str, Fact] = MappingProxyType({
    "baseline_gap": Fact(
        key="baseline_gap",
        name=Text("the gap between the measured baseline and the target",
                  "实测基线与准确率目标之间的差距"),
        inputs=("baseline_accuracy", "accuracy_target"),
        values=MappingProxyType({
            "unmeasured": Text("not measured", "尚未测量"),
            "meets_target": Text("none (the baseline meets the target)", "没有差距（基线已达到目标）"),
            "small": Text(f"small (at most {SMALL_GAP} points)", f"较小（不超过 {SMALL_GAP} 个百分点）"),
            "large": Text(f"large (more than {SMALL_GAP} points)", f"较大（超过 {SMALL_GAP} 个百分点）"),
        }),
        compute=baseline_gap,
        parameters=MappingProxyType({"targets": dict(ACCURACY_TARGETS), "small_gap": SMALL_GAP}),
        realise=_baseline_for_gap,
    ),
    "data_readiness": Fact(
        key="data_readiness",
        name=Text("the readiness of the data", "数据的准备程度"),
        inputs=("example_count", "data_quality", "data_diversity", "edge_cases", "synthetic_data"),
        values=MappingProxyType({
            "adequate": Text("adequate (at most one of: some wrong labels, clustered examples, no "
                             "edge cases, fewer than 100 examples and no synthetic data)",
                             "尚可（以下问题最多只有一个：部分标注错误、示例聚类、没有边缘案例、"
                             "示例少于 100 条且无法合成）"),
            "weak": Text(f"weak ({DATA_NOT_READY_AT} or more of: some wrong labels, clustered "
                         "examples, no edge cases, fewer than 100 examples and no synthetic data)",
                         f"不足（以下问题中有 {DATA_NOT_READY_AT} 个或更多：部分标注错误、示例聚类、"
                         "没有边缘案例、示例少于 100 条且无法合成）"),
        }),
        compute=data_readiness,
        parameters=MappingProxyType({"not_ready_at": DATA_NOT_READY_AT}),
    ),
})


RECOMMENDATION = "recommendation"
_RECOMMENDATION_NAME = Text("the recommendation", "建议")

# Every key a condition may use, in a stable order: questions, then facts, then the verdict.
CONDITION_ORDER: Mapping[str, int] = MappingProxyType(
    {k: i for i, k in enumerate([*QUESTIONS, *FACTS, RECOMMENDATION])}
)


def _domain(key: str) -> Mapping[str, Text]:
    if key in FACTS:
        return FACTS[key].values
    if key == RECOMMENDATION:
        return {k: a.label for k, a in APPROACHES.items()}
    q = QUESTIONS.get(key)
    if q is None or q.kind != "choice":
        raise ValueError(f"conditions can use choice questions, facts or {RECOMMENDATION!r}: {key!r}")
    return {o.key: o.label for o in q.options}


def _name(key: str) -> Text:
    if key in FACTS:
        return FACTS[key].name
    if key == RECOMMENDATION:
        return _RECOMMENDATION_NAME
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
            elif key != RECOMMENDATION:
                found.add(key)
        return tuple(sorted(found, key=QUESTION_ORDER.__getitem__))

    def to_data(self) -> list[list[object]]:
        return [[k, sorted(v)] for k, v in self.clauses]

    def describe(self) -> Text:
        if not self.clauses:
            return Text("always", "总是")
        en: list[str] = []
        zh: list[str] = []
        for key, values in self.clauses:
            domain = _domain(key)
            ordered = [k for k in domain if k in values]
            excluded = [k for k in domain if k not in values]
            name = _name(key)
            if len(excluded) < len(ordered):
                en.append(f"{name.en} is not " + " or ".join(f"“{domain[k].en}”" for k in excluded))
                zh.append(f"{name.zh}不是" + "或".join(f"「{domain[k].zh}」" for k in excluded))
            else:
                en.append(f"{name.en} is " + " or ".join(f"“{domain[k].en}”" for k in ordered))
                zh.append(f"{name.zh}为" + "或".join(f"「{domain[k].zh}」" for k in ordered))
        sentence_en = " and ".join(en)
        return Text(sentence_en[0].upper() + sentence_en[1:], "，且".join(zh))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={sorted(v)}" for k, v in self.clauses)
        return f"When({inner})"


def triggered_by(when: When, answers: Mapping[str, Answer]) -> tuple[tuple[str, Answer], ...]:
    return tuple((q, answers[q]) for q in when.questions())
