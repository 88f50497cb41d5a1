"""The dataset check: measure a sample of training data instead of guessing about it.

`check(chunks)` turns an upload's bytes into a profile (a JSON-ready dict), pure Python with no
web and no database; `suggest` / `facts` / `measured_fact` put its numbers into words;
`measured_answers` and `is_preference` tell the decision engine what was measured; `store`
keeps a check's profile server-side for a day.
"""

from .profile import (
    CONTEXT_LIMITS,
    DEFAULT_CONTEXT_LIMIT,
    DEFAULT_MAX_EXAMPLES,
    TooManyExamples,
    check,
)
from .reading import Unreadable
from .suggestions import (
    QUESTIONS,
    SOURCES,
    facts,
    is_preference,
    measured_answers,
    measured_fact,
    suggest,
)
from .tokens import TOKENIZER_LABEL

__all__ = [
    "CONTEXT_LIMITS",
    "DEFAULT_CONTEXT_LIMIT",
    "DEFAULT_MAX_EXAMPLES",
    "TooManyExamples",
    "QUESTIONS",
    "SOURCES",
    "TOKENIZER_LABEL",
    "Unreadable",
    "check",
    "facts",
    "is_preference",
    "measured_answers",
    "measured_fact",
    "suggest",
]
