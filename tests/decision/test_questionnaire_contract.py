"""docs/QUESTIONNAIRE.md and app/decision agree: the contract's steps, questions, options and
recommendations are exactly the code's, read from the markdown itself, so neither can change
without the other."""

from __future__ import annotations

import re

from app.decision import APPROACHES, NOT_APPLICABLE_WHEN, QUESTIONS, STEPS
from app.settings import ROOT

CONTRACT = (ROOT / "docs" / "QUESTIONNAIRE.md").read_text(encoding="utf-8")
# "### 1. `task` — What should the model do? (任务类型)"
STEP_HEADING = re.compile(r"^### (\d+)\. `(\w+)`", re.MULTILINE)
# "| `task_type` | `classification` classify ... · `extraction` ... | why we ask |"
QUESTION_ROW = re.compile(r"^\| `(\w+)` \| ([^|]*) \|", re.MULTILINE)
# "*optional* integer 0–100" in a step table; "integer ≥ 1" in the additions.
INTEGER_RANGE = re.compile(r"integer (?:(\d+)–(\d+)|≥ (\d+))")
# "- Optional question `baseline_sample_size` (integer ≥ 1, step `accuracy`): ..."
ADDED_QUESTION = re.compile(r"Optional question `(\w+)` \((integer[^,]*), step `(\w+)`\)")


def section(title: str) -> str:
    """The text of one `## ` section, up to the next one."""
    start = CONTRACT.index(f"\n## {title}\n")
    end = CONTRACT.find("\n## ", start + 1)
    return CONTRACT[start : end if end != -1 else None]


def contract_steps() -> dict[str, tuple[int, str]]:
    """Each step's key: its number and the text of its table."""
    text = section("The five steps")
    headings = list(STEP_HEADING.finditer(text))
    ends = [h.start() for h in headings[1:]] + [len(text)]
    return {
        h.group(2): (int(h.group(1)), text[h.end() : end])
        for h, end in zip(headings, ends, strict=True)
    }


def contract_questions() -> dict[str, dict]:
    """Each question: its step, option keys (empty for a number), optional or not, integer range."""
    questions = {}
    for step, (_, table) in contract_steps().items():
        for row in QUESTION_ROW.finditer(table):
            key, options = row.groups()
            questions[key] = {
                "step": step,
                "options": tuple(re.findall(r"`(\w+)`", options)),
                "optional": "*optional*" in options,
                "range": integer_range(options),
            }
    for key, kind, step in ADDED_QUESTION.findall(section("Additions (second wave)")):
        questions[key] = {
            "step": step,
            "options": (),
            "optional": True,
            "range": integer_range(kind),
        }
    return questions


def integer_range(text: str) -> tuple[int | None, int | None] | None:
    match = INTEGER_RANGE.search(text)
    if match is None:
        return None
    low, high, at_least = match.groups()
    return (int(low), int(high)) if at_least is None else (int(at_least), None)


def test_the_contract_is_parsed():
    """A reworded heading or table must fail here, not make the comparisons below vacuous."""
    assert len(contract_steps()) == 5
    assert len(contract_questions()) == 25
    assert len(contract_recommendations()) == 6


def test_steps_are_the_contracts_in_its_order():
    steps = contract_steps()
    assert [(s.number, s.key) for s in STEPS] == [(n, key) for key, (n, _) in steps.items()]


def test_every_question_is_in_the_contract_and_every_contract_question_in_the_code():
    assert sorted(QUESTIONS) == sorted(contract_questions())


def test_each_question_is_in_its_contract_step():
    code = {q.key: step.key for step in STEPS for q in step.questions}
    assert code == {key: q["step"] for key, q in contract_questions().items()}


def test_option_keys_are_the_contracts():
    code = {key: set(q.option_keys) for key, q in QUESTIONS.items()}
    assert code == {key: set(q["options"]) for key, q in contract_questions().items()}


def test_optional_questions_and_number_ranges_are_the_contracts():
    contract = contract_questions()
    assert {k for k, q in QUESTIONS.items() if q.optional} == {
        k for k, q in contract.items() if q["optional"]
    }
    ranges = {k: q["range"] for k, q in contract.items() if q["range"] is not None}
    assert {k for k, q in QUESTIONS.items() if q.kind == "integer"} == set(ranges)
    # "integer ≥ 1" leaves the upper bound to the code (a sanity limit, not a meaning).
    assert {
        k: (QUESTIONS[k].minimum, high and QUESTIONS[k].maximum) for k, (_, high) in ranges.items()
    } == ranges


def contract_recommendations() -> list[str]:
    table = section("The verdict").split("```")[0]
    return re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)


def test_recommendation_keys_are_the_contracts():
    assert sorted(APPROACHES) == sorted(contract_recommendations())


def test_questions_that_cannot_apply_are_the_contracts():
    """ "with `example_count = none`, `data_quality`, ... and `edge_cases`; with ..." """
    text = section("Additions (second wave)")
    clause = " ".join(
        text[text.index("Questions that cannot apply") :].split(". They count")[0].split()
    )
    contract = {}
    for condition, keys in re.findall(r"with `(\w+ = \w+)`, ([^;]+)", clause):
        question, option = condition.split(" = ")
        for key in re.findall(r"`(\w+)`", keys):
            contract[key] = (question, option)
    assert dict(NOT_APPLICABLE_WHEN) == contract
