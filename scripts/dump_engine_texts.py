"""Every engine text in every language, as one JSON document: the proof that moving the engine's
texts into the gettext catalogue changed none of them.

It reads every `Text` reachable from the engine modules' globals (questions, options, rules,
facts, messages...), then builds texts the way the product does: verdicts for a seeded sample of
answer combinations (with and without measured evidence and cost evidence), the answer
validation's messages, the rules document, the cost calculator's facts and errors for perturbed
inputs, and the dataset check's facts for generated files. Each `Text` is written as its
rendering in every language in `app.decision.text.LANGUAGES`, so the document only depends on
what a reader sees, not on how a `Text` is stored.

    .venv/bin/python scripts/dump_engine_texts.py OUT.json

scripts/engine_texts_to_catalogue.py runs it before and after converting and requires the two
documents to be byte-equal.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import pkgutil
import random
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.decision import text as text_module  # noqa: E402

PACKAGES = ("app.decision", "app.training", "app.evals", "app.datasets", "app.costs")
COMBINATIONS = 1500
# Fields left out: the rules version hashes the engine's source code (app/decision/version.py),
# which a rewrite of how texts are declared changes by design.
NOT_TEXT = frozenset({"rules_version"})
SEED = 20261206


def render(value: Any, seen: set[int] | None = None) -> Any:
    """A JSON-able picture of `value`; every `Text` as {lang: text} for each language."""
    seen = set() if seen is None else seen
    if isinstance(value, text_module.Text):
        return {"text": {lang: value.get(lang) for lang in text_module.LANGUAGES}}
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if id(value) in seen:
        return "<seen>"
    if isinstance(value, Mapping | MappingProxyType):
        seen = seen | {id(value)}
        return {str(k): render(v, seen) for k, v in value.items() if k not in NOT_TEXT}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        seen = seen | {id(value)}
        return {
            "@" + type(value).__name__: {
                f.name: render(getattr(value, f.name), seen)
                for f in dataclasses.fields(value)
                if f.name not in NOT_TEXT
            }
        }
    if isinstance(value, list | tuple | set | frozenset):
        seen = seen | {id(value)}
        items = [render(v, seen) for v in value]
        if isinstance(value, set | frozenset):
            items.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        return items
    return f"<{type(value).__name__}>"


def modules() -> list[ModuleType]:
    found = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        found.append(package)
        for info in pkgutil.iter_modules(package.__path__, name + "."):
            found.append(importlib.import_module(info.name))
    return found


def module_texts() -> dict[str, Any]:
    """Each module's globals that are, or hold, a `Text`."""
    out: dict[str, Any] = {}
    for module in modules():
        for name, value in sorted(vars(module).items()):
            if isinstance(value, ModuleType | type) or callable(value):
                continue
            picture = render(value)
            if '"text"' in json.dumps(picture, ensure_ascii=False):
                out[f"{module.__name__}.{name}"] = picture
    return out


def answer_sets(rng: random.Random) -> list[dict[str, Any]]:
    from app.decision import QUESTIONS

    sets = []
    for _ in range(COMBINATIONS):
        answers: dict[str, Any] = {}
        for q in QUESTIONS.values():
            if q.optional and rng.random() < 0.2:
                continue
            if q.kind == "choice":
                answers[q.key] = rng.choice(q.options).key
            else:
                roll = rng.random()
                if roll < 0.25:
                    answers[q.key] = None
                elif roll < 0.3:
                    answers[q.key] = (q.maximum or 0) + 1
                else:
                    answers[q.key] = rng.randint(q.minimum or 0, q.maximum or 100)
        if rng.random() < 0.05:
            answers.pop(rng.choice(sorted(answers)), None)
        sets.append(answers)
    return sets


def evidence_for(rng: random.Random, answers: Mapping[str, Any], pool: list[Any]) -> Any:
    from app.decision import QUESTIONS
    from app.decision.conditions import COST_CASES
    from app.decision.verdict import CostEvidence, Evidence

    roll = rng.random()
    if roll < 0.4:
        return None
    cost = None
    if rng.random() < 0.6:
        cost = CostEvidence(
            rng.choice(sorted(COST_CASES)),
            rng.choice(pool),
            rng.choice([None, 0.9, 0.95, 0.99]),
            rng.choice([None, 0.85, 0.97]),
        )
    choices = [q for q in QUESTIONS.values() if q.kind == "choice"]
    measured_answers = {}
    measured = {}
    for q in rng.sample(choices, rng.randint(0, 3)):
        measured_answers[q.key] = rng.choice(q.options).key
        measured[q.key] = rng.choice(pool)
    return Evidence(
        cost=cost,
        measured=measured,
        measured_answers=measured_answers,
        preference_pairs=rng.random() < 0.3,
        prompting_plateaued=rng.choice([None, True, False]),
    )


def verdicts(rng: random.Random, pool: list[Any]) -> list[Any]:
    from app.decision import InvalidAnswers, evaluate, validate_answers

    out = []
    for answers in answer_sets(rng):
        evidence = evidence_for(rng, answers, pool)
        entry: dict[str, Any] = {"answers": answers}
        entry["validation"] = render(validate_answers(answers))
        try:
            entry["verdict"] = render(evaluate(answers, evidence))
        except InvalidAnswers as error:
            entry["invalid"] = render(error.args)
        out.append(entry)
    return out


def rules_documents() -> Any:
    from app.decision import how_we_decide, rules_document

    return {
        "how_we_decide": render(how_we_decide()),
        "rules_document": {lang: render(rules_document(lang)) for lang in text_module.LANGUAGES},
    }


def cost_texts(rng: random.Random) -> list[Any]:
    from app import costs
    from app.web.routes.costs import EXAMPLE_FORM

    out = []
    numbers = {k: v for k, v in EXAMPLE_FORM.items() if v}
    for _ in range(300):
        form = dict(numbers)
        for key in rng.sample(sorted(form), rng.randint(0, 3)):
            form[key] = rng.choice(["", "0", "-1", "abc", "1e9", "0.5", "3", "250", "99.9", "1000"])
        inputs, errors = costs.parse_form(form, costs.price_table())
        entry: dict[str, Any] = {"form": form, "errors": render(errors)}
        if inputs is not None:
            result = costs.compute(inputs)
            facts = costs.cost_facts(result)
            entry["facts"] = render(facts)
            entry["summary"] = render(costs.cost_summary(result))
            entry["saving"] = render(costs.saving_sentence(result))
            for rec in (None, "fine_tune", "prompt_engineering", "rag"):
                entry[f"note_{rec}"] = render(costs.verdict_note(rec, facts))
        out.append(entry)
    for raw in ({}, [], {"unknown": 1}, {"requests_per_month": "x"}, {"current": {"bogus": 1}}):
        out.append({"raw": repr(raw), "errors": render(costs.parse_costs(raw)[1])})
    return out


def dataset_texts(rng: random.Random) -> list[Any]:
    from app.datasets import profile as profiling
    from app.datasets import suggestions

    out = []
    lines_pool = [
        '{"messages": [{"role": "user", "content": "Q%d"}, {"role": "assistant", "content": "A%d"}]}',
        '{"prompt": "p%d", "completion": "c%d"}',
        '{"messages": [{"role": "user", "content": "same"}, {"role": "assistant", "content": "B%d"}]}',
        '{"prompt": "x", "completion": "y"}',
        "not json %d %d",
        '{"messages": []}',
    ]
    for _ in range(40):
        count = rng.randint(1, 400)
        lines = []
        for i in range(count):
            template = rng.choice(lines_pool)
            lines.append(
                template % ((i, i) if template.count("%d") == 2 else (i,))
                if "%d" in template
                else template
            )
        data = ("\n".join(lines) + "\n").encode()
        try:
            result = profiling.check([data])
        except Exception as error:  # an unreadable file: its message is a text too
            out.append({"error": type(error).__name__, "args": render(error.args)})
            continue
        entry: dict[str, Any] = {"suggest": suggestions.suggest(result)}
        for question in ("example_count", "data_quality", "data_diversity", "edge_cases"):
            entry[question] = render(suggestions.facts(result, question))
            for answer in (None, "yes", "no", "not_sure", "some", "clean", "clustered"):
                entry[f"measured_{question}_{answer}"] = render(
                    suggestions.measured_fact(result, question, answer)
                )
        out.append(entry)
    return out


def dump() -> dict[str, Any]:
    rng = random.Random(SEED)
    texts = module_texts()
    pool = []
    for value in _all_texts(texts):
        pool.append(value)
    return {
        "languages": list(text_module.LANGUAGES),
        "modules": texts,
        "rules": rules_documents(),
        "verdicts": verdicts(rng, pool),
        "costs": cost_texts(rng),
        "datasets": dataset_texts(rng),
    }


def _all_texts(_texts: Any) -> list[Any]:
    """Texts to use as evidence sentences: the cost cases' own, which every version has."""
    from app.decision.conditions import COST_CASES

    return [COST_CASES[k] for k in sorted(COST_CASES)]


def main() -> None:
    out = Path(sys.argv[1])
    out.write_text(json.dumps(dump(), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{out}: {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
