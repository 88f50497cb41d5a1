"""The generated Axolotl YAML and TRL scripts parse, carry the plan's numbers, and use only keys
their tools define (app/training/data/config_keys.json, taken from the tools' schemas)."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.training import configs
from app.training.plan import METHODS, batch_shape, build_plan, stop_and_ship
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT

KEYS = json.loads((Path(configs.__file__).parent / "data" / "config_keys.json").read_text())
PROFILE = {"valid": 800, "tokens": {"total": 400_000, "p95": 900, "trained": 100_000}}


def numbers(method: str, qlora: bool, **changes) -> dict:
    return {
        "method": method,
        "model": "Qwen/Qwen3-8B",
        "family": "qwen",
        "thinking": True,
        "seq_len": 1024,
        "lora_r": 16,
        "lora_alpha": 32,
        "learning_rate": 2e-4,
        "sft_learning_rate": 1e-4,
        "epochs": 2,
        "micro_batch": 2,
        "grad_accum": 8,
        # 2,400 examples: 285 eval cases, 211 for validation (a tenth of the 2,115 left), 1,904.
        "train_examples": 1904,
        "validation_cases": 211,
        "eval_cases": 285,
        "qlora": qlora,
    } | changes


CASES = [(m, q) for m in METHODS for q in (False, True)]


def calls(tree: ast.AST) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            found.setdefault(node.func.id, set()).update(k.arg for k in node.keywords if k.arg)
    return found


@pytest.mark.parametrize(("method", "qlora"), CASES)
def test_axolotl_yaml_parses_and_uses_real_keys(method, qlora) -> None:
    generated = configs.generate(numbers(method, qlora))["axolotl"]
    if method == "encoder_classifier":
        assert generated is None
        return
    config = yaml.safe_load(generated["text"])
    assert set(config) <= set(KEYS["axolotl"]["top_level"])
    for dataset in config["datasets"] + config["test_datasets"]:
        assert set(dataset) <= set(KEYS["axolotl"]["dataset"])
    assert set(config.get("trl", {})) <= set(KEYS["axolotl"]["trl"])
    assert config["sequence_len"] == 1024
    assert (config["lora_r"], config["lora_alpha"]) == (16, 32)
    assert config["learning_rate"] == 2e-4
    assert (config["micro_batch_size"], config["gradient_accumulation_steps"]) == (2, 8)
    assert config["num_epochs"] == 2
    assert config["adapter"] == ("qlora" if qlora else "lora")
    assert config["load_in_4bit"] is qlora
    assert "&id" not in generated["text"]  # no YAML anchors for people to untangle


@pytest.mark.parametrize(("method", "qlora"), CASES)
def test_trl_script_parses_and_uses_real_keys(method, qlora) -> None:
    text = configs.generate(numbers(method, qlora))["trl"]["text"]
    found = calls(ast.parse(text))
    allowed = KEYS["trl"]
    for name, keywords in found.items():
        if name.endswith("Config") and name in ("SFTConfig", "DPOConfig", "GRPOConfig"):
            assert keywords <= set(allowed[name]) | set(allowed["TrainingArguments"]), name
        elif name in allowed:
            assert keywords <= set(allowed[name]), name
    if method == "encoder_classifier":
        assert "TrainingArguments" in found and "Trainer" in found
        return
    config_call = next(n for n in ("SFTConfig", "DPOConfig", "GRPOConfig") if n in found)
    assert {"learning_rate", "num_train_epochs", "gradient_accumulation_steps"} <= found[
        config_call
    ]
    assert "r=16," in text and "lora_alpha=32," in text and "learning_rate=0.0002," in text
    assert ("BitsAndBytesConfig(" in text) is qlora


def test_every_plan_config_parses() -> None:
    for method in METHODS:
        plan = build_plan(
            CUSTOMER_SERVICE_BOT, {"recommendation": "fine_tune", "method": method}, PROFILE
        )
        ast.parse(plan["configs"]["trl"]["text"])
        if plan["configs"]["axolotl"]:
            assert yaml.safe_load(plan["configs"]["axolotl"]["text"])["sequence_len"] == 1024


def config_call(text: str, name: str) -> dict:
    """The literal keyword arguments of the script's call to `name`."""
    call = next(
        node
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    )
    found = {}
    for keyword in call.keywords:
        try:
            found[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            found[keyword.arg] = ast.unparse(keyword.value)
    return found


def trl_grpo_post_init(args: dict, num_processes: int) -> None:
    """TRL's GRPOConfig.__post_init__ batch checks (trl/trainer/grpo_config.py at f2cd577,
    TRL 1.10.0.dev0), replayed: TRL is not installed here. The eval batch is checked only where
    the run evaluates (`if self.do_eval and self.eval_strategy != "no"`; a run with a validation
    set says eval_strategy "steps"); per_device_eval_batch_size defaults to 8."""
    generations = args.get("num_generations", 8)
    steps_per_generation = args["gradient_accumulation_steps"]
    generation_batch_size = (
        args["per_device_train_batch_size"] * num_processes * steps_per_generation
    )
    evaluates = args.get("eval_strategy", "no") != "no"
    if evaluates and (args.get("per_device_eval_batch_size", 8) * num_processes) % generations:
        raise ValueError("The global eval batch size must be divisible by num_generations")
    if generation_batch_size % generations:
        raise ValueError(
            f"generation_batch_size ({generation_batch_size}) must be divisible by "
            f"num_generations ({generations})."
        )


def axolotl_grpo_checks(config: dict, num_processes: int) -> None:
    """Axolotl's check_grpo_batch_size_divisibility (src/axolotl/utils/schemas/validation.py at
    067b021, Axolotl 0.18.0), then the GRPOConfig it builds: per_device_eval_batch_size is
    eval_batch_size, which defaults to micro_batch_size (src/axolotl/utils/config/__init__.py);
    eval_strategy "no" without an eval dataset (core/builders/base.py,
    _configure_save_and_eval_strategy), else "steps" at eval_steps."""
    trl = config["trl"]
    if (config["micro_batch_size"] * config["gradient_accumulation_steps"]) % trl[
        "num_generations"
    ]:
        raise ValueError("GRPO: generation batch size must be divisible by num_generations")
    trl_grpo_post_init(
        {
            "num_generations": trl["num_generations"],
            "per_device_train_batch_size": config["micro_batch_size"],
            "gradient_accumulation_steps": config["gradient_accumulation_steps"],
            "per_device_eval_batch_size": config.get("eval_batch_size")
            or config["micro_batch_size"],
            "eval_strategy": "steps" if config.get("test_datasets") else "no",
        },
        num_processes,
    )


def test_the_grpo_batch_holds_whole_groups_of_generations_for_every_plan_shape() -> None:
    # 100-1k examples gave micro 2 x accum 2 = 4: TRL raised "generation_batch_size (4) must be
    # divisible by num_generations (8)" at startup, and Axolotl at config parse.
    shapes = {
        batch_shape(sequences, seq_len)
        for sequences in range(0, 2_000)
        for seq_len in (512, 2048, 2049, 8192)
    }
    assert (2, 2) in shapes and (1, 5) in shapes and (2, 16) in shapes
    for micro, accum in sorted(shapes):
        n = numbers("reinforcement_fine_tuning", False, micro_batch=micro, grad_accum=accum)
        files = configs.generate(n)
        config = yaml.safe_load(files["axolotl"]["text"])
        args = config_call(files["trl"]["text"], "GRPOConfig")
        assert args["per_device_train_batch_size"] == config["micro_batch_size"] == micro
        assert args["gradient_accumulation_steps"] == config["gradient_accumulation_steps"]
        assert accum <= args["gradient_accumulation_steps"] < accum + 8  # the smallest raise
        assert (micro * args["gradient_accumulation_steps"]) % 8 == 0
        for gpus in (1, 2, 4, 8):
            trl_grpo_post_init(args, gpus)
            axolotl_grpo_checks(config, gpus)
    n = numbers("reinforcement_fine_tuning", False, micro_batch=2, grad_accum=2)
    assert (
        yaml.safe_load(configs.generate(n)["axolotl"]["text"])["gradient_accumulation_steps"] == 4
    )
    # Other methods keep the plan's batch.
    n = numbers("lora_sft", False, micro_batch=2, grad_accum=2)
    assert (
        config_call(configs.generate(n)["trl"]["text"], "SFTConfig")["gradient_accumulation_steps"]
        == 2
    )


@pytest.mark.parametrize("valid", [60, 150, 800, 5_000, 100_000])
def test_every_grpo_plan_passes_trl_and_axolotl_batch_checks(valid) -> None:
    profile = {"valid": valid, "tokens": {"total": valid * 500, "p95": 900, "trained": valid * 200}}
    plan = build_plan(
        CUSTOMER_SERVICE_BOT,
        {"recommendation": "fine_tune", "method": "reinforcement_fine_tuning"},
        profile,
    )
    trl_grpo_post_init(config_call(plan["configs"]["trl"]["text"], "GRPOConfig"), 1)
    axolotl_grpo_checks(yaml.safe_load(plan["configs"]["axolotl"]["text"]), 1)


def rewards_module() -> dict:
    generated = configs.generate(numbers("reinforcement_fine_tuning", False))["rewards"]
    assert (generated["filename"], generated["language"]) == ("rewards.py", "python")
    namespace: dict = {}
    exec(compile(generated["text"], "rewards.py", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


def test_rft_gets_a_rewards_file_that_both_configs_use() -> None:
    rewards = rewards_module()
    files = configs.generate(numbers("reinforcement_fine_tuning", False))
    config = yaml.safe_load(files["axolotl"]["text"])
    # Axolotl imports "rewards" from the working directory and takes the last part as the name.
    used = config["trl"]["reward_funcs"] + [d["type"] for d in config["datasets"]]
    used += [d["type"] for d in config["test_datasets"]]
    assert all(name.startswith("rewards.") and callable(rewards[name[8:]]) for name in used)
    tree = ast.parse(files["trl"]["text"])
    imported = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "rewards"]
    assert [a.name for a in imported[0].names] == ["check_answer", "with_instruction"]
    assert all(callable(rewards[a.name]) for a in imported[0].names)
    assert "def check_answer" not in files["trl"]["text"]  # one checker, in rewards.py
    for method in METHODS:
        if method != "reinforcement_fine_tuning":
            assert configs.generate(numbers(method, False))["rewards"] is None


def test_to_prompt_is_an_axolotl_dataset_transform_that_asks_for_the_answer_line() -> None:
    rewards = rewards_module()
    # Axolotl's load (src/axolotl/prompt_strategies/base.py) calls it as to_prompt(cfg,
    # dataset_idx=i); utils/data/rl.py takes (function, map kwargs) and maps the rows with it.
    transform, map_kwargs = rewards["to_prompt"]({"datasets": []}, dataset_idx=0)
    assert map_kwargs == {"remove_columns": ["prompt"]}
    row = transform({"prompt": "What is 6 x 7?", "answer": "42"})
    assert row == {
        "prompt": [{"role": "user", "content": "What is 6 x 7?\n\n" + rewards["INSTRUCTION"]}]
    }
    assert "Answer: <your answer>" in rewards["INSTRUCTION"]
    chat = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 6 x 7?"},
    ]
    assert transform({"prompt": chat})["prompt"][1]["content"].endswith(rewards["INSTRUCTION"])
    assert chat[1]["content"] == "What is 6 x 7?"  # the row is not changed in place


def test_the_reward_reads_the_final_answer() -> None:
    check = rewards_module()["check_answer"]
    completions = [
        [{"role": "assistant", "content": "6 x 7 = 42.\nAnswer: 42."}],
        "Answer: 42.0",
        "**Answer:** 42",
        "Final answer: 1,000",
        "The sum is \\boxed{42}",
        "Answer: 40\nOn reflection:\nAnswer: 42",
        "Answer: paris",
        "so the answer is 42",
        "<think>Answer: 42</think>\nIt is 42",
        "Answer: 142",
        "Answer:",
    ]
    expected = ["42", "42", "42", "1000", "42", "42", "Paris", "42", "42", "42", "42"]
    assert check(completions, expected) == [1.0] * 7 + [0.0] * 4


def test_rft_keeps_the_checkpoint_with_the_best_eval_reward() -> None:
    # With beta=0 GRPO's loss says nothing about quality; TRL's GRPOTrainer logs the eval
    # completions' mean reward as "eval_reward" (log() prefixes "eval_" to "reward").
    for method in METHODS:
        files = configs.generate(numbers(method, False))
        if method == "encoder_classifier":
            continue
        config = yaml.safe_load(files["axolotl"]["text"])
        name = {"preference_tuning": "DPOConfig", "reinforcement_fine_tuning": "GRPOConfig"}
        args = config_call(files["trl"]["text"], name.get(method, "SFTConfig"))
        expected = (
            ("eval_reward", True) if method == "reinforcement_fine_tuning" else ("eval_loss", False)
        )
        assert (args["metric_for_best_model"], args["greater_is_better"]) == expected
        assert args["load_best_model_at_end"] is True
        if method in ("lora_sft", "distillation"):
            # Axolotl's supervised builder (core/builders/causal.py) passes these on.
            assert (config["metric_for_best_model"], config["greater_is_better"]) == expected
            assert (config["load_best_model_at_end"], config["early_stopping_patience"]) == (
                True,
                2,
            )
        else:
            # Its RL builder (core/builders/rl.py) does not: the file keeps every checkpoint
            # and names the one to take.
            assert not {
                "load_best_model_at_end",
                "metric_for_best_model",
                "greater_is_better",
                "early_stopping_patience",
            } & set(config)
            assert config["save_total_limit"] == configs.MAX_SAVES == 10
            metric = "highest eval_reward" if expected[1] else "lowest eval_loss"
            assert f"# {metric} (log_history in the last checkpoint's trainer_state.json)." in (
                files["axolotl"]["text"].splitlines()
            )
    evals = {"eval_cases": 285, "validation_cases": 211, "target": 0.95}
    assert stop_and_ship("reinforcement_fine_tuning", evals)[0].en.startswith(
        "Stop when the reward on the validation set has not risen at two evaluations in a row"
    )
    assert stop_and_ship("lora_sft", evals)[0].en.startswith(
        "Stop when the loss on the validation set has risen"
    )


def test_axolotl_dpo_reads_the_trl_preference_file() -> None:
    # Axolotl's chat_template.default DPO strategy (src/axolotl/prompt_strategies/dpo/
    # chat_template.py) reads sample[field_messages] (a string becomes one user message),
    # sample[field_chosen] and sample[field_rejected]; the TRL script and the dataset check
    # use "prompt", "chosen" and "rejected". A model that does not think (a thinking one's
    # prefs.to_dpo reads the same fields: test_axolotl_dpo_renders_a_thinking_model_s_...).
    files = configs.generate(numbers("preference_tuning", False, family="llama", thinking=False))
    config = yaml.safe_load(files["axolotl"]["text"])
    record = {"prompt": "Refund order 7?", "chosen": "Yes, done.", "rejected": "No."}
    for dataset in config["datasets"] + config["test_datasets"]:
        assert dataset["type"] == "chat_template.default"
        fields = ("field_messages", "field_chosen", "field_rejected")
        assert [record[dataset[f]] for f in fields] == list(record.values())
    assert '"prompt", "chosen" and "rejected"' in files["trl"]["text"]


@pytest.mark.parametrize("method", ["lora_sft", "distillation"])
def test_sft_trains_on_the_assistant_s_turns_in_both_files(method) -> None:
    # Axolotl: roles_to_train assistant. TRL (1.1+) patches Qwen3's and GPT-OSS's chat templates
    # with {% generation %} markers for assistant_only_loss (trl/chat_template_utils.py
    # get_training_chat_template) and raises for Llama 3.1/3.2; there the script trains on the
    # last answer as a prompt-completion pair, which TRL's completion_only_loss masks.
    qwen = configs.generate(numbers(method, False))
    config = yaml.safe_load(qwen["axolotl"]["text"])
    assert config["datasets"][0]["roles_to_train"] == ["assistant"]
    assert config_call(qwen["trl"]["text"], "SFTConfig")["assistant_only_loss"] is True
    assert "def last_answer" not in qwen["trl"]["text"]
    llama = configs.generate(
        numbers(method, False, model="meta-llama/Llama-3.1-8B-Instruct", family="llama")
    )["trl"]["text"]
    assert "assistant_only_loss" not in config_call(llama, "SFTConfig")
    function = next(
        n
        for n in ast.parse(llama).body
        if isinstance(n, ast.FunctionDef) and n.name == "last_answer"
    )
    namespace: dict = {}
    exec(compile(ast.Module([function], []), "<split>", "exec"), namespace)  # noqa: S102 - our own generated code
    turns = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
        {"role": "user", "content": "Refund?"},
        {"role": "assistant", "content": "Done."},
    ]
    assert namespace["last_answer"]({"messages": turns}) == {
        "prompt": turns[:3],
        "completion": turns[3:],
    }
    assert 'train = train.map(last_answer, remove_columns=["messages"])' in llama
    # Tool calls: TRL reads a "tools" column, Axolotl the column named by field_tools ("tools");
    # said for a tool-use task only.
    tools = configs.generate(numbers(method, False, tool_use=True))
    assert 'Tool-calling data: add a "tools" column' in tools["trl"]["text"]
    assert "reads it from field_tools, default tools." in tools["axolotl"]["text"]
    assert "field_tools" in KEYS["axolotl"]["dataset"]
    assert "Tool-calling" not in qwen["trl"]["text"] + qwen["axolotl"]["text"]


def test_the_classifier_saves_its_tokenizer_with_the_model() -> None:
    text = configs.generate(numbers("encoder_classifier", False))["trl"]["text"]
    assert config_call(text, "Trainer")["processing_class"] == "tokenizer"
    # Trainer needs accelerate (and torch): transformers' torch extra brings both, where
    # "pip install transformers datasets" left the script failing at its first line of training.
    assert "Install: pip install 'transformers[torch]>=5.2' datasets\n" in docstring(text)


# --- DPO in two stages: supervised on the chosen answers, merged, then DPO --------------------


def attribute_calls(tree: ast.AST) -> dict[str, set[str]]:
    """Keywords of calls like `AutoPeftModelForCausalLM.from_pretrained(...)`, by dotted name."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
        ):
            name = f"{node.func.value.id}.{node.func.attr}"
            found.setdefault(name, set()).update(k.arg for k in node.keywords if k.arg)
    return found


def constants(text: str) -> dict[str, str]:
    """The script's module-level NAME = "string" assignments."""
    return {
        node.targets[0].id: node.value.value
        for node in ast.parse(text).body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
    }


def line_of(text: str, source: str) -> int:
    """The line of the one top-level statement whose source is `source`."""
    tree = ast.parse(text)
    (line,) = [n.lineno for n in tree.body if ast.get_source_segment(text, n) == source]
    return line


@pytest.mark.parametrize("qlora", [False, True])
def test_the_dpo_script_trains_on_the_chosen_answers_then_merges_then_runs_dpo(qlora) -> None:
    n = numbers("preference_tuning", qlora)
    text = configs.generate(n)["trl"]["text"]
    assert constants(text) == {
        "BASE": "Qwen/Qwen3-8B",
        "SFT_DIR": "./outputs/qwen3-8b-preference_tuning-sft",
        "MERGED": "./outputs/qwen3-8b-preference_tuning-sft/merged",
    }
    sft, dpo = config_call(text, "SFTConfig"), config_call(text, "DPOConfig")
    assert sft["output_dir"] == "SFT_DIR"
    assert (sft["num_train_epochs"], sft["learning_rate"]) == (1, 1e-4)  # supervised LoRA's rate
    assert (sft["max_length"], sft["packing"]) == (1024, True)
    assert (dpo["num_train_epochs"], dpo["learning_rate"], dpo["beta"]) == (2, 2e-4, 0.1)
    assert dpo["output_dir"] == "./outputs/qwen3-8b-preference_tuning"
    for args in (sft, dpo):
        assert (args["per_device_train_batch_size"], args["gradient_accumulation_steps"]) == (2, 8)
        assert (args["metric_for_best_model"], args["greater_is_better"]) == ("eval_loss", False)
        assert ("quantization_config" in args["model_init_kwargs"]) is qlora
    assert config_call(text, "SFTTrainer")["model"] == "BASE"
    assert config_call(text, "DPOTrainer")["model"] == "MERGED"
    # In this order: train on the chosen answers, merge into the BF16 base, then DPO.
    order = [
        "sft_trainer.train()",
        "sft_trainer.save_model()",
        "merged = AutoPeftModelForCausalLM.from_pretrained(SFT_DIR, dtype=torch.bfloat16)",
        "merged = merged.merge_and_unload()",
        "merged.save_pretrained(MERGED)",
        "AutoProcessor.from_pretrained(SFT_DIR).save_pretrained(MERGED)",
        "trainer.train()",
        "trainer.save_model()",
    ]
    lines = [line_of(text, statement) for statement in order]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)
    assert line_of(text, "sft_trainer.train()") > next(
        n.lineno
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "SFTTrainer"
    )
    dpo_trainer = next(
        n.lineno
        for n in ast.walk(ast.parse(text))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "DPOTrainer"
    )
    assert (
        line_of(text, "merged.save_pretrained(MERGED)")
        < dpo_trainer
        < line_of(text, "trainer.train()")
    )
    # The merge loads the base in BF16, never 4-bit, whatever the stages trained on; its
    # keywords are the ones PEFT passes on (src/peft/auto.py).
    merge_keywords = attribute_calls(ast.parse(text))["AutoPeftModelForCausalLM.from_pretrained"]
    assert merge_keywords == {"dtype"}
    assert merge_keywords <= set(KEYS["trl"]["AutoPeftModelForCausalLM.from_pretrained"])


def test_the_dpo_script_s_first_stage_reads_prompt_and_chosen_as_a_completion() -> None:
    text = configs.generate(numbers("preference_tuning", False))["trl"]["text"]
    function = next(
        n
        for n in ast.parse(text).body
        if isinstance(n, ast.FunctionDef) and n.name == "preferred_answer"
    )
    namespace: dict = {}
    exec(compile(ast.Module([function], []), "<stage 1>", "exec"), namespace)  # noqa: S102 - our own generated code
    plain = {"prompt": "Refund order 7?", "chosen": "Yes, done.", "rejected": "No."}
    assert namespace["preferred_answer"](plain) == {
        "prompt": "Refund order 7?",
        "completion": "Yes, done.",
    }
    chat = {
        "prompt": [{"role": "user", "content": "Refund order 7?"}],
        "chosen": [{"role": "assistant", "content": "Yes, done."}],
        "rejected": [{"role": "assistant", "content": "No."}],
    }
    assert namespace["preferred_answer"](chat) == {
        "prompt": chat["prompt"],
        "completion": chat["chosen"],
    }
    removed = 'remove_columns=["chosen", "rejected"]'
    assert f"train_dataset=train.map(preferred_answer, {removed})," in text
    assert f"eval_dataset=validation.map(preferred_answer, {removed})," in text


@pytest.mark.parametrize("qlora", [False, True])
def test_dpo_s_axolotl_files_run_the_two_stages(qlora) -> None:
    files = configs.generate(numbers("preference_tuning", qlora))
    assert (files["axolotl_sft"]["filename"], files["axolotl_sft"]["language"]) == (
        "axolotl-sft.yaml",
        "yaml",
    )
    sft = yaml.safe_load(files["axolotl_sft"]["text"])
    dpo = yaml.safe_load(files["axolotl"]["text"])
    for config in (sft, dpo):
        assert set(config) <= set(KEYS["axolotl"]["top_level"])
        for dataset in config["datasets"] + config["test_datasets"]:
            assert set(dataset) <= set(KEYS["axolotl"]["dataset"])
        assert config["adapter"] == ("qlora" if qlora else "lora")
        assert (config["micro_batch_size"], config["gradient_accumulation_steps"]) == (2, 8)
        assert (config["eval_steps"], config["save_steps"]) == (0.1, 0.1)
    # Stage 1 keeps its best eval-loss checkpoint, which the merge reads; Axolotl's DPO trainer
    # would ignore those keys, so stage 2 keeps every checkpoint instead.
    assert (sft["metric_for_best_model"], sft["greater_is_better"]) == ("eval_loss", False)
    assert (sft["load_best_model_at_end"], sft["early_stopping_patience"]) == (True, 2)
    assert "metric_for_best_model" not in dpo and dpo["save_total_limit"] == 10
    assert sft["base_model"] == "Qwen/Qwen3-8B"
    assert (sft["num_epochs"], sft["learning_rate"]) == (1, 1e-4)
    assert "rl" not in sft and dpo["rl"] == "dpo"
    assert [d["path"] for d in sft["datasets"] + sft["test_datasets"]] == [
        "train-sft.jsonl",
        "validation-sft.jsonl",
    ]
    # `axolotl merge-lora` writes the merged model to output_dir/merged
    # (src/axolotl/cli/merge_lora.py), and DPO starts from there.
    assert (
        dpo["base_model"]
        == sft["output_dir"] + "/merged"
        == configs.sft_merged_dir(numbers("preference_tuning", qlora))
    )
    assert (dpo["num_epochs"], dpo["learning_rate"]) == (2, 2e-4)
    commands = [
        "#   axolotl train axolotl-sft.yaml",
        "#   axolotl merge-lora axolotl-sft.yaml   (writes "
        "./outputs/qwen3-8b-preference_tuning-sft/merged)",
        "#   axolotl train axolotl.yaml",
    ]
    for text in (files["axolotl_sft"]["text"], files["axolotl"]["text"]):
        lines = text.splitlines()
        found = [lines.index(command) for command in commands]
        assert found == sorted(found)


def test_the_sft_conversion_trains_only_on_the_chosen_answer(tmp_path) -> None:
    # The one-line conversion axolotl-sft.yaml gives, run as written: a string prompt becomes a
    # user turn, a string answer an assistant turn; every prompt turn is marked training false
    # and the chosen answer training true (the YAML's message_field_training).
    text = configs.generate(numbers("preference_tuning", False))["axolotl_sft"]["text"]
    (command,) = [line[4:] for line in text.splitlines() if line.startswith("#   for f in")]
    assert command == configs.TO_MESSAGES
    plain = {"prompt": "Refund order 7?", "chosen": "Yes, done.", "rejected": "No."}
    chat = {
        "prompt": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello"},
            {"role": "user", "content": "Refund order 7?"},
        ],
        "chosen": [{"role": "assistant", "content": "Yes, done."}],
        "rejected": [{"role": "assistant", "content": "No."}],
    }
    (tmp_path / "train.jsonl").write_text(json.dumps(plain) + "\n\n" + json.dumps(chat) + "\n")
    (tmp_path / "validation.jsonl").write_text(json.dumps(plain) + "\n")
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, check=True, env={**os.environ, "PATH": path}
    )
    train = [json.loads(line) for line in (tmp_path / "train-sft.jsonl").read_text().splitlines()]
    assert train == [
        {
            "messages": [
                {"role": "user", "content": "Refund order 7?", "training": False},
                {"role": "assistant", "content": "Yes, done.", "training": True},
            ]
        },
        {
            "messages": [
                *({**m, "training": False} for m in chat["prompt"]),
                {"role": "assistant", "content": "Yes, done.", "training": True},
            ]
        },
    ]
    validation = (tmp_path / "validation-sft.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in validation] == train[:1]
    # eval.jsonl is never converted: the run does not read it.
    assert not (tmp_path / "eval-sft.jsonl").exists()
    sft = yaml.safe_load(text)
    assert sft["datasets"][0] == {
        "path": "train-sft.jsonl",
        "type": "chat_template",
        "field_messages": "messages",
        "message_field_training": "training",
    }


def test_only_dpo_has_a_first_stage_file() -> None:
    for method in METHODS:
        for qlora in (False, True):
            files = configs.generate(numbers(method, qlora))
            assert tuple(files) == configs.CONFIG_FILES
            assert (files["axolotl_sft"] is None) is (method != "preference_tuning"), method
    sft = configs.generate(numbers("lora_sft", False))
    assert yaml.safe_load(sft["axolotl"]["text"])["base_model"] == "Qwen/Qwen3-8B"
    assert "merge-lora" not in sft["axolotl"]["text"]
    assert "AutoPeftModelForCausalLM" not in sft["trl"]["text"]


def test_dpo_keeps_its_best_checkpoint_by_eval_loss_and_watches_preference_accuracy() -> None:
    # TRL's DPOTrainer logs the eval pairs' preference accuracy as "rewards/accuracies", and its
    # log() prefixes "eval_" in evaluation: eval_rewards/accuracies. The stop rule names it; the
    # checkpoint is kept by the eval loss (plan.stop_and_ship says why).
    assert configs.best_metric("preference_tuning") == ("eval_loss", False)
    evals = {"eval_cases": 285, "validation_cases": 211, "target": 0.95}
    stop = stop_and_ship("preference_tuning", evals)[0].en
    assert stop.startswith(
        "Stage 1 (supervised) keeps its checkpoint with the lowest loss on the validation "
        "prompts' chosen answers. Stage 2 (DPO): stop when the loss on the validation pairs has "
        "risen at two evaluations in a row, keep the best checkpoint, not the last, and watch "
        "eval_rewards/accuracies,"
    )


def test_grpo_turns_a_thinking_model_s_thinking_off_in_both_files() -> None:
    # Qwen3 thinks by default and its card recommends room for 32,768 output tokens; at a
    # 1,024-token completion the thought is cut before the Answer line and every completion of
    # the group scores 0. Both files switch thinking off for the rollouts and the evaluations.
    qwen = build_plan(
        CUSTOMER_SERVICE_BOT,
        {"recommendation": "fine_tune", "method": "reinforcement_fine_tuning"},
        PROFILE,
    )
    lead = qwen["candidates"][0]
    assert lead["key"] == "qwen3.5-9b"  # Qwen3.5's template has the same switch, on by default
    script = qwen["configs"]["trl"]["text"]
    (config_call,) = [
        node
        for node in ast.walk(ast.parse(script))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "GRPOConfig"
    ]
    kwargs = {k.arg: k.value for k in config_call.keywords}
    assert ast.literal_eval(kwargs["chat_template_kwargs"]) == {"enable_thinking": False}
    axolotl = yaml.safe_load(qwen["configs"]["axolotl"]["text"])
    assert axolotl["trl"]["chat_template_kwargs"] == {"enable_thinking": False}
    (row,) = [s for s in qwen["settings"] if s["key"] == "chat_template_kwargs"]
    assert row["value"] == '{"enable_thinking": false}'
    # The model's reason says the same, rather than promising a thinking mode to reinforce.
    assert lead["why"][-2]["en"].startswith(
        "Reasons step by step and has a thinking mode; the scripts below sample with thinking off"
    )
    assert row["source"]["url"] == lead["card"] == "https://huggingface.co/Qwen/Qwen3.5-9B"
    assert row["why"]["en"].startswith(
        "Qwen3.5-9B thinks by default, and its card recommends room for 32,768 output tokens "
        "when it does: a thought cut off at 1,024 never reaches the Answer line and scores "
        "nothing."
    )
    # Qwen3, offered next, has the same switch: a plan it leads (Qwen3.5 left out) sets it too.
    n = numbers("reinforcement_fine_tuning", True, model="Qwen/Qwen3-8B", thinking=True)
    assert "chat_template_kwargs={'enable_thinking': False}," in configs.generate(n)["trl"]["text"]
    # A model without a thinking switch keeps the template's defaults, and no such row.
    for family, model in (
        ("llama", "meta-llama/Llama-3.1-8B-Instruct"),
        ("gemma", "google/gemma-3-12b-it"),
    ):
        n = numbers("reinforcement_fine_tuning", False, family=family, model=model, thinking=False)
        files = configs.generate(n)
        assert "chat_template_kwargs" not in files["trl"]["text"]
        assert "chat_template_kwargs" not in yaml.safe_load(files["axolotl"]["text"])["trl"]
    # Supervised methods leave the template alone: the switch is for sampling.
    sft = configs.generate(numbers("lora_sft", False))
    assert "enable_thinking" not in sft["trl"]["text"] + sft["axolotl"]["text"]


@pytest.mark.parametrize(("qlora", "word"), [(False, "LoRA"), (True, "QLoRA")])
def test_dpo_s_first_stage_names_the_adapter_it_trains(qlora, word) -> None:
    text = configs.generate(numbers("preference_tuning", qlora))["axolotl_sft"]["text"]
    assert f"# Stage 1: one epoch of supervised {word} on Qwen/Qwen3-8B, on each" in text
    assert yaml.safe_load(text)["adapter"] == word.lower()


def docstring(text: str, function: str | None = None) -> str:
    """The docstring of the script, or of its function `function`."""
    tree = ast.parse(text)
    if function is None:
        return ast.get_docstring(tree, clean=False)
    (found,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    return ast.get_docstring(found)


@pytest.mark.parametrize(("method", "qlora"), [c for c in CASES if c[0] != "encoder_classifier"])
def test_axolotl_evaluates_and_saves_when_the_trl_script_does(method, qlora) -> None:
    # Axolotl takes a float eval_steps or save_steps below 1 as a fraction of the run's steps
    # (src/axolotl/utils/schemas/config.py, "float for fraction of total steps") and passes it to
    # TrainingArguments as it is (core/builders/base.py), as the TRL script's is: both evaluate at
    # each multiple of ceil(0.1 x steps). evals_per_epoch: 4 would have been 1 / (4 x epochs).
    files = configs.generate(numbers(method, qlora))
    trl = files["trl"]["text"]
    name = {"preference_tuning": "DPOConfig", "reinforcement_fine_tuning": "GRPOConfig"}
    pairs = [(files["axolotl"], config_call(trl, name.get(method, "SFTConfig")))]
    if method == "preference_tuning":
        pairs.append((files["axolotl_sft"], config_call(trl, "SFTConfig")))
    for generated, args in pairs:
        config = yaml.safe_load(generated["text"])
        assert (config["eval_steps"], config["save_steps"]) == (0.1, 0.1)
        assert (args["eval_steps"], args["save_steps"]) == (0.1, 0.1)
        assert (args["eval_strategy"], args["save_strategy"]) == ("steps", "steps")
        assert not {"evals_per_epoch", "saves_per_epoch"} & set(config)
        # Axolotl's load_best_model_at_end needs save_steps % eval_steps == 0 (causal.py).
        assert config["save_steps"] % config["eval_steps"] == 0


def test_a_grpo_plan_s_evaluations_are_the_same_in_both_files() -> None:
    plan = build_plan(
        CUSTOMER_SERVICE_BOT,
        {"recommendation": "fine_tune", "method": "reinforcement_fine_tuning"},
        PROFILE,
    )
    config = yaml.safe_load(plan["configs"]["axolotl"]["text"])
    args = config_call(plan["configs"]["trl"]["text"], "GRPOConfig")
    assert config["eval_steps"] == args["eval_steps"] == configs.EVAL_EVERY == 0.1
    assert config["save_steps"] == args["save_steps"] == 0.1
    assert config["num_epochs"] == args["num_train_epochs"]


def test_trl_docstrings_say_what_each_script_trains() -> None:
    head = configs.HEADER + "\n\n"
    hold = (
        "train.jsonl (1,904 examples): what the model trains on.\n"
        "validation.jsonl (211 examples): held out of your examples; the run evaluates on it alone,\n"
        "to stop early and keep its best checkpoint.\n"
        "eval.jsonl (285 cases): your eval set, scored once, after training (the last step below);\n"
        "never trained or evaluated on during the run.\n"
    )
    tools = (
        'Tool-calling data: add a "tools" column (JSON schemas of the functions) beside\n'
        '"messages"; TRL passes it to the chat template.\n'
    )
    sft = configs.generate(numbers("lora_sft", True, tool_use=True))["trl"]["text"]
    assert docstring(sft) == (
        head + "Supervised fine-tuning of Qwen/Qwen3-8B, with QLoRA (LoRA on the base model "
        "loaded in 4-bit).\n"
        "Install: pip install trl peft datasets 'transformers>=5.2' bitsandbytes flash-attn\n"
        "Data: train.jsonl, validation.jsonl and eval.jsonl, one JSON object a line with "
        '"messages" (chat format).\n' + tools + hold
    )
    distilled = configs.generate(numbers("distillation", False))["trl"]["text"]
    assert docstring(distilled).startswith(
        head + "Supervised fine-tuning of Qwen/Qwen3-8B on a larger model's answers "
        "(distillation), with LoRA.\nInstall: pip install trl peft datasets 'transformers>=5.2' "
        "flash-attn\n"
    )
    grpo = configs.generate(numbers("reinforcement_fine_tuning", False))["trl"]["text"]
    assert docstring(grpo) == (
        head + "GRPO reinforcement fine-tuning of Qwen/Qwen3-8B, with LoRA.\n"
        "Install: pip install trl peft datasets 'transformers>=5.2' flash-attn\n"
        "Data: train.jsonl, validation.jsonl and eval.jsonl, one JSON object a line with "
        '"prompt" and "answer".\n'
        "Put rewards.py (from the same plan) beside this script: it scores the answers.\n" + hold
    )
    dpo = configs.generate(numbers("preference_tuning", True))["trl"]["text"]
    assert docstring(dpo) == (
        head + "DPO preference tuning of Qwen/Qwen3-8B, with QLoRA (LoRA on the base model "
        "loaded in 4-bit), in the\nDPO paper's two stages (Rafailov et al. 2023, section 4):\n"
        "1. one epoch of supervised fine-tuning on each prompt and its chosen answer;\n"
        "2. that adapter merged into the base model loaded in BF16 (not into its 4-bit weights),\n"
        "   saved to ./outputs/qwen3-8b-preference_tuning-sft/merged;\n"
        "3. DPO from the merged model: the reference is it with the adapter off, so DPO\n"
        "   measures against the supervised model.\n"
        "Install: pip install trl peft datasets 'transformers>=5.2' bitsandbytes flash-attn\n"
        "Data: train.jsonl, validation.jsonl and eval.jsonl, one JSON object a line with "
        '"prompt", "chosen" and "rejected".\n' + hold
    )
    # The adapter said matches the script's: 4-bit loading exactly where QLoRA is said.
    for method, qlora in CASES:
        if method == "encoder_classifier":
            continue
        text = configs.generate(numbers(method, qlora))["trl"]["text"]
        said = docstring(text).replace("\n", " ")
        assert ("with QLoRA (LoRA on the base model loaded in 4-bit)" in said) is qlora
        assert ("with LoRA" in said) is not qlora
        assert ("load_in_4bit=True" in text) is qlora


@pytest.mark.parametrize("family", ["qwen", "llama", "gemma", "gpt-oss", "mistral"])
def test_grpo_and_dpo_scripts_never_speak_of_what_they_do_not_do(family) -> None:
    # GRPO neither packs nor masks assistant turns; DPO's stage 1 trains on the completion.
    for qlora in (False, True):
        grpo = configs.generate(numbers("reinforcement_fine_tuning", qlora, family=family))
        for text in (grpo["trl"]["text"], grpo["axolotl"]["text"]):
            assert "pack" not in text.casefold() and "assistant_only_loss" not in text
        dpo = configs.generate(numbers("preference_tuning", qlora, family=family))["trl"]["text"]
        assert "assistant_only_loss" not in dpo


def loaded_files(script: str) -> list[str]:
    """The files a generated script's load_dataset calls read, in order."""
    found = []
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "load_dataset":
            (files,) = [k.value for k in node.keywords if k.arg == "data_files"]
            value = ast.literal_eval(files)
            found += list(value.values()) if isinstance(value, dict) else [value]
    return found


def code_lines(script: str) -> list[str]:
    """The script's lines after its docstring, comments left out."""
    return [
        line for line in script.split('"""', 2)[2].splitlines() if not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize(("method", "qlora"), CASES)
def test_every_file_evaluates_on_validation_and_leaves_eval_for_the_final_score(
    method, qlora
) -> None:
    files = configs.generate(numbers(method, qlora))
    script = files["trl"]["text"]
    if method == "encoder_classifier":
        # The classifier reads all three; the Trainer evaluates on validation during the run
        # and scores eval.jsonl once, after training.
        assert loaded_files(script) == ["train.jsonl", "validation.jsonl", "eval.jsonl"]
        assert '    eval_dataset=data["validation"],' in script
        lines = code_lines(script)
        last = 'print(trainer.evaluate(data["eval"], metric_key_prefix="test"))'
        assert lines.index(last) > lines.index("trainer.train()")
        assert sum('data["eval"]' in line for line in lines) == 2  # the label names, the score
        return
    assert loaded_files(script) == ["train.jsonl", "validation.jsonl"]
    assert not any("eval.jsonl" in line for line in code_lines(script))
    assert (
        script.rstrip()
        .splitlines()[-3]
        .startswith(
            "# Last step, once: the final score on eval.jsonl (285 cases), which nothing above reads."
        )
    )
    for key in ("axolotl", "axolotl_sft"):
        if files[key]:
            config = yaml.safe_load(files[key]["text"])
            paths = [d["path"] for d in config["test_datasets"]]
            assert paths == (
                ["validation-sft.jsonl"] if key == "axolotl_sft" else ["validation.jsonl"]
            )
            assert "eval.jsonl" not in str(config)


@pytest.mark.parametrize(("method", "qlora"), CASES)
def test_without_a_validation_set_no_file_evaluates_during_the_run(method, qlora) -> None:
    # Too few examples to spare a validation set: no eval dataset, no evaluation, no early
    # stopping, no best checkpoint; the keys left are still the tools' own, and Axolotl's
    # check_evals (eval_steps with neither test_datasets nor val_set_size is refused) passes.
    files = configs.generate(numbers(method, qlora, validation_cases=0, train_examples=200))
    script = files["trl"]["text"]
    found = calls(ast.parse(script))
    assert "EarlyStoppingCallback" not in script and "eval_dataset" not in script
    assert 'eval_strategy="no"' in script and "load_best_model_at_end" not in script
    assert "train.jsonl (200 examples): what the model trains on. No validation set" in script
    if method == "encoder_classifier":
        assert loaded_files(script) == ["train.jsonl", "eval.jsonl"]
        assert "metric_for_best_model" not in found["TrainingArguments"]
        return
    assert loaded_files(script) == ["train.jsonl"]
    for key in ("axolotl", "axolotl_sft"):
        if not files[key]:
            continue
        config = yaml.safe_load(files[key]["text"])
        assert set(config) <= set(KEYS["axolotl"]["top_level"])
        assert not {
            "test_datasets",
            "eval_steps",
            "load_best_model_at_end",
            "metric_for_best_model",
            "early_stopping_patience",
            "eval_batch_size",
        } & set(config)
        assert "# No validation set: the examples are too few to spare one." in files[key]["text"]
    if method == "reinforcement_fine_tuning":
        args = config_call(script, "GRPOConfig")
        trl_grpo_post_init(args, 1)
        axolotl_grpo_checks(yaml.safe_load(files["axolotl"]["text"]), 1)
    if method == "preference_tuning":
        sft_text = files["axolotl_sft"]["text"]
        (command,) = [line[4:] for line in sft_text.splitlines() if line.startswith("#   for f in")]
        assert command.startswith("for f in train; do")


# --- What a run of the files found (TRL 1.16.0, transformers 5.25.0, peft 0.21.2, on CPU) ------


@pytest.mark.parametrize("method", METHODS)
def test_warmup_is_a_fraction_of_the_steps_in_warmup_steps_which_every_accepted_version_reads(
    method,
) -> None:
    # transformers 5.25.0's TrainingArguments refused warmup_ratio ("unexpected keyword argument
    # 'warmup_ratio'", gone from 5.15), so every generated train.py and train_classifier.py
    # stopped at its config line. warmup_steps below 1 is the same fraction from 5.2 on, and the
    # install line asks for 5.2 or later.
    text = configs.generate(numbers(method, False))["trl"]["text"]
    call = "TrainingArguments" if method == "encoder_classifier" else None
    calls_made = calls(ast.parse(text))
    names = (
        [call] if call else [n for n in ("SFTConfig", "DPOConfig", "GRPOConfig") if n in calls_made]
    )
    for name in names:
        found = config_call(text, name)
        assert "warmup_ratio" not in found
        assert found["warmup_steps"] == (0.06 if method == "encoder_classifier" else 0.03)
    install = next(line for line in text.splitlines() if line.startswith("Install:"))
    assert "'transformers>=5.2'" in install or "'transformers[torch]>=5.2'" in install


@pytest.mark.parametrize("family", ["qwen", "llama", "gemma", "mistral"])
def test_a_dpo_run_merges_the_processor_a_vision_language_checkpoint_needs(family) -> None:
    # Gemma 3 IT loads as a vision-language model: stage 3's DPOTrainer loads a processor from
    # MERGED, and stage 2 saved only the tokenizer there ("Can't load image processor for
    # './outputs/...-sft/merged'"). AutoProcessor saves the processor, and a text model's
    # tokenizer alone (it returned the tokenizer for Llama 3.2 and Qwen3 adapters in the run).
    text = configs.generate(numbers("preference_tuning", False, family=family))["trl"]["text"]
    assert "AutoProcessor.from_pretrained(SFT_DIR).save_pretrained(MERGED)" in text
    assert "AutoTokenizer" not in text
    install = next(line for line in text.splitlines() if line.startswith("Install:"))
    # Their processors' image half needs Pillow and torchvision, which TRL does not install.
    assert ("pillow torchvision" in install) is (family in ("gemma", "mistral"))


@pytest.mark.parametrize("thinking", [True, False])
def test_a_dpo_run_of_a_thinking_model_turns_thinking_off_in_both_stages(thinking) -> None:
    # Qwen3.5's template, thinking on, ends the generation prompt in an opened thought that the
    # whole conversation renders otherwise: TRL warned "The tokenized prompt is not a prefix" and
    # trained the answer after '\n\n</think>\n\n', a context never seen with thinking off. A
    # chat_template_kwargs column, which TRL's SFT and DPO tokenizing read per example, turned the
    # warning off and left the answer alone trained (26 of 51 tokens, where 29 were).
    text = configs.generate(numbers("preference_tuning", False, thinking=thinking))["trl"]["text"]
    tree = ast.parse(text)
    assert (
        "train = train.map(no_thinking)" in text
        and "validation = validation.map(no_thinking)" in text
    ) is thinking
    if thinking:
        function = next(
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "no_thinking"
        )
        returned = ast.literal_eval(function.body[-1].value)
        assert returned == {"chat_template_kwargs": {"enable_thinking": False}}
        # Before either stage reads the data.
        assert line_of(text, "train = train.map(no_thinking)") < line_of(
            text, "sft_trainer.train()"
        )


@pytest.mark.parametrize("family", ["qwen", "llama", "gemma", "mistral"])
def test_axolotl_files_name_the_attention_implementation_not_the_deprecated_switch(family) -> None:
    # Axolotl 0.19.0 validated every file and warned on each "flash_attention: true" that it is
    # deprecated and will be removed; attn_implementation is the key its schema keeps.
    config = yaml.safe_load(
        configs.generate(numbers("lora_sft", False, family=family))["axolotl"]["text"]
    )
    assert config["attn_implementation"] == "flash_attention_2"
    assert "flash_attention" not in config


# The seven projections of a decoder layer, as both checkpoints name them under language_model.
LANGUAGE_MODULES = (
    "self_attn.q_proj",
    "self_attn.k_proj",
    "self_attn.v_proj",
    "self_attn.o_proj",
    "mlp.gate_proj",
    "mlp.up_proj",
    "mlp.down_proj",
)


def test_gemma_lora_targets_the_language_model_and_no_module_of_its_vision_tower() -> None:
    # Module names of a Gemma3ForConditionalGeneration (transformers 5.25.0), as the adapter of a
    # run with the short names held them: 7 per language-model layer, and the SigLIP tower's
    # q/k/v, which text data never trains. Its out_proj and fc1/fc2 never matched the short names.
    language = [
        f"model.language_model.layers.{layer}.{module}"
        for layer in (0, 1, 33)
        for module in LANGUAGE_MODULES
    ]
    vision = [
        f"model.vision_tower.vision_model.encoder.layers.0.self_attn.{p}_proj"
        for p in ("q", "k", "v")
    ] + [
        "model.vision_tower.encoder.layers.26.self_attn.q_proj",
        "model.multi_modal_projector.mm_input_projection",
        "lm_head",
        "model.language_model.layers.0.self_attn.q_norm",
    ]
    files = configs.generate(numbers("lora_sft", False, family="gemma"))
    pattern = yaml.safe_load(files["axolotl"]["text"])["lora_target_modules"]
    assert pattern == configs.LANGUAGE_MODEL_TARGET_MODULES
    assert config_call(files["trl"]["text"], "LoraConfig")["target_modules"] == pattern
    # PEFT matches a string target whole against each module's name (re.fullmatch).
    assert all(re.fullmatch(pattern, name) for name in language)
    assert not any(re.fullmatch(pattern, name) for name in vision)
    # A text-only Gemma3ForCausalLM's names (model.layers.N) match as well.
    assert re.fullmatch(pattern, "model.layers.5.mlp.up_proj")
    # Other families keep the short names.
    llama = configs.generate(numbers("lora_sft", False, family="llama"))
    assert config_call(llama["trl"]["text"], "LoraConfig")["target_modules"] == [
        "q_proj",
        "k_proj",
        "v_proj",
        "o_proj",
        "gate_proj",
        "up_proj",
        "down_proj",
    ]


def test_mistral_small_lora_targets_the_language_model_and_no_module_of_its_pixtral_tower() -> None:
    # Module names of a tiny random Mistral3ForConditionalGeneration (transformers 5.25.0 and
    # 5.16.1): the Pixtral tower uses all seven short names, so PEFT adapted 28 modules with
    # them, 14 of the tower's; TRL and Axolotl both load that class for Mistral Small 3.2.
    language = [
        f"model.language_model.layers.{layer}.{module}"
        for layer in (0, 1, 39)
        for module in LANGUAGE_MODULES
    ]
    vision = [
        f"model.vision_tower.transformer.layers.{layer}.{module}"
        for layer in (0, 23)
        for module in (
            "attention.q_proj",
            "attention.k_proj",
            "attention.v_proj",
            "attention.o_proj",
            "feed_forward.gate_proj",
            "feed_forward.up_proj",
            "feed_forward.down_proj",
        )
    ] + [
        "model.multi_modal_projector.patch_merger.merging_layer",
        "model.multi_modal_projector.linear_1",
        "model.multi_modal_projector.linear_2",
        "lm_head",
    ]
    numbers_ = numbers(
        "lora_sft",
        False,
        model="mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        family="mistral",
        thinking=False,
    )
    files = configs.generate(numbers_)
    pattern = yaml.safe_load(files["axolotl"]["text"])["lora_target_modules"]
    assert pattern == configs.LANGUAGE_MODEL_TARGET_MODULES
    assert config_call(files["trl"]["text"], "LoraConfig")["target_modules"] == pattern
    assert all(re.fullmatch(pattern, name) for name in language)
    assert not any(re.fullmatch(pattern, name) for name in vision)
    # DPO's two stages and GRPO too.
    for method in ("preference_tuning", "reinforcement_fine_tuning"):
        generated = configs.generate(dict(numbers_, method=method))
        for key in ("axolotl_sft", "axolotl"):
            if generated[key]:
                assert yaml.safe_load(generated[key]["text"])["lora_target_modules"] == pattern
        assert f'target_modules=r"{pattern}"' in generated["trl"]["text"]


@pytest.mark.parametrize(
    ("key", "regex"),
    [
        ("mistral-small-3.2-24b", True),
        ("gemma-3-12b", True),
        ("llama-3.1-8b", False),
    ],
)
def test_the_settings_row_says_the_targets_skip_the_vision_tower_where_the_files_do(
    key, regex
) -> None:
    from app.training.models import MODELS_BY_KEY
    from app.training.plan import _target_modules_row

    model = MODELS_BY_KEY[key]
    row = _target_modules_row(model)
    files = configs.generate(numbers("lora_sft", False, model=model.hf_id, family=model.family))
    targets = yaml.safe_load(files["axolotl"]["text"])["lora_target_modules"]
    assert isinstance(targets, str) is regex
    assert ("as a regex that matches no module of the vision tower" in str(row["why"])) is regex


@pytest.mark.parametrize(
    ("family", "ending"),
    [
        ("llama", "{% generation %} markers, and TRL has none for this model."),
        ("gemma", "{% generation %} markers, which older TRL releases lack for this model."),
    ],
)
def test_the_last_answer_reason_says_what_is_true_of_trl_for_the_family(family, ending) -> None:
    # TRL 1.16.0 raised for Llama 3.2's template and swapped Gemma 3's for a training copy, so
    # "TRL has none for this model" was false for Gemma.
    text = configs.generate(numbers("lora_sft", False, family=family))["trl"]["text"]
    tree = ast.parse(text)
    function = next(
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "last_answer"
    )
    assert " ".join(ast.get_docstring(function).split()).endswith(ending)


# --- What a run of the Axolotl files found (Axolotl 0.19.0, on CPU) ---------------------------


@pytest.mark.parametrize("family", ["qwen", "llama", "gemma"])
def test_gemma_s_supervised_files_train_its_turn_terminator(family) -> None:
    # Axolotl warned "EOS token '<eos>' not found in chat_template; the turn terminator won't be
    # trained" for Gemma 3, and trained each answer without <end_of_turn>; with eot_tokens the
    # same run trained it (726 tokens where 672, one a turn). Qwen and Llama trained theirs.
    sft = yaml.safe_load(
        configs.generate(numbers("lora_sft", False, family=family))["axolotl"]["text"]
    )
    dpo = configs.generate(numbers("preference_tuning", False, family=family))
    stage1 = yaml.safe_load(dpo["axolotl_sft"]["text"])
    stage2 = yaml.safe_load(dpo["axolotl"]["text"])
    grpo = yaml.safe_load(
        configs.generate(numbers("reinforcement_fine_tuning", False, family=family))["axolotl"][
            "text"
        ]
    )
    expected = ["<end_of_turn>"] if family == "gemma" else None
    assert sft.get("eot_tokens") == expected and stage1.get("eot_tokens") == expected
    assert "eot_tokens" not in stage2 and "eot_tokens" not in grpo
    assert set(sft) <= set(KEYS["axolotl"]["top_level"])


class RecordingTokenizer:
    """Stands in for the tokenizer Axolotl passes: records what the template was asked for."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def apply_chat_template(self, messages, **kwargs):
        self.calls.append(kwargs)
        return "|".join(m["content"] for m in messages) + "|" + repr(sorted(kwargs.items()))


def test_axolotl_grpo_prompts_are_rendered_with_thinking_off_where_the_yaml_asks() -> None:
    # Axolotl 0.19.0's GRPO trainer never passes trl.chat_template_kwargs to TRL: a probe of the
    # running trainer found chat_template_kwargs None and Qwen3.5's prompts ending in an opened
    # <think>. rewards.to_prompt now renders the prompt itself with the YAML's kwargs.
    rewards = rewards_module()
    config = yaml.safe_load(
        configs.generate(numbers("reinforcement_fine_tuning", False))["axolotl"]["text"]
    )
    assert config["trl"]["chat_template_kwargs"] == {"enable_thinking": False}
    transform, map_kwargs = rewards["to_prompt"](config)
    assert map_kwargs == {"remove_columns": ["prompt"]}
    tokenizer = RecordingTokenizer()
    row = transform({"prompt": "What is 16 + 4?", "answer": "20"}, tokenizer=tokenizer)
    assert tokenizer.calls == [
        {"tokenize": False, "add_generation_prompt": True, "enable_thinking": False}
    ]
    assert row["prompt"].startswith("What is 16 + 4?\n\n" + rewards["INSTRUCTION"] + "|")
    # Without the switch (a model that does not think), the messages go to TRL as before.
    plain = yaml.safe_load(
        configs.generate(
            numbers("reinforcement_fine_tuning", False, thinking=False, family="llama")
        )["axolotl"]["text"]
    )
    transform, _ = rewards["to_prompt"](plain)
    assert transform is rewards["with_instruction"]


def test_the_grpo_yaml_says_how_preprocess_finds_rewards_py() -> None:
    # `axolotl preprocess axolotl.yaml` failed with "No module named
    # 'axolotl.prompt_strategies.dpo.rewards'" unless the folder was on PYTHONPATH.
    text = configs.generate(numbers("reinforcement_fine_tuning", False))["axolotl"]["text"]
    comments = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "PYTHONPATH=. axolotl preprocess axolotl.yaml" in comments


class QwenTemplate:
    """Stands in for a Qwen3.5 tokenizer: its chat template's two ways to reach an answer
    (Axolotl 0.19.0's qwen3_5.jinja). The generation prompt opens a thought unless
    enable_thinking is False, which closes an empty one (Qwen3's own template leaves the thought
    out with thinking on, and closes an empty one with it off); an answer after the last user
    turn renders after a closed, empty thought whatever the switch says, in both."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def apply_chat_template(self, messages, add_generation_prompt=False, **kwargs):
        self.calls.append(dict(kwargs, add_generation_prompt=add_generation_prompt))
        last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
        text = ""
        for i, m in enumerate(messages):
            thought = (
                "<think>\n\n</think>\n\n" if m["role"] == "assistant" and i > last_user else ""
            )
            text += f"<|im_start|>{m['role']}\n{thought}{m['content']}<|im_end|>\n"
        if add_generation_prompt:
            closed = kwargs.get("enable_thinking", True) is False
            text += "<|im_start|>assistant\n" + (
                "<think>\n\n</think>\n\n" if closed else "<think>\n\n"
            )
        return text


def prefs_module(**changes) -> dict:
    generated = configs.generate(numbers("preference_tuning", False, **changes))["prefs"]
    assert (generated["filename"], generated["language"]) == ("prefs.py", "python")
    namespace: dict = {}
    exec(compile(generated["text"], "prefs.py", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


@pytest.mark.parametrize("model_type", ["qwen3", "qwen3_5"])
def test_axolotl_dpo_renders_a_thinking_model_s_answers_after_the_closed_thought_stage_1_trains(
    model_type,
) -> None:
    # Axolotl 0.19.0's chat_template.default DPO strategy renders the prompt with the template's
    # defaults: `axolotl preprocess` with tiny Qwen3.5 and Qwen3 models ended it
    # "<|im_start|>assistant\n<think>\n\n" (an opened thought) and "<|im_start|>assistant\n",
    # where stage 1 (axolotl-sft.yaml) trained the answer after "<think>\n\n</think>\n\n" and
    # train.py turns thinking off. With prefs.to_dpo the same run's prompt and chosen answer were
    # stage 1's text of the turn, character for character.
    files = configs.generate(numbers("preference_tuning", False, model_type=model_type))
    config = yaml.safe_load(files["axolotl"]["text"])
    assert [d["type"] for d in config["datasets"] + config["test_datasets"]] == [
        "prefs.to_dpo",
        "prefs.to_dpo",
    ]
    prefs = prefs_module(model_type=model_type)
    # Axolotl's load (src/axolotl/prompt_strategies/base.py) imports "prefs" and calls
    # to_dpo(cfg, dataset_idx=i); utils/data/rl.py passes the tokenizer to a function that
    # names it, and maps the rows with the map kwargs.
    transform, map_kwargs = prefs["to_dpo"](config, dataset_idx=0)
    assert map_kwargs == {"remove_columns": ["prompt", "chosen", "rejected"]}
    tokenizer = QwenTemplate()
    row = transform(
        {"prompt": "Refund order 7?", "chosen": "Yes, done.", "rejected": "No."},
        tokenizer=tokenizer,
    )
    assert row == {
        "prompt": "<|im_start|>user\nRefund order 7?<|im_end|>\n"
        "<|im_start|>assistant\n<think>\n\n</think>\n\n",
        "chosen": "Yes, done.<|im_end|>",
        "rejected": "No.<|im_end|>",
    }
    assert all(
        call["enable_thinking"] is False and not call["tokenize"] for call in tokenizer.calls
    )
    # Stage 1 renders the same turn, prompt and chosen answer, as one conversation: DPO's prompt
    # and chosen answer are that text.
    stage1 = QwenTemplate().apply_chat_template(
        [
            {"role": "user", "content": "Refund order 7?"},
            {"role": "assistant", "content": "Yes, done."},
        ]
    )
    assert row["prompt"] + row["chosen"] + "\n" == stage1
    # A list of messages (TRL's conversational format): the system turn stays in the prompt,
    # the last of the answer's messages is the answer.
    chat = {
        "prompt": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Refund order 7?"},
        ],
        "chosen": [{"role": "assistant", "content": "Yes, done."}],
        "rejected": [{"role": "assistant", "content": "No."}],
    }
    row = transform(chat, tokenizer=QwenTemplate())
    assert row["prompt"].startswith("<|im_start|>system\nBe brief.<|im_end|>\n")
    assert row["prompt"].endswith("<think>\n\n</think>\n\n")
    assert (row["chosen"], row["rejected"]) == ("Yes, done.<|im_end|>", "No.<|im_end|>")


def test_only_a_thinking_model_s_dpo_plan_gets_prefs_py_and_its_yaml_says_where_to_keep_it() -> (
    None
):
    dpo = configs.generate(numbers("preference_tuning", False))
    comments = " ".join(
        line.lstrip("# ") for line in dpo["axolotl"]["text"].splitlines() if line.startswith("#")
    )
    assert "Put prefs.py (from the same plan) beside this file" in comments
    assert "PYTHONPATH=. axolotl preprocess axolotl.yaml" in comments
    # Stage 1 is supervised on conversations, which render the closed thought themselves.
    assert "prefs" not in dpo["axolotl_sft"]["text"]
    llama = configs.generate(numbers("preference_tuning", False, family="llama", thinking=False))
    assert llama["prefs"] is None and "prefs" not in llama["axolotl"]["text"]
    for method in METHODS:
        if method != "preference_tuning":
            assert configs.generate(numbers(method, False))["prefs"] is None


@pytest.mark.parametrize("family", ["qwen", "llama", "gemma", "mistral"])
def test_a_dpo_merge_loads_the_class_the_supervised_stage_trained(family) -> None:
    # AutoPeftModelForCausalLM raised "Unrecognized configuration class ... Mistral3Config" on a
    # tiny Mistral Small 3.2 adapter (transformers 5.25.0, PEFT 0.21.2): SFTTrainer loads the
    # class the config names, Mistral3ForConditionalGeneration, and so must the merge. Run with
    # that change, stage 2 merged the adapter into the 14 language-model projections of a 2-layer
    # Mistral3 and left every tensor of its Pixtral tower as it was.
    text = configs.generate(numbers("preference_tuning", False, family=family))["trl"]["text"]
    tree = ast.parse(text)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    if family == "mistral":
        assert (
            "base = Mistral3ForConditionalGeneration.from_pretrained(BASE, dtype=torch.bfloat16)"
            in text
        )
        assert "merged = PeftModel.from_pretrained(base, SFT_DIR).merge_and_unload()" in text
        assert {"Mistral3ForConditionalGeneration", "PeftModel"} <= imported
        assert "AutoPeftModelForCausalLM" not in imported
        # Both names hold the model: both go before stage 3 loads its own.
        stage_3 = text.splitlines().index("# Stage 3: DPO from the merged model.") + 1
        assert line_of(text, "del merged, base") < stage_3
    else:
        assert (
            "merged = AutoPeftModelForCausalLM.from_pretrained(SFT_DIR, dtype=torch.bfloat16)"
            in text
        )
        assert "AutoPeftModelForCausalLM" in imported
        assert "Mistral3ForConditionalGeneration" not in text
