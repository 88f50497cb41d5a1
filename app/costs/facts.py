"""What the cost figures mean for the verdict: facts with a direction, thresholds with sources,
and sentences in English and Chinese that quote the figures.

The decision engine can take `cost_facts(result)` as it takes answers: each fact has a stable
`key`, says whether it counts `for` or `against` fine-tuning at scale (or is `neutral`), and
carries the sentence a reason would show and the sources behind its thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.decision.text import (
    A16Z_LLMFLATION,
    CONCATENATED,
    NG_BATCH_294,
    SENTENCES,
    Source,
    Text,
)

from .formulas import CostResult
from .numbers import months, percent, usd


@dataclass(frozen=True, slots=True)
class Threshold:
    key: str
    value: float
    label: Text  # the threshold in words, with its number
    rationale: Text
    source: Source


# "For an LLM of equivalent performance, the cost is decreasing by 10x every year" (a16z): a
# saving against today's price wears off as cheaper models reach the same quality. 10x a year is
# 0.1 ** (1/12), about 17.5% a month: 56% of today's price is left after 3 months, 10% after 12.
FAST_PAYBACK_MONTHS = 3
SLOW_PAYBACK_MONTHS = 12
NEGLIGIBLE_SHARE = 0.20
# Fine-tuning adds work to train, deploy and maintain a model (Ng, The Batch #294). Below this a
# month, the saving does not pay for that upkeep: a judgment, about a day or two of an engineer.
NEGLIGIBLE_MONTHLY_USD = 1_000

THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        "fast_payback_months",
        FAST_PAYBACK_MONTHS,
        Text(
            f"Pays back within {FAST_PAYBACK_MONTHS} months: counts for fine-tuning at scale.",
            f"{FAST_PAYBACK_MONTHS} 个月内收回成本：支持为规模化而微调。",
        ),
        Text(
            "The price of a given quality falls about 10× a year, about 17.5% a month; after "
            "3 months 56% of today's price is left, so a fine-tune repaid by then has earned its "
            "cost before cheaper models catch up.",
            "同等质量的价格每年约下降 10 倍，每月约 17.5%；3 个月后只剩今天价格的 56%，"
            "因此在此之前收回成本的微调，在更便宜的模型追上来之前就已经回本。",
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "slow_payback_months",
        SLOW_PAYBACK_MONTHS,
        Text(
            f"Pays back only after {SLOW_PAYBACK_MONTHS} months: counts against.",
            f"超过 {SLOW_PAYBACK_MONTHS} 个月才能收回成本：不支持微调。",
        ),
        Text(
            "Within a year the same quality costs about a tenth of today's price: a saving that "
            "needs longer to repay is likely to be overtaken by cheaper models first.",
            "一年之内，同等质量的价格约降到今天的十分之一：需要更久才能收回的节省，"
            "很可能先被更便宜的模型赶上。",
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "negligible_share",
        NEGLIGIBLE_SHARE,
        Text(
            f"Saves less than {NEGLIGIBLE_SHARE:.0%} of the current bill: negligible, counts against.",
            f"节省不到当前费用的 {NEGLIGIBLE_SHARE:.0%}：可以忽略，不支持微调。",
        ),
        Text(
            "That is about what one month of falling prices (about 17.5% a month) brings without "
            "any fine-tuning, by moving to a newer model.",
            "这大约相当于价格下降一个月（每月约 17.5%）带来的节省，换用更新的模型就能得到，无需微调。",
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "negligible_monthly_usd",
        NEGLIGIBLE_MONTHLY_USD,
        Text(
            f"Saves less than {usd(NEGLIGIBLE_MONTHLY_USD)} a month: negligible, counts against.",
            f"每月节省不到 {usd(NEGLIGIBLE_MONTHLY_USD)}：可以忽略，不支持微调。",
        ),
        Text(
            "Fine-tuning adds work to train, deploy and maintain a model. Our judgment: below "
            "about a day or two of an engineer's time a month, the saving does not pay for it.",
            "微调会增加训练、部署和维护模型的工作。我们的判断是：每月节省低于一两天工程师工时，"
            "就抵不上这些工作。",
        ),
        NG_BATCH_294,
    ),
)

Direction = Literal["for", "against", "neutral"]
SavingKey = Literal[
    "costs_more",
    "negligible_saving",
    "slow_payback",
    "moderate_payback",
    "fast_payback",
    "payback_unknown",
]
AccuracyKey = Literal[
    "candidate_above_break_even", "candidate_below_break_even", "break_even_known"
]


@dataclass(frozen=True, slots=True)
class CostFact:
    key: str
    direction: Direction
    sentence: Text
    sources: tuple[Source, ...]


def saving_sentence(result: CostResult) -> Text:
    """'$23,670 a month saved; the $5,000 one-time cost pays back in 0.21 months.'"""
    saved = usd(result.monthly_saving)
    if result.monthly_saving <= 0:
        return Text(
            f"The candidate costs {usd(result.candidate_monthly)} a month against "
            f"{usd(result.current_monthly)} now: no saving.",
            f"候选模型每月 {usd(result.candidate_monthly)}，当前为 {usd(result.current_monthly)}：没有节省。",
        )
    if result.payback_months is None:
        share = percent(result.saving_share)
        return Text(
            f"{saved} a month saved ({share} of the current bill).",
            f"每月节省 {saved}（当前费用的 {share}）。",
        )
    one_time, payback = usd(result.one_time_cost or 0), months(result.payback_months)
    return Text(
        f"{saved} a month saved; the {one_time} one-time cost pays back in {payback} months.",
        f"每月节省 {saved}；{one_time} 的一次性成本 {payback} 个月即可收回。",
    )


def saving_fact(result: CostResult) -> CostFact:
    """Exactly one of the saving facts, by the thresholds above, first match wins."""
    sentence = saving_sentence(result)
    payback = result.payback_months
    if result.monthly_saving <= 0:
        return CostFact("costs_more", "against", sentence, ())
    if result.monthly_saving < NEGLIGIBLE_MONTHLY_USD or result.saving_share < NEGLIGIBLE_SHARE:
        why = Text(
            " Too little to pay for training and looking after a fine-tuned model.",
            "不足以支付训练和维护微调模型的投入。",
        )
        return CostFact(
            "negligible_saving", "against", _join(sentence, why), (NG_BATCH_294, A16Z_LLMFLATION)
        )
    if payback is None:
        ask = Text(
            " Give the one-time cost to see when it pays back.",
            "填写一次性成本，即可看到何时收回。",
        )
        return CostFact("payback_unknown", "neutral", _join(sentence, ask), ())
    if payback > SLOW_PAYBACK_MONTHS:
        why = Text(
            " That is longer than a year, while prices keep falling.",
            "这超过了一年，而价格还在持续下降。",
        )
        return CostFact("slow_payback", "against", _join(sentence, why), (A16Z_LLMFLATION,))
    if payback <= FAST_PAYBACK_MONTHS:
        return CostFact("fast_payback", "for", sentence, (NG_BATCH_294, A16Z_LLMFLATION))
    return CostFact("moderate_payback", "neutral", sentence, (A16Z_LLMFLATION,))


def break_even_sentence(result: CostResult) -> Text | None:
    """The accuracy the candidate needs before its cheaper answers stop paying for its mistakes."""
    if result.break_even_accuracy is None or result.current_accuracy is None:
        return None
    be, now = result.break_even_accuracy, percent(result.current_accuracy)
    if be <= 0:
        return Text(
            f"Break-even accuracy: none. The candidate pays at any accuracy (the current "
            f"model is at {now}).",
            f"盈亏平衡准确率：无。候选模型在任何准确率下都更划算（当前模型为 {now}）。",
        )
    if be > 1:
        return Text(
            f"Break-even accuracy: above 100%. No accuracy makes the candidate pay (the "
            f"current model is at {now}).",
            f"盈亏平衡准确率：超过 100%。候选模型在任何准确率下都不划算（当前模型为 {now}）。",
        )
    return Text(
        f"Break-even accuracy: {percent(be)}. Below it, the candidate's extra wrong answers "
        f"cost more than it saves (the current model is at {now}).",
        f"盈亏平衡准确率：{percent(be)}。低于它，候选模型多出的错误答案的代价将超过它节省的费用"
        f"（当前模型为 {now}）。",
    )


def accuracy_fact(result: CostResult) -> CostFact | None:
    """None without a break-even accuracy (no cost of a wrong answer, or no current accuracy)."""
    sentence = break_even_sentence(result)
    if sentence is None or result.break_even_accuracy is None:
        return None
    candidate = result.candidate_accuracy
    if candidate is None:
        return CostFact("break_even_known", "neutral", sentence, ())
    theirs, be = percent(candidate), result.break_even_accuracy
    if candidate >= be:
        return CostFact(
            "candidate_above_break_even",
            "for",
            _join(
                sentence,
                Text(f" The candidate's {theirs} is above it.", f"候选模型的 {theirs} 高于它。"),
            ),
            (),
        )
    return CostFact(
        "candidate_below_break_even",
        "against",
        _join(
            sentence,
            Text(f" The candidate's {theirs} is below it.", f"候选模型的 {theirs} 低于它。"),
        ),
        (),
    )


def cost_facts(result: CostResult) -> tuple[CostFact, ...]:
    """The saving fact, then the accuracy fact when there is one."""
    accuracy = accuracy_fact(result)
    return (saving_fact(result),) if accuracy is None else (saving_fact(result), accuracy)


def cost_summary(result: CostResult) -> Text:
    """Every fact's sentence in one paragraph, for a verdict's reason or an export."""
    facts = cost_facts(result)
    return Text.join([f.sentence for f in facts], SENTENCES)


def _join(first: Text, second: Text) -> Text:
    return Text.join([first, second], CONCATENATED)


# --- The cost card under a verdict ------------------------------------------------------------
# The engine weighs the cost numbers with everything else; the card shows them alone. When the
# numbers favour fine-tuning and the verdict is something else (or the reverse), the card says
# why the numbers did not decide, instead of a bare "For fine-tuning: $20,655 saved".

FINE_TUNING_VERDICTS = frozenset({"fine_tune", "rag_and_fine_tune"})

_WHY_NOT_DECIDING: dict[str, Text] = {
    "improve_data": Text(
        "On cost alone fine-tuning would pay, but the verdict is to fix the data first: a model "
        "fine-tuned on today's data would not reach today's accuracy, so the saving would not be "
        "real. Fix the data, then check these numbers again.",
        "只看成本，微调是划算的；但结论是先改进数据：用现在的数据微调出的模型达不到现在的准确率，"
        "这笔节省并不真实。先改进数据，再重新核对这些数字。",
    ),
    "prompt_engineering": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to better prompting "
        "first, which costs nothing to train. If prompting holds the quality and the bill is still "
        "too high, this saving is the case for fine-tuning later.",
        "只看成本，微调是划算的；但决定性理由指向先改进提示工程，它不需要任何训练成本。"
        "如果提示工程能保住质量而费用仍然太高，这笔节省就是以后微调的理由。",
    ),
    "agentic_workflow": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to a simple agentic "
        "workflow: the task needs steps or tools that a fine-tuned model alone would not bring. "
        "Cost alone does not decide.",
        "只看成本，微调是划算的；但决定性理由指向简单的智能体工作流：任务需要的步骤或工具，"
        "单靠微调模型带不来。成本本身不能决定。",
    ),
    "rag": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to retrieval: a "
        "fine-tuned model would not know the facts the task needs, so its answers would not be "
        "worth the saving. Cost alone does not decide.",
        "只看成本，微调是划算的；但决定性理由指向检索：微调模型并不掌握任务所需的事实，"
        "它的答案抵不上这笔节省。成本本身不能决定。",
    ),
}
_FINE_TUNE_DESPITE_COST = Text(
    "On cost alone this counts against fine-tuning; the verdict recommends it for the deciding "
    "reasons above, so weigh the cost among them.",
    "只看成本，这不支持微调；结论是根据上面的决定性理由推荐微调的，请把成本与它们一起权衡。",
)


def verdict_note(recommendation: str | None, facts: tuple[CostFact, ...]) -> Text | None:
    """Why the cost facts did not decide, when they point away from the verdict; else None."""
    if recommendation is None:
        return None
    directions = {fact.direction for fact in facts}
    if recommendation in FINE_TUNING_VERDICTS:
        return _FINE_TUNE_DESPITE_COST if "against" in directions else None
    if "for" in directions:
        return _WHY_NOT_DECIDING.get(recommendation, _WHY_NOT_DECIDING["prompt_engineering"])
    return None


def evidence_figures(result: CostResult) -> dict[str, float | None]:
    """The two figures the engine's CostEvidence takes beside the case (INTERFACES.md): the
    break-even accuracy (0-1, unclipped) and the fine-tuned model's accuracy, None when unknown."""
    return {
        "break_even_accuracy": result.break_even_accuracy,
        "fine_tuned_accuracy": result.candidate_accuracy,
    }
