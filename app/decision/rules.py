"""What the product believes, as data: principles and the rules that score the six approaches.

Every approach starts from a prior (BASE_SCORES) that encodes "try the simplest thing first".
Each rule whose condition holds adds its points; a veto ("exclude") takes an approach off the
table whatever its points, and is how the hard invariants are kept. The approach with the
most points among those left wins; ties go to the simpler approach.

To add a rule: add one entry below (under its principle) and one example to
tests/decision/test_decision_rules.py. The rules version changes by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from . import providers
from .approaches import FINE_TUNING, Rec
from .baseline import measure_baseline
from .conditions import ACCURACY_TARGETS, DATA_PROBLEMS, Except, When, data_problems
from .text import (
    A16Z_LLMFLATION,
    ANYSCALE,
    CHAN_2024_CAG,
    COHERE_FINE_TUNING,
    DEEPSEEK_R1,
    GEKHMAN_2024,
    KARMINSKI,
    LEWIS_2020,
    MISTRAL_FINE_TUNING,
    NG_BATCH_294,
    OPENAI_DEPRECATIONS,
    OPENAI_DISTILLATION,
    OPENAI_GUIDE,
    OPENAI_RFT,
    OPENAI_STRUCTURED_OUTPUTS,
    OVADIA_2024,
    WILLARD_LOUF_2023,
    WILSON_1927,
    Source,
    Text,
)

PE, AW, RAG, FT, RFT, ID = Rec
# Every approach that answers without retrieving anything.
NO_RETRIEVAL = frozenset({PE, AW, FT, ID})

# Why fine-tuning fits, when it does: the verdict's summary follows the most specific of these.
Path = Literal["last_mile", "pattern", "mapping", "voice", "decision", "distill", "verifiable"]
PATH_PRIORITY: tuple[Path, ...] = (
    "verifiable",
    "last_mile",
    "distill",
    "voice",
    "decision",
    "mapping",
    "pattern",
)


@dataclass(frozen=True, slots=True)
class Principle:
    key: str
    title: Text
    statement: Text
    # The hard invariant (numbered as in QUESTIONNAIRE.md) this principle guarantees, if any.
    invariant: int | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    principle: str
    when: When
    # The rule's claim in general, as "How we decide" shows it.
    reason: Text
    source: Source
    scores: Mapping[Rec, int] = field(default_factory=dict)
    exclude: frozenset[Rec] = frozenset()
    # For rules that make the case for fine-tuning: which case it is.
    path: Path | None = None
    # Further sources for a claim that rests on several (the vendors' notices, for example).
    more_sources: tuple[Source, ...] = ()
    # For a rule that sums up several answers: its reason built from them, naming only what the
    # answers actually say.
    reason_for_answers: Callable[[Mapping[str, object]], Text] | None = None

    def reason_for(self, facts: Mapping[str, object]) -> Text:
        """The reason for these answers (and the facts and evidence derived from them)."""
        return self.reason_for_answers(facts) if self.reason_for_answers else self.reason

    @property
    def sources(self) -> tuple[Source, ...]:
        return (self.source, *self.more_sources)


PRINCIPLES: Mapping[str, Principle] = MappingProxyType(
    {
        p.key: p
        for p in (
            Principle(
                "prompting-first",
                Text("Prompting first", "提示工程优先"),
                Text(
                    "Fine-tuning adds data, training and deployment work. Try prompting and simple agentic "
                    "workflows first: about 75% of the teams that fine-tune could have stopped there.",
                    "微调会增加数据、训练和部署的工作量。先尝试提示工程和简单的智能体工作流："
                    "在做微调的团队中，大约 75% 本可以就此止步。",
                ),
                invariant=1,
            ),
            Principle(
                "patterns-not-facts",
                Text("Fine-tuning teaches patterns, not facts", "微调教的是模式，不是知识"),
                Text(
                    "Knowledge the model lacks, especially knowledge that changes, belongs in retrieval "
                    "(RAG) at run time, not in the weights.",
                    "模型缺少的知识，尤其是会变化的知识，应在运行时通过检索（RAG）提供，而不是写进模型权重。",
                ),
                invariant=2,
            ),
            Principle(
                "patterns",
                Text("What fine-tuning is good at", "微调擅长什么"),
                Text(
                    "A format, a style, an input-to-output mapping or a hard-to-state decision, on a narrow "
                    "task, when careful prompting has plateaued: that is where fine-tuning earns its cost.",
                    "格式、风格、输入到输出的映射、难以用语言说清的决策，而且任务范围狭窄、精心的提示工程已经遇到瓶颈："
                    "这才是微调物有所值的地方。",
                ),
            ),
            Principle(
                "garbage-in-garbage-out",
                Text("Garbage in, garbage out", "垃圾进，垃圾出"),
                Text(
                    "A fine-tuned model learns whatever its examples show, errors and narrowness included. "
                    "Without good data, fix the data before training.",
                    "微调后的模型会学到示例里的一切，包括错误和单一性。没有好数据，就先改进数据再训练。",
                ),
                invariant=3,
            ),
            Principle(
                "no-reasoning-by-fine-tuning",
                Text("No reasoning by fine-tuning", "推理能力不靠微调"),
                Text(
                    "Fine-tuning on examples rarely improves multi-step reasoning, maths or logic; break the "
                    "task into checked steps instead. The exception is reinforcement fine-tuning on a task "
                    "whose answers a program can check, once prompting and the strongest reasoning model "
                    "have been tried.",
                    "用示例微调很少能提升多步推理、数学或逻辑能力，应该把任务拆成带检查的步骤。例外是强化微调："
                    "任务的答案能由程序检查，并且已经尝试过提示工程和最强的推理模型。",
                ),
                invariant=4,
            ),
            Principle(
                "specialist-not-generalist",
                Text("A specialist, not a generalist", "专科医生，而非全科医生"),
                Text(
                    "One fine-tune solves one well-defined problem; open-ended assistants are not a fit.",
                    "一次微调只解决一个定义明确的问题；开放式的通用助手并不适合。",
                ),
            ),
            Principle(
                "small-models-at-scale",
                Text("Small models at scale", "规模化时用小模型"),
                Text(
                    "When a large model works but is too slow or expensive at your volume, a fine-tuned "
                    "small model can match it on the one task, often trained on the large model's output.",
                    "当大模型效果可以、但在你的请求量下太慢或太贵时，微调过的小模型可以在这一个任务上达到相当的效果，"
                    "训练数据往往就由大模型生成。",
                ),
            ),
            Principle(
                "evals-first",
                Text("Measure first", "先评测"),
                Text(
                    "Without an eval set and a prompt baseline you cannot tell whether fine-tuning helped.",
                    "没有评测集和提示基线，就无法判断微调是否真的有帮助。",
                ),
            ),
            Principle(
                "operations",
                Text("A fine-tuned model is a system to run", "微调模型是一个需要运维的系统"),
                Text(
                    "Someone has to train, serve, monitor and retrain it. Hosted fine-tuning is shrinking, "
                    "so open weights you can download keep it portable.",
                    "需要有人训练、部署、监控并定期重新训练它。托管微调服务正在收缩，可下载的开源权重能让它保持可迁移。",
                ),
            ),
        )
    }
)

# The prior: simpler approaches start ahead, because most teams that fine-tune did not need to.
# "Fix the data first" has no prior of its own: it scores what fine-tuning would score with the
# data fixed, less FIX_DATA_COST for the weeks fixing takes (see engine.score).
BASE_SCORES: Mapping[str, int] = MappingProxyType({PE: 2, AW: 1, RAG: 0, FT: 0, RFT: -1})
FIX_DATA_COST = 2

# How sure the verdict says it is: the lead of the winner over the runner-up on the ranking's
# scale (the scores shown, 0-1), so the confidence and the ranking speak one scale.
CONFIDENCE_MARGINS: Mapping[str, float] = MappingProxyType({"high": 0.25, "medium": 0.10})
# Any open answer ("not sure", no measured baseline) that could change the winner caps the
# confidence at "medium"; two or more make it "low" (see engine._confidence).


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


_PROBLEM_NAMES: Mapping[str, Text] = MappingProxyType(
    {
        "data_quality": Text("some examples are wrong", "部分示例有错误"),
        "data_diversity": Text("the examples are mostly alike", "示例高度同质化"),
        "edge_cases": Text("there are no hard or malformed cases", "没有困难或格式错误的案例"),
    }
)
assert set(_PROBLEM_NAMES) == set(DATA_PROBLEMS)


def _with_figures(general: Text) -> Callable[[Mapping[str, object]], Text]:
    """The cost rules quote the team's own figures (facts["cost_sentence"]) before the rule."""

    def reason(facts: Mapping[str, object]) -> Text:
        figures = facts.get("cost_sentence")
        if not isinstance(figures, Text):
            return general
        return Text(f"{figures.en} {general.en}", f"{figures.zh}{general.zh}")

    return reason


_COST_FOR = Text(
    "A saving that repays the one-time cost within a few months is the case for a fine-tuned small "
    "model at scale, and it is made before cheaper models catch up.",
    "几个月内就能收回一次性成本的节省，正是规模化时用微调小模型的理由，而且在更便宜的模型追上来之前就已回本。",
)
_COST_AGAINST = Text(
    "The saving is too small or too slow to pay for training, serving and looking after a "
    "fine-tuned model while prices keep falling.",
    "在价格持续下降的情况下，这点节省太少或回本太慢，抵不上训练、部署和维护微调模型的投入。",
)


def _data_not_ready(answers: Mapping[str, object]) -> Text:
    """Names only the problems the answers report."""
    present = [_PROBLEM_NAMES[q] for q in data_problems(answers)]
    problems = Text.join(
        present,
        Text("{items}, {item}", "{items}，{item}"),
        Text("{items} and {item}", "{items}，而且{item}"),
    )
    return Text(
        f"Your data has {len(present)} problems that add up: {problems.en}. A model learns every "
        "one of them, so the data is not ready to fine-tune on yet.",
        f"你的数据有 {len(present)} 个问题叠加在一起：{problems.zh}。模型会把这些问题都学进去，所以这些数据还不适合用来微调。",
    )


def _percent(x: float) -> str:
    return f"{100 * x:.1f}".removesuffix(".0") + "%"


def _gap_not_established(facts: Mapping[str, object]) -> Text:
    """Names the measured accuracy, its interval and the cases that would settle the gap."""
    accuracy, size = facts["baseline_accuracy"], facts["baseline_sample_size"]
    target = ACCURACY_TARGETS[facts["accuracy_target"]]  # type: ignore[index]
    b = measure_baseline(accuracy, size, target)  # type: ignore[arg-type]
    low, high = _percent(b.low), _percent(b.high)
    head = Text(
        f"{accuracy}% on {size:,} cases means somewhere between {low} and {high}, which "
        f"includes your {target}% target: the gap is not measured yet, and a gap that isn't "
        "measured isn't a gap.",
        f"在 {size:,} 个案例上测得 {accuracy}%，实际大约在 {low} 到 {high} 之间，包含你 {target}% 的目标："
        "差距还没有测准，没测准的差距不算差距。",
    )
    if b.settle_with is None:
        return Text(
            f"{head.en} Fine-tuning could win only once more cases show a real gap.",
            f"{head.zh}只有在更多案例上证实差距真实存在，微调才可能胜出。",
        )
    if b.accuracy >= b.target:
        return Text(
            f"{head.en} About {b.settle_with:,} cases would show whether you meet it.",
            f"{head.zh}大约 {b.settle_with:,} 个案例就能看出是否达到目标。",
        )
    return Text(
        f"{head.en} Fine-tuning would win if the gap holds on about {b.settle_with:,} cases.",
        f"{head.zh}如果在大约 {b.settle_with:,} 个案例上差距依然存在，微调才会胜出。",
    )


def _fails_break_even(facts: Mapping[str, object]) -> Text:
    """Quotes the fine-tuned model's accuracy and the break-even accuracy."""
    figures = facts.get("break_even_figures")
    if not isinstance(figures, tuple):  # pragma: no cover - the rule fires only with figures
        return _BREAK_EVEN_GENERAL
    theirs, needed = figures
    break_even = Text("above 100%", "超过 100%") if needed > 1 else Text.verbatim(_percent(needed))
    return Text(
        f"Counting its wrong answers, the saving fails: the fine-tuned model's expected "
        f"{_percent(theirs)} is below the break-even accuracy of {break_even.en}, so its extra "
        "mistakes cost more than it saves.",
        f"把错误答案的代价算进去，这笔节省就不成立了：微调模型预计的 {_percent(theirs)} 低于 {break_even.zh} "
        "的盈亏平衡准确率，多出的错误代价超过了它节省的费用。",
    )


_BREAK_EVEN_GENERAL = Text(
    "Counting its wrong answers, the saving fails: the fine-tuned model's expected accuracy is "
    "below the break-even accuracy, so its extra mistakes cost more than it saves.",
    "把错误答案的代价算进去，这笔节省就不成立了：微调模型预计的准确率低于盈亏平衡准确率，多出的错误代价超过了它节省的费用。",
)


RULES: tuple[Rule, ...] = (
    # --- Prompting first (invariant 1) ----------------------------------------------------
    Rule(
        "prompting-first",
        "prompting-first",
        When(prompting_effort="none"),
        _t(
            "You have not tried prompting yet. Most teams that fine-tune could have got good results "
            "with a careful prompt or a simple agentic workflow, so try those first.",
            "你还没有尝试提示工程。大多数做微调的团队，本可以用认真设计的提示或简单的智能体工作流取得好结果，所以先试这些。",
        ),
        NG_BATCH_294,
        scores={PE: 3, AW: 1},
        exclude=FINE_TUNING,
    ),
    Rule(
        "basic-prompting-has-headroom",
        "prompting-first",
        When(prompting_effort="basic"),
        _t(
            "Only a simple prompt has been tried. Long prompts, few-shot examples and a simple "
            "agentic workflow usually have a lot left to give.",
            "目前只试过简单的提示。长提示、少样本示例和简单的智能体工作流通常还有很大的提升空间。",
        ),
        NG_BATCH_294,
        scores={PE: 2, AW: 1},
    ),
    Rule(
        "prompting-before-fine-tuning",
        "prompting-first",
        When(prompting_effort="basic", distill="no"),
        _t(
            "Fine-tuning comes once careful prompting and simple agentic workflows cannot do the "
            "job, and only a simple prompt has been tried. The one exception is a large model that "
            "already meets the target but cannot be shipped, and that is not your case.",
            "只有在认真的提示工程和简单的智能体工作流都无法胜任时才轮到微调，而目前只试过简单的提示。"
            "唯一的例外是大模型已经达到目标却无法上线，而你们不是这种情况。",
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
    ),
    Rule(
        "prompting-plateaued",
        "prompting-first",
        When(
            prompting_effort="extensive",
            failure_mode={"format", "wrong_decisions", "missing_knowledge", "reasoning"},
            baseline_gap=Except("meets_target"),
            prompting_trend=Except("improving"),
        ),
        _t(
            "Extensive prompting still falls short. Fine-tuning is worth considering when prompting "
            "and simple agentic workflows cannot do the job, and that is where you are.",
            "大量提示优化后仍达不到要求。当提示工程和简单的智能体工作流无法胜任时，才值得考虑微调，而你们正处在这个阶段。",
        ),
        NG_BATCH_294,
        scores={PE: -3, AW: -2, FT: 1, RFT: 1},
    ),
    Rule(
        "prompting-still-improving",
        "prompting-first",
        When(prompting_trend="improving"),
        _t(
            "Your eval runs show the last prompt change still improved accuracy significantly: "
            "prompting has not stopped improving, so keep going before any training.",
            "你的评测记录显示，最近一次修改提示仍显著提升了准确率：提示工程还没到瓶颈，训练之前先继续优化提示。",
        ),
        NG_BATCH_294,
        scores={PE: 3},
        exclude=FINE_TUNING,
    ),
    Rule(
        "strongest-model-first",
        "prompting-first",
        When(
            strongest_model_tried="no",
            quality_reached="no",
            hosting=Except("self_hosted_required"),
        ),
        _t(
            "You have not measured the strongest model you could use, a reasoning model included. "
            "Fine-tuning is for when simpler methods cannot do the job, and changing the model is "
            "the simplest: measure it on the same eval set first.",
            "你们还没有测过能用的最强模型（包括推理模型）。微调是在更简单的方法都无法胜任时才用的，而换模型是最简单的办法："
            "先在同一套评测集上测一测它。",
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
    ),
    Rule(
        "quality-already-acceptable",
        "prompting-first",
        When(
            failure_mode="none",
            cost_pressure={"none", "moderate"},
            cost_case=Except("fast_payback"),
        ),
        _t(
            "Quality is already acceptable and cost does not block you: fine-tuning would be an "
            "unnecessary investment of time, compute and labelling.",
            "质量已经可以接受，成本也不构成障碍：微调会是对时间、算力和标注成本的不必要投入。",
        ),
        KARMINSKI,
        scores={PE: 4, FT: -2, RFT: -2},
    ),
    Rule(
        "baseline-meets-target",
        "prompting-first",
        When(
            baseline_gap="meets_target",
            cost_pressure={"none", "moderate"},
            cost_case=Except("fast_payback"),
        ),
        _t(
            "Your best prompt already reaches the accuracy target and cost does not block you, so "
            "there is no gap for fine-tuning to close.",
            "你最好的提示已经达到准确率目标，成本也不构成障碍，微调没有要弥补的差距。",
        ),
        KARMINSKI,
        scores={PE: 4, FT: -3, RFT: -3},
    ),
    Rule(
        "simple-generation-by-prompt",
        "prompting-first",
        When(task_type="simple_generation"),
        _t(
            "Rewriting, summarising and answering from given context are what prompted models "
            "already do well.",
            "改写、总结和根据给定上下文回答，正是提示工程就能做好的事情。",
        ),
        KARMINSKI,
        scores={PE: 3, FT: -1},
    ),
    Rule(
        "format-by-schema",
        "prompting-first",
        When(failure_mode="format", task_type={"extraction", "classification", "tool_use"}),
        _t(
            "A strict output format is first a job for structured outputs: give the model a JSON "
            "schema and every output matches it, with no training.",
            "严格的输出格式首先应交给结构化输出：给模型一个 JSON Schema，每个输出都会符合它，不需要任何训练。",
        ),
        OPENAI_STRUCTURED_OUTPUTS,
        scores={PE: 3, FT: -2, RFT: -2},
        more_sources=(WILLARD_LOUF_2023,),
    ),
    Rule(
        "layout-by-template",
        "prompting-first",
        When(failure_mode="format", task_type="reasoning"),
        _t(
            "The answers are right but their layout breaks: a layout is first a job for structured "
            "outputs or a template your app renders, with no training.",
            "答案是对的，只是版式会乱：版式问题首先应交给结构化输出或由应用渲染的模板，不需要任何训练。",
        ),
        OPENAI_STRUCTURED_OUTPUTS,
        scores={PE: 3, FT: -2, RFT: -2},
    ),
    Rule(
        "style-prompt-first",
        "prompting-first",
        When(
            failure_mode="format",
            prompting_effort={"none", "basic"},
            task_type=Except("extraction", "classification", "tool_use"),
        ),
        _t(
            "Fine-tuning for a format or style comes after real prompting effort, and that has not "
            "been made yet: describe it explicitly and show a few examples of exactly what you want.",
            "只有在提示工程上投入大量精力之后，才轮到为格式或风格做微调，而这一步还没做：明确描述格式或风格，并给出几个完全符合要求的示例。",
        ),
        KARMINSKI,
        scores={PE: 2},
    ),
    Rule(
        "explicit-sop-in-prompt",
        "prompting-first",
        When(spec_clarity="explicit"),
        _t(
            "The rules can be written down, so they can go into the prompt as an SOP, the way "
            "teams brief human staff.",
            "规则可以写下来，就能像给员工写标准操作程序（SOP）那样放进提示里。",
        ),
        NG_BATCH_294,
        scores={PE: 1, AW: 1},
    ),
    Rule(
        "tool-use-workflow-first",
        "prompting-first",
        When(task_type="tool_use", prompting_effort={"none", "basic"}),
        _t(
            "For choosing and calling tools, a simple agentic workflow is the next thing to try, "
            "before fine-tuning.",
            "对于选择和调用工具，下一步应尝试简单的智能体工作流，应优先于微调尝试。",
        ),
        NG_BATCH_294,
        scores={AW: 3},
    ),
    # --- Fine-tuning teaches patterns, not facts (invariant 2) ----------------------------
    Rule(
        "changing-knowledge-needs-rag",
        "patterns-not-facts",
        When(knowledge_source={"private_changing", "realtime"}),
        _t(
            "The model must know facts that change. Fine-tuning cannot keep up with them; retrieval "
            "gives the current facts at run time.",
            "模型需要掌握会变化的事实。微调跟不上这些变化；检索能在运行时提供最新的事实。",
        ),
        KARMINSKI,
        scores={RAG: 3},
        exclude=NO_RETRIEVAL,
    ),
    Rule(
        "private-qa-needs-retrieval",
        "patterns-not-facts",
        When(
            task_type="knowledge_qa",
            knowledge_source="private_stable",
            knowledge_in_prompt="no",
        ),
        _t(
            "The answers come from your internal documents, which the model has never seen and "
            "which are not known to fit in one prompt: then only retrieval puts the right passage "
            "in front of it, and for knowledge outside the training data it is simpler than "
            "fine-tuning.",
            "答案来自模型从未见过的内部文档，而且不确定能否放进一个提示：这时只有检索能把正确的段落送到模型面前；"
            "对于训练数据之外的知识，检索也比微调更简单。",
        ),
        LEWIS_2020,
        scores={RAG: 2},
        exclude=NO_RETRIEVAL,
        more_sources=(NG_BATCH_294,),
    ),
    Rule(
        "knowledge-fits-in-prompt",
        "patterns-not-facts",
        When(knowledge_in_prompt="yes"),
        _t(
            "The internal documents rarely change and fit in one prompt: put all of them in a "
            "long-context prompt with prompt caching. The model then sees everything on every call, "
            "with no search index to build and no retrieval step to miss the right passage.",
            "内部文档很少变化，而且能放进一个提示：把它们全部放进长上下文提示，并开启提示缓存。"
            "这样模型每次调用都能看到全部内容，不用建检索索引，也没有会漏掉正确段落的检索步骤。",
        ),
        CHAN_2024_CAG,
        scores={PE: 4, RAG: -2, RFT: -2},
    ),
    Rule(
        "private-knowledge-retrieval",
        "patterns-not-facts",
        When(knowledge_source="private_stable", knowledge_in_prompt="no"),
        _t(
            "The model needs your internal documents. In a direct comparison, retrieval injected "
            "knowledge more reliably than fine-tuning.",
            "模型需要你们的内部文档。直接对比的研究表明，检索比微调更可靠地为模型注入知识。",
        ),
        OVADIA_2024,
        scores={RAG: 2, RFT: 1},
    ),
    Rule(
        "knowledge-qa-is-retrieval",
        "patterns-not-facts",
        When(task_type="knowledge_qa", knowledge_in_prompt="no"),
        _t(
            "Answering from a body of documents is a knowledge task: fine-tuning is for form, not "
            "facts, so look the facts up instead.",
            "根据文档回答问题是知识型任务：微调针对的是形式而非事实，所以应该去检索事实。",
        ),
        ANYSCALE,
        scores={RAG: 3, FT: -2},
    ),
    Rule(
        "missing-knowledge-retrieval",
        "patterns-not-facts",
        When(failure_mode="missing_knowledge", knowledge_in_prompt="no"),
        _t(
            "The failures are missing or wrong facts. Retrieval supplies them; models learn new "
            "facts slowly from fine-tuning, and once learned they make it more prone to hallucinate.",
            "问题在于事实缺失或错误。检索可以提供这些事实；模型通过微调学习新事实很慢，而一旦学会，反而更容易产生幻觉。",
        ),
        GEKHMAN_2024,
        scores={RAG: 3, RFT: 1, FT: -3},
    ),
    Rule(
        "missing-knowledge-in-prompt",
        "patterns-not-facts",
        When(failure_mode="missing_knowledge", knowledge_in_prompt="yes"),
        _t(
            "The failures are missing or wrong facts, and the documents that hold them fit in the "
            "prompt: put them there. Models learn new facts slowly from fine-tuning, and once "
            "learned they make it more prone to hallucinate.",
            "问题在于事实缺失或错误，而包含这些事实的文档能放进提示：那就放进去。模型通过微调学习新事实很慢，而一旦学会，反而更容易产生幻觉。",
        ),
        GEKHMAN_2024,
        scores={PE: 3, FT: -3, RFT: -1},
    ),
    Rule(
        "nothing-to-retrieve",
        "patterns-not-facts",
        When(
            knowledge_source="general",
            needs_citations="no",
            failure_mode=Except("missing_knowledge"),
        ),
        _t(
            "The model already knows what it needs and answers need no sources; retrieval is for "
            "knowledge the model lacks, so there is nothing to retrieve.",
            "模型已经掌握所需知识，回答也不需要出处；检索是为模型缺少的知识准备的，所以这里没有需要检索的东西。",
        ),
        NG_BATCH_294,
        scores={RAG: -1},
        exclude=frozenset({RFT}),
    ),
    Rule(
        "citations-need-retrieval",
        "patterns-not-facts",
        When(needs_citations="yes"),
        _t(
            "Answers must show their source. Retrieval knows which passage it used; a model that "
            "answers from its weights cannot say where a fact came from.",
            "回答需要注明出处。检索知道用到了哪段文字；仅凭模型权重回答，说不出事实来自哪里。",
        ),
        LEWIS_2020,
        scores={RAG: 2, RFT: 1},
        exclude=NO_RETRIEVAL,
    ),
    # --- What fine-tuning is good at ------------------------------------------------------
    Rule(
        "classification-from-examples",
        "patterns",
        When(task_type="classification"),
        _t(
            "Text classification is an input-to-label mapping, one of the tasks where fine-tuning "
            "works well (routing medical records to billing codes, for example).",
            "文本分类是从输入到标签的映射，是微调效果很好的任务之一（例如把病历归类为医保理赔编码）。",
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="mapping",
    ),
    Rule(
        "format-or-style-task",
        "patterns",
        When(task_type={"extraction", "style"}),
        _t(
            "A fixed output structure or a specific style is a pattern, the kind of thing "
            "fine-tuning teaches well.",
            "固定的输出结构或特定的风格属于“模式”，正是微调擅长教会模型的东西。",
        ),
        KARMINSKI,
        scores={FT: 2, RFT: 2},
        path="pattern",
    ),
    Rule(
        "style-is-hard-to-prompt",
        "patterns",
        When(task_type="style", prompting_effort="extensive"),
        _t(
            "A voice has many small habits that are hard to put into a prompt; after extensive "
            "prompting, fine-tuning on real samples is usually the better way to capture it.",
            "一种说话风格包含许多难以写进提示的细微习惯；在大量提示尝试之后，用真实样本微调通常是更好的办法。",
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="voice",
    ),
    Rule(
        "format-after-prompting",
        "patterns",
        When(
            failure_mode="format",
            prompting_effort="extensive",
            task_type=Except("extraction", "classification", "tool_use", "reasoning"),
        ),
        _t(
            "The style or format is still inconsistent after extensive prompting: the classic case "
            "where fine-tuning on examples makes the output consistent.",
            "经过大量提示优化后，风格或格式仍不稳定：这正是用示例微调来稳定输出的典型场景。",
        ),
        KARMINSKI,
        scores={FT: 2, RFT: 2},
        path="pattern",
    ),
    Rule(
        "implicit-sop-learn-from-examples",
        "patterns",
        When(spec_clarity="implicit"),
        _t(
            "The rules are hard to state and even people learn them from many examples; examples "
            "teach them better than instructions.",
            "规则很难说清楚，连人也要看大量示例才能学会；用示例来教比用指令更有效。",
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2, PE: -1},
        path="decision",
    ),
    Rule(
        "critical-accuracy-last-mile",
        "patterns",
        When(accuracy_target="critical", prompting_effort="extensive", baseline_gap="small"),
        _t(
            "Prompting got close but you need 99%+, and the prompt has stopped improving: "
            "fine-tuning can buy the last few points of accuracy.",
            "提示工程已接近目标，但你需要 99% 以上，而提示已无法再提升：微调可以补上最后几个百分点的准确率。",
        ),
        NG_BATCH_294,
        scores={FT: 3, RFT: 3},
        path="last_mile",
    ),
    Rule(
        "tool-calls-from-examples",
        "patterns",
        When(task_type="tool_use", failure_mode="wrong_decisions", prompting_effort="extensive"),
        _t(
            "After extensive prompting the model still picks the wrong tool or action; fine-tuning "
            "on conversations with the correct calls can make it reliable.",
            "大量提示优化后，模型仍会选错工具或操作；用带有正确调用的对话数据微调，可以让它变可靠。",
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 2},
        path="decision",
    ),
    Rule(
        "specialized-language",
        "patterns",
        When(domain_language="specialized"),
        _t(
            "The model handles your domain's language poorly. At the research frontier some teams "
            "fine-tune a model to master a language: a secondary reason.",
            "模型不擅长你们领域的语言。在研究前沿，有些团队通过微调让模型更好地掌握一种语言：这是次要理由。",
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
        path="pattern",
    ),
    # --- No reasoning by fine-tuning (invariant 4) ----------------------------------------
    Rule(
        "no-reasoning-by-fine-tuning",
        "no-reasoning-by-fine-tuning",
        When(failure_mode="reasoning", rft_ready="no"),
        _t(
            "What fails is multi-step reasoning, and fine-tuning on examples does not noticeably "
            "improve reasoning: that ability comes from pre-training. Reinforcement fine-tuning "
            "can, but only with a program that checks every answer, and after prompting and the "
            "strongest reasoning model have been tried; not all of that is in place yet.",
            "出问题的是多步推理，而用示例微调通常不会明显提升推理能力：这种能力来自预训练。强化微调可以做到，"
            "但前提是有程序能检查每个答案，并且已经尝试过提示工程和最强的推理模型；这些目前还没有全部到位。",
        ),
        KARMINSKI,
        scores={AW: 3},
        exclude=FINE_TUNING,
        more_sources=(DEEPSEEK_R1,),
    ),
    Rule(
        "verifiable-reasoning-rft",
        "no-reasoning-by-fine-tuning",
        When(failure_mode="reasoning", rft_ready="yes"),
        _t(
            "A program can check every answer, prompting is exhausted and the strongest model you "
            "measured still fails at the reasoning: reinforcement fine-tuning trains against that "
            "check, and has improved reasoning on verifiable tasks such as maths and code.",
            "程序能检查每个答案，提示工程已经用尽，测过的最强模型仍在推理上出错：强化微调以这个检查为奖励进行训练，"
            "已在数学和代码等可验证的任务上提升了推理能力。",
        ),
        DEEPSEEK_R1,
        scores={FT: 3, RFT: 2},
        path="verifiable",
        more_sources=(OPENAI_RFT,),
    ),
    Rule(
        "reasoning-task",
        "no-reasoning-by-fine-tuning",
        When(task_type="reasoning", failure_mode=Except("format"), rft_ready="no"),
        _t(
            "Multi-step reasoning, maths and logic come from pre-training; fine-tuning rarely "
            "improves them.",
            "多步推理、数学和逻辑能力来自预训练；微调很少能提升它们。",
        ),
        KARMINSKI,
        scores={AW: 2, FT: -2, RFT: -2},
    ),
    Rule(
        "large-gap-rethink",
        "prompting-first",
        When(
            baseline_gap="large",
            task_type={
                "tool_use",
                "knowledge_qa",
                "simple_generation",
                "reasoning",
                "general_assistant",
            },
        ),
        _t(
            "Your best prompt is far below the target. Restructure the task first (steps, tools, a "
            "stronger model): fine-tuning is for when prompting and simple agentic workflows cannot "
            "do the job.",
            "你最好的提示离目标还差很远。先重新组织任务（拆步骤、加工具、换更强的模型）：微调是在提示工程和简单的智能体工作流都无法胜任时才用的。",
        ),
        NG_BATCH_294,
        scores={AW: 3, FT: -3, RFT: -3},
    ),
    # --- A specialist, not a generalist ---------------------------------------------------
    Rule(
        "narrow-task-specialist",
        "specialist-not-generalist",
        When(task_scope="narrow"),
        _t(
            "One narrow, well-defined task is what a fine-tuned specialist is for.",
            "一个狭窄且定义明确的任务，正适合微调出的“专科医生”。",
        ),
        KARMINSKI,
        scores={FT: 1, RFT: 1},
        path="pattern",
    ),
    Rule(
        "broad-scope-generalist",
        "specialist-not-generalist",
        When(task_scope="broad"),
        _t(
            "The model must handle many kinds of requests. Fine-tuning makes a specialist and can "
            "make it worse at everything else.",
            "模型要处理多种多样的请求。微调打造的是专科医生，可能让它在其他方面变差。",
        ),
        KARMINSKI,
        scores={FT: -2, RFT: -2, PE: 1},
    ),
    Rule(
        "general-assistant",
        "specialist-not-generalist",
        When(task_type="general_assistant"),
        _t(
            "An open-ended assistant is a generalist by definition, and a fine-tune makes a "
            "specialist.",
            "开放式助手本身就是“全科医生”，而微调打造的是“专科医生”。",
        ),
        KARMINSKI,
        scores={FT: -3, RFT: -3, PE: 2},
    ),
    # --- Small models at scale ------------------------------------------------------------
    Rule(
        "scale-small-model",
        "small-models-at-scale",
        When(cost_pressure="blocking", volume={"medium", "high"}, large_model_works="yes"),
        _t(
            "The large model does the job, but at your volume it is too slow or too expensive to "
            "ship. A fine-tuned small model can match it on this one task at a fraction of the cost "
            "and latency.",
            "大模型能完成任务，但在你的请求量下太慢或太贵，无法上线。微调过的小模型可以在这一项任务上达到它的水平，"
            "成本和延迟却低得多。",
        ),
        NG_BATCH_294,
        scores={FT: 4, RFT: 3, AW: -2, PE: -2},
        path="distill",
        more_sources=(OPENAI_DISTILLATION,),
    ),
    Rule(
        "realtime-latency",
        "small-models-at-scale",
        When(latency_need="realtime", at_scale="yes", large_model_works="yes"),
        _t(
            "You need answers in under 300 ms, and speed and cost matter at your scale. Large models "
            "are often too slow as use grows, and every workflow step adds a call; a fine-tuned small "
            "model can answer faster.",
            "你需要在 300 毫秒内给出回答，而在你的规模下速度和成本都很重要。随着用量增长，大模型往往太慢，"
            "工作流的每一步又多一次调用；微调过的小模型能更快地回答。",
        ),
        NG_BATCH_294,
        scores={FT: 2, RFT: 1, AW: -2},
        path="distill",
    ),
    Rule(
        "synthetic-data-from-large-model",
        "small-models-at-scale",
        When(teacher="proven"),
        _t(
            "Your large model is measured at or above the target and can write good examples, so "
            "it can generate training data for a small model.",
            "你们的大模型实测达到目标，能写出好的示例，因此可以用它为小模型生成训练数据。",
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    # --- Garbage in, garbage out (invariant 3) --------------------------------------------
    Rule(
        "gigo-noisy-data",
        "garbage-in-garbage-out",
        When(data_quality="noisy"),
        _t(
            "The examples contain many errors. A model fine-tuned on them learns the errors: "
            "garbage in, garbage out.",
            "示例中错误很多。用它们微调，模型就会学会这些错误：垃圾进，垃圾出。",
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
    ),
    Rule(
        "gigo-no-data",
        "garbage-in-garbage-out",
        When(example_count="none", synthetic_data={"no", "unsure"}),
        _t(
            "There are no examples yet and no proven way to generate them, so there is nothing to "
            "fine-tune on.",
            "目前没有示例，也没有确定可行的生成方式，因此没有可以用来微调的数据。",
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
    ),
    Rule(
        "teacher-below-target",
        "garbage-in-garbage-out",
        When(example_count="none", teacher="unproven"),
        _t(
            "There are no real examples, and the large model that would write them is not measured "
            "at your target: a teacher below the target writes wrong examples, so there is nothing "
            "proven to fine-tune on.",
            "目前没有真实示例，而要用来生成示例的大模型并没有实测达到你的目标：低于目标的“老师”会写出错误的示例，"
            "因此没有经过验证、可以用来微调的数据。",
        ),
        NG_BATCH_294,
        exclude=FINE_TUNING,
        more_sources=(KARMINSKI,),
    ),
    Rule(
        "data-not-ready",
        "garbage-in-garbage-out",
        When(data_readiness="weak"),
        _t(
            "Two or more data problems add up (some wrong examples, examples mostly alike, no hard "
            "or malformed cases): a model learns every one of them, so the data is not ready to "
            "fine-tune on yet.",
            "两个或更多数据问题叠加在一起（部分示例有错误、示例大多相似、没有困难或格式错误的案例）："
            "模型会把这些问题都学进去，所以这些数据还不适合用来微调。",
        ),
        KARMINSKI,
        exclude=FINE_TUNING,
        reason_for_answers=_data_not_ready,
    ),
    Rule(
        "mixed-quality-data",
        "garbage-in-garbage-out",
        When(data_quality="mixed"),
        _t(
            "Some examples are wrong; a model fine-tuned on them copies the mistakes, so review and "
            "fix them before training.",
            "部分示例有错误；用它们微调，模型会照搬这些错误，所以训练前要审核并修正。",
        ),
        KARMINSKI,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "clustered-data",
        "garbage-in-garbage-out",
        When(data_diversity="clustered"),
        _t(
            "The examples are mostly alike. Clustered data teaches one narrow, rigid pattern that "
            "breaks on the variety of real inputs.",
            "示例大多相似。高度同质化的数据只会教出单一、刻板的模式，面对真实输入的多样性就会失效。",
        ),
        KARMINSKI,
        scores={FT: -2, RFT: -2},
    ),
    Rule(
        "no-edge-cases",
        "garbage-in-garbage-out",
        When(edge_cases="no"),
        _t(
            "The examples have no hard, malformed or adversarial cases, so a fine-tuned model will "
            "not learn to handle them.",
            "示例中没有困难、格式错误或对抗性的案例，微调后的模型就学不会处理它们。",
        ),
        KARMINSKI,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "nothing-to-fix",
        "garbage-in-garbage-out",
        When(data_problem="none"),
        _t(
            "Your data has no problem to fix: no wrong examples, no clustering, hard cases "
            "included, and examples to train on.",
            "你的数据没有需要修正的问题：没有错误示例、没有高度同质化、包含困难案例，也有可以训练的示例。",
        ),
        KARMINSKI,
        exclude=frozenset({ID}),
    ),
    Rule(
        "clean-examples",
        "garbage-in-garbage-out",
        When(example_count={"under_100", "100_to_1k", "over_1k"}, data_quality="clean"),
        _t(
            "Your examples are reviewed and correct, and good results have come from 100 or even "
            "fewer.",
            "你的示例已审核、准确无误，而只用 100 条甚至更少的优质示例就能取得不错的效果。",
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    Rule(
        "cost-pays-back-fast",
        "small-models-at-scale",
        When(cost_case="fast_payback", break_even=Except("fails")),
        _COST_FOR,
        NG_BATCH_294,
        scores={FT: 3, RFT: 2},
        path="distill",
        more_sources=(A16Z_LLMFLATION,),
        reason_for_answers=_with_figures(_COST_FOR),
    ),
    Rule(
        "cost-saving-too-small",
        "small-models-at-scale",
        When(cost_case={"negligible_saving", "slow_payback", "costs_more"}),
        _COST_AGAINST,
        A16Z_LLMFLATION,
        scores={FT: -3, RFT: -3},
        more_sources=(NG_BATCH_294,),
        reason_for_answers=_with_figures(_COST_AGAINST),
    ),
    Rule(
        "saving-fails-break-even",
        "small-models-at-scale",
        When(break_even="fails"),
        _BREAK_EVEN_GENERAL,
        NG_BATCH_294,
        scores={FT: -6, RFT: -6},
        reason_for_answers=_fails_break_even,
    ),
    # --- Measure first ----------------------------------------------------------------------
    Rule(
        "gap-not-established",
        "evals-first",
        When(baseline_certainty="uncertain"),
        _t(
            "The 95% Wilson interval of your measured baseline contains your target: the gap is "
            "not measured yet, and a gap that isn't measured isn't a gap. Fine-tuning would win if "
            "the gap holds on enough cases to settle it.",
            "实测基线的 95% Wilson 区间包含你的目标：差距还没有测准，没测准的差距不算差距。只有在足够多的案例上差距依然存在，微调才会胜出。",
        ),
        WILSON_1927,
        scores={PE: 3},
        exclude=FINE_TUNING,
        reason_for_answers=_gap_not_established,
    ),
    Rule(
        "measure-before-fine-tuning",
        "evals-first",
        When(baseline_gap="unmeasured"),
        _t(
            "No accuracy has been measured, so a fine-tune would have no baseline to beat. Fine-tuning "
            "starts from a small set of demonstrations whose results you evaluate, and that needs an "
            "eval set and a prompt baseline first.",
            "还没有测量准确率，微调也就没有要超越的基线。微调应从少量示范数据开始并评测结果，这首先需要一套评测集和提示基线。",
        ),
        OPENAI_GUIDE,
        scores={FT: -1, RFT: -1},
    ),
    # --- A fine-tuned model is a system to run --------------------------------------------
    Rule(
        "no-ml-experience",
        "operations",
        When(ml_capacity="none"),
        _t(
            "No one on the team has trained or served a model; fine-tuning adds training and "
            "deployment work you would have to learn.",
            "团队里没有人训练或部署过模型；微调会带来你们需要从头学习的训练和部署工作。",
        ),
        NG_BATCH_294,
        scores={FT: -1, RFT: -2},
    ),
    Rule(
        "experienced-ml-team",
        "operations",
        When(ml_capacity="experienced"),
        _t(
            "Your team trains and serves models regularly, so the training and deployment work that "
            "makes fine-tuning complex is familiar.",
            "你的团队经常训练和部署模型，让微调变复杂的训练和部署工作对你们来说并不陌生。",
        ),
        NG_BATCH_294,
        scores={FT: 1, RFT: 1},
    ),
    Rule(
        "self-hosting-without-ml",
        "operations",
        When(hosting="self_hosted_required", ml_capacity="none"),
        _t(
            "The model must run on your own machines, but no one has served a model before: "
            "hosting a fine-tuned model yourself is a real project.",
            "模型必须部署在你们自己的机器上，但还没有人部署过模型：自行托管微调模型是一个不小的工程。",
        ),
        NG_BATCH_294,
        scores={FT: -1, RFT: -1},
    ),
    Rule(
        "hosted-fine-tuning-shrinking",
        "operations",
        When(hosting="api_ok", ml_capacity="none"),
        # Worded from the providers table (app/decision/providers.py), its only copy.
        _t(
            "With no one to run a model, you would depend on a provider's fine-tuning, and that is "
            f"shrinking: {providers.closing_summary().en}. A hosted fine-tune also ends when its "
            "base model is retired.",
            "团队里没有人能运维模型，就只能依赖服务商的微调服务，而这类服务正在收缩："
            f"{providers.closing_summary().zh}。托管的微调模型也会随基础模型的停用而失效。",
        ),
        OPENAI_DEPRECATIONS,
        scores={FT: -1, RFT: -1},
        more_sources=(MISTRAL_FINE_TUNING, COHERE_FINE_TUNING),
    ),
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({r.id: r for r in RULES})
