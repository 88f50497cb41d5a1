"""A config to start from: an Axolotl YAML and a TRL (or Transformers) script, with the plan's
numbers. Every key they use is a real key of its tool (tests/training/test_training_configs.py
checks them against app/training/data/config_keys.json, taken from the tools' own schemas)."""

from __future__ import annotations

import copy
import math
import textwrap
from functools import lru_cache
from typing import Any

import yaml

TARGET_MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# Qwen3.5 (config.json model_type "qwen3_5"): the checkpoint is a vision-language model
# (Qwen3_5ForConditionalGeneration) whose text model is trained alone. LoRA goes on the language
# model's layers only, as a PEFT regex (matched whole against each module's name, and passed on as
# it is by Axolotl): the attention layers' q/k/v/o, the Gated DeltaNet layers' in_proj_qkv,
# in_proj_z and out_proj (the names Axolotl's examples/qwen3.5/README.md gives for LoRA on them)
# and every layer's MLP. "model.layers" is the text-only Qwen3_5ForCausalLM's prefix,
# "model.language_model.layers" the full checkpoint's; the vision tower (model.visual.*) and the
# MTP head (mtp.*) never match.
QWEN35_TARGET_MODULES = (
    r"model\.(language_model\.)?layers\.\d+\."
    r"(self_attn\.(q_proj|k_proj|v_proj|o_proj)|linear_attn\.(in_proj_qkv|in_proj_z|out_proj)"
    r"|mlp\.(gate_proj|up_proj|down_proj))"
)
# Gemma 3 IT (4B, 12B) is a vision-language checkpoint too (Gemma3ForConditionalGeneration), and
# the short names also match its SigLIP tower's q/k/v projections
# (model.vision_tower.encoder.layers.N.self_attn.q_proj: 3 of the 17 adapted modules of a 2-layer
# model in a run with transformers 5.25.0), which text data never trains. The same regex shape
# keeps LoRA on the language model: model.language_model.layers.N in the checkpoint,
# model.layers.N in a text-only Gemma3ForCausalLM.
# Mistral Small 3.2 (Mistral3ForConditionalGeneration, a Pixtral vision tower) is worse off: its
# tower's layers use all seven short names (model.vision_tower.transformer.layers.N.attention.
# q_proj ... o_proj, .feed_forward.gate_proj ... down_proj), so in a tiny random model (2 text, 2
# vision layers; transformers 5.25.0 with PEFT 0.21.2, and Axolotl 0.19.0's transformers 5.16.1
# with PEFT 0.20.0) the short names adapted 28 modules, 14 of them the tower's, and the regex
# the 14 of model.language_model.layers.N alone (the projector's linear_1, linear_2 and
# patch_merger.merging_layer match neither). Both tools load that class: TRL 1.16.0's
# create_model_from_path takes config.architectures[0], and Axolotl 0.19.0 counts mistral3 as
# multimodal and loads it with AutoModelForImageTextToText (AutoModelForCausalLM refuses the
# Mistral3Config in both transformers versions).
LANGUAGE_MODEL_TARGET_MODULES = (
    r"model\.(language_model\.)?layers\.\d+\."
    r"(self_attn\.(q_proj|k_proj|v_proj|o_proj)|mlp\.(gate_proj|up_proj|down_proj))"
)
# The families whose checkpoints in the table are vision-language models with that layout.
LANGUAGE_MODEL_ONLY = {"gemma", "mistral"}
# Axolotl's Qwen3.5 examples (examples/qwen3.5/*.yaml, Axolotl 0.15.0 and later): the qwen3_5
# chat template, the Cut Cross Entropy plugin and FlashAttention 2 for the attention layers.
QWEN35_AXOLOTL_PLUGINS = ["axolotl.integrations.cut_cross_entropy.CutCrossEntropyPlugin"]
# The Gated DeltaNet layers run packed sequences only with flash-linear-attention: Axolotl's
# Qwen3.5 README ("FLA is required when sample_packing: true. Without it, training raises a
# RuntimeError on packed sequences"), with the version it pins and causal-conv1d removed first.
FLA_INSTALL = "pip uninstall -y causal-conv1d && pip install flash-linear-attention==0.4.1"
# train.py installs the transformers of the day, and from 5.20 Qwen3.5's causal_conv1d_fn raises on
# packed sequences (TRL's collator passes seq_idx) unless the causal-conv1d package is there:
# "`causal_conv1d_fn` can't keep packed sequences apart without `causal-conv1d`"
# (integrations/hub_kernels.py, 5.20.0 and 5.25.0; 5.15 and 5.16 ran its PyTorch fallback, which
# ignores seq_idx). So the script installs causal-conv1d beside flash-linear-attention, where
# Axolotl, which pins an older transformers, removes it first (FLA_INSTALL).
TRL_QWEN35_PACKING_INSTALL = "pip install causal-conv1d flash-linear-attention==0.4.1"
# Every TRL script and the classifier: warmup_steps below 1 is a fraction of the run's steps from
# transformers 5.2 (its TrainingArguments docstring), and warmup_ratio, which said the same, is
# gone from 5.15 (TrainingArguments raised "unexpected keyword argument 'warmup_ratio'" in 5.25.0,
# run with TRL 1.16.0). So the files ask for 5.2 or later and set warmup_steps.
TRANSFORMERS = "transformers>=5.2"
# The table's Gemma 3 IT and Mistral Small 3.2 checkpoints are vision-language models: TRL loads
# their processor (AutoProcessor), whose image half needs Pillow and torchvision, which neither
# TRL nor transformers installs (Gemma 3's processor: "Missing optional dependencies:
# torchvision, Pillow", transformers 5.25.0).
VISION_EXTRAS = {"gemma": "pillow torchvision", "mistral": "pillow torchvision"}
# DPO's stage 2 merges the supervised adapter into its base. AutoPeftModelForCausalLM loads the
# base through AutoModelForCausalLM, which has Gemma 3's vision-language class but raises
# "Unrecognized configuration class ... Mistral3Config" for Mistral Small 3.2 (transformers 5.16.1
# and 5.25.0, PEFT 0.20.0 and 0.21.2, on a tiny Mistral3 adapter), where SFTTrainer loaded the
# class the config names (TRL's create_model_from_path: architectures[0]). Those families load
# that class and apply the adapter with PeftModel.
MERGE_CLASS = {"mistral": "Mistral3ForConditionalGeneration"}
HEADER = "Generated by the Fine-Tune Decision Wizard from this assessment's plan. Read every value before you run it."
# Completions GRPO samples per prompt (TRL's default). TRL's GRPOConfig raises unless its
# generation batch, per_device_train_batch_size x GPUs x gradient_accumulation_steps by default,
# and its eval batch (per_device_eval_batch_size x GPUs) are multiples of it; Axolotl replays the
# first check on micro_batch_size x gradient_accumulation_steps and sets the eval batch to the
# micro-batch unless eval_batch_size is given.
NUM_GENERATIONS = 8
MAX_COMPLETION = 1024  # GRPO's max_completion_length, at most the sequence length
# GRPO generates with vLLM in TRL's colocate mode (GRPOConfig use_vllm=True, vllm_mode="colocate":
# the engine runs in the training process, on the same GPU, and takes the merged LoRA weights by
# their names at each step, trl/generation/vllm_generation.py sync_weights, at TRL's commit in
# data/config_keys.json) for the families whose checkpoint is the text-only class trained. The
# numbers say what share of the card vLLM may take (vllm_gpu_memory_utilization, TRL's default
# 0.3); without it, the script generates with Hugging Face generate. vllm_max_model_length bounds
# the context vLLM reserves for: left out, vLLM takes the model's whole context and needs a KV
# cache for one sequence of it. Axolotl 0.19.0 passes colocate mode vllm.gpu_memory_utilization
# but no max_model_len (core/trainers/grpo/__init__.py, set_training_args_kwargs), so the
# Axolotl file keeps Hugging Face generate.
VLLM_FAMILIES = {"qwen", "llama"}
TRL_VLLM = "trl[vllm]"
DPO_BETA = 0.1
# DPO starts from a model first fine-tuned on the preferred answers (Rafailov et al. 2023, section
# 4, "Preferred-FT"): one supervised epoch on each prompt and its chosen answer, whose adapter is
# merged into the BF16 base; DPO then trains from the merged model, so the reference (the model
# with the adapter off) is that supervised model.
SFT_WARMUP_EPOCHS = 1
# The files a plan offers, in the order they are used: for DPO, axolotl-sft.yaml runs first;
# prefs.py is axolotl.yaml's DPO transform for a thinking model (PREFS).
CONFIG_FILES = ("axolotl_sft", "axolotl", "trl", "rewards", "prefs")
# eval_steps and save_steps, in the TRL scripts and the Axolotl files alike: a tenth of the
# optimizer steps. Both tools take a float below 1 as that fraction of the run's steps
# (Transformers' TrainingArguments; Axolotl's schema, src/axolotl/utils/schemas/config.py:
# "float for fraction of total steps", passed on as it is by core/builders/base.py). Axolotl's
# evals_per_epoch and saves_per_epoch would give 1 / (n x num_epochs) instead
# (src/axolotl/utils/config/__init__.py): 4 an epoch over 3 epochs is 12 evaluations, not 10.
EVAL_EVERY = 0.1
# Checkpoints a run at EVAL_EVERY saves at most: one at each tenth of its steps.
MAX_SAVES = round(1 / EVAL_EVERY)
# Axolotl's RL builder (src/axolotl/core/builders/rl.py at commit 067b021, DPO and GRPO) passes
# neither load_best_model_at_end, metric_for_best_model nor greater_is_better to the trainer and
# adds no early-stopping callback: only the supervised builder (core/builders/causal.py) does.
# The RL files leave those keys out and keep every checkpoint (save_total_limit, 4 by default,
# would delete the best), and say which one to take.
AXOLOTL_RL = {"preference_tuning", "reinforcement_fine_tuning"}
# Families whose chat template TRL (1.1 and later, trl/chat_template_utils.py
# get_training_chat_template) swaps for a copy with {% generation %} markers, which
# assistant_only_loss needs: Qwen3 and GPT-OSS. It has none for the Llama 3.1/3.2 templates and
# raises for them (TRL 1.16.0 too). Gemma 3's copy (gemma3_training.jinja) is recent: TRL 1.16.0
# has it and trained every assistant turn with it, but the install line does not pin TRL, so the
# Gemma and Mistral Small scripts train the last answer, which any release can (TRL 1.16.0's
# SFTTrainer refuses assistant_only_loss only for image datasets with transformers before 5.18).
TRL_PATCHES_TEMPLATE = {"qwen", "gpt-oss"}
# GRPO samples with the chat template's defaults, and Qwen3's template thinks by default: its
# model card recommends room for 32,768 output tokens when it does, so a thought cut off at
# max_completion_length never reaches its "Answer:" line and scores 0 for the whole group. The
# scripts turn thinking off (the template's enable_thinking switch) for a model that has one
# (numbers["thinking"]); the model still reasons in its answer, before the Answer line.
NO_THINKING = {"enable_thinking": False}
# Qwen3.5's templates (qwen3_5_think.jinja, shipped by Qwen3.5-4B and larger) have their training
# copy from TRL 1.5.0 (commit fb9cb79); TRL applies it only to a tokenizer, so the script loads the
# text model and its tokenizer itself (SFTTrainer given the model's name would load the vision-
# language model and its processor, and refuse assistant_only_loss and packing for it).
QWEN35_TRL = "trl>=1.5"
# transformers 5.2.0 is the first to know model_type qwen3_5 (Unsloth's Qwen3.5 guide and its PR
# #4335: "Qwen3.5 requires transformers >= 5.2.0").
QWEN35_TRANSFORMERS = "transformers>=5.2"


def uses_vllm(n: dict[str, Any]) -> bool:
    """Whether train.py generates GRPO's completions with vLLM in colocate mode (VLLM_FAMILIES):
    the plan gives it a share of the card."""
    return n["method"] == "reinforcement_fine_tuning" and bool(n.get("vllm_gpu_memory_utilization"))


def vllm_max_model_length(n: dict[str, Any]) -> int:
    """The context vLLM serves: a prompt up to the sequence length and its completion."""
    return n["seq_len"] + min(n["seq_len"], MAX_COMPLETION)


def is_qwen35(n: dict[str, Any]) -> bool:
    return n.get("model_type") == "qwen3_5"


def target_modules(n: dict[str, Any]) -> list[str] | str:
    if is_qwen35(n):
        return QWEN35_TARGET_MODULES
    if n.get("family") in LANGUAGE_MODEL_ONLY:
        return LANGUAGE_MODEL_TARGET_MODULES
    return list(TARGET_MODULES)


def packs(method: str) -> bool:
    """Whether the method's first (or only) training stage packs sequences: supervised methods,
    and DPO's supervised first stage."""
    return method in ("lora_sft", "distillation", "preference_tuning")


def generate(n: dict[str, Any]) -> dict[str, Any]:
    method = n["method"]
    if method == "encoder_classifier":
        return {
            "axolotl_sft": None,
            "axolotl": None,
            "trl": {
                "filename": "train_classifier.py",
                "language": "python",
                "text": classifier_script(n),
            },
            "rewards": None,
            "prefs": None,
        }
    return {
        "axolotl_sft": (
            {"filename": "axolotl-sft.yaml", "language": "yaml", "text": axolotl_yaml(n, "sft")}
            if method == "preference_tuning"
            else None
        ),
        "axolotl": {"filename": "axolotl.yaml", "language": "yaml", "text": axolotl_yaml(n)},
        "trl": {"filename": "train.py", "language": "python", "text": trl_script(n)},
        "rewards": (
            {"filename": "rewards.py", "language": "python", "text": REWARDS}
            if method == "reinforcement_fine_tuning"
            else None
        ),
        "prefs": (
            {"filename": "prefs.py", "language": "python", "text": PREFS}
            if renders_dpo_prompts(n)
            else None
        ),
    }


def renders_dpo_prompts(n: dict[str, Any]) -> bool:
    """Whether axolotl.yaml's DPO stage reads its data through prefs.py (a thinking model)."""
    return n["method"] == "preference_tuning" and bool(n.get("thinking"))


def batch(n: dict[str, Any]) -> tuple[int, int]:
    """(micro_batch, grad_accum) for the configs. For GRPO the accumulation is raised to the
    smallest at or above the plan's that makes micro x accum a multiple of NUM_GENERATIONS, so
    the generation batch holds whole groups of completions on any number of GPUs."""
    micro, accum = n["micro_batch"], n["grad_accum"]
    if n["method"] == "reinforcement_fine_tuning":
        step = NUM_GENERATIONS // math.gcd(NUM_GENERATIONS, micro)
        accum = -(-accum // step) * step
    return micro, accum


def best_metric(method: str) -> tuple[str, bool]:
    """(metric_for_best_model, greater_is_better). GRPO with beta=0 has a loss that says nothing
    about quality; TRL's GRPOTrainer logs the mean reward of the eval completions as
    "eval_reward" (its log() prefixes "eval_" to its "reward" metric, into the dict that
    evaluate() returns), which is the score to keep the best checkpoint by."""
    if method == "reinforcement_fine_tuning":
        return "eval_reward", True
    return "eval_loss", False


def output_dir(n: dict[str, Any]) -> str:
    return "./outputs/" + n["model"].split("/")[-1].lower() + "-" + n["method"]


def sft_dir(n: dict[str, Any]) -> str:
    """Where DPO's supervised stage saves its adapter; its merged model goes to "merged" inside,
    where `axolotl merge-lora` writes it (src/axolotl/cli/merge_lora.py: output_dir/merged)."""
    return output_dir(n) + "-sft"


def sft_merged_dir(n: dict[str, Any]) -> str:
    return sft_dir(n) + "/merged"


def axolotl_config(n: dict[str, Any]) -> dict[str, Any]:
    method = n["method"]
    qlora = bool(n["qlora"])
    config: dict[str, Any] = {
        # DPO trains from the supervised stage's merged model (axolotl_sft_config).
        "base_model": sft_merged_dir(n) if method == "preference_tuning" else n["model"],
        "load_in_4bit": qlora,
        "adapter": "qlora" if qlora else "lora",
        "lora_r": n["lora_r"],
        "lora_alpha": n["lora_alpha"],
        "lora_dropout": 0.05,
        "lora_target_modules": target_modules(n),
        "sequence_len": n["seq_len"],
        "chat_template": "qwen3_5" if is_qwen35(n) else "tokenizer_default",
    }
    if is_qwen35(n) and method not in ("preference_tuning", "reinforcement_fine_tuning"):
        # Supervised configs only (DPO's first stage included): Axolotl's Qwen3.5 examples that
        # use it are supervised, and the plugin's documentation says nothing of the RL trainers.
        config["plugins"] = list(QWEN35_AXOLOTL_PLUGINS)
    if method == "preference_tuning":
        config["rl"] = "dpo"
        # The TRL file (prompt, chosen, rejected): Axolotl's chat_template.default DPO strategy
        # reads the prompt from field_messages, as a string or a list of messages. It renders
        # the prompt with the template's defaults and no chat_template_kwargs
        # (src/axolotl/prompt_strategies/dpo/chat_template.py, 0.19.0): `axolotl preprocess` of
        # this file for tiny Qwen3.5 and Qwen3 models put the answer after
        # "<|im_start|>assistant\n<think>\n\n" (an opened thought) and "<|im_start|>assistant\n",
        # where stage 1 trained it, and train.py trains it, after "<think>\n\n</think>\n\n".
        # For a thinking model prefs.to_dpo renders the prompt with thinking off (PREFS), and the
        # same run gave stage 1's text exactly.
        config["datasets"] = [
            {"path": "train.jsonl", "type": "prefs.to_dpo"}
            if n.get("thinking")
            else {
                "path": "train.jsonl",
                "type": "chat_template.default",
                "field_messages": "prompt",
                "field_chosen": "chosen",
                "field_rejected": "rejected",
            }
        ]
    elif method == "reinforcement_fine_tuning":
        config["rl"] = "grpo"
        config["trl"] = {
            "beta": 0.0,
            "num_generations": NUM_GENERATIONS,
            "max_completion_length": min(n["seq_len"], MAX_COMPLETION),
            "reward_funcs": ["rewards.check_answer"],
            "use_vllm": False,
        }
        if n.get("thinking"):
            config["trl"]["chat_template_kwargs"] = dict(NO_THINKING)
        config["datasets"] = [{"path": "train.jsonl", "type": "rewards.to_prompt"}]
    else:
        if n.get("family") == "gemma":
            # Gemma 3's template ends a turn with <end_of_turn>, not its eos_token (<eos>), so
            # Axolotl 0.19.0 warned "the turn terminator won't be trained" and the answers were
            # trained without it; Axolotl's own examples/gemma3 config names it, and with it each
            # answer's <end_of_turn> is trained (one token a turn more, in a run on CPU).
            config["eot_tokens"] = ["<end_of_turn>"]
        config["sample_packing"] = True
        config["eval_sample_packing"] = False
        config["pad_to_sequence_len"] = True
        config["datasets"] = [
            {
                "path": "train.jsonl",
                "type": "chat_template",
                "field_messages": "messages",
                "roles_to_train": ["assistant"],
            }
        ]
    if validates(n):
        # The run evaluates on the validation set alone; eval.jsonl waits for the final score.
        config["test_datasets"] = [
            dict(copy.deepcopy(config["datasets"][0]), path="validation.jsonl")
        ]
    micro, accum = batch(n)
    metric, greater = best_metric(method)
    # Without a validation set: no eval_steps (Axolotl refuses them with neither test_datasets
    # nor val_set_size, utils/schemas/validation.py check_evals), no best checkpoint and no early
    # stopping (which needs eval_steps); the run trains every epoch and its last checkpoint is
    # the model.
    evaluating: dict[str, Any] = {"eval_steps": EVAL_EVERY} if validates(n) else {}
    choosing: dict[str, Any] = (
        {
            "load_best_model_at_end": True,
            "metric_for_best_model": metric,
            "greater_is_better": greater,
            "early_stopping_patience": 2,
        }
        if validates(n)
        else {}
    )
    config.update(
        {
            "micro_batch_size": micro,
            "gradient_accumulation_steps": accum,
            **(
                {"eval_batch_size": NUM_GENERATIONS}
                if method == "reinforcement_fine_tuning" and validates(n)
                else {}
            ),
            "num_epochs": n["epochs"],
            "learning_rate": n["learning_rate"],
            "lr_scheduler": "cosine",
            "warmup_ratio": 0.03,
            "optimizer": "paged_adamw_8bit" if qlora else "adamw_torch_fused",
            "weight_decay": 0.0,
            "bf16": "auto",
            "gradient_checkpointing": True,
            # flash_attention is deprecated for attn_implementation (Axolotl 0.18; 0.19.0 warns
            # "`flash_attention: true` is deprecated and will be removed"), which the Qwen3.5
            # examples set.
            "attn_implementation": "flash_attention_2",
            # As train.py: evaluate and save at each tenth of the steps (EVAL_EVERY).
            **evaluating,
            "save_steps": EVAL_EVERY,
            **({"save_total_limit": MAX_SAVES} if method in AXOLOTL_RL else choosing),
            "logging_steps": 10,
            "output_dir": output_dir(n),
            "seed": 42,
        }
    )
    return config


def axolotl_sft_config(n: dict[str, Any]) -> dict[str, Any]:
    """DPO's first stage: supervised LoRA for one epoch at supervised LoRA's rate on each prompt
    and its chosen answer, as conversations in which only the chosen answer is trained on
    (message_field_training: a turn's "training" overrides roles_to_train, in
    src/axolotl/prompt_strategies/chat_template.py)."""
    config = axolotl_config(
        {
            **n,
            "method": "lora_sft",
            "epochs": SFT_WARMUP_EPOCHS,
            "learning_rate": n["sft_learning_rate"],
        }
    )
    dataset = {
        "path": "train-sft.jsonl",
        "type": "chat_template",
        "field_messages": "messages",
        "message_field_training": "training",
    }
    config["datasets"] = [dataset]
    if validates(n):
        config["test_datasets"] = [dict(dataset, path="validation-sft.jsonl")]
    config["output_dir"] = sft_dir(n)
    return config


# Writes train-sft.jsonl and validation-sft.jsonl from the preference files: each prompt (a
# string becomes one user turn), then its chosen answer (a string becomes one assistant turn),
# marked so that only the chosen answer is trained on, as the TRL script's prompt-completion pairs
# are. Without a validation set, train-sft.jsonl alone (to_messages).
TO_MESSAGES = (
    "for f in train validation; do python3 -c 'import json,sys; "
    't=lambda x,r: [{"role": r, "content": x}] if isinstance(x, str) else x; '
    '[print(json.dumps({"messages": [dict(m, training=False) for m in t(e["prompt"], "user")]'
    ' + [dict(m, training=True) for m in t(e["chosen"], "assistant")]}))'
    " for e in map(json.loads, filter(str.strip, sys.stdin))]'"
    " < $f.jsonl > $f-sft.jsonl; done"
)


def to_messages(n: dict[str, Any]) -> str:
    return TO_MESSAGES if validates(n) else TO_MESSAGES.replace(" train validation;", " train;")


def validates(n: dict[str, Any]) -> bool:
    """Whether the run has a validation set to evaluate on (the plan's validation_cases; numbers
    that do not say are taken to have one)."""
    return n.get("validation_cases") != 0


def _count(value: Any, noun: str) -> str:
    """ " (1,234 noun)" for a known count, nothing for numbers that do not give one."""
    return f" ({value:,} {noun})" if isinstance(value, int) else ""


def axolotl_yaml(n: dict[str, Any], stage: str = "") -> str:
    # The same numbers give the same text, and PyYAML takes about a millisecond to write it: a
    # few hundred texts are kept, as every verdict page and API read of a plan writes one. Each
    # value's type is part of the key: 2 and 2.0, or 1 and True, are equal but written apart.
    # stage "sft": DPO's supervised first stage (axolotl-sft.yaml).
    return _axolotl_yaml(tuple((k, type(v), v) for k, v in sorted(n.items())), stage)


@lru_cache(maxsize=256)
def _axolotl_yaml(key: tuple[tuple[str, type, Any], ...], stage: str = "") -> str:
    n = {k: v for k, _, v in key}
    method = n["method"]
    if method == "preference_tuning":
        comments = [
            f"# {HEADER}",
            "# DPO in two stages, as the DPO paper starts (Rafailov et al. 2023, section 4): a",
            "# supervised pass on the chosen answers, then DPO from the merged result. Run, in order",
            "# (https://docs.axolotl.ai):",
            "#   axolotl train axolotl-sft.yaml",
            f"#   axolotl merge-lora axolotl-sft.yaml   (writes {sft_merged_dir(n)})",
            "#   axolotl train axolotl.yaml",
        ]
    else:
        comments = [f"# {HEADER}", "# Run: axolotl train axolotl.yaml (https://docs.axolotl.ai)"]
    # This file's own training: DPO's first stage is supervised; its second, like GRPO, is RL.
    supervised = stage == "sft" or method not in AXOLOTL_RL
    if is_qwen35(n):
        comments += [
            f"# {n['model']} is a vision-language checkpoint: the regex in lora_target_modules",
            "# keeps LoRA on its language model. Qwen3.5 needs Axolotl 0.15.0 or later and",
            f"# {QWEN35_TRANSFORMERS}. bf16 LoRA only: Unsloth advises against QLoRA (4-bit) for",
            "# Qwen3.5.",
        ]
        if supervised:
            # The plugin and sample packing are in the supervised configs only (axolotl_config).
            comments += [
                "# The Cut Cross Entropy plugin needs its package",
                "# (https://docs.axolotl.ai/docs/custom_integrations.html#cut-cross-entropy).",
                f"# Sample packing needs flash-linear-attention for its linear-attention layers: {FLA_INSTALL}",
            ]
    if not validates(n):
        comments += [
            "# No validation set: the examples are too few to spare one. The run evaluates on",
            "# nothing, trains every epoch without early stopping, and its last checkpoint is the",
            "# model, as train.py's is.",
        ]
    elif supervised:
        comments += [
            "# Evaluates on validation.jsonl and saves at each tenth of the training steps",
            "# (eval_steps, save_steps), stops after two evaluations without a lower eval loss and",
            "# loads the checkpoint with the lowest, as train.py does. Axolotl also evaluates once",
            "# before the first step.",
        ]
    else:
        best = (
            "highest eval_reward" if method == "reinforcement_fine_tuning" else "lowest eval_loss"
        )
        comments += [
            "# Evaluates on validation.jsonl and saves at each tenth of the training steps",
            "# (eval_steps, save_steps), as train.py does; Axolotl also evaluates once before the",
            f"# first step. Unlike train.py, Axolotl's {'DPO' if method == 'preference_tuning' else 'GRPO'} trainer "
            "neither stops early nor loads the best",
            f"# checkpoint at the end: it keeps every checkpoint (up to {MAX_SAVES}); take the one with the",
            f"# {best} (log_history in the last checkpoint's trainer_state.json).",
        ]
    if stage == "sft":
        comments += [
            f"# Stage 1: one epoch of supervised {'QLoRA' if n['qlora'] else 'LoRA'} on {n['model']}, on each prompt and its",
            *(
                [
                    '# chosen answer. Axolotl reads conversations from "messages": make train-sft.jsonl',
                    "# and validation-sft.jsonl from the preference files (the chosen answer is the turn",
                    "# trained on):",
                ]
                if validates(n)
                else [
                    '# chosen answer. Axolotl reads conversations from "messages": make train-sft.jsonl',
                    "# from the preference file (the chosen answer is the turn trained on):",
                ]
            ),
            f"#   {to_messages(n)}",
            *axolotl_data_lines(n),
        ]
        body = yaml.safe_dump(axolotl_sft_config(n), sort_keys=False, allow_unicode=True)
        return "\n".join(comments) + "\n" + body
    if method == "reinforcement_fine_tuning":
        if uses_vllm(n):
            comments += [
                "# Generates with Hugging Face generate (use_vllm: false), slower than train.py,",
                "# which generates with vLLM on the same GPU (colocate mode) and is what the plan's",
                "# hours are for: Axolotl 0.19.0 gives vLLM's colocate mode no max_model_len, so",
                "# vLLM would hold a KV cache for the model's whole context beside training.",
            ]
        comments += [
            f'# Data: {data_files(n, "and")} with "prompt" and "answer". Put rewards.py (from',
            "# the same plan) beside this file: it defines check_answer (the reward) and",
            '# to_prompt (the dataset transform, which asks for a final "Answer:" line). Run',
            "# from that folder; `axolotl preprocess` needs it on the path: PYTHONPATH=. axolotl",
            "# preprocess axolotl.yaml (axolotl train finds it without, Axolotl 0.19.0).",
            *axolotl_data_lines(n),
        ]
    elif method == "preference_tuning":
        comments += [
            "# Stage 2: DPO from the merged stage-1 model; with LoRA the reference is that model",
            "# with the adapter off.",
            f'# Data: {data_files(n, "and")} with "prompt" (a string or a list of messages), '
            '"chosen" and "rejected".',
            *(
                [
                    "# Put prefs.py (from the same plan) beside this file: its to_dpo (the dataset",
                    "# transform) renders each prompt with thinking off, as stage 1 and train.py",
                    "# train the answer. Run from that folder; `axolotl preprocess` needs it on the",
                    "# path: PYTHONPATH=. axolotl preprocess axolotl.yaml (axolotl train finds it",
                    "# without, Axolotl 0.19.0).",
                ]
                if n.get("thinking")
                else []
            ),
            *axolotl_data_lines(n),
        ]
    else:
        comments += [
            f'# Data: {data_files(n, "and")} with "messages" (chat format).',
            # Only for a tool-use task (n["tool_use"]): a style or extraction task has no tools.
            *(AXOLOTL_TOOLS if n.get("tool_use") else []),
            *axolotl_data_lines(n),
        ]
    body = yaml.safe_dump(axolotl_config(n), sort_keys=False, allow_unicode=True)
    return "\n".join(comments) + "\n" + body


AXOLOTL_TOOLS = [
    '# Tool-calling data: add a "tools" list (JSON schemas) to each example; Axolotl',
    "# reads it from field_tools, default tools.",
]


def _q(value: Any) -> str:
    return repr(value)


def data_files(n: dict[str, Any], conjunction: str) -> str:
    """The files the run reads: train.jsonl, and validation.jsonl when it has a validation set.
    eval.jsonl is not among them: it is scored once, after training (final_step)."""
    return f"train.jsonl {conjunction} validation.jsonl" if validates(n) else "train.jsonl"


def all_files(n: dict[str, Any]) -> str:
    """The three files (two without a validation set), all in the same format."""
    return (
        "train.jsonl, validation.jsonl and eval.jsonl"
        if validates(n)
        else "train.jsonl and eval.jsonl"
    )


def split_lines(n: dict[str, Any], width: int = 92, script: bool = True) -> list[str]:
    """The docstring's lines on the three sets: what each file holds (with the plan's counts)
    and what it is for. `script` False: for an Axolotl file, which says above these lines why
    it has no validation set, where it has none, and has no last step of its own."""
    train = _count(n.get("train_examples"), "examples")
    validation = _count(n.get("validation_cases"), "examples")
    final = _count(n.get("eval_cases"), "cases")
    if validates(n):
        sentences = [
            f"train.jsonl{train}: what the model trains on.",
            f"validation.jsonl{validation}: held out of your examples; the run evaluates on it "
            "alone, to stop early and keep its best checkpoint.",
        ]
    else:
        sentences = [
            f"train.jsonl{train}: what the model trains on."
            + (
                " No validation set: your examples are too few to spare one, so the run trains "
                "its set number of epochs without early stopping and its last checkpoint is the "
                "model."
                if script
                else ""
            )
        ]
    sentences.append(
        f"eval.jsonl{final}: your eval set, scored once, after training"
        + (" (the last step below); " if script else "; ")
        + "never trained or evaluated on during the run."
    )
    lines: list[str] = []
    for sentence in sentences:
        lines += textwrap.wrap(sentence, width)
    return lines


def axolotl_data_lines(n: dict[str, Any]) -> list[str]:
    return ["# " + line for line in split_lines(n, 88, script=False)]


def final_step(n: dict[str, Any]) -> list[str]:
    """The generative scripts' last lines: the one place eval.jsonl is used. Scoring a generated
    answer is the team's own check (the one their prompt was scored with), so the script says
    what to run rather than guessing it."""
    cases = _count(n.get("eval_cases"), "cases")
    return [
        "",
        f"# Last step, once: the final score on eval.jsonl{cases}, which nothing above reads.",
        "# Generate this model's answer to each case, score the answers as your prompt's were,",
        "# and compare the two runs in the eval check before you ship.",
    ]


def trl_script(n: dict[str, Any]) -> str:
    method = n["method"]
    qlora = bool(n["qlora"])
    dpo = method == "preference_tuning"
    config_class, trainer_class = {
        "preference_tuning": ("DPOConfig", "DPOTrainer"),
        "reinforcement_fine_tuning": ("GRPOConfig", "GRPOTrainer"),
    }.get(method, ("SFTConfig", "SFTTrainer"))
    qwen35 = is_qwen35(n)
    validating = validates(n)
    transformers_names = ["EarlyStoppingCallback"] if validating else []
    if qlora:
        transformers_names.insert(0, "BitsAndBytesConfig")
    if qwen35:
        transformers_names.insert(0, "AutoTokenizer")
    if dpo:
        transformers_names.insert(0, "AutoProcessor")
        if n.get("family") in MERGE_CLASS:
            transformers_names.insert(1, MERGE_CLASS[n["family"]])
    if qwen35:
        transformers_names.insert(0, "AutoModelForCausalLM")
    imports = [
        *(["import gc", "", "import torch"] if dpo else []),
        "from datasets import load_dataset",
        (
            "from peft import LoraConfig, PeftModel"
            if n.get("family") in MERGE_CLASS
            else "from peft import AutoPeftModelForCausalLM, LoraConfig"
        )
        if dpo
        else "from peft import LoraConfig",
        *(
            [f"from transformers import {', '.join(transformers_names)}"]
            if transformers_names
            else []
        ),
        "from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer"
        if dpo
        else f"from trl import {config_class}, {trainer_class}",
    ]
    model_kwargs = '{"dtype": "bfloat16", "attn_implementation": "flash_attention_2"'
    if qlora:
        model_kwargs += (
            ', "quantization_config": BitsAndBytesConfig(load_in_4bit=True, '
            'bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, '
            'bnb_4bit_compute_dtype="bfloat16")'
        )
    model_kwargs += "}"
    masks_assistant = n.get("family") in TRL_PATCHES_TEMPLATE
    specific = {
        "SFTConfig": [
            f"max_length={n['seq_len']}",
            "packing=True",
            *(["assistant_only_loss=True"] if masks_assistant else []),
        ],
        "DPOConfig": [f"max_length={n['seq_len']}", f"beta={DPO_BETA}"],
        "GRPOConfig": [
            f"num_generations={NUM_GENERATIONS}",
            f"max_completion_length={min(n['seq_len'], MAX_COMPLETION)}",
            "beta=0.0",
            *([f"per_device_eval_batch_size={NUM_GENERATIONS}"] if validating else []),
            *([f"chat_template_kwargs={NO_THINKING!r}"] if n.get("thinking") else []),
            *(
                [
                    "use_vllm=True",
                    'vllm_mode="colocate"',
                    f"vllm_gpu_memory_utilization={n['vllm_gpu_memory_utilization']}",
                    f"vllm_max_model_length={vllm_max_model_length(n)}",
                ]
                if uses_vllm(n)
                else []
            ),
        ],
    }[config_class]
    micro, accum = batch(n)

    def arguments(out: str, stage_specific: list[str], epochs: int, lr: float, stage: str):
        metric, greater = best_metric(stage)
        return [
            out,
            *stage_specific,
            f"per_device_train_batch_size={micro}",
            f"gradient_accumulation_steps={accum}",
            f"num_train_epochs={epochs}",
            f"learning_rate={lr!r}",
            'lr_scheduler_type="cosine"',
            "warmup_steps=0.03",
            "bf16=True",
            "gradient_checkpointing=True",
            # Evaluated on validation.jsonl alone; without it, nothing to evaluate on: every
            # epoch is trained and the last checkpoint is the model.
            *(
                ['eval_strategy="steps"', f"eval_steps={EVAL_EVERY}"]
                if validating
                else ['eval_strategy="no"']
            ),
            'save_strategy="steps"',
            f"save_steps={EVAL_EVERY}",
            *(
                [
                    "load_best_model_at_end=True",
                    f'metric_for_best_model="{metric}"',
                    f"greater_is_better={greater}",
                ]
                if validating
                else []
            ),
            "logging_steps=10",
            "seed=42",
            'report_to="none"',
            # Qwen3.5: the script loads the model itself (text_model), with the same settings.
            *([] if qwen35 else [f"model_init_kwargs={model_kwargs}"]),
        ]

    args = arguments(
        f'output_dir="{output_dir(n)}"',
        specific,
        n["epochs"],
        n["learning_rate"],
        method,
    )
    if method == "reinforcement_fine_tuning":
        imports.append("from rewards import check_answer, with_instruction")
    lines = [
        f'"""{HEADER}',
        "",
        *textwrap.wrap(
            _describe(n)
            + (
                ", in the DPO paper's two stages (Rafailov et al. 2023, section 4):" if dpo else "."
            ),
            100,
        ),
        *(
            [
                "1. one epoch of supervised fine-tuning on each prompt and its chosen answer;",
                "2. that adapter merged into the base model loaded in BF16"
                + (" (not into its 4-bit weights)," if qlora else ","),
                f"   saved to {sft_merged_dir(n)};",
                "3. DPO from the merged model: the reference is it with the adapter off, so DPO",
                "   measures against the supervised model.",
            ]
            if dpo
            else []
        ),
        "Install: pip install "
        + (
            f"'{QWEN35_TRL}' peft datasets '{QWEN35_TRANSFORMERS}'"
            if qwen35
            else f"'{TRL_VLLM}' peft datasets '{TRANSFORMERS}'"
            if uses_vllm(n)
            else f"trl peft datasets '{TRANSFORMERS}'"
        )
        + (" bitsandbytes" if qlora else "")
        + (f" {VISION_EXTRAS[n['family']]}" if n.get("family") in VISION_EXTRAS else "")
        + " flash-attn",
        *(
            [
                "Its linear-attention layers need causal-conv1d and flash-linear-attention to",
                f"train on packed sequences: {TRL_QWEN35_PACKING_INSTALL}",
            ]
            if qwen35 and packs(method)
            else []
        ),
        *(
            [
                f"{n['model']} is a vision-language checkpoint: this script trains its text model",
                "(Qwen3_5ForCausalLM, without the vision tower) in bf16 LoRA, never 4-bit QLoRA,",
                "which Unsloth advises against for Qwen3.5.",
            ]
            if qwen35
            else []
        ),
        f"Data: {all_files(n)}, one JSON object a line"
        + {
            "preference_tuning": ' with "prompt", "chosen" and "rejected".',
            "reinforcement_fine_tuning": ' with "prompt" and "answer".',
        }.get(method, ' with "messages" (chat format).'),
        *(
            ["Put rewards.py (from the same plan) beside this script: it scores the answers."]
            if method == "reinforcement_fine_tuning"
            else []
        ),
        *(
            textwrap.wrap(
                "Completions are generated with vLLM in the training process, on the same GPU "
                f"(colocate mode), which may take {n['vllm_gpu_memory_utilization']:.0%} of the "
                "card's memory beside training; on a card where that does not fit, set "
                "use_vllm=False (Hugging Face generate, slower). vLLM serves up to "
                f"{vllm_max_model_length(n):,} tokens: a prompt longer than {n['seq_len']:,} "
                "tokens stops it, so shorten or drop those first.",
                92,
            )
            if uses_vllm(n)
            else []
        ),
        *(
            [
                'Tool-calling data: add a "tools" column (JSON schemas of the functions) beside',
                '"messages"; TRL passes it to the chat template.',
            ]
            if config_class == "SFTConfig" and n.get("tool_use")
            else []
        ),
        *split_lines(n),
        '"""',
        "",
        *imports,
        "",
        *(
            [
                f'BASE = "{n["model"]}"',
                f'SFT_DIR = "{sft_dir(n)}"',
                f'MERGED = "{sft_merged_dir(n)}"',
                "",
            ]
            if dpo
            else []
        ),
        *(
            [
                "",
                "def text_model(name):",
                '    """Qwen3.5 is a vision-language checkpoint: AutoModelForCausalLM loads its text',
                "    model alone (Qwen3_5ForCausalLM skips the vision tower and the MTP head), and",
                *{
                    "preference_tuning": [
                        "    both trainers get its tokenizer, not the processor TRL would load for it,",
                        '    so that TRL treats it as a text model and stage 1 packs its sequences."""',
                    ],
                    "reinforcement_fine_tuning": [
                        "    the trainer gets its tokenizer, not the processor TRL would load for it:",
                        '    the prompts are text."""',
                    ],
                }.get(
                    method,
                    [
                        "    the trainer gets its tokenizer, not the processor, so that TRL packs the",
                        '    sequences and applies its training chat template (assistant_only_loss)."""',
                    ],
                ),
                "    return AutoModelForCausalLM.from_pretrained(",
                '        name, dtype="bfloat16", attn_implementation="flash_attention_2"',
                "    )",
                "",
                "",
                f'tokenizer = AutoTokenizer.from_pretrained("{n["model"]}")',
            ]
            if qwen35
            else []
        ),
        'train = load_dataset("json", data_files="train.jsonl", split="train")',
        *(
            ['validation = load_dataset("json", data_files="validation.jsonl", split="train")']
            if validating
            else []
        ),
    ]
    if method == "reinforcement_fine_tuning":
        lines += [
            '# The prompt asks for a final "Answer:" line, which check_answer reads.',
            'train = train.map(with_instruction, remove_columns=["prompt"])',
            *(
                ['validation = validation.map(with_instruction, remove_columns=["prompt"])']
                if validating
                else []
            ),
        ]
    elif config_class == "SFTConfig" and not masks_assistant:
        lines += [
            "",
            "",
            "def last_answer(example):",
            '    """Prompt: the turns before the last answer; completion: the last answer, the only',
            "    part TRL trains on (completion_only_loss). assistant_only_loss, which would train on",
            "    every assistant turn as the Axolotl YAML does, needs a chat template with",
            # TRL 1.16.0 raised for Llama 3.1 and 3.2 ("patching is not supported for this
            # template") and swapped Gemma 3's for its gemma3_training.jinja; older TRL had none
            # for Gemma, and the install line does not pin TRL.
            '    {% generation %} markers, and TRL has none for this model."""'
            if n.get("family") == "llama"
            else '    {% generation %} markers, which older TRL releases lack for this model."""',
            '    messages = example["messages"]',
            '    return {"prompt": messages[:-1], "completion": messages[-1:]}',
            "",
            "",
            'train = train.map(last_answer, remove_columns=["messages"])',
            *(
                ['validation = validation.map(last_answer, remove_columns=["messages"])']
                if validating
                else []
            ),
        ]
    elif dpo:
        lines += [
            *(
                [
                    "",
                    "",
                    "def no_thinking(example):",
                    '    """Thinking off in both stages, as the model is trained to answer: the prompt then',
                    "    ends where the answer starts. With it on, Qwen3.5's template ends the prompt in an",
                    "    opened thought that the prompt and answer together render otherwise, and TRL would",
                    '    train the answer after a context the model never sees."""',
                    f'    return {{"chat_template_kwargs": {NO_THINKING!r}}}',
                    "",
                    "",
                    "train = train.map(no_thinking)",
                    *(["validation = validation.map(no_thinking)"] if validating else []),
                ]
                if n.get("thinking")
                else []
            ),
            "",
            "",
            "def preferred_answer(example):",
            '    """Stage 1\'s example: the prompt and its chosen answer as TRL\'s prompt-completion pair',
            "    (two strings, or two lists of messages); TRL trains on the completion only",
            '    (completion_only_loss)."""',
            '    return {"prompt": example["prompt"], "completion": example["chosen"]}',
            "",
            "",
            "def lora():",
            '    """A fresh adapter config for each stage."""',
            "    return LoraConfig(",
            f"        r={n['lora_r']},",
            f"        lora_alpha={n['lora_alpha']},",
            "        lora_dropout=0.05,",
            f"        target_modules={_modules(n)},",
            '        task_type="CAUSAL_LM",',
            "    )",
            "",
            "",
            *(
                [
                    "# Stage 1: supervised fine-tuning on the chosen answers; the adapter of the checkpoint",
                    "# with the lowest validation loss is saved to SFT_DIR with the tokenizer.",
                ]
                if validating
                else [
                    "# Stage 1: supervised fine-tuning on the chosen answers; the last checkpoint's adapter",
                    "# is saved to SFT_DIR with the tokenizer.",
                ]
            ),
            "sft_args = SFTConfig(",
            *[
                f"    {a},"
                for a in arguments(
                    "output_dir=SFT_DIR",
                    [f"max_length={n['seq_len']}", "packing=True"],
                    SFT_WARMUP_EPOCHS,
                    n["sft_learning_rate"],
                    "lora_sft",
                )
            ],
            ")",
            "sft_trainer = SFTTrainer(",
            "    model=text_model(BASE)," if qwen35 else "    model=BASE,",
            *(["    processing_class=tokenizer,"] if qwen35 else []),
            "    args=sft_args,",
            '    train_dataset=train.map(preferred_answer, remove_columns=["chosen", "rejected"]),',
            *(
                [
                    '    eval_dataset=validation.map(preferred_answer, remove_columns=["chosen", "rejected"]),',
                    "    peft_config=lora(),",
                    "    callbacks=[EarlyStoppingCallback(early_stopping_patience=2)],",
                ]
                if validating
                else ["    peft_config=lora(),"]
            ),
            ")",
            "sft_trainer.train()",
            "sft_trainer.save_model()",
            "del sft_trainer",
            "gc.collect()",
            "torch.cuda.empty_cache()",
            "",
            "# Stage 2: the adapter merged into the base model loaded in BF16 (adapter_config.json",
            "# names it), saved with its processor: the tokenizer, and for a vision-language",
            "# checkpoint its image processor too, which DPOTrainer loads from MERGED.",
            *(
                [
                    f"# AutoPeftModelForCausalLM refuses {MERGE_CLASS[n['family']]}'s config: the",
                    "# base is loaded in the class the checkpoint names, as SFTTrainer loaded it.",
                    f"base = {MERGE_CLASS[n['family']]}.from_pretrained(BASE, dtype=torch.bfloat16)",
                    "merged = PeftModel.from_pretrained(base, SFT_DIR).merge_and_unload()",
                ]
                if n.get("family") in MERGE_CLASS
                else [
                    "merged = AutoPeftModelForCausalLM.from_pretrained(SFT_DIR, dtype=torch.bfloat16)",
                    "merged = merged.merge_and_unload()",
                ]
            ),
            "merged.save_pretrained(MERGED)",
            "AutoProcessor.from_pretrained(SFT_DIR).save_pretrained(MERGED)",
            "del merged, base" if n.get("family") in MERGE_CLASS else "del merged",
            "gc.collect()",
            "torch.cuda.empty_cache()",
            "",
            "# Stage 3: DPO from the merged model.",
        ]
    else:
        lines.append("")
    if dpo:
        peft_line = "    peft_config=lora(),"
    else:
        lines += [
            "peft_config = LoraConfig(",
            f"    r={n['lora_r']},",
            f"    lora_alpha={n['lora_alpha']},",
            "    lora_dropout=0.05,",
            f"    target_modules={_modules(n)},",
            '    task_type="CAUSAL_LM",',
            ")",
        ]
        peft_line = "    peft_config=peft_config,"
    lines += [
        f"args = {config_class}(",
        *[f"    {a}," for a in args],
        ")",
        f"trainer = {trainer_class}(",
        _model_line(n, dpo),
        *(["    processing_class=tokenizer,"] if qwen35 else []),
        *(["    reward_funcs=check_answer,"] if method == "reinforcement_fine_tuning" else []),
        "    args=args,",
        "    train_dataset=train,",
        *(["    eval_dataset=validation,"] if validating else []),
        peft_line,
        *(
            ["    callbacks=[EarlyStoppingCallback(early_stopping_patience=2)],"]
            if validating
            else []
        ),
        ")",
        "trainer.train()",
        "trainer.save_model()",
        *final_step(n),
        "",
    ]
    return "\n".join(lines)


def _modules(n: dict[str, Any]) -> str:
    """The LoRA targets as Python source: the list, or Qwen3.5's regex as a raw string."""
    modules = target_modules(n)
    return f'r"{modules}"' if isinstance(modules, str) else repr(modules)


def _model_line(n: dict[str, Any], dpo: bool) -> str:
    name = "MERGED" if dpo else repr(n["model"])
    return f"    model=text_model({name})," if is_qwen35(n) else f"    model={name},"


REWARDS = f'''"""{HEADER}

The reward for GRPO and the prompt transform, for both train.py (TRL) and axolotl.yaml
(reward_funcs: rewards.check_answer, datasets type: rewards.to_prompt). Keep this file beside
them. Replace check_answer's comparison with your own checker (a test, a schema, a grader) if
matching the expected answer is not how you judge one.
"""

import re

INSTRUCTION = "Finish with one line that gives only your final answer, as: Answer: <your answer>"
ANSWER_LINE = re.compile(r"^\\W*(?:final\\s+)?answer\\W*:\\s*(.*)$", re.IGNORECASE | re.MULTILINE)
BOXED = re.compile(r"\\\\boxed\\{{([^{{}}]*)\\}}")


def with_instruction(example):
    """The example's prompt as chat messages, the last user turn asking for an "Answer:" line."""
    prompt = example["prompt"]
    if isinstance(prompt, str):
        messages = [{{"role": "user", "content": prompt}}]
    else:
        messages = [dict(message) for message in prompt]
    for message in reversed(messages):
        if message["role"] == "user" and isinstance(message["content"], str):
            message["content"] = message["content"].rstrip() + "\\n\\n" + INSTRUCTION
            break
    return {{"prompt": messages}}


def to_prompt(cfg, *args, **kwargs):
    """Axolotl's dataset transform (datasets: type: rewards.to_prompt): a function for
    datasets.map and its keyword arguments; the "answer" column stays for check_answer.
    Axolotl's GRPO trainer does not pass trl.chat_template_kwargs on to TRL (0.19.0), so where
    the YAML sets them (thinking off) the prompt is rendered here, with them, as text."""
    template_kwargs = dict((cfg.get("trl") or {{}}).get("chat_template_kwargs") or {{}})
    if not template_kwargs:
        return with_instruction, {{"remove_columns": ["prompt"]}}

    def rendered(example, tokenizer):
        messages = with_instruction(example)["prompt"]
        text = tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True, **template_kwargs
        )
        return {{"prompt": text}}

    return rendered, {{"remove_columns": ["prompt"]}}


def final_answer(text):
    """The text of the last "Answer:" line (or the last \\\\boxed{{...}}), or None."""
    text = text.rsplit("</think>", 1)[-1]
    found = ANSWER_LINE.findall(text) or BOXED.findall(text)
    return found[-1] if found else None


def normalize(answer):
    answer = " ".join(str(answer).split()).strip("*_`$ ").rstrip(".").strip()
    number = answer.replace(",", "")
    try:
        return float(number)
    except ValueError:
        return answer.casefold()


def check_answer(completions, answer, **kwargs):
    """1.0 where the completion's final answer matches the expected one, else 0.0: numbers
    compare as numbers ("42." and "42.0" are 42), text without case, spaces or a final period."""
    rewards = []
    for completion, expected in zip(completions, answer):
        text = completion[-1]["content"] if isinstance(completion, list) else completion
        given = final_answer(text)
        matches = given is not None and normalize(given) == normalize(expected)
        rewards.append(1.0 if matches else 0.0)
    return rewards
'''


PREFS = f'''"""{HEADER}

The DPO dataset transform for axolotl.yaml (datasets type: prefs.to_dpo), for a model that
thinks. Keep this file beside it. Axolotl's own chat_template.default renders the prompt with
the chat template's defaults, thinking on, so the answers would follow an opened thought; stage 1
(axolotl-sft.yaml) and train.py train them after a closed, empty one, with thinking off. This
renders them as those do.
"""

NO_THINKING = {NO_THINKING!r}


def as_messages(value, role):
    """A prompt or an answer as chat messages: a string is one turn of the role."""
    if isinstance(value, str):
        return [{{"role": role, "content": value}}]
    if isinstance(value, dict):
        return [value]
    return [{{"role": m["role"], "content": m["content"]}} for m in value]


def to_dpo(cfg, *args, **kwargs):
    """Axolotl's DPO dataset transform (datasets: type: prefs.to_dpo): a function for
    datasets.map and its keyword arguments. Each row's "prompt" (a string or a list of messages),
    "chosen" and "rejected" (a string, or messages whose last is the answer) become the texts
    DPO trains on: the prompt up to the answer's start, thinking off, and each answer to the end
    of its turn, as the whole conversation renders it."""

    def rendered(example, tokenizer):
        messages = as_messages(example["prompt"], "user")
        prompt = tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True, **NO_THINKING
        )
        texts = {{"prompt": prompt}}
        for field in ("chosen", "rejected"):
            answer = as_messages(example[field], "assistant")[-1:]
            whole = tokenizer.apply_chat_template(
                messages + answer, tokenize=False, add_generation_prompt=False, **NO_THINKING
            )
            if not whole.startswith(prompt):
                raise ValueError(
                    f"The {{field}} answer does not render after the prompt (does it hold a "
                    f"thought of its own?): {{whole[max(0, len(prompt) - 40) :]!r}}"
                )
            texts[field] = whole[len(prompt) :].rstrip()
        return texts

    return rendered, {{"remove_columns": ["prompt", "chosen", "rejected"]}}
'''


def classifier_script(n: dict[str, Any]) -> str:
    args = [
        f'output_dir="./outputs/{n["model"].split("/")[-1].lower()}-classifier"',
        # 16 examples an optimizer step, in micro-batches as small as the plan's GPU needs.
        f"per_device_train_batch_size={n['micro_batch']}",
        f"gradient_accumulation_steps={n['grad_accum']}",
        "per_device_eval_batch_size=32",
        f"num_train_epochs={n['epochs']}",
        f"learning_rate={n['learning_rate']!r}",
        "weight_decay=0.01",
        "warmup_steps=0.06",
        "bf16=True",
        *(
            [
                'eval_strategy="epoch"',
                'save_strategy="epoch"',
                "load_best_model_at_end=True",
                'metric_for_best_model="accuracy"',
            ]
            if validates(n)
            else ['eval_strategy="no"', 'save_strategy="epoch"']
        ),
        "logging_steps=10",
        "seed=42",
        'report_to="none"',
    ]
    splits = ["train", "validation", "eval"] if validates(n) else ["train", "eval"]
    files = ", ".join(f'"{name}": "{name}.jsonl"' for name in splits)
    labels = " | ".join(f'set(data["{name}"]["label"])' for name in splits)
    return "\n".join(
        [
            f'"""{HEADER}',
            "",
            f"Full fine-tuning of {n['model']} with a classification head.",
            # transformers 5.25's torch extra: torch>=2.6 and accelerate>=1.1, which Trainer needs.
            f"Install: pip install '{TRANSFORMERS.replace('transformers', 'transformers[torch]')}' datasets",
            f'Data: {all_files(n)} with "text" and "label" (a label name).',
            *split_lines(n),
            '"""',
            "",
            "import numpy as np",
            "from datasets import load_dataset",
            "from transformers import (",
            "    AutoModelForSequenceClassification,",
            "    AutoTokenizer,",
            "    DataCollatorWithPadding,",
            "    Trainer,",
            "    TrainingArguments,",
            ")",
            "",
            f"MODEL = {n['model']!r}",
            f'data = load_dataset("json", data_files={{{files}}})',
            "# Every label name in the files, so that each has an id; eval.jsonl's cases are",
            "# not scored until the last step.",
            f"labels = sorted({labels})",
            "label_ids = {name: i for i, name in enumerate(labels)}",
            "tokenizer = AutoTokenizer.from_pretrained(MODEL)",
            "",
            "",
            "def encode(batch):",
            f'    encoded = tokenizer(batch["text"], truncation=True, max_length={n["seq_len"]})',
            '    encoded["labels"] = [label_ids[name] for name in batch["label"]]',
            "    return encoded",
            "",
            "",
            "def accuracy(prediction):",
            "    logits, gold = prediction",
            '    return {"accuracy": float((np.argmax(logits, axis=-1) == gold).mean())}',
            "",
            "",
            'data = data.map(encode, batched=True, remove_columns=["text", "label"])',
            "model = AutoModelForSequenceClassification.from_pretrained(",
            "    MODEL,",
            "    num_labels=len(labels),",
            "    id2label=dict(enumerate(labels)),",
            "    label2id=label_ids,",
            ")",
            "args = TrainingArguments(",
            *[f"    {a}," for a in args],
            ")",
            "trainer = Trainer(",
            "    model=model,",
            "    args=args,",
            '    train_dataset=data["train"],',
            *(['    eval_dataset=data["validation"],'] if validates(n) else []),
            "    processing_class=tokenizer,",
            "    data_collator=DataCollatorWithPadding(tokenizer),",
            "    compute_metrics=accuracy,",
            ")",
            "trainer.train()",
            "trainer.save_model()",
            "",
            f"# Last step, once: the final score on eval.jsonl{_count(n.get('eval_cases'), 'cases')}.",
            'print(trainer.evaluate(data["eval"], metric_key_prefix="test"))',
            "",
        ]
    )


def _describe(n: dict[str, Any]) -> str:
    """What the TRL script trains: the method, the model and the adapter (QLoRA: LoRA on the base
    model loaded in 4-bit, as model_init_kwargs' quantization_config does)."""
    what = {
        "lora_sft": "Supervised fine-tuning of {model}",
        "distillation": "Supervised fine-tuning of {model} on a larger model's answers (distillation)",
        "preference_tuning": "DPO preference tuning of {model}",
        "reinforcement_fine_tuning": "GRPO reinforcement fine-tuning of {model}",
    }[n["method"]]
    adapter = "QLoRA (LoRA on the base model loaded in 4-bit)" if n["qlora"] else "LoRA"
    return what.format(model=n["model"]) + ", with " + adapter
