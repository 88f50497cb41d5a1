"""Whether the models a calculation names will be there: the price table's deprecation dates and,
for a hosted fine-tuned model, whether its provider still takes fine-tuning jobs (read from the
providers table, app/decision/providers.py, never restated here).

Judged on a day the caller gives (the app's clock), so a test fixes it. A month is 30 days from
that day, as in the formulas: the cumulative series stops at the last month that ends on or
before the earlier retirement of the two models, since neither bill goes on past it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from app.decision import providers
from app.decision.text import SENTENCES, Text

from .formulas import DAYS_PER_MONTH, MONTHS_SHOWN, CostResult
from .prices import ModelPrice

Side = Literal["current", "candidate"]
WarningKind = Literal["retires", "retired", "training_closed"]


@dataclass(frozen=True, slots=True)
class ModelWarning:
    """A dated fact about a chosen model that the figures beside it do not show."""

    side: Side
    model: ModelPrice
    kind: WarningKind
    on: date | None  # the retirement, or the provider's last day for new jobs (None: not dated)
    days: int | None  # from the day judged on to `on`; negative once past
    sentence: Text

    def to_dict(self, lang: str) -> dict[str, object]:
        return {
            "side": self.side,
            "model": self.model.id,
            "kind": self.kind,
            "date": self.on.isoformat() if self.on else None,
            "days": self.days,
            "text": self.sentence.get(lang),
        }


@dataclass(frozen=True, slots=True)
class ProjectionEnd:
    """The earlier retirement of the two models: no figure is projected past it."""

    side: Side
    model: ModelPrice
    on: date
    days: int  # negative once past

    @property
    def last_month(self) -> int | None:
        """The last month of the series (it ends on or before `on`), at most MONTHS_SHOWN;
        None when the model is already retired: nothing to project."""
        if self.days < 0:
            return None
        return min(self.days // DAYS_PER_MONTH, MONTHS_SHOWN)

    @property
    def cuts(self) -> bool:
        """Whether the series stops before MONTHS_SHOWN."""
        last = self.last_month
        return last is None or last < MONTHS_SHOWN

    @property
    def months(self) -> float:
        """Where `on` falls, in months from today (a position on the chart)."""
        return self.days / DAYS_PER_MONTH

    def to_dict(self) -> dict[str, object]:
        return {
            "side": self.side,
            "model": self.model.id,
            "date": self.on.isoformat(),
            "days": self.days,
            "last_month": self.last_month,
        }


def fine_tuning_provider(entry: ModelPrice) -> providers.Provider | None:
    """The providers table's row for a hosted fine-tuned model's provider (matched on the short
    name a sentence uses: "OpenAI"); None for other tiers or a provider the table lacks."""
    if entry.tier != "fine_tuned":
        return None
    return next((p for p in providers.PROVIDERS if providers.short_name(p) == entry.provider), None)


def projection_end(
    current: ModelPrice | None, candidate: ModelPrice | None, today: date
) -> ProjectionEnd | None:
    """The earlier deprecation date of the chosen models (the candidate's first on a tie)."""
    ends = [
        ProjectionEnd(side, entry, entry.deprecation_date, (entry.deprecation_date - today).days)
        for side, entry in (("candidate", candidate), ("current", current))
        if entry is not None and entry.deprecation_date is not None
    ]
    return min(ends, key=lambda end: end.on, default=None)


def model_warnings(
    current: ModelPrice | None,
    candidate: ModelPrice | None,
    today: date,
    result: CostResult | None = None,
) -> tuple[ModelWarning, ...]:
    """What the figures need said beside them, the candidate's first: a provider that takes no
    new fine-tuning jobs (for a hosted fine-tuned candidate), then each model's retirement.
    With `result`, a payback that would come after a retirement says so."""
    warnings: list[ModelWarning] = []
    if candidate is not None:
        closed = _training_closed(candidate, today)
        if closed is not None:
            warnings.append(closed)
    end = projection_end(current, candidate, today)
    for side, entry in (("candidate", candidate), ("current", current)):
        if entry is not None and entry.deprecation_date is not None:
            # The payback is weighed against the first retirement only: it ends the saving.
            first = end is not None and end.side == side
            warnings.append(_retirement(side, entry, today, result if first else None))  # type: ignore[arg-type]
    return tuple(warnings)


def when(days: int) -> Text:
    """ "in 38 days", "today", "136 days ago"."""
    if days > 0:
        return Text.plural("in {n} day", "in {n} days", days)
    if days == 0:
        return Text.in_context("costs.availability.when", "today")
    return Text.plural("{n} day ago", "{n} days ago", -days)


def _retirement(
    side: Side, entry: ModelPrice, today: date, result: CostResult | None
) -> ModelWarning:
    on = entry.deprecation_date
    assert on is not None
    days = (on - today).days
    values = {"model": entry.model, "date": on.isoformat(), "when": when(days)}
    if days < 0:
        kind: WarningKind = "retired"
        if side == "candidate":
            sentence = Text(
                "{model} was retired on {date} ({when}): it is no longer served, so this saving "
                "is not available.",
                **values,
            )
        else:
            sentence = Text(
                "{model} was retired on {date} ({when}): it is no longer served, so today's bill "
                "is not one you can go on paying. Price the model you moved to.",
                **values,
            )
    else:
        kind = "retires"
        if side == "candidate":
            sentence = Text(
                "{model} stops serving on {date} ({when}): the monthly saving after that date is "
                "not available.",
                **values,
            )
        else:
            sentence = Text(
                "{model} stops serving on {date} ({when}): today's bill, and the saving against "
                "it, end on that date. Price the model you will move to.",
                **values,
            )
        payback = result.payback_months if result is not None else None
        if payback is not None and payback * DAYS_PER_MONTH > days:
            sentence = Text.join(
                [
                    sentence,
                    Text("The one-time cost would pay back only after that date: it does not."),
                ],
                SENTENCES,
            )
    return ModelWarning(side, entry, kind, on, days, sentence)


def _training_closed(entry: ModelPrice, today: date) -> ModelWarning | None:
    provider = fine_tuning_provider(entry)
    if provider is None or provider.takes_new_jobs(today):
        return None
    warning = _closed_warning(provider, entry, today)
    # The table's clause may start in lower case ("the Gemini API has had ..."): a sentence does not.
    return replace(warning, sentence=Text.join([warning.sentence], SENTENCES, capitalize=True))


def _closed_warning(provider: providers.Provider, entry: ModelPrice, today: date) -> ModelWarning:
    name = providers.short_name(provider)
    closing = provider.closing or Text(
        "{provider} takes no new fine-tuning customers", provider=name
    )
    until = provider.new_jobs_until
    if until is None:
        sentence = Text(
            "{closing}: only an organisation that already fine-tunes with {provider} can make "
            "{model}.",
            closing=closing,
            provider=name,
            model=entry.model,
        )
        return ModelWarning("candidate", entry, "training_closed", None, None, sentence)
    days = (until - today).days
    values = {"closing": closing, "when": when(days), "model": entry.model}
    if days > 0:  # so the provider is closed to new teams (takes_new_jobs)
        sentence = Text(
            "{closing} ({when}): only an organisation that already fine-tunes with {provider} "
            "can make {model}, with a job started before {date}.",
            provider=name,
            date=until.isoformat(),
            **values,
        )
    else:
        sentence = Text(
            "{closing} ({when}): no one can make {model} there any more; only one trained "
            "before then still serves.",
            **values,
        )
    return ModelWarning("candidate", entry, "training_closed", until, days, sentence)
