"""What the product believes, as data: principles and the rules that score the six approaches.

Every approach starts from a prior (BASE_SCORES) that encodes "try the simplest thing first".
Each rule whose condition holds adds its points; a veto ("exclude") takes an approach off the
table whatever its points, and is how the hard invariants are kept. The approach with the
most points among those left wins; ties go to the simpler approach.

To add a rule: add one entry below (under its principle) and one example to
tests/decision/test_decision_rules.py. The rules version changes by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from . import providers
from .approaches import FINE_TUNING, Rec
from .baseline import interval_percents, measure_baseline
from .conditions import ACCURACY_TARGETS, DATA_PROBLEMS, Except, When, data_problems
from .text import (
    A16Z_LLMFLATION,
    ANTHROPIC_CITATIONS,
    ANYSCALE,
    CHAN_2024_CAG,
    COHERE_FINE_TUNING,
    DEEPSEEK_R1,
    GEKHMAN_2024,
    KARMINSKI,
    LEWIS_2020,
    MISTRAL_FINE_TUNING,
    NG_BATCH_294,
    OPENAI_DEPRECATIONS,
    OPENAI_DISTILLATION,
    OPENAI_GUIDE,
    OPENAI_RFT,
    OPENAI_STRUCTURED_OUTPUTS,
    OVADIA_2024,
    WILLARD_LOUF_2023,
    WILSON_1927,
    Source,
    Text,
)

PE, AW, RAG, FT, RFT, ID = Rec
# Every approach that answers without retrieving anything.
NO_RETRIEVAL = frozenset({PE, AW, FT, ID})

# Why fine-tuning fits, when it does: the verdict's summary follows the most specific of these.
Path = Literal["last_mile", "pattern", "mapping", "voice", "decision", "distill", "verifiable"]
PATH_PRIORITY: tuple[Path, ...] = (
    "verifiable",
    "last_mile",
    "distill",
    "voice",
    "decision",
    "mapping",
    "pattern",
)


@dataclass(frozen=True, slots=True)
class Principle:
    key: str
    title: Text
    statement: Text
    # The hard invariant (numbered as in QUESTIONNAIRE.md) this principle guarantees, if any.
    invariant: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    principle: str
    when: When
    # The rule's claim in general, as "How we decide" shows it.
    reason: Text
    source: Source
    scores: Mapping[Rec, int] = field(default_factory=dict)
    exclude: frozenset[Rec] = frozenset()
    # For rules that make the case for fine-tuning: which case it is.
    path: Path | None = None
    # Further sources for a claim that rests on several (the vendors' notices, for example).
    more_sources: tuple[Source, ...] = ()
    # For a rule that sums up several answers: its reason built from them, naming only what the
    # answers actually say; None where `reason` says it as it is.
    reason_for_answers: Callable[[Mapping[str, object]], Text | None] | None = None

    def reason_for(self, facts: Mapping[str, object]) -> Text:
        """The reason for these answers (and the facts and evidence derived from them)."""
        said = self.reason_for_answers(facts) if self.reason_for_answers else None
        return self.reason if said is None else said

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source, *self.more_sources)


PRINCIPLES: Mapping[str, Principle] = MappingProxyType(
    {
        p.key: p
        for p in (
            Principle(
                "prompting-first",
                Text("Prompting first"),
                Text(
                    "Fine-tuning adds data, training and deployment work. Try prompting and simple "
                    "agentic workflows first: about 75{percent} of the teams that fine-tune could "
                    "have stopped there.",
                    percent="%",
                ),
                invariant=1,
            ),
            Principle(
                "patterns-not-facts",
                Text("Fine-tuning teaches patterns, not facts"),
                Text(
                    "Knowledge the model lacks, especially knowledge that changes, belongs in retrieval "
                    "(RAG) at run time, not in the weights."
                ),
                invariant=2,
            ),
            Principle(
                "patterns",
                Text("What fine-tuning is good at"),
                Text(
                    "A format, a style, an input-to-output mapping or a hard-to-state decision, on a narrow "
                    "task, when careful prompting has plateaued: that is where fine-tuning earns its cost."
                ),
            ),
            Principle(
                "garbage-in-garbage-out",
                Text("Garbage in, garbage out"),
                Text(
                    "A fine-tuned model learns whatever its examples show, errors and narrowness included. "
                    "Without good data, fix the data before training."
                ),
                invariant=3,
            ),
            Principle(
                "no-reasoning-by-fine-tuning",
                Text("No reasoning by fine-tuning"),
                Text(
                    "Fine-tuning on examples rarely improves multi-step reasoning, maths or logic; break the "
                    "task into checked steps instead. The exception is reinforcement fine-tuning on a task "
                    "whose answers a program can check, once prompting and the strongest reasoning model "
                    "have been tried."
                ),
                invariant=4,
            ),
            Principle(
                "specialist-not-generalist",
                Text("A specialist, not a generalist"),
                Text(
                    "One fine-tune solves one well-defined problem; open-ended assistants are not a fit."
                ),
            ),
            Principle(
                "small-models-at-scale",
                Text("Small models at scale"),
                Text(
                    "When a large model works but is too slow or expensive at your volume, a fine-tuned "
                    "small model can match it on the one task, often trained on the large model's output."
                ),
            ),
            Principle(
                "evals-first",
                Text("Measure first"),
                Text(
                    "Without an eval set and a prompt baseline you cannot tell whether fine-tuning helped."
                ),
            ),
            Principle(
                "operations",
                Text("A fine-tuned model is a system to run"),
                Text(
                    "Someone has to train, serve, monitor and retrain it. Hosted fine-tuning is shrinking, "
                    "so open weights you can download keep it portable."
                ),
            ),
        )
    }
)

# The prior: simpler approaches start ahead, because most teams that fine-tune did not need to.
# "Fix the data first" has no prior of its own: it scores what fine-tuning would score with the
# data fixed, less FIX_DATA_COST for the weeks fixing takes (see engine.score).
BASE_SCORES: Mapping[str, int] = MappingProxyType({PE: 2, AW: 1, RAG: 0, FT: 0, RFT: -1})
FIX_DATA_COST = 2

# How sure the verdict says it is: the lead of the winner over the runner-up on the ranking's
# scale (the scores shown, 0-1), so the confidence and the ranking speak one scale.
CONFIDENCE_MARGINS: Mapping[str, float] = MappingProxyType({"high": 0.25, "medium": 0.10})
# Any open answer ("not sure", no measured baseline) that could change the winner caps the
# confidence at "medium"; two or more make it "low" (see engine._confidence).


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


_PROBLEM_NAMES: Mapping[str, Text] = MappingProxyType(
    {
        "data_quality": Text("some examples are wrong"),
        "data_diversity": Text("the examples are mostly alike"),
        "edge_cases": Text("there are no hard or malformed cases"),
    }
)
assert set(_PROBLEM_NAMES) == set(DATA_PROBLEMS)


def _with_figures(general: Text) -> Callable[[Mapping[str, object]], Text]:
    """The cost rules quote the team's own figures (facts["cost_sentence"]) before the rule."""

    def reason(facts: Mapping[str, object]) -> Text:
        figures = facts.get("cost_sentence")
        if not isinstance(figures, Text):
            return general
        return Text("{figures} {general}", figures=figures, general=general)

    return reason


_LARGE_MODEL_WORKS = Text(
    "The large model does the job, but at your volume it is too slow or too expensive to ship. A "
    "fine-tuned small model can match it on your task at a fraction of the cost and latency."
)
# The same case when the team calls the quality acceptable but measured nothing: it is their
# word, not a measurement, and the student is held to a teacher nobody has scored.
_LARGE_MODEL_ACCEPTABLE = Text(
    "You call the large model's quality acceptable, but at your volume it is too slow or too "
    "expensive to ship. A fine-tuned small model could match it on your task at a fraction of "
    "the cost and latency, once its quality is measured on an eval set."
)


# Measured at or above the target, but on too few cases to tell (the interval holds the target).
_LARGE_MODEL_UNSETTLED = Text(
    "Your large model measured at or above the target, on too few cases to be sure, and at your "
    "volume it is too slow or too expensive to ship. A fine-tuned small model could match it on "
    "your task at a fraction of the cost and latency, once enough cases show what to match."
)


def _large_model_works(facts: Mapping[str, object]) -> Text:
    measured = facts.get("baseline_gap") == "meets_target"
    if measured and facts.get("baseline_certainty") == "uncertain":
        return _LARGE_MODEL_UNSETTLED
    return _LARGE_MODEL_WORKS if measured else _LARGE_MODEL_ACCEPTABLE


_COST_FOR = Text(
    "A saving that repays the one-time cost within a few months is the case for a fine-tuned small "
    "model at scale, and it is made before cheaper models catch up."
)
_COST_AGAINST = Text(
    "The saving is too small or too slow to pay for training, serving and looking after a "
    "fine-tuned model while prices keep falling."
)


def _data_not_ready(answers: Mapping[str, object]) -> Text:
    """Names only the problems the answers report."""
    present = [_PROBLEM_NAMES[q] for q in data_problems(answers)]
    problems = Text.join(
        present,
        Text.in_context("decision.rules.problems", "{items}, {item}"),
        Text.in_context("decision.rules.problems", "{items} and {item}"),
    )
    return Text(
        "Your data has {n} problems that add up: {problems}. A model learns every one of "
        "them, so the data is not ready to fine-tune on yet.",
        n=len(present),
        problems=problems,
    )


def _percent(x: float) -> str:
    return f"{100 * x:.1f}".removesuffix(".0") + "%"


def _strongest_model_first(facts: Mapping[str, object]) -> Text | None:
    """The rule's reason; for a team that must self-host, the strongest model it could run."""
    if facts.get("hosting") == "self_hosted_required":
        return Text(
            "You have not measured the strongest open-weights model you could run on your own "
            "machines, a reasoning model included. Fine-tuning is for when simpler methods cannot "
            "do the job, and changing the model is the simplest: measure it on the same eval set "
            "first."
        )
    return None  # the rule's own reason


def _prompting_plateaued(facts: Mapping[str, object]) -> Text | None:
    """Where fine-tuning's turn comes: not yet while the strongest model is unmeasured (the
    strongest-model-first rule says so beside it), nor while nothing is measured (no-gap-measured:
    a plateau is a measurement too)."""
    if facts.get("baseline_gap") == "unmeasured" or facts.get("baseline_certainty") == "uncertain":
        return Text(
            "You report failures after extensive prompting, so more of the same prompting is "
            "unlikely to fix them. Whether fine-tuning's turn has come only a baseline measured on "
            "enough cases can show: it comes when prompting, the strongest model you could use "
            "and simple agentic workflows cannot do the job."
        )
    if facts.get("strongest_model_tried") != "yes":
        return Text(
            "Extensive prompting still falls short. Fine-tuning is worth considering once "
            "prompting, the strongest model you could use and simple agentic workflows cannot do "
            "the job."
        )
    return None  # the rule's own reason


def _meets_target(facts: Mapping[str, object]) -> Text | None:
    """The rule's reason; on too few cases to be sure (the interval holds the target), no claim
    that the target is reached, only that nothing measured shows a gap."""
    if facts.get("baseline_certainty") == "uncertain":
        return Text(
            "Your best prompt measured at or above the accuracy target, on too few cases to be "
            "sure, and cost does not block you: nothing measured shows a gap for fine-tuning to "
            "close."
        )
    return None  # the rule's own reason


def _no_gap_measured(facts: Mapping[str, object]) -> Text | None:
    """The rule's reason; for a team that calls the quality acceptable, no failures to quote."""
    if facts.get("failure_mode") == "none":
        return Text(
            "No accuracy has been measured, so nothing shows whether a fine-tune is needed or what "
            "it would have to beat: a gap that isn't measured isn't a gap. Fine-tuning could win "
            "once your best prompt is measured on an eval set of real cases."
        )
    return None  # the rule's own reason


def _large_gap_rethink(facts: Mapping[str, object]) -> Text | None:
    """The rule's reason, without "a stronger model" once the strongest one is measured."""
    if facts.get("strongest_model_tried") == "yes":
        return Text(
            "Your best prompt is far below the target, on the strongest model you could use. "
            "Restructure the task first (steps, tools, a check on each step): fine-tuning is for "
            "when prompting and simple agentic workflows cannot do the job."
        )
    return None  # the rule's own reason


def _gap_not_established(facts: Mapping[str, object]) -> Text:
    """Names the measured accuracy, its interval and the cases that would settle the gap."""
    accuracy, size = facts["baseline_accuracy"], facts["baseline_sample_size"]
    target = ACCURACY_TARGETS[facts["accuracy_target"]]  # type: ignore[index]
    b = measure_baseline(accuracy, size, target)  # type: ignore[arg-type]
    low, high = interval_percents(b.low, b.high)
    head = Text.plural(
        "{accuracy}{percent} on {n:,} case means somewhere between {low}{percent} and "
        "{high}{percent}, which includes your {target}{percent} target: the gap is not measured "
        "yet, and a gap that isn't measured isn't a gap.",
        "{accuracy}{percent} on {n:,} cases means somewhere between {low}{percent} and "
        "{high}{percent}, which includes your {target}{percent} target: the gap is not measured "
        "yet, and a gap that isn't measured isn't a gap.",
        size,  # type: ignore[arg-type]
        accuracy=accuracy,
        low=low,
        high=high,
        target=target,
        percent="%",
    )
    if b.settle_with is None:
        return Text("{head} Fine-tuning could win only once more cases show a real gap.", head=head)
    if b.accuracy >= b.target:
        return Text(
            "{head} About {settle_with:,} cases would show whether you meet it.",
            head=head,
            settle_with=b.settle_with,
        )
    return Text(
        "{head} Fine-tuning would win if the gap holds on about {settle_with:,} cases.",
        head=head,
        settle_with=b.settle_with,
    )


def _fails_break_even(facts: Mapping[str, object]) -> Text:
    """Quotes the fine-tuned model's accuracy and the break-even accuracy."""
    figures = facts.get("break_even_figures")
    if not isinstance(figures, tuple):  # pragma: no cover - the rule fires only with figures
        return _BREAK_EVEN_GENERAL
    theirs, needed = figures
    break_even = Text("above 100%") if needed > 1 else Text.verbatim(_percent(needed))
    return Text(
        "Counting its wrong answers, the saving fails: the fine-tuned model's expected "
        "{theirs} is below the break-even accuracy of {break_even}, so its extra "
        "mistakes cost more than it saves.",
        theirs=_percent(theirs),
        break_even=break_even,
    )


_BREAK_EVEN_GENERAL = Text(
    "Counting its wrong answers, the saving fails: the fine-tuned model's expected accuracy is "
    "below the break-even accuracy, so its extra mistakes cost more than it saves."
)


RULES: tuple[Rule, ...] = (
    # --- Prompting first (invariant 1) ----------------------------------------------------
    Rule(
        "prompting-first",
        "prompting-first",
        When(prompting_effort="none"),
        Text(
            "You have not tried prompting yet. Most teams that fine-tune could have got good results "
            "with a careful prompt or a simple agentic workflow, so try those first."
        ),
        NG_BATCH_294,
        scores={PE: 3, AW: 1},
        exclude=FINE_TUNING,
    ),
    Rule(
        "basic-prompting-has-headroom",
        "prompting-first",
        When(prompting_effort="basic"),
        Text(
            "Only a simple prompt has been tried. Long prompts, few-shot examples and a simple "
            "agentic workflow usually have a lot left to give."
        ),
        NG_BATCH_294,
        scores={PE: 2, AW: 1},
    ),
    Rule(
        "prompting-before-fine-tuning",
        "prompting-first",
        When(prompting_effort="basic", distill="no"),
        Text(
            "Fine-tuning comes once careful prompting and simple agentic workflows cannot do the "
            "job, and only a simple prompt has been tried. The one exception is a large model that "
            "already meets the target but cannot be shipped, and that is not your case."
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
    ),
    Rule(
        "prompting-plateaued",
        "prompting-first",
        When(
            prompting_effort="extensive",
            failure_mode={"format", "wrong_decisions", "missing_knowledge", "reasoning"},
            baseline_gap=Except("meets_target"),
            prompting_trend=Except("improving"),
        ),
        Text(
            "Extensive prompting still falls short. Fine-tuning is worth considering when prompting "
            "and simple agentic workflows cannot do the job, and that is where you are."
        ),
        NG_BATCH_294,
        scores={PE: -3, AW: -2, FT: 1, RFT: 1},
        reason_for_answers=_prompting_plateaued,
    ),
    Rule(
        "prompting-still-improving",
        "prompting-first",
        When(prompting_trend="improving"),
        Text(
            "Your eval runs show the last prompt change still improved accuracy significantly: "
            "prompting has not stopped improving, so keep going before any training."
        ),
        NG_BATCH_294,
        scores={PE: 3},
        exclude=FINE_TUNING,
    ),
    Rule(
        "strongest-model-first",
        "prompting-first",
        # Self-hosting included: the question asks for the strongest model the team could use,
        # which for data that must stay on its machines is the strongest open-weights model it
        # could run there, a change of model as cheap as any other.
        When(strongest_model_tried="no", quality_reached="no"),
        Text(
            "You have not measured the strongest model you could use, a reasoning model included. "
            "Fine-tuning is for when simpler methods cannot do the job, and changing the model is "
            "the simplest: measure it on the same eval set first."
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
        reason_for_answers=_strongest_model_first,
    ),
    Rule(
        "quality-already-acceptable",
        "prompting-first",
        # The team's word, unless a baseline measured below the target (or at it on too few
        # cases to tell) says otherwise.
        When(
            failure_mode="none",
            quality_reached="yes",
            cost_pressure={"none", "moderate"},
            cost_case=Except("fast_payback"),
        ),
        Text(
            "Quality is already acceptable and cost does not block you: fine-tuning would be an "
            "unnecessary investment of time, compute and labelling."
        ),
        KARMINSKI,
        scores={PE: 4, FT: -2, RFT: -2},
    ),
    Rule(
        "baseline-meets-target",
        "prompting-first",
        When(
            baseline_gap="meets_target",
            cost_pressure={"none", "moderate"},
            cost_case=Except("fast_payback"),
        ),
        Text(
            "Your best prompt already reaches the accuracy target and cost does not block you, so "
            "there is no gap for fine-tuning to close."
        ),
        KARMINSKI,
        scores={PE: 4, FT: -3, RFT: -3},
        reason_for_answers=_meets_target,
    ),
    Rule(
        "simple-generation-by-prompt",
        "prompting-first",
        When(task_type="simple_generation"),
        Text(
            "Rewriting, summarising and answering from given context are what prompted models "
            "already do well."
        ),
        KARMINSKI,
        scores={PE: 3, FT: -1},
    ),
    Rule(
        "format-by-schema",
        "prompting-first",
        When(failure_mode="format", task_type={"extraction", "classification", "tool_use"}),
        Text(
            "A strict output format is first a job for structured outputs: give the model a JSON "
            "schema and every output matches it, with no training."
        ),
        OPENAI_STRUCTURED_OUTPUTS,
        scores={PE: 3, FT: -2, RFT: -2},
        more_sources=(WILLARD_LOUF_2023,),
    ),
    Rule(
        "layout-by-template",
        "prompting-first",
        When(failure_mode="format", task_type="reasoning"),
        Text(
            "The answers are right but their layout breaks: a layout is first a job for structured "
            "outputs or a template your app renders, with no training."
        ),
        OPENAI_STRUCTURED_OUTPUTS,
        scores={PE: 3, FT: -2, RFT: -2},
    ),
    Rule(
        "style-prompt-first",
        "prompting-first",
        When(
            failure_mode="format",
            prompting_effort={"none", "basic"},
            task_type=Except("extraction", "classification", "tool_use"),
        ),
        Text(
            "Fine-tuning for a format or style comes after real prompting effort, and that has not "
            "been made yet: describe it explicitly and show a few examples of exactly what you want."
        ),
        KARMINSKI,
        scores={PE: 2},
    ),
    Rule(
        "explicit-sop-in-prompt",
        "prompting-first",
        When(spec_clarity="explicit"),
        Text(
            "The rules can be written down, so they can go into the prompt as an SOP, the way "
            "teams brief human staff."
        ),
        NG_BATCH_294,
        scores={PE: 1, AW: 1},
    ),
    Rule(
        "tool-use-workflow-first",
        "prompting-first",
        When(task_type="tool_use", prompting_effort={"none", "basic"}),
        Text(
            "For choosing and calling tools, a simple agentic workflow is the next thing to try, "
            "before fine-tuning."
        ),
        NG_BATCH_294,
        scores={AW: 3},
    ),
    # --- Fine-tuning teaches patterns, not facts (invariant 2) ----------------------------
    Rule(
        "changing-knowledge-needs-rag",
        "patterns-not-facts",
        When(knowledge_source={"private_changing", "realtime"}),
        Text(
            "The model must know facts that change. Fine-tuning cannot keep up with them; retrieval "
            "gives the current facts at run time."
        ),
        KARMINSKI,
        scores={RAG: 3},
        exclude=NO_RETRIEVAL,
    ),
    Rule(
        "private-qa-needs-retrieval",
        "patterns-not-facts",
        When(
            task_type="knowledge_qa",
            knowledge_source="private_stable",
            knowledge_in_prompt="no",
        ),
        Text(
            "The answers come from your internal documents, which the model has never seen and "
            "which are not known to fit in one prompt: then only retrieval puts the right passage "
            "in front of it, and for knowledge outside the training data it is simpler than "
            "fine-tuning."
        ),
        LEWIS_2020,
        scores={RAG: 2},
        exclude=NO_RETRIEVAL,
        more_sources=(NG_BATCH_294,),
    ),
    Rule(
        "knowledge-fits-in-prompt",
        "patterns-not-facts",
        When(knowledge_in_prompt="yes"),
        Text(
            "The internal documents rarely change and fit in one prompt: put all of them in a "
            "long-context prompt with prompt caching. The model then sees everything on every call, "
            "with no search index to build and no retrieval step to miss the right passage."
        ),
        CHAN_2024_CAG,
        scores={PE: 4, RAG: -2, RFT: -2},
    ),
    Rule(
        "private-knowledge-retrieval",
        "patterns-not-facts",
        When(knowledge_source="private_stable", knowledge_in_prompt="no"),
        Text(
            "The model needs your internal documents. In a direct comparison, retrieval injected "
            "knowledge more reliably than fine-tuning."
        ),
        OVADIA_2024,
        scores={RAG: 2, RFT: 1},
    ),
    Rule(
        "knowledge-qa-is-retrieval",
        "patterns-not-facts",
        When(task_type="knowledge_qa", knowledge_in_prompt="no"),
        Text(
            "Answering from a body of documents is a knowledge task: fine-tuning is for form, not "
            "facts, so look the facts up instead."
        ),
        ANYSCALE,
        scores={RAG: 3, FT: -2},
    ),
    Rule(
        "missing-knowledge-retrieval",
        "patterns-not-facts",
        When(failure_mode="missing_knowledge", knowledge_in_prompt="no"),
        Text(
            "The failures are missing or wrong facts. Retrieval supplies them; models learn new "
            "facts slowly from fine-tuning, and once learned they make it more prone to hallucinate."
        ),
        GEKHMAN_2024,
        scores={RAG: 3, RFT: 1, FT: -3},
    ),
    Rule(
        "missing-knowledge-in-prompt",
        "patterns-not-facts",
        When(failure_mode="missing_knowledge", knowledge_in_prompt="yes"),
        Text(
            "The failures are missing or wrong facts, and the documents that hold them fit in the "
            "prompt: put them there. Models learn new facts slowly from fine-tuning, and once "
            "learned they make it more prone to hallucinate."
        ),
        GEKHMAN_2024,
        scores={PE: 3, FT: -3, RFT: -1},
    ),
    Rule(
        "nothing-to-retrieve",
        "patterns-not-facts",
        When(
            knowledge_source="general",
            needs_citations="no",
            failure_mode=Except("missing_knowledge"),
        ),
        Text(
            "The model already knows what it needs and answers need no sources; retrieval is for "
            "knowledge the model lacks, so there is nothing to retrieve."
        ),
        NG_BATCH_294,
        scores={RAG: -1},
        exclude=frozenset({RFT}),
    ),
    Rule(
        "citations-need-retrieval",
        "patterns-not-facts",
        When(needs_citations="yes", knowledge_in_prompt="no"),
        Text(
            "Answers must show their source. Retrieval knows which passage it used; a model that "
            "answers from its weights cannot say where a fact came from."
        ),
        LEWIS_2020,
        scores={RAG: 2, RFT: 1},
        exclude=NO_RETRIEVAL,
    ),
    Rule(
        "citations-from-the-prompt",
        "patterns-not-facts",
        When(needs_citations="yes", knowledge_in_prompt="yes"),
        Text(
            "Answers must show their source, and your documents fit in the prompt: a model given "
            "them there can quote the passage it used and name its document, and your app can check "
            "each quote against the text. That needs no search index."
        ),
        ANTHROPIC_CITATIONS,
        scores={PE: 1},
    ),
    # --- What fine-tuning is good at ------------------------------------------------------
    Rule(
        "classification-from-examples",
        "patterns",
        When(task_type="classification"),
        Text(
            "Text classification is an input-to-label mapping, one of the tasks where fine-tuning "
            "works well (routing medical records to billing codes, for example)."
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="mapping",
    ),
    Rule(
        "format-or-style-task",
        "patterns",
        When(task_type={"extraction", "style"}),
        Text(
            "A fixed output structure or a specific style is a pattern, the kind of thing "
            "fine-tuning teaches well."
        ),
        KARMINSKI,
        scores={FT: 2, RFT: 2},
        path="pattern",
    ),
    Rule(
        "style-is-hard-to-prompt",
        "patterns",
        When(task_type="style", prompting_effort="extensive"),
        Text(
            "A voice has many small habits that are hard to put into a prompt; after extensive "
            "prompting, fine-tuning on real samples is usually the better way to capture it."
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="voice",
    ),
    Rule(
        "format-after-prompting",
        "patterns",
        When(
            failure_mode="format",
            prompting_effort="extensive",
            task_type=Except("extraction", "classification", "tool_use", "reasoning"),
        ),
        Text(
            "The style or format is still inconsistent after extensive prompting: the classic case "
            "where fine-tuning on examples makes the output consistent."
        ),
        KARMINSKI,
        scores={FT: 2, RFT: 2},
        path="pattern",
    ),
    Rule(
        "implicit-sop-learn-from-examples",
        "patterns",
        When(spec_clarity="implicit"),
        Text(
            "The rules are hard to state and even people learn them from many examples; examples "
            "teach them better than instructions."
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2, PE: -1},
        path="decision",
    ),
    Rule(
        "critical-accuracy-last-mile",
        "patterns",
        When(accuracy_target="critical", prompting_effort="extensive", baseline_gap="small"),
        Text(
            "Prompting got close but you need 99%+, and the prompt has stopped improving: "
            "fine-tuning can buy the last few points of accuracy."
        ),
        NG_BATCH_294,
        scores={FT: 3, RFT: 3},
        path="last_mile",
    ),
    Rule(
        "tool-calls-from-examples",
        "patterns",
        When(task_type="tool_use", failure_mode="wrong_decisions", prompting_effort="extensive"),
        Text(
            "After extensive prompting the model still picks the wrong tool or action; fine-tuning "
            "on conversations with the correct calls can make it reliable."
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="decision",
    ),
    Rule(
        "specialized-language",
        "patterns",
        When(domain_language="specialized"),
        Text(
            "The model handles your domain's language poorly. At the research frontier some teams "
            "fine-tune a model to master a language: a secondary reason."
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
        path="pattern",
    ),
    # --- No reasoning by fine-tuning (invariant 4) ----------------------------------------
    Rule(
        "no-reasoning-by-fine-tuning",
        "no-reasoning-by-fine-tuning",
        When(failure_mode="reasoning", rft_ready="no"),
        Text(
            "What fails is multi-step reasoning, and fine-tuning on examples does not noticeably "
            "improve reasoning: that ability comes from pre-training. Reinforcement fine-tuning "
            "can, but only with a program that checks every answer, and after prompting and the "
            "strongest reasoning model have been tried; not all of that is in place yet."
        ),
        KARMINSKI,
        scores={AW: 3},
        exclude=FINE_TUNING,
        more_sources=(DEEPSEEK_R1,),
    ),
    Rule(
        "verifiable-reasoning-rft",
        "no-reasoning-by-fine-tuning",
        When(failure_mode="reasoning", rft_ready="yes"),
        Text(
            "A program can check every answer, prompting is exhausted and the strongest model you "
            "measured still fails at the reasoning: reinforcement fine-tuning trains against that "
            "check, and has improved reasoning on verifiable tasks such as maths and code."
        ),
        DEEPSEEK_R1,
        scores={FT: 3, RFT: 2},
        path="verifiable",
        more_sources=(OPENAI_RFT,),
    ),
    Rule(
        "reasoning-task",
        "no-reasoning-by-fine-tuning",
        When(task_type="reasoning", failure_mode=Except("format"), rft_ready="no"),
        Text(
            "Multi-step reasoning, maths and logic come from pre-training; fine-tuning rarely "
            "improves them."
        ),
        KARMINSKI,
        scores={AW: 2, FT: -2, RFT: -2},
    ),
    Rule(
        "large-gap-rethink",
        "prompting-first",
        When(
            baseline_gap="large",
            task_type={
                "tool_use",
                "knowledge_qa",
                "simple_generation",
                "reasoning",
                "general_assistant",
            },
        ),
        Text(
            "Your best prompt is far below the target. Restructure the task first (steps, tools, a "
            "stronger model): fine-tuning is for when prompting and simple agentic workflows cannot "
            "do the job."
        ),
        NG_BATCH_294,
        scores={AW: 3, FT: -3, RFT: -3},
        reason_for_answers=_large_gap_rethink,
    ),
    # --- A specialist, not a generalist ---------------------------------------------------
    Rule(
        "narrow-task-specialist",
        "specialist-not-generalist",
        When(task_scope="narrow"),
        Text("One narrow, well-defined task is what a fine-tuned specialist is for."),
        KARMINSKI,
        scores={FT: 1, RFT: 1},
        path="pattern",
    ),
    Rule(
        "broad-scope-generalist",
        "specialist-not-generalist",
        When(task_scope="broad"),
        Text(
            "The model must handle many kinds of requests. Fine-tuning makes a specialist and can "
            "make it worse at everything else."
        ),
        KARMINSKI,
        scores={FT: -2, RFT: -2, PE: 1},
    ),
    Rule(
        "general-assistant",
        "specialist-not-generalist",
        When(task_type="general_assistant"),
        Text(
            "An open-ended assistant is a generalist by definition, and a fine-tune makes a "
            "specialist."
        ),
        KARMINSKI,
        scores={FT: -3, RFT: -3, PE: 2},
    ),
    # --- Small models at scale ------------------------------------------------------------
    Rule(
        "scale-small-model",
        "small-models-at-scale",
        When(cost_pressure="blocking", volume={"medium", "high"}, large_model_works="yes"),
        _LARGE_MODEL_WORKS,
        NG_BATCH_294,
        scores={FT: 4, RFT: 3, AW: -2, PE: -2},
        path="distill",
        more_sources=(OPENAI_DISTILLATION,),
        reason_for_answers=_large_model_works,
    ),
    Rule(
        "realtime-latency",
        "small-models-at-scale",
        When(latency_need="realtime", at_scale="yes", large_model_works="yes"),
        Text(
            "You need answers in under 300 ms, and speed and cost matter at your scale. Large models "
            "are often too slow as use grows, and every workflow step adds a call; a fine-tuned small "
            "model can answer faster."
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 1, AW: -2},
        path="distill",
    ),
    Rule(
        "synthetic-data-from-large-model",
        "small-models-at-scale",
        When(teacher="proven"),
        Text(
            "Your large model is measured at or above the target and can write good examples, so "
            "it can generate training data for a small model."
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    # --- Garbage in, garbage out (invariant 3) --------------------------------------------
    Rule(
        "gigo-noisy-data",
        "garbage-in-garbage-out",
        When(data_quality="noisy"),
        Text(
            "The examples contain many errors. A model fine-tuned on them learns the errors: "
            "garbage in, garbage out."
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
    ),
    Rule(
        "gigo-no-data",
        "garbage-in-garbage-out",
        When(example_count="none", synthetic_data={"no", "unsure"}),
        Text(
            "There are no examples yet and no proven way to generate them, so there is nothing to "
            "fine-tune on."
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
    ),
    Rule(
        "teacher-below-target",
        "garbage-in-garbage-out",
        When(example_count="none", teacher="unproven"),
        Text(
            "There are no real examples, and the large model that would write them is not measured "
            "at your target: a teacher below the target writes wrong examples, so there is nothing "
            "proven to fine-tune on."
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
        more_sources=(KARMINSKI,),
    ),
    Rule(
        "data-not-ready",
        "garbage-in-garbage-out",
        When(data_readiness="weak"),
        Text(
            "Two or more data problems add up (some wrong examples, examples mostly alike, no hard "
            "or malformed cases): a model learns every one of them, so the data is not ready to "
            "fine-tune on yet."
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
        reason_for_answers=_data_not_ready,
    ),
    Rule(
        "mixed-quality-data",
        "garbage-in-garbage-out",
        When(data_quality="mixed"),
        Text(
            "Some examples are wrong; a model fine-tuned on them copies the mistakes, so review and "
            "fix them before training."
        ),
        KARMINSKI,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "clustered-data",
        "garbage-in-garbage-out",
        When(data_diversity="clustered"),
        Text(
            "The examples are mostly alike. Clustered data teaches one narrow, rigid pattern that "
            "breaks on the variety of real inputs."
        ),
        KARMINSKI,
        scores={FT: -2, RFT: -2},
    ),
    Rule(
        "no-edge-cases",
        "garbage-in-garbage-out",
        When(edge_cases="no"),
        Text(
            "The examples have no hard, malformed or adversarial cases, so a fine-tuned model will "
            "not learn to handle them."
        ),
        KARMINSKI,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "nothing-to-fix",
        "garbage-in-garbage-out",
        When(data_problem="none"),
        Text(
            "Your data has no problem to fix: no wrong examples, no clustering, hard cases "
            "included, and examples to train on."
        ),
        KARMINSKI,
        exclude=frozenset({ID}),
    ),
    Rule(
        "clean-examples",
        "garbage-in-garbage-out",
        When(example_count={"under_100", "100_to_1k", "over_1k"}, data_quality="clean"),
        Text(
            "Your examples are reviewed and correct, and good results have come from 100 or even "
            "fewer."
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    Rule(
        "cost-pays-back-fast",
        "small-models-at-scale",
        When(cost_case="fast_payback", break_even=Except("fails")),
        _COST_FOR,
        NG_BATCH_294,
        scores={FT: 3, RFT: 2},
        path="distill",
        more_sources=(A16Z_LLMFLATION,),
        reason_for_answers=_with_figures(_COST_FOR),
    ),
    Rule(
        "cost-saving-too-small",
        "small-models-at-scale",
        When(cost_case={"negligible_saving", "slow_payback", "costs_more"}),
        _COST_AGAINST,
        A16Z_LLMFLATION,
        scores={FT: -3, RFT: -3},
        more_sources=(NG_BATCH_294,),
        reason_for_answers=_with_figures(_COST_AGAINST),
    ),
    Rule(
        "saving-fails-break-even",
        "small-models-at-scale",
        When(break_even="fails"),
        _BREAK_EVEN_GENERAL,
        NG_BATCH_294,
        scores={FT: -6, RFT: -6},
        reason_for_answers=_fails_break_even,
    ),
    # --- Measure first ----------------------------------------------------------------------
    Rule(
        "gap-not-established",
        "evals-first",
        When(baseline_certainty="uncertain"),
        Text(
            "The 95% Wilson interval of your measured baseline contains your target: the gap is "
            "not measured yet, and a gap that isn't measured isn't a gap. Fine-tuning would win if "
            "the gap holds on enough cases to settle it."
        ),
        WILSON_1927,
        scores={PE: 3},
        exclude=FINE_TUNING,
        reason_for_answers=_gap_not_established,
    ),
    Rule(
        "no-gap-measured",
        "evals-first",
        # Less evidence never argues more for training: a gap inside a small sample's noise is
        # vetoed above, so a gap nobody measured at all is too. Distillation (a large model the
        # team calls good enough, kept out of production by cost, latency or hosting) is measured
        # first in its own headline and keeps the rule below; less prompting is prompting-first's.
        When(baseline_gap="unmeasured", prompting_effort="extensive", distill="no"),
        Text(
            "You report failures after extensive prompting, but no accuracy has been measured, so "
            "nothing shows how far you are from the target: a gap that isn't measured isn't a gap. "
            "Fine-tuning could win once your best prompt is measured on an eval set of real cases."
        ),
        OPENAI_GUIDE,
        # A veto and nothing more: what the team does meanwhile (a better prompt, a workflow,
        # retrieval) is decided by the other answers, as it would be with fine-tuning out of reach.
        exclude=FINE_TUNING,
        reason_for_answers=_no_gap_measured,
    ),
    Rule(
        "measure-before-fine-tuning",
        "evals-first",
        # Outside distillation, the veto above (extensive prompting) or prompting-first (less of
        # it) already rules fine-tuning out.
        When(baseline_gap="unmeasured", distill="yes"),
        Text(
            "No accuracy has been measured, so a fine-tune would have no baseline to beat. Fine-tuning "
            "starts from a small set of demonstrations whose results you evaluate, and that needs an "
            "eval set and a prompt baseline first."
        ),
        OPENAI_GUIDE,
        scores={FT: -1, RFT: -1},
    ),
    # --- A fine-tuned model is a system to run --------------------------------------------
    Rule(
        "no-ml-experience",
        "operations",
        When(ml_capacity="none"),
        Text(
            "No one on the team has trained or served a model; fine-tuning adds training and "
            "deployment work you would have to learn."
        ),
        NG_BATCH_294,
        scores={FT: -1, RFT: -2},
    ),
    Rule(
        "experienced-ml-team",
        "operations",
        When(ml_capacity="experienced"),
        Text(
            "Your team trains and serves models regularly, so the training and deployment work that "
            "makes fine-tuning complex is familiar."
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    Rule(
        "self-hosting-without-ml",
        "operations",
        When(hosting="self_hosted_required", ml_capacity="none"),
        Text(
            "The model must run on your own machines, but no one has served a model before: "
            "hosting a fine-tuned model yourself is a real project."
        ),
        NG_BATCH_294,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "hosted-fine-tuning-shrinking",
        "operations",
        When(hosting="api_ok", ml_capacity="none"),
        # Worded from the providers table (app/decision/providers.py), its only copy.
        Text(
            "With no one to run a model, you would depend on a provider's fine-tuning, and "
            "that is shrinking: {closing_summary}. A hosted fine-tune also ends when its "
            "base model is retired.",
            closing_summary=providers.closing_summary(),
        ),
        OPENAI_DEPRECATIONS,
        scores={FT: -1, RFT: -1},
        more_sources=(MISTRAL_FINE_TUNING, COHERE_FINE_TUNING),
    ),
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({r.id: r for r in RULES})
