"""The plan from a real dataset check: files whose token counts are known by construction, run
through the check, then through the plan. Every expected figure is worked out here from the
file, by the cookbook's counting rule, not read back from the code."""

import random

from app.datasets import check
from app.training.plan import build_plan, localize
from tests.dataset_files import chat_of, jsonl
from tests.unit.decision_cases import answers


def checked(records: list[dict]) -> dict:
    return check([jsonl(records)])


EXTRACTION = answers(
    task_type="extraction",
    accuracy_target="high",
    baseline_accuracy=85,
    failure_mode="format",
    example_count="over_1k",
    latency_need="interactive",
)


def fix_first_en(plan: dict) -> list[str]:
    return localize(plan, "en")["data"]["fix_first"]


def test_fix_first_counts_the_examples_longer_than_the_plan_s_own_sequences() -> None:
    # 90 examples of 4,500 tokens and ten of 5,000, 5,500, ... 9,500. The 95th percentile (the
    # 95th of 100, nearest rank) is 7,000, so the plan packs 7,168-token sequences (28 x 256);
    # 7,500 to 9,500 are longer: 5 examples. All 100 are over the check's default 4,096-token
    # limit, which the plan used to quote as "longer than the context".
    rng = random.Random(1)
    totals = [4_500] * 90 + list(range(5_000, 10_000, 500))
    profile = checked([chat_of(rng, total) for total in totals])
    assert (profile["tokens"]["p95"], profile["tokens"]["max"]) == (7_000, 9_500)
    assert profile["over_context"] == 100
    plan = build_plan(EXTRACTION, {"recommendation": "fine_tune"}, profile)
    assert plan["tokens"]["seq_len"] == 7_168
    said = fix_first_en(plan)
    assert [t for t in said if "longer than" in t] == [
        "5 examples are longer than the 7,168-token sequences the plan trains at (the longest "
        "has 9,500 tokens): the scripts would cut off their ends, where the answers are, or drop "
        "them. Shorten or split them, or raise the sequence length to keep them whole, at the "
        "memory the estimate gives for that length."
    ]
    zh = localize(plan, "zh")["data"]["fix_first"]
    assert [t for t in zh if "7,168" in t] == [
        "有 5 个样本长于计划训练所用的 7,168 token 序列（最长的有 9,500 个 token）：训练脚本会截掉"
        "它们的结尾（也就是回答所在的部分），或者直接丢弃它们。请缩短或拆分这些样本，或者提高序列"
        "长度让它们保持完整，代价是估算给出的该长度下的显存。"
    ]


def test_a_candidate_that_reads_fewer_tokens_than_the_sequences_says_how_many_it_cuts() -> None:
    # 50 examples of 300 tokens, 45 of 600 and 5 of 1,000: the 95th percentile is 600, so the
    # encoders' sequences are 768 tokens (ModernBERT-large and BGE-M3 read 8,192), and 5
    # examples are longer. XLM-RoBERTa large reads 512: the 50 of 600 and 1,000 are longer.
    rng = random.Random(2)
    totals = [300] * 50 + [600] * 45 + [1_000] * 5
    profile = checked([chat_of(rng, total, answer=1) for total in totals])
    plan = build_plan(
        answers(task_type="classification", example_count="100_to_1k"),
        {"recommendation": "fine_tune", "method": "encoder_classifier"},
        profile,
    )
    assert plan["tokens"]["seq_len"] == 768
    assert "xlm-roberta-large" in [c["key"] for c in plan["candidates"][1:]]
    assert [t for t in fix_first_en(plan) if "longer than" in t] == [
        "5 examples are longer than the 768-token sequences the plan trains at (the longest has "
        "1,000 tokens): the scripts would cut off their ends, where the answers are, or drop "
        "them. Shorten or split them, or raise the sequence length to keep them whole, at the "
        "memory the estimate gives for that length.",
        "50 examples are longer than the 512 tokens XLM-RoBERTa large reads: trained or served "
        "on XLM-RoBERTa large, they are cut off there.",
    ]


def test_a_check_made_before_it_counted_lengths_says_at_most_1_in_20() -> None:
    # A profile stored before longer_than existed: the plan cannot count, and says the bound
    # its sequence length gives (it covers the 95th percentile).
    rng = random.Random(1)
    totals = [4_500] * 90 + list(range(5_000, 10_000, 500))
    profile = checked([chat_of(rng, total) for total in totals])
    del profile["tokens"]["longer_than"]
    plan = build_plan(EXTRACTION, {"recommendation": "fine_tune"}, profile)
    assert [t for t in fix_first_en(plan) if "longer than" in t] == [
        "Up to 1 example in 20 is longer than the 7,168-token sequences (the longest has 9,500 "
        "tokens): the scripts would cut off its end, where the answer is, or drop it. Shorten "
        "or split those examples, or raise the sequence length to keep them whole, at the "
        "memory the estimate gives for that length."
    ]
