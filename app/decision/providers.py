"""Where fine-tuning can still be done: a dated table of providers, as data.

Each row says which methods a provider offers, whether a team that has never used it can start
now (and from/until when), whether the trained weights can be downloaded, where that is written
and on which day it was checked. Rows whose facts could not be confirmed against a page here
say so (`verified=False`). The verdict's lock-in rule and its next steps are worded from this
table (closing_summary(), open_services()), so no second copy of these facts exists anywhere.

A fact checked more than STALE_AFTER_DAYS ago shows as stale on the providers page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .text import Text

STALE_AFTER_DAYS = 90
TABLE_DATE = date(2026, 12, 6)

Method = Literal["sft", "lora", "preference", "rl"]
Kind = Literal["hosted_closed", "hosted_open", "self_hosted"]
Weights = Literal["yes", "some", "no"]
METHOD_LABELS: dict[str, Text] = {
    "sft": Text("Supervised (SFT)"),
    "lora": Text("LoRA"),
    "preference": Text("Preference (DPO)"),
    "rl": Text("Reinforcement (RL)"),
}
KIND_LABELS: dict[str, Text] = {
    "hosted_closed": Text("Hosted, closed models"),
    "hosted_open": Text("Hosted, open-weight models"),
    "self_hosted": Text("Self-hosted stack"),
}


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name: str
    kind: Kind
    methods: tuple[Method, ...]
    # Can a team that has never fine-tuned here start now?
    new_customers: bool
    status: Text  # the dated facts, in a sentence
    weights: Weights
    source: str
    checked_on: date
    verified: bool  # confirmed against the source (or a report quoting it) on checked_on
    # The short form the lock-in rule quotes, for providers that closed or are closing.
    closing: Text | None = None
    available_from: date | None = None
    new_jobs_until: date | None = None  # for anyone, including existing customers
    # Training runs only from a loop the team writes (no managed job from a dataset): not for a
    # team that has never trained a model.
    code_required: bool = False

    def stale(self, today: date) -> bool:
        return today - self.checked_on > timedelta(days=STALE_AFTER_DAYS)

    def takes_new_jobs(self, on: date) -> bool:
        """A team new to this provider could start a job on this day."""
        if not self.new_customers:
            return False
        return self.new_jobs_until is None or on < self.new_jobs_until

    def to_dict(self, lang: str, today: date) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "methods": list(self.methods),
            "new_customers": self.new_customers,
            "available_from": self.available_from.isoformat() if self.available_from else None,
            "new_jobs_until": self.new_jobs_until.isoformat() if self.new_jobs_until else None,
            "weights_downloadable": self.weights,
            "status": self.status.get(lang),
            "source": self.source,
            "checked_on": self.checked_on.isoformat(),
            "verified": self.verified,
            "stale": self.stale(today),
        }


_TODAY = TABLE_DATE
PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "openai",
        "OpenAI fine-tuning API",
        "hosted_closed",
        ("sft", "preference", "rl"),
        False,
        Text(
            "Organisations that never fine-tuned can't create jobs since 2026-05-07; from "
            "2026-07-02 neither can those with no fine-tuned inference in 60 days; no new jobs "
            "for anyone from 2027-01-06. Existing fine-tunes run until their base model retires."
        ),
        "no",
        "https://developers.openai.com/api/docs/deprecations#update-to-openais-self-serve-fine-tuning",
        _TODAY,
        True,
        closing=Text(
            "OpenAI takes no new organisations since 2026-05-07 and no new jobs from 2027-01-06"
        ),
        new_jobs_until=date(2027, 1, 6),
    ),
    Provider(
        "azure-openai",
        "Azure OpenAI fine-tuning",
        "hosted_closed",
        ("sft", "preference", "rl"),
        False,
        Text(
            "Microsoft's retirement schedule lists training on gpt-4.1, 4.1-mini and 4.1-nano "
            "(2025-04-14) as retiring no earlier than 2027-04-14, for existing customers only; "
            "for anyone else training retires with the base model (2026-10-14). Fine-tuned "
            "deployments run until 2027-10-14. (gpt-4o and 4o-mini: 2027-04-01.)"
        ),
        "no",
        # The stored copy read: Microsoft's own source of the page (ms.date 2026-07-07).
        "https://github.com/MicrosoftDocs/azure-ai-docs/blob/main/articles/foundry/openai/includes/concepts-model-retirement-schedule-content.md",
        _TODAY,
        True,
        closing=Text("Azure OpenAI keeps it for existing customers only, until 2027-04-14"),
        new_jobs_until=date(2027, 4, 14),
    ),
    Provider(
        "mistral",
        "Mistral fine-tuning API",
        "hosted_closed",
        ("sft", "lora"),
        False,
        Text("The fine-tuning API is listed under deprecated features (legacy). Not re-read here."),
        "no",
        "https://docs.mistral.ai/resources/deprecated",
        _TODAY,
        False,
        closing=Text("Mistral deprecated its fine-tuning API"),
    ),
    Provider(
        "cohere",
        "Cohere fine-tuning",
        "hosted_closed",
        ("sft",),
        False,
        Text("Fine-tuning ended on 2025-09-15 with the Command deprecations. Not re-read here."),
        "no",
        "https://docs.cohere.com/changelog/2025-09-15-major-command-deprecations",
        _TODAY,
        False,
        closing=Text("Cohere ended fine-tuning on 2025-09-15"),
        new_jobs_until=date(2025, 9, 15),
    ),
    Provider(
        "anthropic-bedrock",
        "Anthropic (Claude 3 Haiku on Amazon Bedrock)",
        "hosted_closed",
        ("sft",),
        False,
        Text(
            "Anthropic's only fine-tuning path was Claude 3 Haiku on Bedrock. AWS's model card: "
            "Claude 3 Haiku reached end of life on 2026-09-10 in most Regions (requests return "
            "ResourceNotFoundException); it remains only in ca-central-1, eu-central-2 and "
            "sa-east-1, and in Legacy in ap-northeast-2."
        ),
        "no",
        # Read in the stored copy of AWS's zh_tw translation of this page, 2026-12-06.
        "https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-3-haiku.html",
        _TODAY,
        True,
        closing=Text("Anthropic's Claude 3 Haiku tuning on Bedrock ended on 2026-09-10"),
        new_jobs_until=date(2026, 9, 10),
    ),
    Provider(
        "gemini-api",
        "Gemini API / AI Studio tuning",
        "hosted_closed",
        (),
        False,
        Text(
            "No model supports tuning in the Gemini API or AI Studio since Gemini 1.5 Flash-001 "
            "was deprecated in May 2025; Google points to Vertex AI."
        ),
        "no",
        "https://ai.google.dev/gemini-api/docs/model-tuning",
        _TODAY,
        True,
        closing=Text("the Gemini API has had no tuning since May 2025"),
    ),
    Provider(
        "fireworks",
        # Only the managed SFT and DPO jobs closed: Fireworks still trains through its Training API.
        "Fireworks AI managed SFT and DPO",
        "hosted_open",
        ("sft", "lora", "preference"),
        False,
        Text(
            "Fireworks' page: managed SFT and DPO no longer accept new jobs; models and LoRA "
            "adapters from managed jobs stay deployable. Training moves to its Training API "
            "(cookbook SFT/DPO recipes run on your own copy of the data)."
        ),
        "yes",
        "https://docs.fireworks.ai/fine-tuning/migrate-from-managed-training",
        _TODAY,
        True,
        closing=Text("Fireworks' managed SFT/DPO takes no new jobs"),
    ),
    Provider(
        "databricks",
        "Databricks Foundation Model Fine-tuning",
        "hosted_open",
        ("sft",),
        False,
        Text(
            "Foundation Model Fine-tuning was deprecated and removed on 2026-08-14: new "
            "installations of the databricks_genai package and the fine-tuning UI are blocked; "
            "existing runs keep working and can be retrained. Databricks points to AI Runtime "
            "(serverless GPUs). Read on Azure Databricks' copy of the page; the stored "
            "docs.databricks.com copy predates the notice."
        ),
        "yes",
        "https://learn.microsoft.com/en-us/azure/databricks/large-language-models/foundation-model-training/fine-tune-run-tutorial",
        _TODAY,
        True,
        closing=Text("Databricks removed fine-tuning on 2026-08-14"),
        new_jobs_until=date(2026, 8, 14),
    ),
    Provider(
        "vertex-ai",
        "Google Vertex AI tuning",
        "hosted_open",
        ("sft", "lora", "preference", "rl"),
        True,
        Text(
            "Gemini models: supervised, preference and reinforcement tuning (weights stay with "
            "Google). Open models from Model Garden can be tuned with LoRA and their weights "
            "exported."
        ),
        "some",
        "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning",
        _TODAY,
        True,
    ),
    Provider(
        "bedrock",
        "Amazon Bedrock custom models",
        "hosted_open",
        ("sft",),
        True,
        Text(
            "Fine-tuning of some models (Amazon Nova, some Llama models). Whether weights can be "
            "taken out depends on the model; not confirmed here against AWS's page."
        ),
        "some",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/custom-models.html",
        _TODAY,
        False,
    ),
    Provider(
        "together",
        "Together AI fine-tuning",
        "hosted_open",
        ("sft", "lora", "preference"),
        True,
        Text(
            "LoRA (the default) or full fine-tuning, supervised and preference (DPO), on open "
            "models; the resulting checkpoint can be downloaded."
        ),
        "yes",
        "https://docs.together.ai/docs/fine-tuning/overview",
        _TODAY,
        True,
    ),
    Provider(
        "tinker",
        "Thinking Machines Tinker",
        "hosted_open",
        ("sft", "lora", "preference", "rl"),
        True,
        Text(
            "A training API: you write the loop, it runs LoRA training (SFT, RL, DPO, "
            "distillation) of open models on its GPUs; checkpoints can be downloaded."
        ),
        "yes",
        "https://tinker-docs.thinkingmachines.ai/",
        _TODAY,
        True,
        code_required=True,
    ),
    Provider(
        "unsloth",
        "Unsloth (self-hosted)",
        "self_hosted",
        ("sft", "lora", "preference", "rl"),
        True,
        Text(
            "Open-source library: LoRA and QLoRA with its own kernels, SFT, DPO and GRPO through "
            "TRL, on your GPUs or rented ones."
        ),
        "yes",
        "https://unsloth.ai/docs",
        _TODAY,
        True,
    ),
    Provider(
        "axolotl",
        "Axolotl (self-hosted)",
        "self_hosted",
        ("sft", "lora", "preference", "rl"),
        True,
        Text(
            "Open-source, one YAML file per run: full, LoRA and QLoRA fine-tuning, DPO/ORPO/KTO "
            "and GRPO, multi-GPU with DeepSpeed or FSDP."
        ),
        "yes",
        "https://docs.axolotl.ai/docs/config-reference.html",
        _TODAY,
        True,
    ),
    Provider(
        "trl",
        "Hugging Face TRL (self-hosted)",
        "self_hosted",
        ("sft", "lora", "preference", "rl"),
        True,
        Text("Open-source trainers: SFTTrainer, DPOTrainer, GRPOTrainer, with PEFT for LoRA."),
        "yes",
        "https://huggingface.co/docs/trl/sft_trainer",
        _TODAY,
        True,
    ),
    Provider(
        "llama-factory",
        "LLaMA-Factory (self-hosted)",
        "self_hosted",
        ("sft", "lora", "preference", "rl"),
        True,
        Text(
            "Open-source, with a web UI: SFT, LoRA/QLoRA, DPO/KTO/ORPO and PPO on 100+ open models."
        ),
        "yes",
        "https://github.com/hiyouga/LLaMA-Factory",
        _TODAY,
        True,
    ),
)
PROVIDERS_BY_KEY = {p.key: p for p in PROVIDERS}


def closing() -> tuple[Provider, ...]:
    """Providers a new team can no longer start with, in the table's order."""
    return tuple(p for p in PROVIDERS if not p.new_customers and p.closing is not None)


def open_services(managed_only: bool = False) -> tuple[Provider, ...]:
    """Hosted services a new team can start with today whose trained weights can be taken out,
    as confirmed at their own pages: the verdict says "lets you download the weights" of each.
    `managed_only`: only those that run a job from a dataset, for a team with no ML experience."""
    return tuple(
        p
        for p in PROVIDERS
        if p.kind == "hosted_open"
        and p.new_customers
        and p.weights != "no"
        and p.verified
        and not (managed_only and p.code_required)
    )


def self_hosted() -> tuple[Provider, ...]:
    return tuple(p for p in PROVIDERS if p.kind == "self_hosted")


# A list as a sentence says it: "A and B", "A, B, and C"; "A; B; and C" for clauses.
_AND = Text.in_context("decision.providers._AND", "{items} and {item}")
_LIST = (Text("{items}, {item}"), Text("{items}, and {item}"))
_CLAUSES = (
    Text("{items}; {item}"),
    Text("{items}; and {item}"),
)
_CLAUSES_AND = Text.in_context("decision.providers._CLAUSES_AND", "{items} and {item}")


def closing_summary() -> Text:
    """ "OpenAI takes no new organisations since ..., Mistral deprecated ..." from the table."""
    rows = closing()
    return Text.join([p.closing for p in rows if p.closing], *_CLAUSES, pair=_CLAUSES_AND)


def short_name(provider: Provider) -> str:
    """ "Together AI fine-tuning" -> "Together AI": the name a sentence uses."""
    return SHORT_NAMES.get(provider.key, provider.name.split(" (")[0])


SHORT_NAMES = {
    "openai": "OpenAI",
    "azure-openai": "Azure OpenAI",
    "mistral": "Mistral",
    "cohere": "Cohere",
    "anthropic-bedrock": "Anthropic",
    "gemini-api": "Gemini API",
    "fireworks": "Fireworks",
    "databricks": "Databricks",
    "vertex-ai": "Vertex AI",
    "bedrock": "Amazon Bedrock",
    "together": "Together AI",
    "tinker": "Tinker",
}


# A row that covers only part of a provider's fine-tuning is named by that part in a sentence,
# so "no longer take new teams" is never said of the whole provider.
PART_NAMES = {
    "fireworks": Text("Fireworks' managed SFT and DPO"),
}


def _names(rows: tuple[Provider, ...]) -> Text:
    return Text.join(
        [PART_NAMES.get(p.key) or Text.verbatim(short_name(p)) for p in rows], *_LIST, pair=_AND
    )


def open_service_names(managed_only: bool = False) -> Text:
    return _names(open_services(managed_only))


def self_hosted_names() -> Text:
    return _names(self_hosted())


def closing_names() -> Text:
    return _names(closing())


def hosted_counts() -> tuple[int, int]:
    """(hosted services closed to new teams, hosted services in the table)."""
    hosted = [p for p in PROVIDERS if p.kind != "self_hosted"]
    return sum(1 for p in hosted if not p.new_customers), len(hosted)
