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
from .numbers import payback, percent, usd


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
            "Pays back within {fast_payback_months} months: counts for fine-tuning at scale.",
            fast_payback_months=FAST_PAYBACK_MONTHS,
        ),
        Text(
            "The price of a given quality falls about 10× a year, about 17.5{percent} a "
            "month; after 3 months 56{percent} of today's price is left, so a fine-tune "
            "repaid by then has earned its cost before cheaper models catch up.",
            percent="%",
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "slow_payback_months",
        SLOW_PAYBACK_MONTHS,
        Text(
            "Pays back only after {slow_payback_months} months: counts against.",
            slow_payback_months=SLOW_PAYBACK_MONTHS,
        ),
        Text(
            "Within a year the same quality costs about a tenth of today's price: a saving that "
            "needs longer to repay is likely to be overtaken by cheaper models first."
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "negligible_share",
        NEGLIGIBLE_SHARE,
        Text(
            "Saves less than {negligible_share:.0%} of the current bill: negligible, counts "
            "against.",
            negligible_share=NEGLIGIBLE_SHARE,
        ),
        Text(
            "That is about what one month of falling prices (about 17.5% a month) brings without "
            "any fine-tuning, by moving to a newer model."
        ),
        A16Z_LLMFLATION,
    ),
    Threshold(
        "negligible_monthly_usd",
        NEGLIGIBLE_MONTHLY_USD,
        Text(
            "Saves less than {negligible_monthly_usd} a month: negligible, counts against.",
            negligible_monthly_usd=usd(NEGLIGIBLE_MONTHLY_USD),
        ),
        Text(
            "Fine-tuning adds work to train, deploy and maintain a model. Our judgment: below "
            "about a day or two of an engineer's time a month, the saving does not pay for it."
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
            "The candidate costs {candidate_monthly} a month against {current_monthly} now: "
            "no saving.",
            candidate_monthly=usd(result.candidate_monthly),
            current_monthly=usd(result.current_monthly),
        )
    if result.payback_months is None:
        share = percent(result.saving_share)
        return Text(
            "{saved} a month saved ({share} of the current bill).", saved=saved, share=share
        )
    one_time = usd(result.one_time_cost or 0)
    unit, figure = payback(result.payback_months)
    period = {
        "months": Text("{figure} months", figure=figure),
        "days": Text("{figure} days", figure=figure),
        "under_a_day": Text("less than a day"),
    }[unit]
    return Text(
        "{saved} a month saved; the {one_time} one-time cost pays back in {period}.",
        saved=saved,
        one_time=one_time,
        period=period,
    )


def saving_fact(result: CostResult) -> CostFact:
    """Exactly one of the saving facts, by the thresholds above, first match wins."""
    sentence = saving_sentence(result)
    payback = result.payback_months
    if result.monthly_saving <= 0:
        return CostFact("costs_more", "against", sentence, ())
    if result.monthly_saving < NEGLIGIBLE_MONTHLY_USD or result.saving_share < NEGLIGIBLE_SHARE:
        # Which limit it is under, and why a quick payback of the GPU hours does not answer it:
        # the one-time cost counts the training run, not the people who build, serve and look
        # after the model.
        if result.monthly_saving < NEGLIGIBLE_MONTHLY_USD:
            under = Text("under {limit} a month", limit=usd(NEGLIGIBLE_MONTHLY_USD))
        else:
            under = Text("under {share} of the current bill", share=f"{NEGLIGIBLE_SHARE:.0%}")
        why = Text(
            " That is {under}: too little to pay for the engineers' time a fine-tuned model "
            "takes to build, serve and look after, which the one-time cost leaves out.",
            under=under,
        )
        return CostFact(
            "negligible_saving", "against", _join(sentence, why), (NG_BATCH_294, A16Z_LLMFLATION)
        )
    if payback is None:
        ask = Text(" Give the one-time cost to see when it pays back.")
        return CostFact("payback_unknown", "neutral", _join(sentence, ask), ())
    if payback > SLOW_PAYBACK_MONTHS:
        why = Text(" That is longer than a year, while prices keep falling.")
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
            "Break-even accuracy: none. The candidate pays at any accuracy (the current "
            "model is at {now}).",
            now=now,
        )
    if be > 1:
        return Text(
            "Break-even accuracy: above 100%. No accuracy makes the candidate pay (the "
            "current model is at {now}).",
            now=now,
        )
    return Text(
        "Break-even accuracy: {be}. Below it, the candidate's extra wrong answers cost "
        "more than it saves (the current model is at {now}).",
        be=percent(be),
        now=now,
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
                Text(" The candidate's {theirs} is above it.", theirs=theirs),
            ),
            (),
        )
    return CostFact(
        "candidate_below_break_even",
        "against",
        _join(
            sentence,
            Text(" The candidate's {theirs} is below it.", theirs=theirs),
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
        "real. Fix the data, then check these numbers again."
    ),
    "prompt_engineering": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to better prompting "
        "first, which costs nothing to train. If prompting holds the quality and the bill is still "
        "too high, this saving is the case for fine-tuning later."
    ),
    "agentic_workflow": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to a simple agentic "
        "workflow: the task needs steps or tools that a fine-tuned model alone would not bring. "
        "Cost alone does not decide."
    ),
    "rag": Text(
        "On cost alone fine-tuning would pay, but the deciding reasons point to retrieval: a "
        "fine-tuned model would not know the facts the task needs, so its answers would not be "
        "worth the saving. Cost alone does not decide."
    ),
}
_FINE_TUNE_DESPITE_COST = Text(
    "On cost alone this counts against fine-tuning; the verdict recommends it for the deciding "
    "reasons above, so weigh the cost among them."
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
