"""The engine's user-facing texts, read from the gettext catalogues, and its sources.

A `Text` holds an English message (the catalogue's msgid) and, for a message with placeholders,
their values; `get(lang)` looks the message up in that language's catalogue
(locales/<lang>/LC_MESSAGES/messages.po, the interface's own) and fills the placeholders, so a new
language is a translation. A message the catalogue lacks is shown in English, never an error.
`make extract-messages` finds every `Text("...")` and `Text.in_context("context", "...")`;
scripts/engine_texts_to_catalogue.py turns a `Text("English", "中文")` written the old way into
`Text("English")` plus its catalogue entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel.support import NullTranslations, Translations

# The languages every text is stored in (`to_dict`) and the verdict snapshot keeps.
LANGUAGES: tuple[str, ...] = ("en", "zh")
SOURCE_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"


@lru_cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang` (English is the msgids themselves, and stands in for a
    language that is not registered); a registered language without one is an error."""
    if lang == SOURCE_LANGUAGE or lang not in LANGUAGES:
        return NullTranslations()
    catalogue = Translations.load(str(LOCALES_DIR), [lang], domain="messages")
    if not isinstance(catalogue, Translations):
        raise RuntimeError(
            f"no compiled catalogue for {lang!r} in {LOCALES_DIR}; run `make translations`"
        )
    return catalogue


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


# The message of `Text.verbatim`: shown as is in every language (a code, a name, a number).
_VERBATIM = "{value}"


@dataclass(frozen=True, slots=True, init=False)
class Text:
    """One user-facing message, shown in any language that has a catalogue.

    `Text("Saves {share} of the bill.", share="12%")`: the placeholders use str.format's syntax;
    a value may itself be a `Text`, shown in the same language. A message without values is
    returned as the catalogue has it (braces and all): some callers fill it in later.
    `Text.join` joins texts with a message of two placeholders, `{items}` and `{item}`, so
    the way a list reads is a translation too.
    """

    msgid: str
    params: tuple[tuple[str, Any], ...]
    context: str | None
    # A join (`Text.join`): the texts, the message between two of them, the one before the last.
    parts: tuple[Text, ...] | None
    joiner: Text | None
    last: Text | None
    pair: Text | None
    capitalize: bool
    # A message with a plural (gettext's ngettext): the English plural and the count.
    plural_msgid: str | None
    count: int | None
    # The Chinese of a text still written the old way, `Text("English", "中文")`, kept only so a
    # tree with such pairs runs until scripts/engine_texts_to_catalogue.py converts them
    # (tests/unit/test_engine_texts.py fails while any is left).
    unconverted_zh: str | None

    def __init__(self, msgid: str, unconverted_zh: str | None = None, /, **params: Any) -> None:
        object.__setattr__(self, "msgid", msgid)
        object.__setattr__(self, "params", tuple(params.items()))
        object.__setattr__(self, "context", None)
        object.__setattr__(self, "parts", None)
        object.__setattr__(self, "joiner", None)
        object.__setattr__(self, "last", None)
        object.__setattr__(self, "pair", None)
        object.__setattr__(self, "capitalize", False)
        object.__setattr__(self, "plural_msgid", None)
        object.__setattr__(self, "count", None)
        object.__setattr__(self, "unconverted_zh", unconverted_zh)

    @classmethod
    def in_context(cls, context: str, msgid: str, /, **params: Any) -> Text:
        """A message that reads differently where it is used (gettext's msgctxt): "No" as an
        answer to one question is not "No" to another."""
        text = cls(msgid, **params)
        object.__setattr__(text, "context", context)
        return text

    @classmethod
    def plural(cls, msgid: str, plural_msgid: str, n: int, /, **params: Any) -> Text:
        """A message whose wording depends on a count, `n` (also its placeholder {n}): each
        language has its own plural forms (gettext's ngettext)."""
        text = cls(msgid, n=n, **params)
        object.__setattr__(text, "plural_msgid", plural_msgid)
        object.__setattr__(text, "count", n)
        return text

    @classmethod
    def verbatim(cls, value: str) -> Text:
        """The same string in every language (a code, a name)."""
        return cls(_VERBATIM, value=value)

    @classmethod
    def join(
        cls,
        parts: Iterable[Text],
        joiner: Text,
        last: Text | None = None,
        *,
        pair: Text | None = None,
        capitalize: bool = False,
    ) -> Text:
        """`parts` folded left with `joiner`, a message with the placeholders {items} and {item}
        ("{items}, {item}"), the last one with `last` if given ("{items}, and {item}"), and two
        alone with `pair` if given ("{items} and {item}"). With `capitalize`, the first letter
        upper-cased (nothing to do in a script without case)."""
        text = cls("")
        object.__setattr__(text, "parts", tuple(parts))
        object.__setattr__(text, "joiner", joiner)
        object.__setattr__(text, "last", last)
        object.__setattr__(text, "pair", pair)
        object.__setattr__(text, "capitalize", capitalize)
        return text

    def get(self, lang: str) -> str:
        if self.parts is not None:
            shown = self._joined(lang)
            return shown[:1].upper() + shown[1:] if self.capitalize else shown
        if self.unconverted_zh is not None:
            return self.unconverted_zh if lang == "zh" else self.msgid
        catalogue = translations(lang)
        if self.plural_msgid is not None and self.count is not None:
            shown = catalogue.ngettext(self.msgid, self.plural_msgid, self.count)
        elif self.context is None:
            shown = catalogue.gettext(self.msgid)
        else:
            shown = catalogue.pgettext(self.context, self.msgid)
        if not self.params:
            return shown
        return shown.format(
            **{k: v.get(lang) if isinstance(v, Text) else v for k, v in self.params}
        )

    def _joined(self, lang: str) -> str:
        assert self.parts is not None and self.joiner is not None
        if not self.parts:
            return ""
        shown = self.parts[0].get(lang)
        for i, part in enumerate(self.parts[1:], start=2):
            joiner = self.joiner
            if i == len(self.parts):
                if self.pair is not None and i == 2:
                    joiner = self.pair
                elif self.last is not None:
                    joiner = self.last
            shown = joiner.get(lang).format(items=shown, item=part.get(lang))
        return shown

    @property
    def en(self) -> str:
        return self.get("en")

    @property
    def zh(self) -> str:
        return self.get("zh")

    def to_dict(self) -> dict[str, str]:
        return {lang: self.get(lang) for lang in LANGUAGES}


# How texts are put together (`Text.join`): each a message, so a language joins them its own way.
SENTENCES = Text("{items} {item}")  # sentences into a paragraph
LIST = Text("{items}, {item}")  # names in a list
LIST_AND = Text.in_context("decision.text.LIST_AND", "{items} and {item}")  # ... and the last one
# Two texts side by side, in every language (the second brings its own space if it needs one).
CONCATENATED = Text.verbatim("{items}{item}")


@dataclass(frozen=True, slots=True)
class Source:
    """One public text a question or rule rests on, cited only for what it says."""

    id: str
    author: str
    title: str
    year: int
    url: str

    @property
    def citation(self) -> str:
        """How the source is named on the page: author, title, year."""
        return f"{self.author}, {self.title} ({self.year})"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "author": self.author,
            "title": self.title,
            "year": self.year,
            "url": self.url,
        }


NG_BATCH_294 = Source(
    "ng-batch-294",
    "Andrew Ng",
    "The Batch, issue 294",
    2025,
    "https://www.deeplearning.ai/the-batch/issue-294/",
)
KARMINSKI = Source(
    "karminski-when-to-fine-tune",
    "karminski-牙医",
    "什么时候应该微调，什么时候不应该微调？",
    2025,
    "https://github.com/karminski/one-small-step/blob/main/20250530-When-to-Use-Fine-Tuning-and-"
    "When-Not-To/When-to-Use-Fine-Tuning-and-When-Not-To.md",
)
ANYSCALE = Source(
    "anyscale-form-not-facts",
    "Waleed Kadous and Kourosh Hakhamaneshi (Anyscale)",
    "Fine tuning is for form, not facts",
    2023,
    "https://www.anyscale.com/blog/fine-tuning-is-for-form-not-facts",
)
OVADIA_2024 = Source(
    "ovadia-2024",
    "Ovadia et al.",
    "Fine-Tuning or Retrieval? Comparing Knowledge Injection in LLMs (EMNLP)",
    2024,
    "https://aclanthology.org/2024.emnlp-main.15/",
)
GEKHMAN_2024 = Source(
    "gekhman-2024",
    "Gekhman et al.",
    "Does Fine-Tuning LLMs on New Knowledge Encourage Hallucinations?",
    2024,
    "https://arxiv.org/abs/2405.05904",
)
LEWIS_2020 = Source(
    "lewis-2020-rag",
    "Lewis et al.",
    "Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks (NeurIPS)",
    2020,
    "https://arxiv.org/abs/2005.11401",
)
OPENAI_GUIDE = Source(
    "openai-fine-tuning-guide",
    "OpenAI",
    "Supervised fine-tuning guide",
    2025,
    "https://developers.openai.com/api/docs/guides/supervised-fine-tuning",
)
OPENAI_STRUCTURED_OUTPUTS = Source(
    "openai-structured-outputs",
    "OpenAI",
    "Structured Outputs guide",
    2024,
    "https://developers.openai.com/api/docs/guides/structured-outputs",
)
WILLARD_LOUF_2023 = Source(
    "willard-louf-2023",
    "Willard and Louf",
    "Efficient Guided Generation for Large Language Models",
    2023,
    "https://arxiv.org/abs/2307.09702",
)
OPENAI_DEPRECATIONS = Source(
    "openai-deprecations",
    "OpenAI",
    "Deprecations: update to OpenAI's self-serve fine-tuning",
    2026,
    "https://developers.openai.com/api/docs/deprecations#update-to-openais-self-serve-fine-tuning",
)
MISTRAL_FINE_TUNING = Source(
    "mistral-deprecated-features",
    "Mistral AI",
    "Deprecated features: Fine-tuning API (legacy)",
    2026,
    "https://docs.mistral.ai/resources/deprecated",
)
COHERE_FINE_TUNING = Source(
    "cohere-command-deprecations",
    "Cohere",
    "Announcing major Command deprecations",
    2025,
    "https://docs.cohere.com/changelog/2025-09-15-major-command-deprecations",
)
HU_2021_LORA = Source(
    "hu-2021-lora",
    "Hu et al.",
    "LoRA: Low-Rank Adaptation of Large Language Models",
    2021,
    "https://arxiv.org/abs/2106.09685",
)
WILSON_1927 = Source(
    "wilson-1927",
    "Edwin B. Wilson",
    "Probable Inference, the Law of Succession, and Statistical Inference (JASA)",
    1927,
    "https://doi.org/10.1080/01621459.1927.10502953",
)
OPENAI_DISTILLATION = Source(
    "openai-cookbook-distillation",
    "OpenAI Cookbook",
    "Leveraging model distillation to fine-tune a model",
    2024,
    "https://cookbook.openai.com/examples/leveraging_model_distillation_to_fine-tune_a_model",
)
RAFAILOV_2023_DPO = Source(
    "rafailov-2023-dpo",
    "Rafailov et al.",
    "Direct Preference Optimization: Your Language Model is Secretly a Reward Model (NeurIPS)",
    2023,
    "https://arxiv.org/abs/2305.18290",
)
DEEPSEEK_R1 = Source(
    "deepseek-r1-2025",
    "DeepSeek-AI",
    "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
    2025,
    "https://arxiv.org/abs/2501.12948",
)
OPENAI_RFT = Source(
    "openai-reinforcement-fine-tuning",
    "OpenAI",
    "Reinforcement fine-tuning guide",
    2025,
    "https://platform.openai.com/docs/guides/reinforcement-fine-tuning",
)
DEVLIN_2019_BERT = Source(
    "devlin-2019-bert",
    "Devlin et al.",
    "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding (NAACL)",
    2019,
    "https://arxiv.org/abs/1810.04805",
)
CHAN_2024_CAG = Source(
    "chan-2024-cag",
    "Chan et al.",
    "Don't Do RAG: When Cache-Augmented Generation is All You Need for Knowledge Tasks",
    2024,
    "https://arxiv.org/abs/2412.15605",
)
ANTHROPIC_CITATIONS = Source(
    "anthropic-citations",
    "Anthropic",
    "Citations (Claude API documentation)",
    2025,
    "https://platform.claude.com/docs/en/build-with-claude/citations",
)

A16Z_LLMFLATION = Source(
    "a16z-llmflation",
    "Guido Appenzeller (a16z)",
    "Welcome to LLMflation: LLM inference cost is going down fast",
    2024,
    "https://a16z.com/llmflation-llm-inference-cost/",
)

SOURCES: Mapping[str, Source] = MappingProxyType(
    {
        s.id: s
        for s in (
            NG_BATCH_294,
            KARMINSKI,
            ANYSCALE,
            OVADIA_2024,
            GEKHMAN_2024,
            LEWIS_2020,
            OPENAI_GUIDE,
            OPENAI_STRUCTURED_OUTPUTS,
            WILLARD_LOUF_2023,
            OPENAI_DEPRECATIONS,
            MISTRAL_FINE_TUNING,
            COHERE_FINE_TUNING,
            HU_2021_LORA,
            WILSON_1927,
            OPENAI_DISTILLATION,
            A16Z_LLMFLATION,
            RAFAILOV_2023_DPO,
            DEEPSEEK_R1,
            OPENAI_RFT,
            DEVLIN_2019_BERT,
            CHAN_2024_CAG,
            ANTHROPIC_CITATIONS,
        )
    }
)
