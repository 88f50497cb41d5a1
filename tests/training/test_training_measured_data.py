"""The plan from a real dataset check: files whose token counts are known by construction, run
through the check, then through the plan. Every expected figure is worked out here from the
file, by the cookbook's counting rule, not read back from the code."""

import random

import pytest
import yaml

from app.datasets import check
from app.training.plan import build_plan, localize
from tests.dataset_files import chat, chat_of, jsonl, tokens_of
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
        "有 5 个示例长于计划训练所用的 7,168 token 序列（最长的有 9,500 个 token）：训练脚本会截掉"
        "它们的结尾（也就是回答所在的部分），或者直接丢弃它们。请缩短或拆分这些示例，或者提高序列"
        "长度让它们保持完整，代价是估算给出的该长度下的显存。"
    ]


@pytest.mark.parametrize("method", ["lora_sft", "distillation"])
def test_supervised_runs_are_costed_on_the_training_split_alone(method) -> None:
    # The same 100 examples: 90 x 4,500 + 5,000 + 5,500 + ... + 9,500 = 477,500 tokens. 85%
    # against 95% needs 141 eval cases; the eval set takes at most half, 50, and a tenth of the
    # other 50 is under 50: no validation set, 50 examples to train on, 238,750 tokens at the
    # average example. 3 epochs (OpenAI's default for 100), rank 8, 7,168-token sequences.
    from app.training.estimator import Workload, estimate
    from app.training.gpus import GPUS
    from app.training.models import MODELS_BY_KEY

    rng = random.Random(1)
    totals = [4_500] * 90 + list(range(5_000, 10_000, 500))
    assert sum(totals) == 477_500
    profile = checked([chat_of(rng, total) for total in totals])
    plan = build_plan(EXTRACTION, {"recommendation": "fine_tune", "method": method}, profile)
    assert (plan["data"]["eval_cases"], plan["data"]["train_examples"]) == (50, 50)
    for candidate in plan["candidates"]:
        model = MODELS_BY_KEY[candidate["key"]]
        for row in candidate["compute"]:
            if not row["fits"]:
                # No hours or cost where the run does not fit.
                assert (row["hours"], row["cost_usd"]) == (None, None)
                continue
            run = estimate(
                Workload(
                    model.params_b,
                    row["method"],
                    GPUS[row["gpu"]],
                    seq_len=7_168,
                    micro_batch=row["micro_batch"],
                    grad_accum=row["grad_accum"],
                    tokens=238_750,
                    epochs=3,
                    lora_rank=8,
                    architecture=model.architecture,
                )
            )
            assert row["hours"]["expected"] == round(run.hours.expected, 3), candidate["key"]
    said = localize(plan, "en")["candidates"][0]["compute"][1]["assumptions"][0]
    assert said == (
        "Training on the training split's tokens (50 examples; the held-out cases are not "
        "trained on), 3 epochs, packed into sequences of 7,168 tokens."
    )


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


# --- Preference pairs: DPO's two sequences a pair, each the prompt and one answer -------------


# A TRL pair {"prompt", "chosen", "rejected"} of p, c and r tokens counts, as the cookbook does,
# the prompt as a user turn (p + 4) with the reply's priming (3): P = p + 7; each answer as a
# message, C = c + 4 and R = r + 4. The check's total is P + C + R, its trained C + R.
def pair(rng: random.Random, prompt: int, chosen: int, rejected: int) -> dict:
    return {
        "prompt": tokens_of(rng, prompt),
        "chosen": tokens_of(rng, chosen),
        "rejected": tokens_of(rng, rejected),
    }


def preference_file() -> list[dict]:
    """200 pairs, prompts of 100 tokens (P = 107): 100 with answers of 200 and 100 tokens
    (C = 204, R = 104), 95 of 100 and 300 (104, 304), 5 of 100 and 600 (104, 604)."""
    rng = random.Random(3)
    return (
        [pair(rng, 100, 200, 100) for _ in range(100)]
        + [pair(rng, 100, 100, 300) for _ in range(95)]
        + [pair(rng, 100, 100, 600) for _ in range(5)]
    )


# By hand from preference_file:
#   the check's total, P + C + R: 415 x 100 + 515 x 95 + 815 x 5 = 94,500
#   its trained, C + R: 308 x 100 + 408 x 95 + 708 x 5 = 73,100
#   the supervised stage, P + C: 311 x 100 + 211 x 95 + 211 x 5 = 52,200
#   DPO, 2P + C + R: 522 x 100 + 622 x 95 + 922 x 5 = 115,900 (the plan had 2 x 94,500)
#   each pair's longer sequence, P + max(C, R): 311 (100 pairs), 411 (95), 711 (5); its 95th
#   percentile (the 190th of 200) is 411, so the sequences are 512 tokens, and 5 pairs are
#   longer. The whole pairs' 95th percentile, 515, gave 768-token sequences.
# The run trains on the training split alone: 85% against a 95% target needs 141 eval cases,
# the eval set takes at most half of the 200 pairs, 100, and a tenth of the other 100 is under
# 50, so there is no validation set: it trains on 100 pairs, half of every sum above.
PAIR_TOTAL, PAIR_TRAINED, SFT_TOKENS, DPO_TOKENS = 94_500, 73_100, 52_200, 115_900
TRAIN_PAIRS = 100


def dpo_plan() -> dict:
    profile = checked(preference_file())
    assert (profile["tokens"]["total"], profile["tokens"]["trained"]) == (PAIR_TOTAL, PAIR_TRAINED)
    style = answers(
        task_type="style",
        accuracy_target="high",
        baseline_accuracy=85,
        failure_mode="format",
        example_count="100_to_1k",
        verifiable_outputs="no",
    )
    return build_plan(
        style, {"recommendation": "fine_tune", "method": "preference_tuning"}, profile
    )


def test_the_check_counts_each_pair_s_rejected_answer_and_longer_sequence() -> None:
    profile = checked(preference_file())
    assert profile["pairs"] == {
        "count": 200,
        "identical": 0,
        "rejected_tokens": 104 * 100 + 304 * 95 + 604 * 5,  # 42,300
        "sequences": {
            "p95": 411,
            "max": 711,
            "longer_than": [{"tokens": 512, "count": 5}],
        },
    }


def test_dpo_trains_each_pair_as_two_sequences_of_the_prompt_and_one_answer() -> None:
    from app.training.estimator import Workload, estimate
    from app.training.gpus import GPUS
    from app.training.models import MODELS_BY_KEY

    plan = dpo_plan()
    assert (plan["tokens"]["p95"], plan["tokens"]["seq_len"]) == (411, 512)
    assert (plan["data"]["eval_cases"], plan["data"]["train_examples"]) == (100, TRAIN_PAIRS)
    settings = {(s["key"], s.get("stage")): s for s in plan["settings"]}
    assert settings[("sequence_len", None)]["value"] == 512
    for candidate in plan["candidates"]:
        model = MODELS_BY_KEY[candidate["key"]]
        for row in candidate["compute"]:

            def run(tokens, sequences, epochs, reference, model=model, row=row):
                return estimate(
                    Workload(
                        model.params_b,
                        row["method"],
                        GPUS[row["gpu"]],
                        seq_len=512,
                        micro_batch=row["micro_batch"] * sequences,
                        grad_accum=row["grad_accum"],
                        tokens=tokens,
                        epochs=epochs,
                        lora_rank=8,  # 200 examples: under 1,000
                        architecture=model.architecture,
                        reference_forward=reference,
                    )
                )

            # One supervised epoch on the prompts and chosen answers, one DPO epoch on both
            # sequences of each pair with the reference forward pass.
            sft = run(SFT_TOKENS * TRAIN_PAIRS // 200, 1, 1, False)  # 26,100
            dpo = run(DPO_TOKENS * TRAIN_PAIRS // 200, 2, 1, True)  # 57,950
            if not row["fits"]:
                # No hours or cost where the run does not fit.
                assert (row["hours"], row["cost_usd"]) == (None, None)
                continue
            expected = sft.hours.expected + dpo.hours.expected
            assert row["hours"]["expected"] == round(expected, 3), (candidate["key"], row["gpu"])


def test_dpo_runs_one_epoch_as_trl_s_dpo_script_runs_its_lora_example() -> None:
    plan = localize(dpo_plan(), "en")
    epochs = {s.get("stage"): s for s in plan["settings"] if s["key"] == "num_epochs"}
    assert (epochs["sft"]["value"], epochs[None]["value"]) == (1, 1)
    assert epochs[None]["source"] == {
        "title": "TRL, trl/scripts/dpo.py: the LoRA example (learning_rate 5.0e-6, "
        "num_train_epochs 1)",
        "url": "https://github.com/huggingface/trl/blob/f2cd57710ae345ea6428ae95363267fcf38a3dc8"
        "/trl/scripts/dpo.py",
    }
    assert "num_train_epochs=1," in plan["configs"]["trl"]["text"].split("DPOConfig(")[1]
    assert yaml.safe_load(plan["configs"]["axolotl"]["text"])["num_epochs"] == 1


def test_fix_first_counts_the_pairs_whose_sequence_the_plan_cuts() -> None:
    said = [t for t in fix_first_en(dpo_plan()) if "longer than" in t]
    assert said == [
        "5 pairs have a prompt and answer longer than the 512-token sequences the plan trains "
        "at (the longest has 711 tokens): the scripts would cut off the ends of those answers, "
        "or drop the pairs. Shorten them, or raise the sequence length to keep them whole, at "
        "the memory the estimate gives for that length."
    ]


# --- Text in a script other than Latin and CJK: models trained for many languages --------------

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюя"


def words_in(rng: random.Random, alphabet: str, low: int, high: int) -> str:
    return " ".join(
        "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7)))
        for _ in range(rng.randint(low, high))
    )


@pytest.mark.parametrize(
    ("alphabet", "script"), [(ARABIC, "Arabic"), (CYRILLIC, "Cyrillic")], ids=["ar", "ru"]
)
def test_text_in_another_script_is_offered_models_trained_for_many_languages(
    alphabet, script
) -> None:
    # The table's languages: Qwen3 119, Qwen3.5 201, Gemma 3 over 140, XLM-RoBERTa 100 and
    # BGE-M3 100+; ModernBERT-large reads English, Llama 3.1 8 languages, none in these scripts.
    # A ticket router and an extractor, both on 300 inputs in the script: the English encoder
    # led the one, Llama 3.1 8B closed the other.
    rng = random.Random(7)
    labels = ["billing", "refund", "shipping", "account"]
    tickets = checked(
        [chat(words_in(rng, alphabet, 20, 60), rng.choice(labels), None) for _ in range(300)]
    )
    assert tickets["edge_cases"]["main_script"] == script.lower()
    router = localize(
        build_plan(
            answers(task_type="classification", example_count="over_1k"),
            {"recommendation": "fine_tune", "method": "encoder_classifier"},
            tickets,
        ),
        "en",
    )
    keys = {c["key"] for c in router["candidates"]}
    assert keys == {"xlm-roberta-large", "bge-m3"}
    languages = {"xlm-roberta-large": "100 languages", "bge-m3": "100+ languages"}
    for candidate in router["candidates"]:
        assert (
            f"Trained for many languages ({languages[candidate['key']]}, Chinese included): your "
            f"examples are mostly in {script} script."
        ) in candidate["why"]
    documents = checked(
        [chat(words_in(rng, alphabet, 30, 80), words_in(rng, alphabet, 10, 30)) for _ in range(300)]
    )
    extractor = build_plan(
        answers(task_type="extraction", example_count="100_to_1k"),
        {"recommendation": "fine_tune"},
        documents,
    )
    assert [c["key"] for c in extractor["candidates"]] == ["qwen3.5-9b", "qwen3-8b", "gemma-3-12b"]
    gemma = localize(extractor, "zh")["candidates"][2]["why"]
    assert (
        gemma[1]
        == {
            "Arabic": "训练覆盖多种语言（140 多种语言）：你的示例大多是阿拉伯文字。",
            "Cyrillic": "训练覆盖多种语言（140 多种语言）：你的示例大多是西里尔文字。",
        }[script]
    )


def test_latin_text_keeps_the_english_encoder_and_llama() -> None:
    rng = random.Random(8)
    documents = checked([chat_of(rng, 300) for _ in range(300)])
    assert documents["edge_cases"]["main_script"] == "latin"
    extractor = build_plan(
        answers(task_type="extraction", example_count="100_to_1k"),
        {"recommendation": "fine_tune"},
        documents,
    )
    assert "llama-3.1-8b" in [c["key"] for c in extractor["candidates"]]
    router = build_plan(
        answers(task_type="classification", example_count="over_1k"),
        {"recommendation": "fine_tune", "method": "encoder_classifier"},
        documents,
    )
    assert router["candidates"][0]["key"] == "modernbert-large"
