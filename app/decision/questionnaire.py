"""The five-step questionnaire and the validation of its answers.

Keys are a public contract (API clients and stored assessments use them); labels, help
texts and option order may improve over time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .text import (
    CHAN_2024_CAG,
    DEEPSEEK_R1,
    KARMINSKI,
    LEWIS_2020,
    NG_BATCH_294,
    OPENAI_GUIDE,
    OPENAI_RFT,
    OVADIA_2024,
    WILSON_1927,
    Source,
    Text,
)

Answer = str | int | None

# Options that are honest "we don't know" answers. They never block; they lower the
# confidence and add a "find out" step to the verdict.
UNCERTAIN_KEYS = frozenset({"not_sure", "unsure", "unknown"})
_UNCERTAIN_OF: dict[str, frozenset[str]] = {}
_OPTION_KEYS_OF: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: Text
    hint: Text | None = None


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    step: str
    label: Text
    help: Text
    sources: tuple[Source, ...]
    kind: Literal["choice", "integer"]
    options: tuple[Option, ...]
    optional: bool
    minimum: int | None
    maximum: int | None
    # A short noun phrase ("task type") used when rules are described in words.
    name: Text
    # For an optional choice question: the answer an omitted one stands for (always uncertain).
    default: str | None = None

    @property
    def uncertain_options(self) -> frozenset[str]:
        return _UNCERTAIN_OF.get(self.key) or frozenset(
            o.key for o in self.options if o.key in UNCERTAIN_KEYS
        )

    @property
    def option_keys(self) -> tuple[str, ...]:
        return _OPTION_KEYS_OF.get(self.key) or tuple(o.key for o in self.options)

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.key == key:
                return o
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    number: int
    title: Text
    intro: Text
    questions: tuple[Question, ...]


def _o(key: str, label: Text | str, *rest: Text | str) -> Option:
    """`_o(key, Text("label"), Text("hint"))`, the hint optional. The old form,
    `_o(key, en, zh, hint_en, hint_zh)`, runs until scripts/engine_texts_to_catalogue.py
    rewrites it."""
    if isinstance(label, str):
        label = Text(label, rest[0])
        rest = (Text(rest[1], rest[2]),) if len(rest) > 1 else ()
    return Option(key, label, rest[0] if rest else None)


def _choice(
    key: str,
    step: str,
    name: Text,
    label: Text,
    help: Text,
    sources: tuple[Source, ...],
    *options: Option,
) -> Question:
    return Question(key, step, label, help, sources, "choice", options, False, None, None, name)


def _optional_choice(
    key: str,
    step: str,
    name: Text,
    label: Text,
    help: Text,
    sources: tuple[Source, ...],
    *options: Option,
) -> Question:
    """A choice the API may leave out (third wave): omitted, it counts as "not sure"."""
    default = next(o.key for o in options if o.key in UNCERTAIN_KEYS)
    return Question(
        key, step, label, help, sources, "choice", options, True, None, None, name, default
    )


_TASK = (
    _choice(
        "task_type",
        "task",
        Text("task type"),
        Text("What should the model do?"),
        Text(
            "Fine-tuning teaches patterns (a format, a style, an input-to-output mapping, a narrow "
            "task), not new knowledge or better reasoning. The kind of task decides most of the verdict. "
            "Code counts as text here: writing or reviewing code is generation, questions about your "
            "codebase are questions from documents."
        ),
        (KARMINSKI, NG_BATCH_294),
        _o(
            "classification",
            Text("Classify, tag or route text or code"),
            Text(
                "e.g. medical records to billing codes, bug reports or code changes to the right team"
            ),
        ),
        _o(
            "extraction",
            Text("Convert input into a strict structure"),
            Text("JSON, XML, SQL or another fixed format"),
        ),
        _o(
            "style",
            Text("Write in a specific voice, tone or brand style"),
            Text("including code in your team's conventions"),
        ),
        _o(
            "tool_use",
            Text("Choose and call the right tool or API"),
            Text("agents, customer-service actions such as refunds"),
        ),
        _o(
            "knowledge_qa",
            Text("Answer questions from documents, code or facts"),
            Text("e.g. questions about your codebase or internal wiki"),
        ),
        _o(
            "simple_generation",
            Text("Rewrite, summarise or write text or code from given context"),
            Text("e.g. code generation or code review with the relevant files in the prompt"),
        ),
        _o(
            "reasoning",
            Text("Complex multi-step reasoning, maths or logic"),
        ),
        _o("general_assistant", Text("An open-ended, general-purpose assistant")),
    ),
    _choice(
        "task_scope",
        "task",
        Text("task scope"),
        Text("How wide is the task?"),
        Text(
            "Fine-tuning makes a specialist, not a generalist: it pays off on one well-defined task."
        ),
        (KARMINSKI,),
        _o("narrow", Text("One well-defined task")),
        _o("broad", Text("Many kinds of requests")),
    ),
    _choice(
        "spec_clarity",
        "task",
        Text("rule clarity"),
        Text("Can the rules be written down as instructions?"),
        Text(
            "When the rules fit in a standard operating procedure (SOP), a prompt can carry them. "
            "When even people learn the task only from many examples, examples (fine-tuning) beat instructions."
        ),
        (NG_BATCH_294,),
        _o("explicit", Text("Yes, as clear instructions or an SOP")),
        _o("partial", Text("Partly")),
        _o(
            "implicit",
            Text("No, people learn it only from many examples"),
        ),
    ),
    _optional_choice(
        "verifiable_outputs",
        "task",
        Text("automatic checking"),
        Text(
            "Can a program check whether an answer is right: a test, an exact answer, a schema, a "
            "grader?"
        ),
        Text(
            "When a program can tell right from wrong (unit tests for code, the exact answer to a "
            "maths problem, a schema, a grading script), a model can be trained by reinforcement "
            "against that check, which can improve reasoning on the task; without one, training "
            "can only imitate examples."
        ),
        (OPENAI_RFT, DEEPSEEK_R1),
        _o("yes", Text("Yes, every answer")),
        _o("partly", Text("Partly, some answers or some aspects")),
        _o("no", Text("No, it takes a person's judgment")),
        _o("unsure", Text("Not sure")),
    ),
)

_ACCURACY = (
    _choice(
        "accuracy_target",
        "accuracy",
        Text("accuracy target"),
        Text("How accurate must it be?"),
        Text(
            "Prompting often gets to about 95%. Fine-tuning can buy the last few points, from 95% to 99%."
        ),
        (NG_BATCH_294,),
        _o("best_effort", Text("Best effort (about 80–90{percent} is fine)", percent="%")),
        _o("high", Text("High (about 95%)")),
        _o("critical", Text("Critical (99{percent} or more)", percent="%")),
    ),
    _choice(
        "prompting_effort",
        "accuracy",
        Text("prompting effort"),
        Text("How much have you tried prompting?"),
        Text(
            "Try prompting and simple agentic workflows first: about 75{percent} of the "
            "teams that fine-tune could have got good results with these simpler techniques.",
            percent="%",
        ),
        (NG_BATCH_294,),
        _o("none", Text("Not tried yet")),
        _o("basic", Text("A simple prompt")),
        _o(
            "extensive",
            Text("Extensively"),
            Text("long prompts, few-shot examples, many iterations, a simple agentic workflow"),
        ),
    ),
    Question(
        key="baseline_accuracy",
        step="accuracy",
        label=Text("What accuracy does your best prompt reach today (%)?"),
        help=Text(
            "Measured on a set of real cases. The gap between this baseline and your target shows "
            "whether fine-tuning would be a last-mile fix. Leave it empty if you have not measured it."
        ),
        sources=(OPENAI_GUIDE, NG_BATCH_294),
        kind="integer",
        options=(),
        optional=True,
        minimum=0,
        maximum=100,
        name=Text("measured baseline accuracy"),
    ),
    Question(
        key="baseline_sample_size",
        step="accuracy",
        label=Text("On how many cases was that accuracy measured?"),
        help=Text(
            "A baseline measured on few cases is uncertain: 95{percent} on 40 cases could be "
            "anywhere from about 83{percent} to 99{percent}. With the number we show the "
            "95{percent} Wilson interval and say whether the gap to your target is real. "
            "Leave it empty if you do not know.",
            percent="%",
        ),
        sources=(WILSON_1927,),
        kind="integer",
        options=(),
        optional=True,
        minimum=1,
        maximum=1_000_000,
        name=Text("baseline sample size"),
    ),
    _optional_choice(
        "strongest_model_tried",
        "accuracy",
        Text("strongest-model test"),
        Text(
            "Have you measured the strongest model you could use, including a reasoning model, "
            "on this task?"
        ),
        Text(
            "A stronger model, or the thinking mode of a reasoning model, on the same eval set is "
            "the cheapest fix for an accuracy gap: one change of model name, no training. It is "
            "also the teacher a small model would learn from."
        ),
        (DEEPSEEK_R1,),
        _o("yes", Text("Yes, measured on our eval set")),
        _o("no", Text.in_context("strongest_model_tried", "No")),
        _o("unsure", Text("Not sure")),
    ),
    _choice(
        "failure_mode",
        "accuracy",
        Text("failure mode"),
        Text("What goes wrong most often?"),
        Text(
            "Each failure has a different cure: format and decisions are patterns fine-tuning can teach; "
            "missing facts call for retrieval; broken reasoning calls for a workflow."
        ),
        (KARMINSKI, NG_BATCH_294),
        _o("format", Text("Output format or style is inconsistent")),
        _o("wrong_decisions", Text("Wrong choices, labels or tool calls")),
        _o(
            "missing_knowledge",
            Text("Facts are wrong or missing"),
            Text("including names, APIs or files of your own code"),
        ),
        _o("reasoning", Text("Multi-step logic goes wrong")),
        _o("none", Text("Nothing: quality is already acceptable")),
        _o("unknown", Text("We don't know yet")),
    ),
)

_COST = (
    _choice(
        "volume",
        "cost",
        Text("request volume"),
        Text("How many requests per day?"),
        Text(
            "At scale, a fine-tuned small model can replace a large one that is too slow or too expensive."
        ),
        (NG_BATCH_294,),
        _o("low", Text("Fewer than 1,000")),
        _o("medium", Text("1,000 to 100,000")),
        _o("high", Text("More than 100,000")),
    ),
    _choice(
        "latency_need",
        "cost",
        Text("latency need"),
        Text("How fast must it answer?"),
        Text("Large models are often too slow; a smaller fine-tuned model answers faster."),
        (NG_BATCH_294,),
        _o("relaxed", Text("Relaxed (seconds are fine)")),
        _o("interactive", Text("Interactive (about 1 second)")),
        _o("realtime", Text("Real time (under 300 ms)")),
    ),
    _choice(
        "cost_pressure",
        "cost",
        Text("cost pressure"),
        Text("Is the current model too slow or too expensive?"),
        Text(
            "When a large model works but cannot be shipped at your volume, fine-tuning a smaller one "
            "is one of the cases where fine-tuning clearly pays."
        ),
        (NG_BATCH_294,),
        _o("none", Text.in_context("cost_pressure", "No")),
        _o("moderate", Text("Somewhat")),
        _o("blocking", Text("Yes, it blocks shipping")),
    ),
    _choice(
        "hosting",
        "cost",
        Text("hosting"),
        Text("Where may the model run?"),
        Text(
            "Fine-tuning open weights keeps the result portable: no provider can retire it under you."
        ),
        (NG_BATCH_294,),
        _o("api_ok", Text("A hosted API is fine")),
        _o(
            "open_weights_preferred",
            Text("We want weights we can take elsewhere"),
        ),
        _o("self_hosted_required", Text("Data must stay on our machines")),
    ),
    _choice(
        "ml_capacity",
        "cost",
        Text("ML experience"),
        Text("Has your team trained or served a model before?"),
        Text(
            "Fine-tuning adds work on both sides: collecting data and training, then deploying and "
            "maintaining the fine-tuned model."
        ),
        (NG_BATCH_294,),
        _o("none", Text("No one has")),
        _o("some", Text("Some experience")),
        _o("experienced", Text("Yes, we do it regularly")),
    ),
)

_KNOWLEDGE = (
    _choice(
        "knowledge_source",
        "knowledge",
        Text("knowledge source"),
        Text("What must the model know to answer?"),
        Text(
            "Fine-tuning teaches patterns, not facts. New or changing knowledge is the job of "
            "retrieval-augmented generation (RAG), which gives the model the facts at run time."
        ),
        (KARMINSKI, OVADIA_2024),
        _o("general", Text("Public knowledge the model already has")),
        _o(
            "private_stable",
            Text("Internal documents or code that rarely change"),
        ),
        _o(
            "private_changing",
            Text("Internal documents or code that change"),
            Text("specs, prices, policies, a codebase under active development"),
        ),
        _o("realtime", Text("News, events or live data")),
    ),
    _choice(
        "needs_citations",
        "knowledge",
        Text("need for citations"),
        Text("Must answers show where they came from?"),
        Text(
            "Retrieval knows which passage an answer was built from, so it can show it; a fine-tuned "
            "model cannot say where a fact came from."
        ),
        (LEWIS_2020,),
        _o("yes", Text.in_context("needs_citations", "Yes")),
        _o("no", Text.in_context("needs_citations", "No")),
    ),
    _choice(
        "domain_language",
        "knowledge",
        Text("domain language"),
        Text("Is the language of the task ordinary?"),
        Text(
            "At the research frontier some teams fine-tune a model to master a language. We count it "
            "as a secondary reason for fine-tuning, rarely enough on its own."
        ),
        (NG_BATCH_294,),
        _o("common", Text("Ordinary language")),
        _o(
            "specialized",
            Text("Jargon or a language the model handles poorly"),
        ),
    ),
    _optional_choice(
        "knowledge_volume",
        "knowledge",
        Text("knowledge volume"),
        Text("Does the knowledge the model needs fit in one prompt?"),
        Text(
            "A few dozen FAQs or a short handbook fit in a long-context prompt: with prompt caching "
            "the model reads all of it on every call, with no search index to build or to miss the "
            "right passage. A large or growing collection needs retrieval."
        ),
        (CHAN_2024_CAG,),
        _o(
            "fits_in_prompt",
            Text("It fits in one prompt"),
            Text("roughly up to 100 pages, or tens of thousands of tokens"),
        ),
        _o("large", Text("Too much for one prompt")),
        _o("unsure", Text("Not sure")),
    ),
    _optional_choice(
        "knowledge_form",
        "knowledge",
        Text("knowledge form"),
        Text("What form does that knowledge take?"),
        Text(
            "Retrieval is built differently for each: documents are split into passages, code is "
            "indexed by file, symbol and test, a database is described by its schema and example "
            "queries."
        ),
        (LEWIS_2020,),
        _o("documents", Text("Documents, pages or messages")),
        _o("code", Text("A code repository")),
        _o("database", Text("Tables in a database (text-to-SQL)")),
        _o("unsure", Text("Not sure, or a mix")),
    ),
)

_DATA = (
    _choice(
        "example_count",
        "data",
        Text("number of examples"),
        Text("How many labelled input→output examples do you have?"),
        Text(
            "You need fewer than most people think: 100 or even fewer good examples can be enough, "
            "and 50–100 is a sensible start."
        ),
        (NG_BATCH_294, OPENAI_GUIDE),
        _o("none", Text.in_context("example_count", "None")),
        _o("under_100", Text("Fewer than 100")),
        _o("100_to_1k", Text("100 to 1,000")),
        _o("over_1k", Text("More than 1,000")),
    ),
    _choice(
        "data_quality",
        "data",
        Text("data quality"),
        Text("How correct are the examples?"),
        Text("Garbage in, garbage out: a model fine-tuned on errors learns the errors."),
        (KARMINSKI,),
        _o("clean", Text("Reviewed and correct")),
        _o("mixed", Text("Mostly right, some errors")),
        _o("noisy", Text("Many errors")),
        _o("unsure", Text("Not sure")),
    ),
    _choice(
        "data_diversity",
        "data",
        Text("data diversity"),
        Text("How varied are the examples?"),
        Text(
            "Clustered data teaches one narrow, rigid pattern; varied styles, lengths and topics teach "
            "a pattern that generalises."
        ),
        (KARMINSKI,),
        _o(
            "diverse",
            Text("Diverse: covers styles, lengths and topics"),
        ),
        _o("clustered", Text("Clustered: mostly similar examples")),
        _o("unsure", Text("Not sure")),
    ),
    _choice(
        "edge_cases",
        "data",
        Text("edge cases"),
        Text("Do the examples include hard cases?"),
        Text(
            "Malformed, unusual and adversarial examples make a fine-tuned model robust on real traffic."
        ),
        (KARMINSKI,),
        _o("yes", Text("Yes: hard, malformed or adversarial cases")),
        _o("no", Text.in_context("edge_cases", "No")),
        _o("unsure", Text("Not sure")),
    ),
    _choice(
        "synthetic_data",
        "data",
        Text("synthetic data"),
        Text("Can a larger model generate good examples?"),
        Text(
            "A large model (or an agentic workflow) that already does the task can write the training "
            "data for a small one."
        ),
        (NG_BATCH_294,),
        _o("yes", Text.in_context("synthetic_data", "Yes")),
        _o("no", Text.in_context("synthetic_data", "No")),
        _o("unsure", Text("Not sure")),
    ),
)

STEPS: tuple[Step, ...] = (
    Step(
        "task",
        1,
        Text("The task"),
        Text("What should the model do, and how well can the task be described?"),
        _TASK,
    ),
    Step(
        "accuracy",
        2,
        Text.in_context("accuracy", "Accuracy"),
        Text("How good must it be, and how far has prompting got you?"),
        _ACCURACY,
    ),
    Step(
        "cost",
        3,
        Text("Latency, cost and operations"),
        Text("What it must cost, how fast it must be, and who will run it."),
        _COST,
    ),
    Step(
        "knowledge",
        4,
        Text("Knowledge"),
        Text("What the model must know, and whether that knowledge changes."),
        _KNOWLEDGE,
    ),
    Step(
        "data",
        5,
        Text.in_context("data", "Data"),
        Text("What examples you have: fine-tuning is only as good as its data."),
        _DATA,
    ),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
QUESTIONS: Mapping[str, Question] = MappingProxyType({q.key: q for s in STEPS for q in s.questions})
QUESTION_ORDER: Mapping[str, int] = MappingProxyType({k: i for i, k in enumerate(QUESTIONS)})
# Computed once: the engine asks for them tens of thousands of times a second.
_UNCERTAIN_OF.update(
    {
        q.key: frozenset(o.key for o in q.options if o.key in UNCERTAIN_KEYS)
        for q in QUESTIONS.values()
    }
)
_OPTION_KEYS_OF.update({q.key: tuple(o.key for o in q.options) for q in QUESTIONS.values()})


# --- Usual answers ---------------------------------------------------------------------------

# The answer most teams give, where there is one: the wizard marks it and offers to accept all of
# a step's at once. A question that decides much on its own (the task, the knowledge, the data
# you have) has none, so it is always answered. "Not sure" is the usual answer where teams rarely
# know before measuring: it lowers the confidence, never the verdict.
DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "task_scope": "narrow",
        "accuracy_target": "high",
        "prompting_effort": "basic",
        "failure_mode": "unknown",
        "volume": "medium",
        "latency_need": "interactive",
        "cost_pressure": "moderate",
        "hosting": "api_ok",
        "ml_capacity": "some",
        "needs_citations": "no",
        "domain_language": "common",
        "data_quality": "unsure",
        "data_diversity": "unsure",
        "edge_cases": "unsure",
        "synthetic_data": "unsure",
    }
)


# --- Questions that cannot apply ------------------------------------------------------------

# A question that cannot apply given another answer is not asked, may be left out, and counts
# as neither a problem nor an open question: no baseline before any prompt, no data quality
# without data.
NOT_APPLICABLE_WHEN: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "baseline_accuracy": ("prompting_effort", "none"),
        "baseline_sample_size": ("prompting_effort", "none"),
        "data_quality": ("example_count", "none"),
        "data_diversity": ("example_count", "none"),
        "edge_cases": ("example_count", "none"),
    }
)
NOT_APPLICABLE = "not_applicable"


def not_applicable(answers: Mapping[str, object]) -> frozenset[str]:
    """The questions that cannot apply, given these answers."""
    return frozenset(
        q
        for q, (key, value) in NOT_APPLICABLE_WHEN.items()
        if isinstance(answers.get(key), str) and answers[key].strip() == value
    )


# --- Validation -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: Literal["required", "unknown_question", "unknown_option", "not_integer", "out_of_range"]
    message: Text

    def to_dict(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message.get(lang)}


class InvalidAnswers(ValueError):
    """Raised by evaluate() when the answers are incomplete or invalid."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))


_REQUIRED = Text("Please answer this question.")
_UNKNOWN_QUESTION = Text("This is not a question of the questionnaire.")
_OTHER_STEP = Text("This question belongs to another step.")
_UNKNOWN_OPTION = Text("Choose one of the options.")


def _integer_message(q: Question) -> Text:
    return Text(
        "Enter a whole number from {minimum} to {maximum}, or leave it empty.",
        minimum=q.minimum,
        maximum=q.maximum,
    )


def _range_message(q: Question) -> Text:
    return Text(
        "The number must be from {minimum} to {maximum}; leave it empty if you have not "
        "measured it.",
        minimum=q.minimum,
        maximum=q.maximum,
    )


# Unicode digits are accepted on purpose: full-width "９５" is what a Chinese keyboard may type.
_INTEGER = re.compile(r"[+-]?\d{1,7}%?")


def _validate_one(q: Question, value: object) -> tuple[Answer, FieldError | None]:
    if q.kind == "integer":
        if value is None or (isinstance(value, str) and not value.strip()):
            if q.optional:
                return None, None
            return None, FieldError(q.key, "required", _REQUIRED)
        if isinstance(value, bool):
            return None, FieldError(q.key, "not_integer", _integer_message(q))
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            number = int(value.strip().rstrip("%"))
        else:
            return None, FieldError(q.key, "not_integer", _integer_message(q))
        if (q.minimum is not None and number < q.minimum) or (
            q.maximum is not None and number > q.maximum
        ):
            return None, FieldError(q.key, "out_of_range", _range_message(q))
        return number, None
    if value is None or (isinstance(value, str) and not value.strip()):
        if q.default is not None:
            return q.default, None
        return None, FieldError(q.key, "required", _REQUIRED)
    if isinstance(value, str) and value.strip() in q.option_keys:
        return value.strip(), None
    return None, FieldError(q.key, "unknown_option", _UNKNOWN_OPTION)


def validate_answers(
    raw: Mapping[str, object], *, steps: Iterable[str] | None = None
) -> tuple[dict[str, Answer], list[FieldError]]:
    """Normalise form or JSON answers; return (answers, errors), one error per field.

    With `steps`, only those steps' questions are checked and any other key is an
    `unknown_question`. Never raises on bad input; an unknown step key is a programming
    error and raises ValueError.
    """
    if steps is None:
        wanted = list(QUESTIONS.values())
    else:
        step_keys = set(steps)
        if not step_keys <= set(STEP_KEYS):
            raise ValueError(f"unknown steps: {sorted(step_keys - set(STEP_KEYS))}")
        wanted = [q for q in QUESTIONS.values() if q.step in step_keys]
    wanted_keys = {q.key for q in wanted}
    answers: dict[str, Answer] = {}
    errors: list[FieldError] = []
    skip = not_applicable(raw)
    for q in QUESTIONS.values():
        if q.key not in wanted_keys:
            if q.key in raw:
                errors.append(FieldError(q.key, "unknown_question", _OTHER_STEP))
            continue
        given = raw.get(q.key)
        if q.key in skip and (given is None or (isinstance(given, str) and not given.strip())):
            answers[q.key] = None  # not asked, so not missing
            continue
        value, error = _validate_one(q, given)
        if error is None:
            answers[q.key] = value
        else:
            errors.append(error)
    for key in sorted(str(k) for k in raw if k not in QUESTIONS):
        errors.append(FieldError(key, "unknown_question", _UNKNOWN_QUESTION))
    return answers, errors
