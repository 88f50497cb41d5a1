"""The "How we decide" page, generated from the same data the engine uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .approaches import APPROACHES, SIMPLICITY_ORDER
from .rules import BASE_SCORES, PRINCIPLES, RULES, Principle, Rule
from .text import LIST, SOURCES, Source, Text
from .version import RULES_VERSION

# The four hard invariants of QUESTIONNAIRE.md, plus purity; each is kept by a veto rule.
INVARIANTS: tuple[Text, ...] = (
    Text(
        "Prompting first: if prompting has not been tried, or only a simple prompt, we never "
        "recommend fine-tuning. The one exception after a simple prompt is distillation: a large "
        "model already meets the target, and cost, latency or hosting keeps it out of production."
    ),
    Text(
        "Fine-tuning teaches patterns, not facts: when the knowledge changes or is live, we "
        "recommend RAG, alone or with fine-tuning."
    ),
    Text(
        "Garbage in, garbage out: with noisy data, or with no examples and no way to generate "
        "them, we never recommend fine-tuning."
    ),
    Text(
        "No reasoning by fine-tuning on examples: when a task fails at reasoning, we recommend "
        "fine-tuning only as reinforcement fine-tuning, and only when a program can check every "
        "answer, prompting is extensive and the strongest model (a reasoning model included) has "
        "been measured."
    ),
    Text(
        "A gap that isn't measured isn't a gap: when the 95% Wilson interval of a baseline "
        "contains the target (best effort counts as 85%, high as 95%, critical as 99%), we never "
        "recommend fine-tuning; we say how many cases would settle it."
    ),
    Text(
        "The strongest model first: with an accuracy gap and the strongest model you could use "
        "not measured, we never recommend fine-tuning."
    ),
    Text(
        "A teacher must be good enough: “a larger model can write good examples” counts only when "
        "that model is measured at or above the target."
    ),
    Text(
        "Measured beats claimed: when a dataset check or an eval run contradicts an answer, we "
        "judge on the measurement, say so first, and never claim high confidence."
    ),
    Text(
        "Costs with wrong answers counted: a saving whose fine-tuned model falls below the "
        "break-even accuracy counts against fine-tuning, with both figures quoted."
    ),
    Text(
        "The verdict is a pure function of the answers and the rules version: same answers, "
        "same verdict."
    ),
)

HOW_SCORING_WORKS: tuple[Text, ...] = (
    Text(
        "Every approach starts from a prior that favours the simpler ones: most teams that "
        "fine-tune could have stopped at prompting."
    ),
    Text(
        "Each rule whose condition matches your answers adds or subtracts points; a veto takes "
        "an approach off the table whatever its points."
    ),
    Text(
        "“Fix the data first” scores what fine-tuning would score with the data fixed (correct, "
        "varied, hard cases included, real examples collected), less 2 points for the time fixing "
        "takes. It is only on the table when the data has a problem to fix."
    ),
    Text("The approach with the most points wins; a tie goes to the simpler approach."),
    Text(
        "The verdict's reasons are only the rules that decided it: rules that add points to the "
        "recommendation, or that veto an approach that would otherwise have won. Every other rule "
        "that matched still counted, and is listed on this page."
    ),
    Text(
        "Confidence measures how robust the recommendation is, on the ranking's own scale (the "
        "scores from 0 to 1 shown with the verdict): high when it leads the runner-up by 0.25 or "
        "more, medium from 0.10, low below. One open answer (“not sure”, no measured baseline, a "
        "baseline whose interval contains the target) that could change the verdict caps it at "
        "medium, and so does a verdict to fine-tune that no measured baseline, or none with its "
        "sample size, supports; two or more of these make it low. When a measurement contradicts "
        "an answer it is never high."
    ),
    Text(
        "“What would change” is found by re-judging every single-answer change, so each entry is "
        "true by construction. It never suggests making things worse (less prompting, less or "
        "noisier data), and lists open answers first, then what you can do, then a different "
        "situation."
    ),
)


@dataclass(frozen=True, slots=True)
class RuleEntry:
    id: str
    principle: Principle
    condition: Text
    effect: Text
    scores: dict[str, int]
    excludes: tuple[str, ...]
    reason: Text
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class PrincipleEntry:
    principle: Principle
    rules: tuple[RuleEntry, ...]


@dataclass(frozen=True, slots=True)
class HowWeDecide:
    rules_version: str
    invariants: tuple[Text, ...]
    scoring: tuple[Text, ...]
    base_scores: dict[str, int]
    principles: tuple[PrincipleEntry, ...]
    sources: tuple[Source, ...]

    @property
    def rules(self) -> tuple[RuleEntry, ...]:
        return tuple(r for p in self.principles for r in p.rules)

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "invariants": [t.get(lang) for t in self.invariants],
            "scoring": [t.get(lang) for t in self.scoring],
            "base_scores": self.base_scores,
            "principles": [
                {
                    "key": p.principle.key,
                    "title": p.principle.title.get(lang),
                    "statement": p.principle.statement.get(lang),
                    "invariant": p.principle.invariant,
                    "rules": [
                        {
                            "id": r.id,
                            "condition": r.condition.get(lang),
                            "effect": r.effect.get(lang),
                            "scores": r.scores,
                            "excludes": list(r.excludes),
                            "reason": r.reason.get(lang),
                            "sources": [s.to_dict() for s in r.sources],
                        }
                        for r in p.rules
                    ],
                }
                for p in self.principles
            ],
            "sources": [s.to_dict() for s in self.sources],
        }


def describe_effect(rule: Rule) -> Text:
    order = list(APPROACHES)
    parts: list[Text] = []
    for key in sorted(rule.scores, key=order.index):
        points = rule.scores[key]
        label = APPROACHES[key].label
        parts.append(Text("{label} {points:+d}", label=label, points=points))
    if rule.exclude:
        excluded = Text.join([APPROACHES[k].label for k in order if k in rule.exclude], LIST)
        parts.append(Text("rules out {excluded}", excluded=excluded))
    return Text.join(parts, Text("{items}; {item}"), capitalize=True)


def _entry(rule: Rule) -> RuleEntry:
    return RuleEntry(
        id=rule.id,
        principle=PRINCIPLES[rule.principle],
        condition=rule.when.describe(),
        effect=describe_effect(rule),
        scores={k.value: p for k, p in rule.scores.items()},
        excludes=tuple(k for k in APPROACHES if k in rule.exclude),
        reason=rule.reason,
        sources=rule.sources,
    )


def how_we_decide() -> HowWeDecide:
    return HowWeDecide(
        rules_version=RULES_VERSION,
        invariants=INVARIANTS,
        scoring=HOW_SCORING_WORKS,
        base_scores={k.value: BASE_SCORES[k] for k in SIMPLICITY_ORDER if k in BASE_SCORES},
        principles=tuple(
            PrincipleEntry(p, tuple(_entry(r) for r in RULES if r.principle == p.key))
            for p in PRINCIPLES.values()
        ),
        sources=tuple(SOURCES.values()),
    )


def rules_document(lang: str) -> dict[str, Any]:
    """`GET /api/v1/rules`: the same data as "How we decide", one record per rule."""
    guide = how_we_decide()
    return {
        "rules_version": guide.rules_version,
        "base_scores": guide.base_scores,
        "principles": [
            {
                "key": p.principle.key,
                "title": p.principle.title.get(lang),
                "statement": p.principle.statement.get(lang),
                "invariant": p.principle.invariant,
            }
            for p in guide.principles
        ],
        "rules": [
            {
                "id": r.id,
                "principle": r.principle.key,
                "condition": r.condition.get(lang),
                "scores": r.scores,
                "exclude": list(r.excludes),
                "reason": r.reason.get(lang),
                "source": _source(r.sources[0]),
                "more_sources": [_source(s) for s in r.sources[1:]],
            }
            for r in guide.rules
        ],
    }


def _source(source: Source) -> dict[str, Any]:
    return {"author": source.author, "title": source.title, "year": source.year, "url": source.url}
