"""Seed a database with N realistic finished assessments, through the service layer, in bulk.

Run:  .venv/bin/python -m bench.seed --count 100000 [--database-url URL] [--migrate]
      (the database defaults to the app's DATABASE_URL setting, as `make run` uses)

Answers come from a pool of distinct answer profiles (the worked examples of the questionnaire
plus weighted random ones), picked with a long-tailed popularity as real teams repeat each
other; each profile is judged once by `app.decision.evaluate`. Titles and teams come from a
vocabulary of English and Chinese product work; finished_at is spread over the last two years.
Same --seed, same data (apart from the random share tokens).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import decision, history  # noqa: E402
from app.db import Database  # noqa: E402

SEED = 294
PROFILES = 2_000
SPAN = timedelta(days=730)

# The questionnaire's worked examples, so the most common profiles are the archetypes.
ARCHETYPES = [
    {
        "task_type": "tool_use",
        "task_scope": "narrow",
        "spec_clarity": "implicit",
        "accuracy_target": "critical",
        "prompting_effort": "extensive",
        "baseline_accuracy": 95,
        "failure_mode": "wrong_decisions",
        "volume": "high",
        "latency_need": "interactive",
        "cost_pressure": "moderate",
        "hosting": "open_weights_preferred",
        "ml_capacity": "some",
        "knowledge_source": "private_stable",
        "needs_citations": "no",
        "domain_language": "common",
        "example_count": "100_to_1k",
        "data_quality": "clean",
        "data_diversity": "diverse",
        "edge_cases": "yes",
        "synthetic_data": "yes",
    },
    {
        "task_type": "knowledge_qa",
        "task_scope": "narrow",
        "spec_clarity": "explicit",
        "accuracy_target": "high",
        "prompting_effort": "basic",
        "baseline_accuracy": None,
        "failure_mode": "missing_knowledge",
        "volume": "medium",
        "latency_need": "interactive",
        "cost_pressure": "none",
        "hosting": "api_ok",
        "ml_capacity": "none",
        "knowledge_source": "private_changing",
        "needs_citations": "yes",
        "domain_language": "common",
        "example_count": "none",
        "data_quality": "unsure",
        "data_diversity": "unsure",
        "edge_cases": "unsure",
        "synthetic_data": "unsure",
    },
    {
        "task_type": "simple_generation",
        "task_scope": "narrow",
        "spec_clarity": "explicit",
        "accuracy_target": "best_effort",
        "prompting_effort": "basic",
        "baseline_accuracy": None,
        "failure_mode": "none",
        "volume": "low",
        "latency_need": "relaxed",
        "cost_pressure": "none",
        "hosting": "api_ok",
        "ml_capacity": "none",
        "knowledge_source": "general",
        "needs_citations": "no",
        "domain_language": "common",
        "example_count": "none",
        "data_quality": "unsure",
        "data_diversity": "unsure",
        "edge_cases": "unsure",
        "synthetic_data": "unsure",
    },
    {
        "task_type": "classification",
        "task_scope": "narrow",
        "spec_clarity": "partial",
        "accuracy_target": "critical",
        "prompting_effort": "extensive",
        "baseline_accuracy": 88,
        "failure_mode": "wrong_decisions",
        "volume": "high",
        "latency_need": "interactive",
        "cost_pressure": "moderate",
        "hosting": "self_hosted_required",
        "ml_capacity": "some",
        "knowledge_source": "private_stable",
        "needs_citations": "no",
        "domain_language": "specialized",
        "example_count": "over_1k",
        "data_quality": "noisy",
        "data_diversity": "diverse",
        "edge_cases": "yes",
        "synthetic_data": "no",
    },
]

PRODUCTS_EN = [
    "Refund",
    "Invoice",
    "Claims",
    "Onboarding",
    "Contract",
    "Ticket",
    "Returns",
    "Billing",
    "Payroll",
    "Shipping",
    "Fraud",
    "Compliance",
    "Product spec",
    "Release notes",
    "KYC",
    "Insurance",
    "Warranty",
    "Recruiting",
    "Expense",
    "Procurement",
    "Medical coding",
    "Loyalty",
    "Churn",
    "Pricing",
    "Catalog",
    "Booking",
    "Dispatch",
    "Tax",
    "Legal intake",
    "Survey",
]
TASKS_EN = [
    "agent",
    "classifier",
    "router",
    "field extraction",
    "summaries",
    "assistant",
    "triage",
    "tone rewrite",
    "FAQ bot",
    "email drafts",
    "tagging",
    "QA over docs",
    "tool calling",
    "translation",
    "redaction",
    "search answers",
    "chat replies",
    "risk scoring",
]
SUFFIXES_EN = ["", "", "", "", " v2", " (pilot)", " – EU", " – APAC", " for mobile", " 2.0"]
TITLES_ZH = [
    "客服退款助手",
    "发票字段抽取",
    "医疗理赔分类",
    "合同条款审查",
    "产品规格问答",
    "会议纪要总结",
    "工单自动路由",
    "品牌文案风格",
    "售后工单分类",
    "简历信息抽取",
    "风控规则解释",
    "物流异常处理",
    "保险条款问答",
    "财务报销审核",
    "招聘邮件生成",
    "商品评论打标",
]
SUFFIXES_ZH = ["", "", "", "（试点）", "二期", "（华东）", "升级版"]
TEAMS = [
    "Support",
    "Payments",
    "Claims ops",
    "Legal",
    "Growth",
    "Data platform",
    "Search",
    "Sales enablement",
    "Finance",
    "HR tools",
    "Trust & Safety",
    "Logistics",
    "Marketing",
    "Developer experience",
    "Risk",
    "Product docs",
    "Customer success",
    "ML platform",
    "客服中心",
    "数据平台",
    "风控",
    "法务",
    "市场部",
    "供应链",
]
NOTES = [
    "Pilot with one region first.",
    "Legal asked for citations.",
    "Revisit after Q3 data review.",
    "Baseline measured on 200 tickets.",
    "Latency budget from the mobile team.",
    "先在华东试点。",
    "数据需要再清洗一遍。",
]

# Plausible answers are more common than odd ones: weight the options of each question.
WEIGHTS = {
    "prompting_effort": {"none": 2, "basic": 4, "extensive": 3},
    "accuracy_target": {"best_effort": 3, "high": 4, "critical": 2},
    "data_quality": {"clean": 3, "mixed": 4, "noisy": 1, "unsure": 2},
    "knowledge_source": {"general": 3, "private_stable": 3, "private_changing": 3, "realtime": 1},
}


def random_profile(rng: random.Random) -> dict[str, object]:
    answers: dict[str, object] = {}
    for key, question in decision.QUESTIONS.items():
        if question.kind == "integer":
            answers[key] = None if rng.random() < 0.5 else rng.randint(55, 97)
            continue
        options = list(question.option_keys)
        weights = [WEIGHTS.get(key, {}).get(option, 2) for option in options]
        answers[key] = rng.choices(options, weights)[0]
    return answers


def answer_profiles(rng: random.Random, count: int = PROFILES) -> list[dict[str, object]]:
    """`count` distinct, valid answer sets, archetypes first (they get the most weight)."""
    profiles, seen = [], set()
    for raw in itertools.chain(ARCHETYPES, iter(lambda: random_profile(rng), None)):
        answers, errors = decision.validate_answers(raw)
        key = tuple(sorted(answers.items()))
        if errors or key in seen:
            continue
        seen.add(key)
        profiles.append(answers)
        if len(profiles) == count:
            return profiles
    raise AssertionError("unreachable")


def realistic_items(
    count: int, *, rng_seed: int = SEED, now: datetime | None = None, profiles: int = PROFILES
) -> Iterator[history.FinishedItem]:
    rng = random.Random(rng_seed)
    pool = answer_profiles(rng, profiles)
    # Long tail: profile i is picked with weight 1 / (i + 1) ** 0.8.
    cumulative = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(pool))))
    top = cumulative[-1]
    now = now or datetime.now(UTC)
    span = SPAN.total_seconds()
    for _ in range(count):
        if rng.random() < 0.12:
            title = rng.choice(TITLES_ZH) + rng.choice(SUFFIXES_ZH)
        else:
            title = f"{rng.choice(PRODUCTS_EN)} {rng.choice(TASKS_EN)}{rng.choice(SUFFIXES_EN)}"
        finished_at = now - timedelta(seconds=rng.random() * span)
        yield history.FinishedItem(
            title=title,
            team="" if rng.random() < 0.15 else rng.choice(TEAMS),
            notes=rng.choice(NOTES) if rng.random() < 0.2 else "",
            answers=pool[bisect.bisect_left(cumulative, rng.random() * top)],
            finished_at=finished_at,
            started_at=finished_at - timedelta(seconds=rng.uniform(120, 3 * 86400)),
        )


def seed(
    db: Database,
    count: int,
    *,
    rng_seed: int = SEED,
    batch_size: int = 2_000,
    now: datetime | None = None,
) -> int:
    return history.bulk_create_finished(
        db, realistic_items(count, rng_seed=rng_seed, now=now), batch_size=batch_size
    )


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from app.settings import ROOT

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the app's DATABASE_URL setting")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default %(default)s)")
    parser.add_argument("--batch-size", type=int, default=2_000)
    parser.add_argument("--migrate", action="store_true", help="alembic upgrade head first")
    args = parser.parse_args(argv)
    if args.database_url is None:
        from app.settings import get_settings

        args.database_url = get_settings().database_url
    if args.migrate:
        migrate(args.database_url)
    db = Database(args.database_url)
    started = time.perf_counter()
    stored = seed(db, args.count, rng_seed=args.seed, batch_size=args.batch_size)
    elapsed = time.perf_counter() - started
    db.dispose()
    print(
        f"seeded {stored:,} finished assessments in {elapsed:.1f} s "
        f"({stored / elapsed:,.0f} rows/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
