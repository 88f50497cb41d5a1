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
        "model already meets the target, and cost, latency or hosting keeps it out of production.",
        "提示工程优先：如果还没有尝试过提示工程，或只试过简单的提示，我们绝不建议微调。只试过简单提示时唯一的例外是蒸馏："
        "大模型已经达到目标，但成本、延迟或部署方式让它无法上线。",
    ),
    Text(
        "Fine-tuning teaches patterns, not facts: when the knowledge changes or is live, we "
        "recommend RAG, alone or with fine-tuning.",
        "微调教的是模式，不是知识：当知识会变化或是实时的，我们建议 RAG，单独使用或与微调结合。",
    ),
    Text(
        "Garbage in, garbage out: with noisy data, or with no examples and no way to generate "
        "them, we never recommend fine-tuning.",
        "垃圾进，垃圾出：数据错误很多，或者既没有示例又无法生成示例时，我们绝不建议微调。",
    ),
    Text(
        "No reasoning by fine-tuning on examples: when a task fails at reasoning, we recommend "
        "fine-tuning only as reinforcement fine-tuning, and only when a program can check every "
        "answer, prompting is extensive and the strongest model (a reasoning model included) has "
        "been measured.",
        "推理能力不靠示例微调：当任务在推理上出错时，我们只会建议强化微调，而且前提是程序能检查每个答案、"
        "提示工程投入充分、并且已经测过最强的模型（包括推理模型）。",
    ),
    Text(
        "A gap that isn't measured isn't a gap: when the 95% Wilson interval of a baseline "
        "contains the target (best effort counts as 85%, high as 95%, critical as 99%), we never "
        "recommend fine-tuning; we say how many cases would settle it.",
        "没测准的差距不算差距：当基线的 95% Wilson 区间包含目标时（尽力而为按 85%、高按 95%、关键按 99% 计），"
        "我们绝不建议微调，并说明需要多少个案例才能确定。",
    ),
    Text(
        "The strongest model first: with an accuracy gap and the strongest model you could use "
        "not measured, we never recommend fine-tuning.",
        "先试最强的模型：存在准确率差距、而你们能用的最强模型还没测过时，我们绝不建议微调。",
    ),
    Text(
        "A teacher must be good enough: “a larger model can write good examples” counts only when "
        "that model is measured at or above the target.",
        "“老师”必须够好：只有当大模型实测达到目标时，“可以用更大的模型生成示例”才算数。",
    ),
    Text(
        "Measured beats claimed: when a dataset check or an eval run contradicts an answer, we "
        "judge on the measurement, say so first, and never claim high confidence.",
        "实测胜过声称：当数据集检查或评测记录与答案矛盾时，我们按实测结果判断，首先指出矛盾，且置信度绝不会是“高”。",
    ),
    Text(
        "Costs with wrong answers counted: a saving whose fine-tuned model falls below the "
        "break-even accuracy counts against fine-tuning, with both figures quoted.",
        "把错误答案的代价算进成本：如果微调模型低于盈亏平衡准确率，这笔节省就是反对微调的理由，并同时给出两个数字。",
    ),
    Text(
        "The verdict is a pure function of the answers and the rules version: same answers, "
        "same verdict.",
        "结论完全由答案和规则版本决定：答案相同，结论就相同。",
    ),
)

HOW_SCORING_WORKS: tuple[Text, ...] = (
    Text(
        "Every approach starts from a prior that favours the simpler ones: most teams that "
        "fine-tune could have stopped at prompting.",
        "每种做法都有一个初始分，更简单的做法起点更高：大多数做微调的团队本可以在提示工程阶段就停下。",
    ),
    Text(
        "Each rule whose condition matches your answers adds or subtracts points; a veto takes "
        "an approach off the table whatever its points.",
        "每条与你的答案相符的规则都会加分或减分；一票否决会直接排除某种做法，无论它得分多少。",
    ),
    Text(
        "“Fix the data first” scores what fine-tuning would score with the data fixed (correct, "
        "varied, hard cases included, real examples collected), less 2 points for the time fixing "
        "takes. It is only on the table when the data has a problem to fix.",
        "“先改进数据”的得分，是数据修好之后（正确、多样、包含困难案例、收集到真实示例）微调能得到的分数，"
        "再减去 2 分，代表修数据所花的时间。只有数据确实有问题需要修正时，它才会被考虑。",
    ),
    Text(
        "The approach with the most points wins; a tie goes to the simpler approach.",
        "得分最高的做法胜出；平分时选择更简单的做法。",
    ),
    Text(
        "The verdict's reasons are only the rules that decided it: rules that add points to the "
        "recommendation, or that veto an approach that would otherwise have won. Every other rule "
        "that matched still counted, and is listed on this page.",
        "结论给出的理由只包括起决定作用的规则：为所建议做法加分的规则，或者否决了本会胜出的做法的规则。"
        "其他相符的规则同样计了分，都列在本页。",
    ),
    Text(
        "Confidence measures how robust the recommendation is, on the ranking's own scale (the "
        "scores from 0 to 1 shown with the verdict): high when it leads the runner-up by 0.25 or "
        "more, medium from 0.10, low below. One open answer (“not sure”, no measured baseline, a "
        "baseline whose interval contains the target) that could change the verdict caps it at "
        "medium; two or more make it low. When a measurement contradicts an answer it is never high.",
        "置信度衡量的是建议有多稳，用的是排名本身的分值（结论旁显示的 0 到 1 的分数）：领先第二名 0.25 或以上为“高”，"
        "0.10 起为“中”，更少为“低”。有一个可能改变结论的未确定答案（“不确定”、未测量的基线、区间包含目标的基线）时，"
        "置信度最高为“中”；两个或更多时为“低”。实测结果与答案矛盾时，置信度绝不会是“高”。",
    ),
    Text(
        "“What would change” is found by re-judging every single-answer change, so each entry is "
        "true by construction. It never suggests making things worse (less prompting, less or "
        "noisier data), and lists open answers first, then what you can do, then a different "
        "situation.",
        "“什么会改变结论”是通过逐一改变单个答案并重新评估得出的，因此每一条都必然成立。"
        "它从不建议让情况变差（更少的提示工程、更少或更嘈杂的数据），并按先未确定的答案、再你能做的事、最后不同情形的顺序列出。",
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
        parts.append(Text(f"{label.en} {points:+d}", f"{label.zh} {points:+d}"))
    if rule.exclude:
        excluded = Text.join([APPROACHES[k].label for k in order if k in rule.exclude], LIST)
        parts.append(Text(f"rules out {excluded.en}", f"排除{excluded.zh}"))
    return Text.join(parts, Text("{items}; {item}", "{items}；{item}"), capitalize=True)


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
