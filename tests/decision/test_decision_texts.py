"""Every text exists in English and Simplified Chinese, and the Chinese is actually Chinese."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping

from app.decision import (
    APPROACHES,
    FACTS,
    PRINCIPLES,
    RULES,
    STEPS,
    Text,
    evaluate,
    how_we_decide,
    summaries,
    validate_answers,
)
from app.decision.advice import FIND_OUT, NEXT_STEPS, RISKS, WARNINGS
from app.decision.explain import HOW_SCORING_WORKS, INVARIANTS
from app.decision.rules import RULES_BY_ID
from app.decision.text import LIST, LIST_AND, SENTENCES
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT, answers

# The messages that join texts ("{items}, {item}"): punctuation, no words to translate.
JOINERS = (LIST, LIST_AND, SENTENCES)

# Verdicts that between them show every kind of summary, a why_not, a baseline note and the
# texts built from the answers.
VERDICTS = (
    CUSTOMER_SERVICE_BOT,
    {**CUSTOMER_SERVICE_BOT, "baseline_sample_size": 20, "data_quality": "unsure"},
    answers(),
    answers(failure_mode="none"),
    answers(
        task_type="knowledge_qa",
        knowledge_source="private_changing",
        needs_citations="yes",
        failure_mode="missing_knowledge",
    ),
    answers(failure_mode="reasoning", task_type="reasoning"),
    answers(task_type="tool_use", failure_mode="wrong_decisions"),
    answers(
        prompting_effort="extensive",
        failure_mode="format",
        data_quality="mixed",
        data_diversity="clustered",
        edge_cases="no",
        baseline_accuracy=90,
    ),
    answers(prompting_effort="extensive", failure_mode="format", knowledge_source="realtime"),
    answers(
        task_type="simple_generation",
        prompting_effort="extensive",
        failure_mode="none",
        volume="high",
        cost_pressure="blocking",
        synthetic_data="yes",
    ),
)

CJK = re.compile(r"[\u4e00-\u9fff]")


def texts_in(obj: object, seen: set[int] | None = None) -> Iterator[Text]:
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, Text):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from texts_in(getattr(obj, f.name), seen)
    elif isinstance(obj, Mapping):
        for value in obj.values():
            yield from texts_in(value, seen)
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from texts_in(item, seen)


def all_texts() -> list[Text]:
    _, errors = validate_answers(
        {"task_type": "", "baseline_accuracy": "x", "volume": "huge", "bogus": 1}
    )
    _, range_errors = validate_answers({"baseline_accuracy": 101})
    roots = (
        STEPS,
        APPROACHES,
        RULES,
        PRINCIPLES,
        FACTS,
        WARNINGS,
        RISKS,
        FIND_OUT,
        NEXT_STEPS,
        INVARIANTS,
        HOW_SCORING_WORKS,
        errors,
        range_errors,
        how_we_decide(),
        # Every table of texts the summaries are built from.
        [
            v
            for v in vars(summaries).values()
            if isinstance(v, (Mapping, Text)) and not (isinstance(v, Text) and v in JOINERS)
        ],
        RULES_BY_ID["data-not-ready"].reason_for(
            answers(data_quality="mixed", data_diversity="clustered", edge_cases="no")
        ),
        [evaluate(v) for v in VERDICTS],
    )
    return [t for root in roots for t in texts_in(root)]


def test_every_text_is_in_both_languages() -> None:
    texts = all_texts()

    assert len(texts) > 500
    for text in texts:
        assert text.en.strip() and text.zh.strip(), text
        assert CJK.search(text.zh), text
        assert not CJK.search(text.en), text


def test_every_question_and_option_has_a_label_and_every_question_help_and_a_source() -> None:
    for step in STEPS:
        for q in step.questions:
            assert q.label.en.endswith("?") and q.label.zh.endswith("？"), q.key
            assert q.help.en and q.sources, q.key
            assert all(o.label.en for o in q.options)


def test_text_get_falls_back_to_english() -> None:
    """A language that is not registered reads English; so does a message no catalogue has."""
    text = APPROACHES["fine_tune"].label

    assert [text.get("en"), text.get("zh"), text.get("fr"), text.get("")] == [
        "Fine-tune a model",
        "微调模型",
        "Fine-tune a model",
        "Fine-tune a model",
    ]
    assert Text("Not a message of any catalogue").get("zh") == "Not a message of any catalogue"


def test_every_question_s_name_reads_after_your() -> None:
    # "What would change" says "If your {name} were “…” instead of “…”" (en) and
    # "如果你的{name}是…" (zh): a name that is a clause ("whether a program can check the
    # answers", "能否用程序检查答案") made "If your whether a program can check…".
    from app import decision

    for key, question in decision.QUESTIONS.items():
        en, zh = question.name.en, question.name.zh
        first = en.split()[0]
        assert first not in {"whether", "how", "what", "which", "the", "if", "a", "an"}, key
        assert not zh.startswith(("是否", "能否", "如何", "有没有", "多少")), key
        assert en == en.lower() or en.split()[0] in {"ML"}, key
