"""What the verdict tells you besides the winner: warnings, risks and next steps, as data.

Each entry holds when its condition does; conditions may name the `recommendation` and, for
fine-tuning, its `path`. Entries appear in the order they are listed here, so each list reads
as a checklist; the engine keeps the first MAX_* of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import providers
from .approaches import FINE_TUNING, RETRIEVAL, Rec
from .conditions import EVAL_SET_MIN, Except, When
from .text import N_, Text

PE, AW, RAG, FT, RFT, ID = Rec
_CLOSED, _HOSTED = providers.hosted_counts()
STRICT_FORMAT_TASKS = {"extraction", "classification", "tool_use"}

MAX_NEXT_STEPS = 8
MAX_FIND_OUT = 3
MAX_RISKS = 5
# Steps that cure without training come before everything else in the plan, in this order: a
# format cure is re-measured on the model in use before another model is tried.
FIRST_STEPS: tuple[str, ...] = (
    "schema-first",
    "measure-strongest-model",
    "measure-strongest-model-self-hosted",
    "aw-reasoning-model",
)
# Over the cap, these go first: useful, but not what the plan stands on.
DROP_FIRST = frozenset(
    {"ft-retrain", "rag-cite", "ft-synthetic", "ft-synthetic-measure", "pe-revisit", "aw-measure"}
)
# A fine-tuning plan always says how to start and when to ship, whatever else it has to cut.
KEEP = frozenset(
    {
        "ft-rft-start",
        "ft-encoder-start",
        "ft-lora-api",
        "ft-lora-api-managed",
        "ft-lora-open",
        "ft-lora-self",
        "ft-compare",
        "ft-compare-voice",
        "ft-compare-distill",
    }
)


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    when: When
    text: Text
    # Entries on the same topic say the same thing in different words; a verdict keeps the first.
    topic: str = ""

    @property
    def key(self) -> str:
        return self.topic or self.id


# The least a held-out set needs before a fine-tune is judged on it, from the minimums the facts
# use (conditions.EVAL_SET_MIN); the training plan gives the number the team's own gap needs,
# which may be more.
EVAL_CASES_AT_LEAST = {
    target: Text("at least {n}", n=least) for target, least in EVAL_SET_MIN.items()
}
# How many real cases an eval set needs for each accuracy target, by the verdict's own 95% Wilson
# interval (the eval-set find-out steps give the reasons): 90% measured on 100 cases is clearly
# below 95%, on 50 it is not; 99% measured on 300 is at least 97%, on 100 not even 95%. About
# 85% takes 50-100.
EVAL_CASES = {**EVAL_CASES_AT_LEAST, "best_effort": Text("50–100")}
EVAL_SET_TOPIC = "eval-set"


# A fine-tune's held-out set: the baseline's own cases, a set of its own beside a retrieval
# system's questions (so a verdict that has both keeps both).
HELD_OUT_TOPIC = "held-out"


def _eval_sized(
    id: str,
    msgid: str,
    sizes: dict[str, Text] = EVAL_CASES,
    topic: str = EVAL_SET_TOPIC,
    **when: object,
) -> tuple[Advice, ...]:
    """One step a target, `{cases}` in `msgid` (marked with N_) filled from `sizes`: ids `id`
    (about 80-90%), `id-high` and `id-critical`. Each is the verdict's eval set (EVAL_SET_TOPIC),
    so a verdict keeps one of them and never two sizes."""
    return tuple(
        Advice(
            id if target == "best_effort" else f"{id}-{target}",
            When(**when, accuracy_target=target),  # type: ignore[arg-type]
            Text(msgid, cases=cases),
            topic,
        )
        for target, cases in sizes.items()
    )


def _a(id: str, when: When, text: Text | str, *rest: str, topic: str = "") -> Advice:
    """`_a(id, when, Text("..."), topic="")`. The old form, `_a(id, when, en, zh, topic="")`,
    runs until scripts/engine_texts_to_catalogue.py rewrites it."""
    if isinstance(text, str):
        text, rest = Text(text, rest[0]), rest[1:]
    return Advice(id, when, text, *rest) if rest else Advice(id, when, text, topic)


# Answers that contradict each other. They never block the verdict; they ask for a second look.
WARNINGS: tuple[Advice, ...] = (
    _a(
        "untried-prompting-but-measured",
        When(prompting_effort="none", baseline_gap=Except("unmeasured")),
        Text(
            "You say prompting has not been tried, yet you gave an accuracy measured with your best "
            "prompt. If a prompt was measured, prompting has been tried: check both answers."
        ),
    ),
    _a(
        "untried-prompting-but-acceptable",
        When(prompting_effort="none", failure_mode="none"),
        Text(
            "You say quality is already acceptable, but prompting has not been tried yet: how was the "
            "quality judged?"
        ),
    ),
    _a(
        "acceptable-but-far-below-target",
        When(failure_mode="none", baseline_gap="large"),
        Text(
            "You say quality is already acceptable, but the measured baseline is far below your "
            "accuracy target. One of the two answers is probably off."
        ),
    ),
    _a(
        "acceptable-but-below-target",
        # A settled gap the team's word does not see: the verdict follows the measurement.
        When(failure_mode="none", baseline_gap="small", baseline_certainty="settled"),
        Text(
            "You say quality is already acceptable, but the measured baseline is below your "
            "accuracy target on enough cases to tell: this verdict follows the measurement. If "
            "today's quality is truly enough, the target asks for more than you need."
        ),
    ),
    _a(
        "failures-but-meets-target",
        # Not while the interval still holds the target: the summary says to measure first.
        When(
            failure_mode=Except("none", "unknown"),
            baseline_gap="meets_target",
            baseline_certainty=Except("uncertain"),
        ),
        Text(
            "Your best prompt already meets the accuracy target, yet you report a failure mode. If the "
            "failures matter, your eval set or your target may not capture them."
        ),
    ),
    _a(
        "missing-knowledge-but-general",
        When(failure_mode="missing_knowledge", knowledge_source="general"),
        Text(
            "The model gets facts wrong, yet you say it only needs public knowledge it already has. "
            "The knowledge may be more specialised or recent than it looks; if so, choose one of the "
            "internal-documents options in the knowledge step."
        ),
    ),
    _a(
        "teacher-not-measured",
        When(teacher="unproven", baseline_gap="unmeasured"),
        Text(
            "You say a larger model can write good examples, but it is not measured at or above your "
            "accuracy target: a teacher below the target writes wrong examples, so we don't count it "
            "for fine-tuning until its accuracy is measured on your eval set."
        ),
    ),
    # Measured, and below the target: say so rather than ask for a measurement the team made.
    _a(
        "teacher-below-target",
        When(teacher="unproven", baseline_gap={"small", "large"}),
        Text(
            "You say a larger model can write good examples, but the accuracy you measured is below "
            "your target: a teacher below the target writes wrong examples, so we don't count it "
            "for fine-tuning unless a model you measure at or above the target writes them."
        ),
    ),
    _a(
        "narrow-general-assistant",
        When(task_type="general_assistant", task_scope="narrow"),
        Text(
            "A general-purpose assistant with a narrow scope is unusual: if it really does one task, "
            "choose that task type instead."
        ),
    ),
)

# Ways the recommended path can go wrong, so they can be planned for.
RISKS: tuple[Advice, ...] = (
    _a(
        "risk-critical-errors",
        When(accuracy_target="critical"),
        Text(
            "At 99{percent} one answer in a hundred is still wrong. Keep a human review or a "
            "safe fallback for uncertain or high-stakes cases.",
            percent="%",
        ),
    ),
    _a(
        "risk-provider-lock-in",
        # An encoder classifier and reinforcement fine-tuning train an open model (ft-encoder-start,
        # ft-rft-start): no provider's closed model to be locked into.
        When(
            recommendation=FINE_TUNING,
            hosting="api_ok",
            method=Except("encoder_classifier", "reinforcement_fine_tuning"),
        ),
        Text(
            "A fine-tune of a provider's closed model lives and dies with that provider: it "
            "stops when its base model is retired, and {closed} of the {hosted} hosted "
            "fine-tuning services in our providers table take no new teams "
            "({closing_names}). Weights you can download avoid this.",
            closed=_CLOSED,
            hosted=_HOSTED,
            closing_names=providers.closing_names(),
        ),
    ),
    _a(
        "risk-no-ml-experience",
        When(
            recommendation=FINE_TUNING,
            ml_capacity="none",
            hosting={"api_ok", "open_weights_preferred"},
        ),
        Text(
            "No one on the team has trained or served a model. Budget time to learn, or use a managed "
            "service that fine-tunes open-weights models and lets you download the result; decide who "
            "keeps the model running."
        ),
    ),
    _a(
        "risk-self-hosting-no-ml-experience",
        When(recommendation=FINE_TUNING, ml_capacity="none", hosting="self_hosted_required"),
        Text(
            "No one on the team has served a model, and it must run on your machines: budget time to "
            "learn training and serving (an open-source server such as vLLM can serve LoRA adapters), "
            "and decide who keeps it running."
        ),
    ),
    _a(
        "risk-broad-specialist",
        When(recommendation=FINE_TUNING, task_scope="broad"),
        Text(
            "Fine-tuning for one kind of request can make the model worse at the others; keep the "
            "other requests in the eval set."
        ),
    ),
    _a(
        "risk-clustered-data",
        When(recommendation={FT, RFT, ID}, data_diversity="clustered"),
        Text(
            "Clustered examples teach one rigid pattern; the model may fail on inputs unlike them."
        ),
    ),
    _a(
        "risk-no-edge-cases",
        When(recommendation=FINE_TUNING, edge_cases={"no", "unsure"}),
        Text("Without hard and malformed cases in training, the model may break on real traffic."),
    ),
    _a(
        "risk-synthetic-data-bias",
        When(recommendation=FINE_TUNING, synthetic_data="yes"),
        Text(
            "Generated examples copy the large model's mistakes and blind spots. Review a sample by "
            "hand and keep only real cases in the eval set."
        ),
    ),
    _a(
        "risk-retraining",
        When(recommendation=FINE_TUNING),
        Text(
            "A fine-tuned model is one more thing to maintain: when the task, the data or the base "
            "model changes, it must be retrained and re-evaluated."
        ),
    ),
    _a(
        "risk-retrieval-quality",
        When(recommendation=RETRIEVAL),
        Text(
            "Answers are only as good as what retrieval finds. If what the answer needs (a passage, a "
            "file, a table) is not retrieved, no prompt or fine-tune will fix the answer."
        ),
    ),
    _a(
        "risk-stale-index",
        When(recommendation=RETRIEVAL, knowledge_source={"private_changing", "realtime"}),
        Text(
            "Changing facts need a fresh index: a stale index gives confidently outdated answers."
        ),
    ),
    _a(
        "risk-workflow-latency",
        When(recommendation=AW, latency_need={"interactive", "realtime"}),
        Text("Every step of a workflow is another model call: watch the total latency and cost."),
    ),
    _a(
        "risk-prompt-cost-at-scale",
        When(recommendation=PE, volume="high", cost_pressure={"moderate", "blocking"}),
        Text(
            "Long prompts are paid for on every call; at your volume, watch the cost as the prompt "
            "grows."
        ),
    ),
    _a(
        "risk-reasoning-ceiling",
        When(recommendation={PE, AW}, failure_mode="reasoning"),
        Text(
            "If the model cannot do the reasoning even step by step, neither prompts nor fine-tuning "
            "will fix it; try a stronger reasoning model on the hardest step."
        ),
    ),
    _a(
        "risk-data-takes-time",
        When(recommendation=ID),
        Text("Cleaning and labelling take longer than expected; plan for weeks, not days."),
    ),
)

# "Find out" steps, one per open answer. The engine shows one only when finding out could
# change this verdict, and puts it first.
FIND_OUT: tuple[Advice, ...] = (
    _a(
        "eval-set",
        When(baseline_gap="unmeasured", accuracy_target="best_effort"),
        Text(
            "Find out: build an eval set of 50–100 real cases and measure your best prompt on it."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    # The sizes by the verdict's own 95% Wilson interval. A 95% target: on 100 cases 90% is
    # clearly below it (82.6-94.5%), on 50 it is not (78.6-95.7%). A 99% target: 99% measured on
    # 300 cases is at least 97.1%, on 100 only 94.6%.
    _a(
        "eval-set-high",
        When(baseline_gap="unmeasured", accuracy_target="high"),
        Text(
            "Find out: build an eval set of at least 100 real cases (90{percent} measured "
            "on 100 is clearly below 95{percent}; on 50 it is not) and measure your best prompt on it.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "eval-set-critical",
        When(baseline_gap="unmeasured", accuracy_target="critical"),
        Text(
            "Find out: build an eval set of at least 300 real cases (on 300, 99{percent} "
            "measured shows at least 97{percent}; on 100, not even 95{percent}) and measure your "
            "best prompt on it.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "find-out-failure-mode",
        When(failure_mode="unknown"),
        Text(
            "Find out: read 50 failed outputs and tag each one as format, wrong decision, missing fact "
            "or reasoning; the most common tag decides the cure."
        ),
    ),
    _a(
        "find-out-data-quality",
        When(data_quality="unsure"),
        Text(
            "Find out: have a domain expert review a random sample of 50 examples and count the wrong "
            "ones."
        ),
    ),
    _a(
        "find-out-data-diversity",
        When(data_diversity="unsure"),
        Text(
            "Find out: group your examples by type, length and topic, and check that no single group "
            "dominates."
        ),
    ),
    _a(
        "find-out-edge-cases",
        When(edge_cases="unsure"),
        Text("Find out: search the examples for hard, malformed and adversarial inputs."),
    ),
    _a(
        "find-out-synthetic-data",
        When(synthetic_data="unsure"),
        Text(
            "Find out: ask your best large model to write 20 examples and review them: are they correct "
            "and realistic?"
        ),
    ),
    _a(
        "find-out-strongest-model",
        When(strongest_model_tried="unsure"),
        Text(
            "Find out: run the strongest model you could use, a reasoning model included, on your eval "
            "set."
        ),
    ),
    _a(
        "find-out-verifiable",
        When(verifiable_outputs="unsure"),
        Text(
            "Find out: for 20 eval cases, try to write a check (a test, the exact answer, a schema) "
            "that tells a right answer from a wrong one."
        ),
    ),
    _a(
        "find-out-knowledge-volume",
        When(knowledge_volume="unsure"),
        Text(
            "Find out: count the tokens of the documents the model needs; tens of thousands fit in one "
            "prompt."
        ),
    ),
)
# The question each find-out step settles.
FIND_OUT_QUESTION: dict[str, str] = {
    "find-out-strongest-model": "strongest_model_tried",
    "find-out-verifiable": "verifiable_outputs",
    "find-out-knowledge-volume": "knowledge_volume",
    "eval-set": "baseline_accuracy",
    "eval-set-high": "baseline_accuracy",
    "eval-set-critical": "baseline_accuracy",
    "find-out-failure-mode": "failure_mode",
    "find-out-data-quality": "data_quality",
    "find-out-data-diversity": "data_diversity",
    "find-out-edge-cases": "edge_cases",
    "find-out-synthetic-data": "synthetic_data",
}

_LORA_SIZE = Text("a small open-weights model (usually 4–14B parameters)")


def _lora_api(managed_only: bool) -> Text:
    # Fireworks and Databricks host open models too: what they share is that they are closing.
    return Text(
        "Start with LoRA on {lora_size}, through a service that takes new teams and lets "
        "you download the weights ({open_service_names}), or on rented GPUs with "
        "{self_hosted_names}. Don't build on a hosted fine-tuning service that is closing: "
        "{closing_names} no longer take new teams (see the providers table).",
        lora_size=_LORA_SIZE,
        open_service_names=providers.open_service_names(managed_only),
        self_hosted_names=providers.self_hosted_names(),
        closing_names=providers.closing_names(),
    )


# The checklist for each recommendation, in order, with numbers a team can act on.
NEXT_STEPS: tuple[Advice, ...] = (
    # Before any plan: the strongest model on the same eval set
    _a(
        "measure-strongest-model",
        # Not for retrieval: no model knows the team's documents without them (rag-reader-model).
        When(
            recommendation=Except(RAG),
            strongest_model_tried="no",
            quality_reached="no",
            hosting=Except("self_hosted_required"),
        ),
        Text(
            "Run the strongest model you could use, a reasoning model included, on the same eval set: "
            "if it meets the target, the gap closes with a change of model name and no training."
        ),
    ),
    # Data that must stay on the team's machines: the strongest open-weights model it can serve.
    _a(
        "measure-strongest-model-self-hosted",
        When(
            recommendation=Except(RAG),
            strongest_model_tried="no",
            quality_reached="no",
            hosting="self_hosted_required",
        ),
        Text(
            "Run the strongest open-weights model you could serve on your own machines, a "
            "reasoning model included, on the same eval set: if it meets the target, the gap closes "
            "with a change of model and no training."
        ),
    ),
    # Better prompting
    _a(
        "pe-knowledge-in-prompt",
        When(recommendation=PE, knowledge_in_prompt="yes"),
        Text(
            "Put the whole collection in the prompt, in a fixed opening before the question, and turn "
            "on prompt caching so repeated calls pay a fraction for it; move to retrieval only if it "
            "outgrows the context."
        ),
    ),
    _a(
        "pe-cite-from-prompt",
        When(recommendation=PE, knowledge_in_prompt="yes", needs_citations="yes"),
        Text(
            "Give each document an id in the prompt and ask for the id and a short quote with every "
            "answer; show the answer only when the quote is found in that document."
        ),
    ),
    *_eval_sized(
        "pe-keep-what-works",
        N_(
            "Keep the current prompt, and add a regression eval set of {cases} real cases so you "
            "notice if quality drops."
        ),
        recommendation=PE,
        quality_reached="yes",
        prompting_effort={"basic", "extensive"},
        cost_pressure={"none", "moderate"},
    ),
    # Quality reached with no prompt work behind it: there is no "current prompt" to keep, only the
    # call as it was judged, which has to be written down before it can be guarded.
    *_eval_sized(
        "pe-keep-as-measured",
        N_(
            "Write down the model and the exact call you judged, keep them, and add a regression "
            "eval set of {cases} real cases so you notice if quality drops."
        ),
        recommendation=PE,
        quality_reached="yes",
        prompting_effort="none",
        cost_pressure={"none", "moderate"},
    ),
    _a(
        "pe-cheaper-model",
        When(recommendation=PE, cost_pressure="blocking"),
        Text(
            "The current model is too slow or too expensive to ship: try the same prompt on a smaller, "
            "faster model, shorten the prompt and cache repeated requests, measuring each on your eval "
            "set."
        ),
    ),
    _a(
        "schema-first",
        When(failure_mode="format", task_type=STRICT_FORMAT_TASKS),
        Text(
            "Before changing anything else, turn on structured outputs with a JSON schema (or "
            "constrained decoding for an open model) and re-measure: format errors may disappear "
            "without training."
        ),
    ),
    _a(
        "format-check-render",
        When(failure_mode="format", task_type="reasoning"),
        Text(
            "The answers are right but the layout breaks: fix the layout, not the logic. Give a template "
            "(steps, then the final answer, formulas in LaTeX), and check that each output renders "
            "before it is shown."
        ),
    ),
    _a(
        "pe-style-format",
        When(
            recommendation=PE,
            failure_mode="format",
            quality_reached="no",
            task_type=Except(*STRICT_FORMAT_TASKS),
        ),
        Text(
            "Describe the format or style explicitly and add 3–5 examples of exactly the output you "
            "want."
        ),
    ),
    _a(
        "schema-answers",
        When(
            recommendation={PE, AW, FT, RFT},
            failure_mode="format",
            task_type={"knowledge_qa", "simple_generation", "reasoning", "general_assistant"},
        ),
        Text(
            "If the answer has a fixed layout (fields, numbered steps, a final answer), ask for it as "
            "structured output with a JSON schema and let your app render it: the layout can then no "
            "longer break."
        ),
    ),
    _a(
        "pe-eval-set",
        When(
            recommendation={PE, AW},
            baseline_gap="unmeasured",
            failure_mode=Except("none"),
            accuracy_target="best_effort",
        ),
        Text(
            "Build an eval set of 50–100 real cases and measure the current prompt: that is the baseline "
            "every change must beat."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "pe-eval-set-high",
        When(
            recommendation={PE, AW},
            baseline_gap="unmeasured",
            failure_mode=Except("none"),
            accuracy_target="high",
        ),
        Text(
            "Build an eval set of at least 100 real cases (90{percent} measured on 100 is clearly "
            "below 95{percent}; on 50 it is not) and measure the current prompt: that is the "
            "baseline every change must beat.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "pe-eval-set-critical",
        When(
            recommendation={PE, AW},
            baseline_gap="unmeasured",
            failure_mode=Except("none"),
            accuracy_target="critical",
        ),
        Text(
            "Build an eval set of at least 300 real cases (on 300, 99{percent} measured shows at "
            "least 97{percent}; on 100, not even 95{percent}) and measure the current prompt: that "
            "is the baseline every change must beat.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    # Quality called acceptable but the model too slow or costly: the cheaper options are
    # measured on an eval set too, which nobody has built yet.
    *_eval_sized(
        "pe-eval-set-cost",
        N_(
            "Build an eval set of {cases} real cases and measure the current prompt on it: each "
            "cheaper option must keep that score."
        ),
        recommendation=PE,
        baseline_gap="unmeasured",
        failure_mode="none",
        cost_pressure="blocking",
    ),
    _a(
        "pe-failure-driven",
        When(
            recommendation=PE,
            prompting_effort="extensive",
            quality_reached="no",
            strongest_model_tried=Except("yes"),
        ),
        Text(
            "You have already prompted extensively, so work from the failures: group the failing eval "
            "cases, turn the commonest kinds into explicit rules or examples, and route the hardest "
            "inputs to a stronger model or a person."
        ),
    ),
    # The team measured the strongest model it could use: there is no stronger one to route to.
    _a(
        "pe-failure-driven-strongest",
        When(
            recommendation=PE,
            prompting_effort="extensive",
            quality_reached="no",
            strongest_model_tried="yes",
        ),
        Text(
            "You have already prompted extensively, so work from the failures: group the failing eval "
            "cases, turn the commonest kinds into explicit rules or examples, and route the hardest "
            "inputs to a person."
        ),
    ),
    _a(
        "pe-write-sop",
        When(
            recommendation=PE,
            failure_mode=Except("none", "format"),
            prompting_effort={"none", "basic"},
            quality_reached="no",
        ),
        Text(
            "Write the task down as explicit instructions (an SOP), including what to do in the unclear "
            "cases."
        ),
    ),
    _a(
        "pe-few-shot",
        When(
            recommendation=PE,
            failure_mode=Except("none", "format"),
            prompting_effort={"none", "basic"},
            quality_reached="no",
        ),
        Text(
            "Add 3–10 few-shot examples that show the exact output you want, including a hard case or "
            "two."
        ),
    ),
    _a(
        "pe-iterate",
        When(recommendation=PE, quality_reached="no"),
        Text("Score every prompt change on the same eval set; stop when you reach the target."),
    ),
    _a(
        "pe-revisit",
        When(recommendation=PE, quality_reached="no"),
        Text(
            "If accuracy plateaus below the target after several rounds, come back with the measured "
            "baseline: the case for fine-tuning rests on that number."
        ),
    ),
    # A simple agentic workflow
    _a(
        "aw-reasoning-model",
        When(recommendation=AW, failure_mode="reasoning"),
        Text(
            "First try a reasoning model, or the thinking mode of your current one, on the step where "
            "the logic fails."
        ),
    ),
    _a(
        "aw-steps",
        When(recommendation=AW, prompting_effort={"none", "basic"}),
        Text(
            "Break the task into 2–4 steps with a check (for example understand → plan → act → check), "
            "one focused prompt per step."
        ),
    ),
    _a(
        "aw-restructure",
        When(recommendation=AW, prompting_effort="extensive", strongest_model_tried=Except("yes")),
        Text(
            "Restructure what you have: separate the decision from the action, validate each step's "
            "output, and route the hard cases to a stronger model or a person."
        ),
    ),
    _a(
        "aw-restructure-strongest",
        When(recommendation=AW, prompting_effort="extensive", strongest_model_tried="yes"),
        Text(
            "Restructure what you have: separate the decision from the action, validate each step's "
            "output, and route the hard cases to a person."
        ),
    ),
    _a(
        "aw-tools",
        When(
            recommendation=AW,
            task_type={"reasoning", "tool_use"},
            failure_mode=Except("format", "none"),
        ),
        Text(
            "Give the model tools for what it does poorly: a calculator or code execution for maths, "
            "lookups for facts, validated calls for actions."
        ),
    ),
    _a(
        "aw-check",
        When(recommendation=AW),
        Text(
            "Add a check step that validates each output or tool call against your rules before "
            "anything is acted on."
        ),
    ),
    _a(
        "aw-measure",
        When(recommendation=AW),
        Text("Measure end to end on your eval set, and per step, to find the weakest step."),
    ),
    # Retrieval-augmented generation
    _a(
        "rag-index",
        When(
            recommendation=RETRIEVAL,
            knowledge_form={"documents", "unsure"},
            knowledge_source=Except("realtime"),
        ),
        Text(
            "Put the documents in a search index; split them into passages that keep their title and "
            "date."
        ),
    ),
    _a(
        "rag-code-index",
        When(recommendation=RETRIEVAL, knowledge_form="code"),
        Text(
            "Index the repository by file and by symbol (functions, classes, where each is defined and "
            "used), with the tests beside the code they cover; retrieve the symbols and files around "
            "the cursor or the question."
        ),
    ),
    *_eval_sized(
        "rag-code-eval",
        N_(
            "Collect {cases} real tasks from your repository's history (a question, a half-written "
            "function) with the accepted answer and the files it needed; score completions by "
            "running the tests."
        ),
        recommendation=RETRIEVAL,
        knowledge_form="code",
    ),
    _a(
        "rag-sql-schema",
        When(recommendation=RETRIEVAL, knowledge_form="database"),
        Text(
            "Give the model the schema of the tables it may query, a description of every column "
            "(units, codes, what NULL means) and 20–50 verified example queries for real questions; "
            "retrieve the relevant tables and examples for each question."
        ),
    ),
    *_eval_sized(
        "rag-sql-eval",
        N_(
            "Collect {cases} real questions with a verified SQL query each, and score by comparing "
            "the results the queries return, not the SQL text."
        ),
        recommendation=RETRIEVAL,
        knowledge_form="database",
    ),
    *_eval_sized(
        "rag-eval-questions",
        N_("Write {cases} real questions with the expected answer and the passage it comes from."),
        recommendation=RETRIEVAL,
        task_type={"knowledge_qa", "general_assistant", "simple_generation", "reasoning"},
        knowledge_form={"documents", "unsure"},
    ),
    *_eval_sized(
        "rag-eval-requests",
        N_(
            "Collect {cases} real requests with the expected output and the document each one "
            "depends on."
        ),
        recommendation=RETRIEVAL,
        task_type={"classification", "extraction", "style", "tool_use"},
        knowledge_form={"documents", "unsure"},
    ),
    _a(
        "rag-grounding",
        When(recommendation=RETRIEVAL, knowledge_form={"documents", "unsure"}),
        Text(
            "Tell the model to answer only from the retrieved passages, and to say so when they do not "
            "contain the answer."
        ),
    ),
    _a(
        "rag-measure-retrieval",
        When(recommendation=RETRIEVAL, knowledge_form={"documents", "unsure"}),
        Text(
            "Measure retrieval on its own (is the right passage in the top 5?) before tuning the "
            "answers."
        ),
    ),
    _a(
        "rag-reader-model",
        When(recommendation=RAG, strongest_model_tried="no", quality_reached="no"),
        Text(
            "Once the right passages are found, compare the strongest model you could use, a "
            "reasoning model included, on the same questions: a stronger model reads and combines "
            "passages better, though none knows your documents without them."
        ),
    ),
    _a(
        "rag-refresh",
        When(
            recommendation=RETRIEVAL,
            knowledge_source="private_changing",
            knowledge_form={"documents", "unsure"},
        ),
        Text("Re-index automatically whenever the documents change, at least daily."),
    ),
    _a(
        "rag-refresh-code",
        When(recommendation=RETRIEVAL, knowledge_form="code"),
        Text(
            "Re-index on every merge to the main branch, so retrieval never shows code that is gone."
        ),
    ),
    _a(
        "rag-refresh-schema",
        When(recommendation=RETRIEVAL, knowledge_form="database"),
        Text(
            "Update the column descriptions and example queries with every migration that changes the "
            "tables."
        ),
    ),
    _a(
        "rag-live",
        When(recommendation=RETRIEVAL, knowledge_source="realtime"),
        Text(
            "Fetch live data when the question is asked (a search or an API call), not from an index "
            "built the night before."
        ),
    ),
    _a(
        "rag-cite",
        When(recommendation=RETRIEVAL, needs_citations="yes"),
        Text("Show the retrieved passages as citations with every answer."),
    ),
    # Fine-tuning
    _a(
        "ft-holdout-measure-distill",
        When(recommendation=FINE_TUNING, baseline_gap="unmeasured", path="distill"),
        Text(
            "Build an eval set of real cases, never trained on, and measure the large model on it: "
            "its score is what the small model must match, and only a model at your target can "
            "teach one."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "ft-holdout-measure",
        When(recommendation=FINE_TUNING, baseline_gap="unmeasured", path=Except("distill")),
        Text(
            "Build an eval set of real cases, never trained on, and measure your best prompt on it: "
            "that is the baseline the fine-tune must beat (the training plan sizes the set for your "
            "target)."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "ft-holdout",
        When(
            recommendation=FINE_TUNING,
            baseline_gap=Except("unmeasured"),
            eval_set_size=Except("small"),
        ),
        Text(
            "Keep the cases your baseline was measured on as a held-out eval set, and never train on "
            "them."
        ),
        topic=HELD_OUT_TOPIC,
    ),
    # Too few to judge a fine-tune against the target (conditions.EVAL_SET_MIN): grow them first.
    *_eval_sized(
        "ft-holdout-grow",
        N_(
            "Keep the cases your baseline was measured on as a held-out eval set, never trained "
            "on, and grow it to {cases} real cases before you judge a fine-tune against your "
            "target (the training plan gives the number your gap needs): the fewer the cases, "
            "the wider the range a score leaves."
        ),
        EVAL_CASES_AT_LEAST,
        topic=HELD_OUT_TOPIC,
        recommendation=FINE_TUNING,
        baseline_gap=Except("unmeasured"),
        eval_set_size="small",
    ),
    _a(
        "ft-retrieval-in-examples",
        When(recommendation=RFT),
        Text(
            "Include the retrieved passages in the training examples, so the model learns the pattern "
            "of using them rather than the facts themselves."
        ),
    ),
    _a(
        "ft-cheaper-first",
        When(
            recommendation=FINE_TUNING,
            path="distill",
            hosting=Except("self_hosted_required"),
            latency_need="relaxed",
        ),
        Text(
            "Before training, price the options that need none: the same prompt on a smaller hosted "
            "model, prompt caching, and a batch API for any requests that can wait hours. Fine-tune "
            "only if none of them meets your cost and latency."
        ),
    ),
    # A batch API answers asynchronously (within hours), never within a second or less.
    _a(
        "ft-cheaper-first-realtime",
        When(
            recommendation=FINE_TUNING,
            path="distill",
            hosting=Except("self_hosted_required"),
            latency_need={"realtime", "interactive"},
        ),
        Text(
            "Before training, price the options that need none and still answer as fast as you "
            "need: the same prompt on a smaller hosted model, with prompt caching (a batch API "
            "answers within hours, too late for you). Fine-tune only if none of them meets your "
            "cost and latency."
        ),
    ),
    # Data that must stay on the team's machines rules out hosted models and batch APIs.
    _a(
        "ft-cheaper-first-self-hosted",
        When(recommendation=FINE_TUNING, path="distill", hosting="self_hosted_required"),
        Text(
            "Before training, try what needs none on your own machines: the same prompt on the "
            "smaller open-weight models you could serve, with prefix caching and batched requests "
            "in your serving stack. Fine-tune only if none of them meets your cost and latency."
        ),
    ),
    _a(
        "ft-self-hosted-baseline",
        When(recommendation=FINE_TUNING, hosting="self_hosted_required"),
        Text(
            "Measure your prompt baseline on an open-weights model you can run on your own machines: a "
            "baseline measured on a hosted frontier model is not the bar a local model starts from."
        ),
    ),
    _a(
        "ft-distill-data",
        When(
            recommendation=FINE_TUNING,
            path="distill",
            synthetic_data={"yes", "unsure"},
            baseline_gap="meets_target",
        ),
        Text(
            "Build the training set from the large model that already does the task: run it on real "
            "inputs, keep the outputs you would accept, and review a sample by hand."
        ),
        topic="distill-data",
    ),
    # A large model not yet measured at the target (the teacher-not-measured warning): measured,
    # then used.
    _a(
        "ft-distill-data-unproven",
        When(
            recommendation=FINE_TUNING,
            path="distill",
            synthetic_data={"yes", "unsure"},
            baseline_gap=Except("meets_target"),
        ),
        Text(
            "Once the large model scores at your target on the eval set, build the training set "
            "from it: run it on real inputs, keep the outputs you would accept, and review a sample "
            "by hand."
        ),
        topic="distill-data",
    ),
    # Only a teacher measured at the target writes examples worth training on (the
    # teacher-not-measured warning says why); an unproven one is measured first.
    _a(
        "ft-synthetic",
        When(recommendation=FINE_TUNING, path=Except("distill"), teacher="proven"),
        Text("Have a large model generate more training examples; review a sample by hand."),
    ),
    _a(
        "ft-synthetic-measure",
        When(recommendation=FINE_TUNING, path=Except("distill"), teacher="unproven"),
        Text(
            "Have a large model generate training examples only once one is measured at or above "
            "your target on your eval set, and review a sample by hand."
        ),
    ),
    _a(
        "ft-grow",
        When(
            recommendation=FINE_TUNING, example_count={"none", "under_100"}, path=Except("distill")
        ),
        Text(
            "Grow the training set to at least 50–100 diverse examples beyond the eval set, including "
            "hard and malformed cases."
        ),
    ),
    _a(
        "ft-edge-cases",
        When(recommendation=FINE_TUNING, example_count={"100_to_1k", "over_1k"}, edge_cases="no"),
        Text("Add 10–20% hard, malformed and adversarial cases to the training set."),
    ),
    _a(
        "ft-lora-api",
        When(recommendation=FINE_TUNING, hosting="api_ok", ml_capacity=Except("none")),
        _lora_api(managed_only=False),
    ),
    # A team that never trained a model: only services that run a job from a dataset.
    _a(
        "ft-lora-api-managed",
        When(recommendation=FINE_TUNING, hosting="api_ok", ml_capacity="none"),
        _lora_api(managed_only=True),
    ),
    _a(
        "ft-lora-open",
        When(recommendation=FINE_TUNING, hosting="open_weights_preferred"),
        Text(
            "Start with LoRA on {lora_size}; you keep the weights and can move them to any "
            "provider or your own machines.",
            lora_size=_LORA_SIZE,
        ),
    ),
    _a(
        "ft-lora-self",
        When(recommendation=FINE_TUNING, hosting="self_hosted_required"),
        Text(
            "Start with LoRA on {lora_size}, trained and served on your own machines, so no "
            "data leaves them.",
            lora_size=_LORA_SIZE,
        ),
    ),
    _a(
        "ft-rft-start",
        When(recommendation=FINE_TUNING, method="reinforcement_fine_tuning"),
        Text(
            "Start with reinforcement fine-tuning: turn your check into a grader that scores each "
            "answer from 0 to 1, keep the eval cases out of training, and train an open model "
            "against the grader, letting it reason step by step before its final answer; read "
            "sampled outputs for answers that game it."
        ),
    ),
    _a(
        "ft-encoder-start",
        When(recommendation=FT, method="encoder_classifier"),
        Text(
            "Start with a small encoder (a BERT-style model of about 100–600M parameters) and a "
            "classification head, trained on your labelled examples with a held-out split; calibrate a "
            "confidence threshold below which cases go to a person."
        ),
    ),
    _a(
        "ft-preference-start",
        When(recommendation=FINE_TUNING, method="preference_tuning"),
        Text(
            "Train on the preference pairs with DPO, starting from a model first fine-tuned on the "
            "preferred answers; keep some pairs aside to check the model prefers the chosen answer."
        ),
    ),
    _a(
        "ft-compare-voice",
        When(recommendation=FINE_TUNING, path="voice"),
        Text(
            "Ship only if people who know the voice prefer the fine-tuned output in a blind "
            "side-by-side comparison with your best prompt."
        ),
    ),
    _a(
        "ft-compare",
        When(recommendation=FINE_TUNING, path=Except("distill", "voice")),
        Text(
            "Ship only if the fine-tuned model reaches your target on the eval set and beats the "
            "prompt baseline on the same cases by more than chance."
        ),
    ),
    _a(
        "ft-compare-distill",
        When(recommendation=FINE_TUNING, path="distill"),
        Text(
            "Ship only if the small model reaches your target on your eval set and trails the large "
            "one there by no more than a margin you fix in advance, at the latency and cost per "
            "request you need under production load."
        ),
    ),
    _a(
        "ft-retrain",
        When(recommendation=FINE_TUNING),
        Text(
            "Version the training data and the eval set, so retraining on a new base model is one "
            "command."
        ),
    ),
    # Fix the data first
    _a(
        "id-collect",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method=Except("distillation"),
            accuracy_target="best_effort",
        ),
        Text(
            "Collect real input→output examples: 50–100 for an eval set and 50–100 more for training."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "id-collect-high",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method=Except("distillation"),
            accuracy_target="high",
        ),
        Text(
            "Collect real input→output examples: at least 100 for an eval set (90{percent} "
            "measured on 100 is clearly below 95{percent}; on 50 it is not) and 50–100 more for "
            "training.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    # At a 99% target the eval set is the one the find-out step sizes (eval-set-critical).
    _a(
        "id-collect-critical",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method=Except("distillation"),
            accuracy_target="critical",
        ),
        Text(
            "Collect real input→output examples: at least 300 for an eval set (on 300, "
            "99{percent} measured shows at least 97{percent}; on 100, not even 95{percent}) and "
            "50–100 more for training.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    # A distillation's training outputs come from the large model: people label the eval set.
    _a(
        "id-collect-distill",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method="distillation",
            accuracy_target="best_effort",
        ),
        Text(
            "Collect real inputs: label 50–100 by hand as the eval set and measure the large model "
            "on them; once it meets your target, run it on the rest to write the training set."
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "id-collect-distill-high",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method="distillation",
            accuracy_target="high",
        ),
        Text(
            "Collect real inputs: label at least 100 by hand as the eval set (90{percent} measured "
            "on 100 is clearly below 95{percent}; on 50 it is not) and measure the large model on "
            "them; once it meets your target, run it on the rest to write the training set.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "id-collect-distill-critical",
        When(
            recommendation=ID,
            example_count={"none", "under_100"},
            method="distillation",
            accuracy_target="critical",
        ),
        Text(
            "Collect real inputs: label at least 300 by hand as the eval set (on 300, 99{percent} "
            "measured shows at least 97{percent}; on 100, not even 95{percent}) and measure the "
            "large model on them; once it meets your target, run it on the rest to write the "
            "training set.",
            percent="%",
        ),
        topic=EVAL_SET_TOPIC,
    ),
    _a(
        "id-review",
        When(recommendation=ID, data_quality={"noisy", "mixed"}, example_count=Except("under_100")),
        Text(
            "Review a random sample of 100 examples; fix or drop wrong labels, and write down the "
            "labelling rules you used."
        ),
    ),
    _a(
        "id-review-all",
        When(recommendation=ID, data_quality={"noisy", "mixed"}, example_count="under_100"),
        Text(
            "Review every example (there are fewer than 100); fix or drop wrong labels, and write "
            "down the labelling rules you used."
        ),
    ),
    _a(
        "id-agreement",
        When(recommendation=ID, data_quality={"noisy", "mixed"}),
        Text(
            "Have two people label the same 50 items; where they disagree, sharpen the labelling rules."
        ),
    ),
    _a(
        "id-diversify",
        When(recommendation=ID, data_diversity="clustered"),
        Text(
            "Add examples for the under-represented types, lengths and topics until no group dominates."
        ),
    ),
    _a(
        "id-edge-cases",
        When(recommendation=ID, edge_cases="no"),
        Text("Add 10–20% hard, malformed and adversarial cases."),
    ),
    _a(
        "id-keep-prompt",
        When(recommendation=ID, cost_pressure={"none", "moderate"}),
        Text(
            "Keep your best prompt in production meanwhile, and reassess with this wizard once the data "
            "is fixed."
        ),
    ),
    _a(
        "id-cut-cost-meanwhile",
        When(recommendation=ID, cost_pressure="blocking"),
        Text(
            "Your current model is too slow or too expensive to ship, so meanwhile look for fixes that "
            "need no training (a smaller model on the same prompt, a shorter prompt, caching), measured "
            "on the eval set; reassess once the data is fixed."
        ),
    ),
)
