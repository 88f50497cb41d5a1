"""The generated Axolotl YAML and TRL scripts parse, carry the plan's numbers, and use only keys
their tools define (app/training/data/config_keys.json, taken from the tools' schemas)."""

import ast
import json
from pathlib import Path

import pytest
import yaml

from app.training import configs
from app.training.plan import METHODS, build_plan
from tests.unit.decision_cases import CUSTOMER_SERVICE_BOT

KEYS = json.loads((Path(configs.__file__).parent / "data" / "config_keys.json").read_text())
PROFILE = {"valid": 800, "tokens": {"total": 400_000, "p95": 900, "trained": 100_000}}


def numbers(method: str, qlora: bool) -> dict:
    return {
        "method": method,
        "model": "Qwen/Qwen3-8B",
        "family": "qwen",
        "seq_len": 1024,
        "lora_r": 16,
        "lora_alpha": 32,
        "learning_rate": 2e-4,
        "epochs": 2,
        "micro_batch": 2,
        "grad_accum": 8,
        "eval_cases": 285,
        "qlora": qlora,
    }


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


def test_the_reward_function_scores_exact_answers() -> None:
    text = configs.generate(numbers("reinforcement_fine_tuning", False))["trl"]["text"]
    tree = ast.parse(text)
    function = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "check_answer"
    )
    namespace: dict = {}
    exec(compile(ast.Module([function], []), "<reward>", "exec"), namespace)  # noqa: S102 - our own generated code
    rewards = namespace["check_answer"](
        [[{"content": "so the answer is 42"}], "it is 7", [{"content": "41"}]], ["42", "7", "42"]
    )
    assert rewards == [1.0, 1.0, 0.0]


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


def test_the_classifier_saves_its_tokenizer_with_the_model() -> None:
    text = configs.generate(numbers("encoder_classifier", False))["trl"]["text"]
    assert config_call(text, "Trainer")["processing_class"] == "tokenizer"
