"""The providers table: dated, sourced, the only copy of who still fine-tunes; the verdict's
lock-in rule and next steps are worded from it, and never send an api_ok team to a closed one."""

import re
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.decision import evaluate, providers
from app.decision.advice import NEXT_STEPS, RISKS
from app.decision.rules import RULES_BY_ID
from app.web.training_views import provider_rows
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT, answer_sets, examples

DECISION = Path(providers.__file__).parent


def test_at_least_twelve_rows_with_self_hosted_stacks() -> None:
    rows = providers.PROVIDERS
    assert len(rows) >= 12
    assert {p.key for p in providers.self_hosted()} == {
        "unsloth",
        "axolotl",
        "trl",
        "llama-factory",
    }
    for p in rows:
        assert p.source.startswith("https://")
        assert set(p.methods) <= {"sft", "lora", "preference", "rl"}
        assert p.weights in ("yes", "some", "no")
        assert p.checked_on <= providers.TABLE_DATE
        if not p.verified:
            assert "not " in p.status.en.lower() and "未" in p.status.zh  # the row says so


def test_the_dates_the_issue_names() -> None:
    by = providers.PROVIDERS_BY_KEY
    assert (
        by["openai"].new_jobs_until == date(2027, 1, 6) and "2026-05-07" in by["openai"].status.en
    )
    assert by["azure-openai"].new_jobs_until == date(2027, 4, 14)
    assert by["cohere"].new_jobs_until == date(2025, 9, 15)
    assert by["anthropic-bedrock"].new_jobs_until == date(2026, 9, 10)
    assert by["databricks"].new_jobs_until == date(2026, 8, 14)
    assert not any(
        by[k].new_customers
        for k in (
            "openai",
            "azure-openai",
            "mistral",
            "cohere",
            "gemini-api",
            "fireworks",
            "databricks",
        )
    )
    assert all(by[k].new_customers for k in ("vertex-ai", "bedrock", "together", "tinker"))


def test_facts_older_than_90_days_show_as_stale() -> None:
    checked = providers.TABLE_DATE
    assert not any(r["stale"] for r in provider_rows("en", checked + timedelta(days=90)))
    assert all(r["stale"] for r in provider_rows("en", checked + timedelta(days=91)))


def test_takes_new_jobs_follows_the_dates() -> None:
    openai = providers.PROVIDERS_BY_KEY["openai"]
    together = providers.PROVIDERS_BY_KEY["together"]
    assert not openai.takes_new_jobs(date(2026, 1, 1))  # not for a new team, even before the end
    assert together.takes_new_jobs(date(2030, 1, 1))


def test_the_lock_in_rule_is_worded_from_the_table() -> None:
    rule = RULES_BY_ID["hosted-fine-tuning-shrinking"]
    for p in providers.closing():
        assert p.closing.en in rule.reason.en and p.closing.zh in rule.reason.zh
    risk = next(a for a in RISKS if a.id == "risk-provider-lock-in")
    closed, hosted = providers.hosted_counts()
    assert f"{closed} of the {hosted} hosted" in risk.text.en
    assert providers.closing_names().en in risk.text.en


def test_fireworks_is_closed_only_for_its_managed_sft_and_dpo() -> None:
    """Fireworks' page closes managed SFT and DPO to new jobs and points to its Training API: the
    row, and every sentence worded from it, says so of those jobs, never of Fireworks."""
    row = providers.PROVIDERS_BY_KEY["fireworks"]
    assert row.name == "Fireworks AI managed SFT and DPO"
    assert row.closing.en == "Fireworks' managed SFT/DPO takes no new jobs"
    assert row.status.en.startswith(
        "Fireworks' page: managed SFT and DPO no longer accept new jobs;"
    )
    assert "Training API" in row.status.en and "Training API" in row.status.zh
    assert row.source == "https://docs.fireworks.ai/fine-tuning/migrate-from-managed-training"
    assert row.checked_on == date(2026, 12, 6)
    names = providers.closing_names()
    assert "Fireworks' managed SFT and DPO" in names.en
    assert "Fireworks 的托管 SFT 和 DPO" in names.zh
    assert "Fireworks," not in names.en and "Fireworks、" not in names.zh
    step = next(a for a in NEXT_STEPS if a.id == "ft-lora-api")
    assert "Fireworks' managed SFT and DPO, and Databricks no longer take new teams" in step.text.en


def test_no_second_copy_of_the_providers_facts() -> None:
    """Provider news lives in providers.py only: no other engine file names a closed provider's
    fate in prose (the sources they cite are in text.py, by title)."""
    pattern = re.compile(r"(restricted|deprecated|ended|removed)[^\"]{0,40}fine-tuning", re.I)
    for path in DECISION.glob("*.py"):
        if path.name in ("providers.py", "text.py"):
            continue
        for line in path.read_text().splitlines():
            assert not (
                pattern.search(line)
                and re.search(r"OpenAI|Mistral|Cohere|Databricks|Fireworks", line)
            ), (path.name, line)


OPEN_LIST = re.compile(r"lets you download the weights \(([^)]*)\)")


def named_services(text: str) -> list[str]:
    found = OPEN_LIST.search(text)
    if not found:
        return []
    return [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", found.group(1)) if n.strip()]


@settings(max_examples=examples(150), deadline=None)
@given(answer_sets(hosting=st.just("api_ok"), prompting_effort=st.just("extensive")))
def test_api_ok_teams_are_only_pointed_at_providers_taking_new_teams(answers) -> None:
    short = {providers.short_name(p): p for p in providers.PROVIDERS}
    for step in evaluate(answers).next_steps:
        for name in named_services(step.en):
            assert short[name].new_customers, name


def test_the_refund_bot_is_pointed_at_open_services() -> None:
    steps = [s.en for s in evaluate(CUSTOMER_SERVICE_BOT).next_steps]
    names = [n for s in steps for n in named_services(s)]
    assert names == [providers.short_name(p) for p in providers.open_services()]
    assert "OpenAI" not in names
    assert any(a.id == "ft-lora-api" for a in NEXT_STEPS)
    # "lets you download the weights" is said only of services confirmed to: Bedrock's export
    # was not found at AWS's page, so it is not named.
    rows = {providers.short_name(p): p for p in providers.PROVIDERS}
    assert all(rows[n].verified and rows[n].weights != "no" for n in names), names
    assert "Amazon Bedrock" not in names and "Vertex AI" in names


def test_a_team_that_never_trained_a_model_is_not_sent_to_write_a_training_loop() -> None:
    # Tinker runs training only from a loop the team writes (its row says so); a team with no
    # ML experience is pointed at the services that run a job from a dataset.
    tinker = next(p for p in providers.PROVIDERS if p.key == "tinker")
    assert tinker.code_required and "you write the loop" in tinker.status.en
    assert [p.key for p in providers.PROVIDERS if p.code_required] == ["tinker"]
    novices = evaluate({**CUSTOMER_SERVICE_BOT, "ml_capacity": "none"})
    assert novices.recommendation == "fine_tune"
    novice_names = [n for s in novices.next_steps for n in named_services(s.en)]
    assert novice_names == [
        providers.short_name(p) for p in providers.open_services() if p.key != "tinker"
    ]
    assert "Tinker" not in novice_names and novice_names
    experienced = [
        n for s in evaluate(CUSTOMER_SERVICE_BOT).next_steps for n in named_services(s.en)
    ]
    assert "Tinker" in experienced


def test_the_closing_rows_are_verified_at_the_providers_own_pages() -> None:
    """Azure, Anthropic-on-Bedrock, Fireworks and Databricks were read at the provider's own
    documentation (stored copies, 2026-12-06); Bedrock's weight export was not found there."""
    by = providers.PROVIDERS_BY_KEY
    own = {
        "azure-openai": "https://github.com/MicrosoftDocs/azure-ai-docs/",
        "anthropic-bedrock": "https://docs.aws.amazon.com/bedrock/",
        "fireworks": "https://docs.fireworks.ai/",
        "databricks": "https://learn.microsoft.com/en-us/azure/databricks/",
    }
    for key, prefix in own.items():
        row = by[key]
        assert row.verified and row.source.startswith(prefix), key
        assert row.checked_on == date(2026, 12, 6)
    assert "2027-04-14" in by["azure-openai"].status.en
    assert "2026-09-10" in by["anthropic-bedrock"].status.en
    assert "no longer accept new jobs" in by["fireworks"].status.en
    assert "2026-08-14" in by["databricks"].status.en
    assert not by["bedrock"].verified
