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
        )
    }
)
