"""The decision engine: should this team fine-tune a model, and if not, what instead?

What the product believes (rules.py holds each belief as data, with its source):
- Try the simplest thing first. Better prompts and simple agentic workflows solve most tasks;
  about 75% of the teams that fine-tune could have stopped there (Andrew Ng, The Batch #294).
- Fine-tuning teaches patterns, not facts: a format, a style, a hard-to-state decision, a
  narrow input-to-output mapping. Knowledge, above all changing knowledge, belongs in retrieval.
- Fine-tuning does not teach reasoning; structure the task instead.
- It earns its cost for the last mile of accuracy (95% -> 99%), a voice prompts cannot capture,
  and for replacing a large model that is too slow or too expensive at scale with a small one.
- Garbage in, garbage out: with bad data the answer is "fix the data", not "train anyway".
- Measure first: 50-100 real cases and a prompt baseline before any fine-tuning.
Every verdict names the answers behind each reason, admits what it does not know, and lists
the single answers that would change it.
"""

from .approaches import APPROACHES, FINE_TUNING, SIMPLICITY_ORDER, Approach, Rec
from .baseline import Baseline, wilson_interval
from .conditions import FACTS, Except, When
from .engine import evaluate
from .explain import HowWeDecide, RuleEntry, how_we_decide, rules_document
from .method import METHODS, METHODS_BY_KEY, Method
from .questionnaire import (
    NOT_APPLICABLE_WHEN,
    QUESTIONS,
    STEP_KEYS,
    STEPS,
    FieldError,
    InvalidAnswers,
    Option,
    Question,
    Step,
    not_applicable,
    validate_answers,
)
from .rules import BASE_SCORES, PRINCIPLES, RULES, Principle, Rule
from .text import SOURCES, Source, Text
from .verdict import Change, CostEvidence, Evidence, Ranked, Reason, Verdict, WhyNot, localize
from .version import RULES_VERSION

__all__ = [
    "APPROACHES",
    "BASE_SCORES",
    "FACTS",
    "FINE_TUNING",
    "METHODS",
    "METHODS_BY_KEY",
    "NOT_APPLICABLE_WHEN",
    "PRINCIPLES",
    "QUESTIONS",
    "RULES",
    "RULES_VERSION",
    "SIMPLICITY_ORDER",
    "SOURCES",
    "STEPS",
    "STEP_KEYS",
    "Approach",
    "Baseline",
    "Change",
    "CostEvidence",
    "Evidence",
    "Except",
    "FieldError",
    "HowWeDecide",
    "InvalidAnswers",
    "Method",
    "Option",
    "Principle",
    "Question",
    "Ranked",
    "Reason",
    "Rec",
    "Rule",
    "RuleEntry",
    "Source",
    "Step",
    "Text",
    "Verdict",
    "When",
    "WhyNot",
    "evaluate",
    "how_we_decide",
    "localize",
    "not_applicable",
    "rules_document",
    "validate_answers",
    "wilson_interval",
]
