"""Bilingual text and the sources the product's beliefs rest on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("en", "zh")


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of user-facing text in English and Simplified Chinese."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True, slots=True)
class Source:
    """A public text a question or rule is based on; `title` is the citation as shown."""

    id: str
    title: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "url": self.url}


NG_BATCH_294 = Source(
    "ng-batch-294",
    "Andrew Ng, The Batch #294",
    "https://www.deeplearning.ai/the-batch/issue-294/",
)
# The article carries no link of its own; it names the practical guide it is based on.
KARMINSKI = Source(
    "karminski-when-to-fine-tune",
    "karminski, When to fine-tune",
    "https://www.reddit.com/r/LocalLLaMA/comments/1kyeo4z/"
    "when_to_finetune_llms_and_when_not_to_a_practical/",
)
ANYSCALE = Source(
    "anyscale-form-not-facts",
    'Anyscale blog, "Fine-tuning is for form, not facts"',
    "https://www.anyscale.com/blog/fine-tuning-is-for-form-not-facts",
)
OVADIA_2024 = Source(
    "ovadia-2024",
    'Ovadia et al., EMNLP 2024, "Fine-Tuning or Retrieval? Comparing Knowledge Injection in LLMs"',
    "https://aclanthology.org/2024.emnlp-main.15/",
)
OPENAI_GUIDE = Source(
    "openai-fine-tuning-guide",
    "OpenAI, Fine-tuning guide",
    "https://platform.openai.com/docs/guides/fine-tuning",
)

SOURCES: Mapping[str, Source] = MappingProxyType(
    {s.id: s for s in (NG_BATCH_294, KARMINSKI, ANYSCALE, OVADIA_2024, OPENAI_GUIDE)}
)
