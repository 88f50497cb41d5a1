"""A question is declared once, in app/decision/questionnaire.py; what else it needs is checked
here, and a question that lacks any of it is named with exactly what is missing:
- its row in the contract, docs/QUESTIONNAIRE.md;
- an engine that reads it (a rule's, an advice's or a fact's condition, or the engine's code);
- the Chinese of each of its texts (name, label, help, options and hints) in the catalogue;
- an answer in the test answer sets (tests/unit/decision_cases.py NEUTRAL, tests/helpers.py
  REFUND_BOT) when it is required.
The wizard, the review page, validation and the API render and check it from the questionnaire
unaided, and its answers are stored as JSON (no migration)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from app.decision import FACTS, QUESTIONS, RULES, Option, Question, Text
from app.decision.advice import FIND_OUT, NEXT_STEPS, RISKS, WARNINGS
from tests.decision.test_questionnaire_contract import contract_questions
from tests.helpers import REFUND_BOT
from tests.unit.decision_cases import NEUTRAL

ROOT = Path(__file__).resolve().parent.parent.parent
PO = ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
# Modules that declare questions or texts, not read answers.
DECLARING = {"questionnaire.py", "text.py"}


@cache
def _catalogue() -> dict[tuple[str | None, str], str]:
    with PO.open("rb") as f:
        return {(m.context, m.id): m.string for m in read_po(f) if m.id and not m.fuzzy}


@cache
def _read_by_the_engine() -> frozenset[str]:
    """Question keys a condition depends on, or the engine's code names as a string."""
    found: set[str] = set()
    for item in (*RULES, *WARNINGS, *RISKS, *FIND_OUT, *NEXT_STEPS):
        found.update(item.when.questions())
    for fact in FACTS.values():
        found.update(fact.inputs)
    for path in (ROOT / "app" / "decision").glob("*.py"):
        if path.name in DECLARING:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
            elif isinstance(node, ast.keyword) and node.arg:
                found.add(node.arg)
    return frozenset(found)


def _texts(q: Question) -> list[tuple[str, Text]]:
    texts = [("name", q.name), ("label", q.label), ("help", q.help)]
    for option in q.options:
        texts.append((f"option `{option.key}`", option.label))
        if option.hint is not None:
            texts.append((f"option `{option.key}`'s hint", option.hint))
    return texts


def missing_wiring(q: Question) -> list[str]:
    """What `q` lacks, in words; empty when it is wired everywhere."""
    missing = []
    if q.key not in contract_questions():
        missing.append(f"docs/QUESTIONNAIRE.md: no row for `{q.key}` in step `{q.step}`")
    if q.key not in _read_by_the_engine():
        missing.append("app/decision: no rule, advice, fact or code reads it (When(...) or a fact)")
    for what, text in _texts(q):
        if not _catalogue().get((text.context, text.msgid)):
            missing.append(
                f"locales/zh/LC_MESSAGES/messages.po: no Chinese for its {what} {text.msgid!r}"
                " (make extract-messages, then fill the msgstr)"
            )
    if not q.optional:
        if q.key not in NEUTRAL:
            missing.append("tests/unit/decision_cases.py: no answer in NEUTRAL")
        if q.key not in REFUND_BOT:
            missing.append("tests/helpers.py: no answer in REFUND_BOT")
    return missing


def test_every_question_is_wired_everywhere():
    missing = {key: missing_wiring(q) for key, q in QUESTIONS.items()}
    assert {key: m for key, m in missing.items() if m} == {}


def test_a_question_declared_but_not_wired_is_named_with_what_it_lacks():
    """What a developer sees after declaring a question and nothing else."""
    q = Question(
        key="team_size",
        step="constraints",
        label=Text("How many people will look after the model?"),
        help=Text("A fine-tuned model needs someone to retrain and watch it."),
        sources=(),
        kind="choice",
        options=(Option("one", Text("One person"), Text("part time")), Option("no", Text("No"))),
        optional=False,
        minimum=None,
        maximum=None,
        name=Text("team size"),
    )
    assert missing_wiring(q) == [
        "docs/QUESTIONNAIRE.md: no row for `team_size` in step `constraints`",
        "app/decision: no rule, advice, fact or code reads it (When(...) or a fact)",
        "locales/zh/LC_MESSAGES/messages.po: no Chinese for its name 'team size' "
        "(make extract-messages, then fill the msgstr)",
        "locales/zh/LC_MESSAGES/messages.po: no Chinese for its label "
        "'How many people will look after the model?' (make extract-messages, then fill the msgstr)",
        "locales/zh/LC_MESSAGES/messages.po: no Chinese for its help "
        "'A fine-tuned model needs someone to retrain and watch it.' "
        "(make extract-messages, then fill the msgstr)",
        "locales/zh/LC_MESSAGES/messages.po: no Chinese for its option `one` 'One person' "
        "(make extract-messages, then fill the msgstr)",
        "locales/zh/LC_MESSAGES/messages.po: no Chinese for its option `one`'s hint 'part time' "
        "(make extract-messages, then fill the msgstr)",
        # "No" is in the catalogue already (the interface's "否"): nothing missing there.
        "tests/unit/decision_cases.py: no answer in NEUTRAL",
        "tests/helpers.py: no answer in REFUND_BOT",
    ]
