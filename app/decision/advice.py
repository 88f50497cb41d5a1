"""What the verdict tells you besides the winner: warnings, risks and next steps, as data.

Each entry holds when its condition does; conditions may name the `recommendation` and, for
fine-tuning, its `path`. Entries appear in the order they are listed here, so each list reads
as a checklist; the engine keeps the first MAX_* of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import providers
from .approaches import FINE_TUNING, RETRIEVAL, Rec
from .conditions import Except, When
from .text import Text

PE, AW, RAG, FT, RFT, ID = Rec
_CLOSED, _HOSTED = providers.hosted_counts()
STRICT_FORMAT_TASKS = {"extraction", "classification", "tool_use"}

MAX_NEXT_STEPS = 8
MAX_FIND_OUT = 3
MAX_RISKS = 5
# Steps that cure without training come before everything else in the plan.
FIRST_STEPS = frozenset({"measure-strongest-model", "schema-first", "aw-reasoning-model"})
# Over the cap, these go first: useful, but not what the plan stands on.
DROP_FIRST = frozenset({"ft-retrain", "rag-cite", "ft-synthetic", "pe-revisit", "aw-measure"})
# A fine-tuning plan always says how to start and when to ship, whatever else it has to cut.
KEEP = frozenset(
    {
        "ft-rft-start",
        "ft-encoder-start",
        "ft-lora-api",
        "ft-lora-open",
        "ft-lora-self",
        "ft-compare",
        "ft-compare-voice",
        "ft-compare-distill",
    }
)


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    when: When
    text: Text
    # Entries on the same topic say the same thing in different words; a verdict keeps the first.
    topic: str = ""

    @property
    def key(self) -> str:
        return self.topic or self.id


def _a(id: str, when: When, text: Text | str, *rest: str, topic: str = "") -> Advice:
    """`_a(id, when, Text("..."), topic="")`. The old form, `_a(id, when, en, zh, topic="")`,
    runs until scripts/engine_texts_to_catalogue.py rewrites it."""
    if isinstance(text, str):
        text, rest = Text(text, rest[0]), rest[1:]
    return Advice(id, when, text, *rest) if rest else Advice(id, when, text, topic)


# Answers that contradict each other. They never block the verdict; they ask for a second look.
WARNINGS: tuple[Advice, ...] = (
    _a(
        "untried-prompting-but-measured",
        When(prompting_effort="none", baseline_gap=Except("unmeasured")),
        "You say prompting has not been tried, yet you gave an accuracy measured with your best "
        "prompt. If a prompt was measured, prompting has been tried: check both answers.",
        "你说还没有尝试过提示工程，却给出了用最好的提示测得的准确率。既然测过提示，就说明已经尝试过提示工程：请核对这两个答案。",
    ),
    _a(
        "untried-prompting-but-acceptable",
        When(prompting_effort="none", failure_mode="none"),
        "You say quality is already acceptable, but prompting has not been tried yet: how was the "
        "quality judged?",
        "你说质量已经可以接受，但还没有尝试过提示工程：质量是如何判断的？",
    ),
    _a(
        "acceptable-but-far-below-target",
        When(failure_mode="none", baseline_gap="large"),
        "You say quality is already acceptable, but the measured baseline is far below your "
        "accuracy target. One of the two answers is probably off.",
        "你说质量已经可以接受，但实测基线远低于准确率目标。这两个答案中可能有一个不准确。",
    ),
    _a(
        "failures-but-meets-target",
        When(failure_mode=Except("none", "unknown"), baseline_gap="meets_target"),
        "Your best prompt already meets the accuracy target, yet you report a failure mode. If the "
        "failures matter, your eval set or your target may not capture them.",
        "你最好的提示已经达到准确率目标，但你仍报告了失败类型。如果这些问题很重要，说明评测集或目标可能没有覆盖到它们。",
    ),
    _a(
        "missing-knowledge-but-general",
        When(failure_mode="missing_knowledge", knowledge_source="general"),
        "The model gets facts wrong, yet you say it only needs public knowledge it already has. "
        "The knowledge may be more specialised or recent than it looks; if so, choose one of the "
        "internal-documents options in the knowledge step.",
        "模型会答错事实，你却说它只需要已掌握的公开知识。所需知识可能比看起来更专业或更新；如果是这样，请在知识需求一步中选择与内部文档相关的选项。",
    ),
    _a(
        "teacher-not-measured",
        When(teacher="unproven"),
        "You say a larger model can write good examples, but it is not measured at or above your "
        "accuracy target: a teacher below the target writes wrong examples, so we don't count it "
        "for fine-tuning until its accuracy is measured on your eval set.",
        "你说更大的模型能写出好的示例，但它并没有实测达到你的准确率目标：低于目标的“老师”会写出错误的示例，"
        "所以在它的准确率在评测集上测出来之前，我们不把它算作微调的理由。",
    ),
    _a(
        "narrow-general-assistant",
        When(task_type="general_assistant", task_scope="narrow"),
        "A general-purpose assistant with a narrow scope is unusual: if it really does one task, "
        "choose that task type instead.",
        "范围狭窄的通用助手并不常见：如果它实际上只做一件事，请改选对应的任务类型。",
    ),
)

# Ways the recommended path can go wrong, so they can be planned for.
RISKS: tuple[Advice, ...] = (
    _a(
        "risk-critical-errors",
        When(accuracy_target="critical"),
        "At 99% one answer in a hundred is still wrong. Keep a human review or a safe fallback for "
        "uncertain or high-stakes cases.",
        "即使准确率达到 99%，每一百个回答中仍有一个是错的。对于不确定或高风险的情况，要保留人工审核或安全的兜底方案。",
    ),
    _a(
        "risk-provider-lock-in",
        When(recommendation=FINE_TUNING, hosting="api_ok"),
        "A fine-tune of a provider's closed model lives and dies with that provider: it stops "
        f"when its base model is retired, and {_CLOSED} of the {_HOSTED} hosted fine-tuning "
        f"services in our providers table take no new teams ({providers.closing_names().en}). "
        "Weights you can download avoid this.",
        "在服务商的闭源模型上做微调，结果的存亡完全取决于该服务商：基础模型停用时它也随之停止，而我们服务商表中的 "
        f"{_HOSTED} 个托管微调服务里有 {_CLOSED} 个已不再接受新团队（{providers.closing_names().zh}）。"
        "可下载的权重能避免这种情况。",
    ),
    _a(
        "risk-no-ml-experience",
        When(
            recommendation=FINE_TUNING,
            ml_capacity="none",
            hosting={"api_ok", "open_weights_preferred"},
        ),
        "No one on the team has trained or served a model. Budget time to learn, or use a managed "
        "service that fine-tunes open-weights models and lets you download the result; decide who "
        "keeps the model running.",
        "团队里没有人训练或部署过模型。请预留学习时间，或使用能微调开源权重模型并允许下载结果的托管服务；并确定由谁负责模型的运维。",
    ),
    _a(
        "risk-self-hosting-no-ml-experience",
        When(recommendation=FINE_TUNING, ml_capacity="none", hosting="self_hosted_required"),
        "No one on the team has served a model, and it must run on your machines: budget time to "
        "learn training and serving (an open-source server such as vLLM can serve LoRA adapters), "
        "and decide who keeps it running.",
        "团队里没有人部署过模型，而模型又必须运行在你们自己的机器上：请预留时间学习训练和部署"
        "（vLLM 等开源推理服务可以加载 LoRA 适配器），并确定由谁负责运维。",
    ),
    _a(
        "risk-broad-specialist",
        When(recommendation=FINE_TUNING, task_scope="broad"),
        "Fine-tuning for one kind of request can make the model worse at the others; keep the "
        "other requests in the eval set.",
        "针对一类请求做微调，可能让模型在其他请求上变差；评测集中要保留其他类型的请求。",
    ),
    _a(
        "risk-clustered-data",
        When(recommendation={FT, RFT, ID}, data_diversity="clustered"),
        "Clustered examples teach one rigid pattern; the model may fail on inputs unlike them.",
        "高度同质化的示例只会教出一种刻板的模式；遇到与之不同的输入，模型可能会失效。",
    ),
    _a(
        "risk-no-edge-cases",
        When(recommendation=FINE_TUNING, edge_cases={"no", "unsure"}),
        "Without hard and malformed cases in training, the model may break on real traffic.",
        "如果训练数据中没有困难和格式错误的案例，模型在真实流量下可能会出错。",
    ),
    _a(
        "risk-synthetic-data-bias",
        When(recommendation=FINE_TUNING, synthetic_data="yes"),
        "Generated examples copy the large model's mistakes and blind spots. Review a sample by "
        "hand and keep only real cases in the eval set.",
        "生成的示例会复制大模型的错误和盲点。请人工审核一部分，并且评测集只使用真实案例。",
    ),
    _a(
        "risk-retraining",
        When(recommendation=FINE_TUNING),
        "A fine-tuned model is one more thing to maintain: when the task, the data or the base "
        "model changes, it must be retrained and re-evaluated.",
        "微调模型会多出一项长期维护的负担：任务、数据或基础模型一变，就需要重新训练和重新评测。",
    ),
    _a(
        "risk-retrieval-quality",
        When(recommendation=RETRIEVAL),
        "Answers are only as good as what retrieval finds. If what the answer needs (a passage, a "
        "file, a table) is not retrieved, no prompt or fine-tune will fix the answer.",
        "回答的质量取决于检索到的内容。如果没有检索到回答所需的内容（段落、文件或数据表），任何提示或微调都救不了这个回答。",
    ),
    _a(
        "risk-stale-index",
        When(recommendation=RETRIEVAL, knowledge_source={"private_changing", "realtime"}),
        "Changing facts need a fresh index: a stale index gives confidently outdated answers.",
        "会变化的事实需要及时更新的索引：过时的索引会让模型自信地给出过时的答案。",
    ),
    _a(
        "risk-workflow-latency",
        When(recommendation=AW, latency_need={"interactive", "realtime"}),
        "Every step of a workflow is another model call: watch the total latency and cost.",
        "工作流的每一步都是一次模型调用：要关注总延迟和成本。",
    ),
    _a(
        "risk-prompt-cost-at-scale",
        When(recommendation=PE, volume="high", cost_pressure={"moderate", "blocking"}),
        "Long prompts are paid for on every call; at your volume, watch the cost as the prompt "
        "grows.",
        "长提示在每次调用时都要付费；在你的请求量下，提示越长成本越高，需要留意。",
    ),
    _a(
        "risk-reasoning-ceiling",
        When(recommendation={PE, AW}, failure_mode="reasoning"),
        "If the model cannot do the reasoning even step by step, neither prompts nor fine-tuning "
        "will fix it; try a stronger reasoning model on the hardest step.",
        "如果模型即使分步也完成不了推理，提示和微调都无济于事；请在最难的那一步尝试更强的推理模型。",
    ),
    _a(
        "risk-data-takes-time",
        When(recommendation=ID),
        "Cleaning and labelling take longer than expected; plan for weeks, not days.",
        "清洗和标注数据往往比预想的更耗时；按周而不是按天来规划。",
    ),
)

# "Find out" steps, one per open answer. The engine shows one only when finding out could
# change this verdict, and puts it first.
FIND_OUT: tuple[Advice, ...] = (
    _a(
        "eval-set",
        When(baseline_gap="unmeasured", accuracy_target=Except("critical")),
        "Find out: build an eval set of 50–100 real cases and measure your best prompt on it.",
        "先弄清楚：用 50–100 个真实案例建立评测集，测出你最好的提示能达到多少准确率。",
        topic="eval-set",
    ),
    _a(
        "eval-set-critical",
        When(baseline_gap="unmeasured", accuracy_target="critical"),
        "Find out: build an eval set of at least 300 real cases (fewer cannot tell 95% from 99%) "
        "and measure your best prompt on it.",
        "先弄清楚：用至少 300 个真实案例建立评测集（案例更少就分不清 95% 和 99%），测出你最好的提示能达到多少准确率。",
        topic="eval-set",
    ),
    _a(
        "find-out-failure-mode",
        When(failure_mode="unknown"),
        "Find out: read 50 failed outputs and tag each one as format, wrong decision, missing fact "
        "or reasoning; the most common tag decides the cure.",
        "先弄清楚：阅读 50 个失败的输出，把每一个标记为格式、错误决策、缺少事实或推理问题；最常见的那类决定了解法。",
    ),
    _a(
        "find-out-data-quality",
        When(data_quality="unsure"),
        "Find out: have a domain expert review a random sample of 50 examples and count the wrong "
        "ones.",
        "先弄清楚：请领域专家随机审核 50 条示例，数一数有多少条是错的。",
    ),
    _a(
        "find-out-data-diversity",
        When(data_diversity="unsure"),
        "Find out: group your examples by type, length and topic, and check that no single group "
        "dominates.",
        "先弄清楚：按类型、长度和主题对示例分组，检查是否有某一组占了绝大多数。",
    ),
    _a(
        "find-out-edge-cases",
        When(edge_cases="unsure"),
        "Find out: search the examples for hard, malformed and adversarial inputs.",
        "先弄清楚：在示例中查找困难、格式错误和对抗性的输入。",
    ),
    _a(
        "find-out-synthetic-data",
        When(synthetic_data="unsure"),
        "Find out: ask your best large model to write 20 examples and review them: are they correct "
        "and realistic?",
        "先弄清楚：让你最好的大模型写 20 条示例并逐条审核：它们是否正确、是否贴近真实情况？",
    ),
    _a(
        "find-out-strongest-model",
        When(strongest_model_tried="unsure"),
        "Find out: run the strongest model you could use, a reasoning model included, on your eval "
        "set.",
        "先弄清楚：在评测集上跑一遍你们能用的最强模型（包括推理模型）。",
    ),
    _a(
        "find-out-verifiable",
        When(verifiable_outputs="unsure"),
        "Find out: for 20 eval cases, try to write a check (a test, the exact answer, a schema) "
        "that tells a right answer from a wrong one.",
        "先弄清楚：为 20 个评测案例尝试写一个检查（测试、标准答案或 Schema），看能否区分答案的对错。",
    ),
    _a(
        "find-out-knowledge-volume",
        When(knowledge_volume="unsure"),
        "Find out: count the tokens of the documents the model needs; tens of thousands fit in one "
        "prompt.",
        "先弄清楚：统计模型所需文档的 token 数；几万个 token 可以放进一个提示。",
    ),
)
# The question each find-out step settles.
FIND_OUT_QUESTION: dict[str, str] = {
    "find-out-strongest-model": "strongest_model_tried",
    "find-out-verifiable": "verifiable_outputs",
    "find-out-knowledge-volume": "knowledge_volume",
    "eval-set": "baseline_accuracy",
    "eval-set-critical": "baseline_accuracy",
    "find-out-failure-mode": "failure_mode",
    "find-out-data-quality": "data_quality",
    "find-out-data-diversity": "data_diversity",
    "find-out-edge-cases": "edge_cases",
    "find-out-synthetic-data": "synthetic_data",
}

_LORA_SIZE = Text(
    "a small open-weights model (7–8B parameters, at most 13B)",
    "开源权重的小模型（7–8B 参数，最多 13B）",
)

# The checklist for each recommendation, in order, with numbers a team can act on.
NEXT_STEPS: tuple[Advice, ...] = (
    # Before any plan: the strongest model on the same eval set
    _a(
        "measure-strongest-model",
        When(
            strongest_model_tried="no",
            quality_reached="no",
            hosting=Except("self_hosted_required"),
        ),
        "Run the strongest model you could use, a reasoning model included, on the same eval set: "
        "if it meets the target, the gap closes with a change of model name and no training.",
        "在同一套评测集上跑一遍你们能用的最强模型（包括推理模型）：如果它达到目标，只需换个模型名就能弥补差距，无需训练。",
    ),
    # Better prompting
    _a(
        "pe-knowledge-in-prompt",
        When(recommendation=PE, knowledge_in_prompt="yes"),
        "Put the whole collection in the prompt, in a fixed opening before the question, and turn "
        "on prompt caching so repeated calls pay a fraction for it; move to retrieval only if it "
        "outgrows the context.",
        "把全部资料放进提示，放在问题之前固定不变的开头部分，并开启提示缓存，让重复调用只为它付一小部分费用；"
        "只有资料多到放不下时才改用检索。",
    ),
    _a(
        "pe-keep-what-works",
        When(recommendation=PE, quality_reached="yes", cost_pressure={"none", "moderate"}),
        "Keep the current prompt, and add a regression eval set of 50–100 real cases so you notice "
        "if quality drops.",
        "保留现在的提示，并用 50–100 个真实案例建一个回归评测集，以便在质量下降时及时发现。",
    ),
    _a(
        "pe-cheaper-model",
        When(recommendation=PE, cost_pressure="blocking"),
        "The current model is too slow or too expensive to ship: try the same prompt on a smaller, "
        "faster model, shorten the prompt and cache repeated requests, measuring each on your eval "
        "set.",
        "当前模型太慢或太贵，无法上线：把同样的提示放到更小、更快的模型上试试，缩短提示，并缓存重复的请求；每一项都在评测集上衡量。",
    ),
    _a(
        "schema-first",
        When(recommendation={PE, FT, RFT}, failure_mode="format", task_type=STRICT_FORMAT_TASKS),
        "Before anything else, turn on structured outputs with a JSON schema (or constrained "
        "decoding for an open model) and re-measure: format errors may disappear without training.",
        "首先开启结构化输出并提供 JSON Schema（开源模型可用约束解码），然后重新评测：格式错误可能无需训练就会消失。",
    ),
    _a(
        "format-check-render",
        When(failure_mode="format", task_type="reasoning"),
        "The answers are right but the layout breaks: fix the layout, not the logic. Give a template "
        "(steps, then the final answer, formulas in LaTeX), and check that each output renders "
        "before it is shown.",
        "答案是对的，但版式会乱：要修的是版式，不是逻辑。给出一个模板（先写步骤，再写最终答案，公式用 LaTeX），"
        "并在展示前检查每个输出都能正确渲染。",
    ),
    _a(
        "pe-style-format",
        When(
            recommendation=PE,
            failure_mode="format",
            quality_reached="no",
            task_type=Except(*STRICT_FORMAT_TASKS),
        ),
        "Describe the format or style explicitly and add 3–5 examples of exactly the output you "
        "want.",
        "明确描述格式或风格，并加入 3–5 个完全符合要求的输出示例。",
    ),
    _a(
        "schema-answers",
        When(
            recommendation={PE, AW, FT, RFT},
            failure_mode="format",
            task_type={"knowledge_qa", "simple_generation", "reasoning", "general_assistant"},
        ),
        "If the answer has a fixed layout (fields, numbered steps, a final answer), ask for it as "
        "structured output with a JSON schema and let your app render it: the layout can then no "
        "longer break.",
        "如果答案有固定的版式（若干字段、编号步骤、最终答案），就用 JSON Schema 以结构化输出的方式要求它，再由你们的应用来渲染："
        "这样版式就不会再乱。",
    ),
    _a(
        "pe-eval-set",
        When(
            recommendation={PE, AW},
            baseline_gap="unmeasured",
            failure_mode=Except("none"),
            accuracy_target=Except("critical"),
        ),
        "Build an eval set of 50–100 real cases and measure the current prompt: that is the baseline "
        "every change must beat.",
        "用 50–100 个真实案例建立评测集，并测出当前提示的准确率：这就是每次修改都要超越的基线。",
        topic="eval-set",
    ),
    _a(
        "pe-eval-set-critical",
        When(
            recommendation={PE, AW},
            baseline_gap="unmeasured",
            failure_mode=Except("none"),
            accuracy_target="critical",
        ),
        "Build an eval set of at least 300 real cases (fewer cannot tell 95% from 99%) and measure "
        "the current prompt: that is the baseline every change must beat.",
        "用至少 300 个真实案例建立评测集（案例更少就分不清 95% 和 99%），并测出当前提示的准确率：这就是每次修改都要超越的基线。",
        topic="eval-set",
    ),
    _a(
        "pe-failure-driven",
        When(recommendation=PE, prompting_effort="extensive", quality_reached="no"),
        "You have already prompted extensively, so work from the failures: group the failing eval "
        "cases, turn the commonest kinds into explicit rules or examples, and route the hardest "
        "inputs to a stronger model or a person.",
        "你已经在提示上下了很多功夫，所以从失败案例入手：把评测中失败的案例归类，把最常见的几类写成明确的规则或示例，"
        "并把最难的输入交给更强的模型或人工处理。",
    ),
    _a(
        "pe-write-sop",
        When(
            recommendation=PE,
            failure_mode=Except("none", "format"),
            prompting_effort={"none", "basic"},
            quality_reached="no",
        ),
        "Write the task down as explicit instructions (an SOP), including what to do in the unclear "
        "cases.",
        "把任务写成明确的指令（SOP），包括在不明确的情况下应该怎么做。",
    ),
    _a(
        "pe-few-shot",
        When(
            recommendation=PE,
            failure_mode=Except("none", "format"),
            prompting_effort={"none", "basic"},
            quality_reached="no",
        ),
        "Add 3–10 few-shot examples that show the exact output you want, including a hard case or "
        "two.",
        "加入 3–10 个少样本示例，展示你想要的确切输出，其中包括一两个困难案例。",
    ),
    _a(
        "pe-iterate",
        When(recommendation=PE, quality_reached="no"),
        "Score every prompt change on the same eval set; stop when you reach the target.",
        "每次修改提示后都在同一套评测集上打分；达到目标就停下。",
    ),
    _a(
        "pe-revisit",
        When(recommendation=PE, quality_reached="no"),
        "If accuracy plateaus below the target after several rounds, come back with the measured "
        "baseline: the case for fine-tuning rests on that number.",
        "如果几轮迭代后准确率仍停在目标以下，带着实测的基线再来评估：是否值得微调取决于这个数字。",
    ),
    # A simple agentic workflow
    _a(
        "aw-reasoning-model",
        When(recommendation=AW, failure_mode="reasoning"),
        "First try a reasoning model, or the thinking mode of your current one, on the step where "
        "the logic fails.",
        "首先在逻辑出错的那一步试用推理模型，或当前模型的思考模式。",
    ),
    _a(
        "aw-steps",
        When(recommendation=AW, prompting_effort={"none", "basic"}),
        "Break the task into 2–4 steps with a check (for example understand → plan → act → check), "
        "one focused prompt per step.",
        "把任务拆成 2–4 个带检查的步骤（例如：理解 → 规划 → 执行 → 检查），每一步用一个专注的提示。",
    ),
    _a(
        "aw-restructure",
        When(recommendation=AW, prompting_effort="extensive"),
        "Restructure what you have: separate the decision from the action, validate each step's "
        "output, and route the hard cases to a stronger model or a person.",
        "重新组织现有的流程：把决策和执行分开，校验每一步的输出，并把困难的案例交给更强的模型或人工处理。",
    ),
    _a(
        "aw-tools",
        When(
            recommendation=AW,
            task_type={"reasoning", "tool_use"},
            failure_mode=Except("format", "none"),
        ),
        "Give the model tools for what it does poorly: a calculator or code execution for maths, "
        "lookups for facts, validated calls for actions.",
        "为模型不擅长的部分提供工具：数学用计算器或代码执行，事实用查询，操作用经过校验的调用。",
    ),
    _a(
        "aw-check",
        When(recommendation=AW),
        "Add a check step that validates each output or tool call against your rules before "
        "anything is acted on.",
        "增加一个检查步骤，在执行任何操作之前，按你的规则校验每个输出或工具调用。",
    ),
    _a(
        "aw-measure",
        When(recommendation=AW),
        "Measure end to end on 50–100 real cases, and per step, to find the weakest step.",
        "在 50–100 个真实案例上做端到端评测，并逐步评测，找出最薄弱的一步。",
    ),
    # Retrieval-augmented generation
    _a(
        "rag-index",
        When(
            recommendation=RETRIEVAL,
            knowledge_form={"documents", "unsure"},
            knowledge_source=Except("realtime"),
        ),
        "Put the documents in a search index; split them into passages that keep their title and "
        "date.",
        "把文档放进检索索引；切分成段落时保留标题和日期。",
    ),
    _a(
        "rag-code-index",
        When(recommendation=RETRIEVAL, knowledge_form="code"),
        "Index the repository by file and by symbol (functions, classes, where each is defined and "
        "used), with the tests beside the code they cover; retrieve the symbols and files around "
        "the cursor or the question.",
        "按文件和符号（函数、类，以及它们在哪里定义、在哪里被使用）为代码仓库建索引，并把测试和它覆盖的代码放在一起；"
        "检索光标或问题附近相关的符号和文件。",
    ),
    _a(
        "rag-code-eval",
        When(recommendation=RETRIEVAL, knowledge_form="code"),
        "Collect 50–100 real tasks from your repository's history (a question, a half-written "
        "function) with the accepted answer and the files it needed; score completions by running "
        "the tests.",
        "从代码仓库的历史中收集 50–100 个真实任务（一个问题、一段写了一半的函数），附上被采纳的答案及其用到的文件；"
        "通过运行测试来给补全结果打分。",
    ),
    _a(
        "rag-sql-schema",
        When(recommendation=RETRIEVAL, knowledge_form="database"),
        "Give the model the schema of the tables it may query, a description of every column "
        "(units, codes, what NULL means) and 20–50 verified example queries for real questions; "
        "retrieve the relevant tables and examples for each question.",
        "把模型可以查询的表结构交给它，为每一列写说明（单位、编码、NULL 的含义），并准备 20–50 个针对真实问题、"
        "经过验证的示例查询；每个问题只检索相关的表和示例。",
    ),
    _a(
        "rag-sql-eval",
        When(recommendation=RETRIEVAL, knowledge_form="database"),
        "Collect 50–100 real questions with a verified SQL query each, and score by comparing the "
        "results the queries return, not the SQL text.",
        "收集 50–100 个真实问题，每个配一条经过验证的 SQL 查询；打分时比较查询返回的结果，而不是 SQL 文本。",
    ),
    _a(
        "rag-eval-questions",
        When(
            recommendation=RETRIEVAL,
            task_type={"knowledge_qa", "general_assistant", "simple_generation", "reasoning"},
            knowledge_form={"documents", "unsure"},
        ),
        "Write 50–100 real questions with the expected answer and the passage it comes from.",
        "编写 50–100 个真实问题，并写明期望的答案及其出处段落。",
    ),
    _a(
        "rag-eval-requests",
        When(
            recommendation=RETRIEVAL,
            task_type={"classification", "extraction", "style", "tool_use"},
            knowledge_form={"documents", "unsure"},
        ),
        "Collect 50–100 real requests with the expected output and the document each one depends "
        "on.",
        "收集 50–100 个真实请求，并写明期望的输出以及每个请求所依赖的文档。",
    ),
    _a(
        "rag-grounding",
        When(recommendation=RETRIEVAL, knowledge_form={"documents", "unsure"}),
        "Tell the model to answer only from the retrieved passages, and to say so when they do not "
        "contain the answer.",
        "要求模型只根据检索到的段落回答；如果段落中没有答案，就直说。",
    ),
    _a(
        "rag-measure-retrieval",
        When(recommendation=RETRIEVAL, knowledge_form={"documents", "unsure"}),
        "Measure retrieval on its own (is the right passage in the top 5?) before tuning the "
        "answers.",
        "在优化回答之前，先单独评测检索（正确的段落是否在前 5 个结果中？）。",
    ),
    _a(
        "rag-refresh",
        When(
            recommendation=RETRIEVAL,
            knowledge_source="private_changing",
            knowledge_form={"documents", "unsure"},
        ),
        "Re-index automatically whenever the documents change, at least daily.",
        "文档一有变化就自动重建索引，至少每天一次。",
    ),
    _a(
        "rag-refresh-code",
        When(recommendation=RETRIEVAL, knowledge_form="code"),
        "Re-index on every merge to the main branch, so retrieval never shows code that is gone.",
        "每次合并到主分支后都重建索引，这样检索永远不会给出已经不存在的代码。",
    ),
    _a(
        "rag-refresh-schema",
        When(recommendation=RETRIEVAL, knowledge_form="database"),
        "Update the column descriptions and example queries with every migration that changes the "
        "tables.",
        "每次有迁移修改表结构时，同步更新列说明和示例查询。",
    ),
    _a(
        "rag-live",
        When(recommendation=RETRIEVAL, knowledge_source="realtime"),
        "Fetch live data when the question is asked (a search or an API call), not from an index "
        "built the night before.",
        "在提问时获取实时数据（通过搜索或 API 调用），而不是依赖前一晚建好的索引。",
    ),
    _a(
        "rag-cite",
        When(recommendation=RETRIEVAL, needs_citations="yes"),
        "Show the retrieved passages as citations with every answer.",
        "在每个回答中把检索到的段落作为引用展示出来。",
    ),
    # Fine-tuning
    _a(
        "ft-holdout-measure",
        When(recommendation=FINE_TUNING, baseline_gap="unmeasured"),
        "Hold out 50–100 real cases as the eval set, never trained on, and measure your best prompt "
        "on it: that is the baseline the fine-tune must beat.",
        "留出 50–100 个真实案例作为评测集，绝不用于训练，并测出你最好的提示在上面的准确率：这就是微调要超越的基线。",
        topic="eval-set",
    ),
    _a(
        "ft-holdout",
        When(recommendation=FINE_TUNING, baseline_gap=Except("unmeasured")),
        "Keep the cases your baseline was measured on as a held-out eval set, and never train on "
        "them.",
        "把测量基线所用的案例保留为评测集，绝不用于训练。",
    ),
    _a(
        "ft-retrieval-in-examples",
        When(recommendation=RFT),
        "Include the retrieved passages in the training examples, so the model learns the pattern "
        "of using them rather than the facts themselves.",
        "在训练示例中包含检索到的段落，让模型学会的是如何使用它们的模式，而不是事实本身。",
    ),
    _a(
        "ft-cheaper-first",
        When(recommendation=FINE_TUNING, path="distill"),
        "Before training, price the options that need none: the same prompt on a smaller hosted "
        "model, prompt caching, a batch API. Fine-tune only if none of them meets your cost and "
        "latency.",
        "训练之前，先算一算不需要训练的办法：同样的提示换用更小的托管模型、提示缓存、批量 API。只有这些都满足不了成本和延迟要求时，才做微调。",
    ),
    _a(
        "ft-self-hosted-baseline",
        When(recommendation=FINE_TUNING, hosting="self_hosted_required"),
        "Measure your prompt baseline on an open-weights model you can run on your own machines: a "
        "baseline measured on a hosted frontier model is not the bar a local model starts from.",
        "在你们能部署在自己机器上的开源权重模型上测量提示基线：在托管的前沿模型上测得的基线，并不是本地模型的起点。",
    ),
    _a(
        "ft-distill-data",
        When(recommendation=FINE_TUNING, path="distill", synthetic_data={"yes", "unsure"}),
        "Build the training set from the large model that already does the task: run it on real "
        "inputs, keep the outputs you would accept, and review a sample by hand.",
        "用已经能完成任务的大模型构建训练集：在真实输入上运行它，保留你认可的输出，并人工抽样审核。",
    ),
    _a(
        "ft-synthetic",
        When(recommendation=FINE_TUNING, path=Except("distill"), synthetic_data="yes"),
        "Have a large model generate more training examples; review a sample by hand.",
        "让大模型生成更多训练示例；人工抽样审核。",
    ),
    _a(
        "ft-grow",
        When(
            recommendation=FINE_TUNING, example_count={"none", "under_100"}, path=Except("distill")
        ),
        "Grow the training set to at least 50–100 diverse examples beyond the eval set, including "
        "hard and malformed cases.",
        "在评测集之外，把训练集扩充到至少 50–100 条多样化的示例，其中包括困难和格式错误的案例。",
    ),
    _a(
        "ft-edge-cases",
        When(recommendation=FINE_TUNING, example_count={"100_to_1k", "over_1k"}, edge_cases="no"),
        "Add 10–20% hard, malformed and adversarial cases to the training set.",
        "在训练集中加入 10%–20% 的困难、格式错误和对抗性案例。",
    ),
    _a(
        "ft-lora-api",
        When(recommendation=FINE_TUNING, hosting="api_ok"),
        f"Start with LoRA on {_LORA_SIZE.en}, through a service that takes new teams and lets you "
        f"download the weights ({providers.open_service_names().en}), or on rented GPUs with "
        f"{providers.self_hosted_names().en}. Don't build on a closed provider's fine-tuning: "
        f"{providers.closing_names().en} no longer take new teams (see the providers table).",
        f"先在{_LORA_SIZE.zh}上用 LoRA 微调，选择仍接受新团队并允许下载权重的服务（{providers.open_service_names().zh}），"
        f"或在租用的 GPU 上使用 {providers.self_hosted_names().zh}。不要把方案建立在闭源服务商的微调上："
        f"{providers.closing_names().zh}已不再接受新团队（见服务商表）。",
    ),
    _a(
        "ft-lora-open",
        When(recommendation=FINE_TUNING, hosting="open_weights_preferred"),
        f"Start with LoRA on {_LORA_SIZE.en}; you keep the weights and can move them to any "
        "provider or your own machines.",
        f"先在{_LORA_SIZE.zh}上用 LoRA 微调；权重归你所有，可以迁移到任何服务商或你们自己的机器上。",
    ),
    _a(
        "ft-lora-self",
        When(recommendation=FINE_TUNING, hosting="self_hosted_required"),
        f"Start with LoRA on {_LORA_SIZE.en}, trained and served on your own machines, so no data "
        "leaves them.",
        f"先在{_LORA_SIZE.zh}上用 LoRA 微调，在你们自己的机器上训练和部署，数据不出本地。",
    ),
    _a(
        "ft-rft-start",
        When(recommendation=FINE_TUNING, method="reinforcement_fine_tuning"),
        "Start with reinforcement fine-tuning: turn your check into a grader that scores each "
        "answer from 0 to 1, hold out part of the eval set, and train a reasoning model you can "
        "fine-tune against the grader; read sampled outputs for answers that game it.",
        "从强化微调开始：把你们的检查写成给每个答案打 0 到 1 分的评分程序，留出一部分评测集，用它来训练一个可微调的推理模型；"
        "抽样阅读输出，留意钻评分程序空子的答案。",
    ),
    _a(
        "ft-encoder-start",
        When(recommendation=FT, method="encoder_classifier"),
        "Start with a small encoder (a BERT-style model of about 100–400M parameters) and a "
        "classification head, trained on your labelled examples with a held-out split; calibrate a "
        "confidence threshold below which cases go to a person.",
        "从小型编码器（约 1–4 亿参数的 BERT 类模型）加分类头开始，用带标注的示例训练并留出验证集；"
        "校准一个置信度阈值，低于阈值的案例交给人工处理。",
    ),
    _a(
        "ft-preference-start",
        When(recommendation=FINE_TUNING, method="preference_tuning"),
        "Train on the preference pairs with DPO, starting from a model first fine-tuned on the "
        "preferred answers; keep some pairs aside to check the model prefers the chosen answer.",
        "用 DPO 在偏好对上训练，起点是先在更好的回答上做过监督微调的模型；留出一部分偏好对，检查模型是否确实更偏向被选中的回答。",
    ),
    _a(
        "ft-compare-voice",
        When(recommendation=FINE_TUNING, path="voice"),
        "Ship only if people who know the voice prefer the fine-tuned output in a blind "
        "side-by-side comparison with your best prompt.",
        "只有当熟悉这种风格的人在盲测对比中更喜欢微调模型的输出（对比你最好的提示）时，才上线。",
    ),
    _a(
        "ft-compare",
        When(recommendation=FINE_TUNING, path=Except("distill", "voice")),
        "Ship only if the fine-tuned model beats the prompt baseline on the same eval set.",
        "只有在同一套评测集上胜过提示基线时，才上线微调模型。",
    ),
    _a(
        "ft-compare-distill",
        When(recommendation=FINE_TUNING, path="distill"),
        "Ship only if the small model matches the large one on your eval set, at the latency and "
        "cost per request you need under production load.",
        "只有当小模型在评测集上达到大模型的水平，并且在生产负载下的延迟和单次请求成本满足要求时，才上线。",
    ),
    _a(
        "ft-retrain",
        When(recommendation=FINE_TUNING),
        "Version the training data and the eval set, so retraining on a new base model is one "
        "command.",
        "对训练数据和评测集做版本管理，让换用新的基础模型重新训练只需一条命令。",
    ),
    # Fix the data first
    _a(
        "id-collect",
        When(recommendation=ID, example_count={"none", "under_100"}),
        "Collect real input→output examples: 50–100 for an eval set and 50–100 more for training.",
        "收集真实的输入→输出示例：评测集 50–100 条，训练集再准备 50–100 条。",
    ),
    _a(
        "id-review",
        When(recommendation=ID, data_quality={"noisy", "mixed"}),
        "Review a random sample of 100 examples; fix or drop wrong labels, and write down the "
        "labelling rules you used.",
        "随机审核 100 条示例；修正或删除错误的标注，并把所用的标注规则写下来。",
    ),
    _a(
        "id-agreement",
        When(recommendation=ID, data_quality={"noisy", "mixed"}),
        "Have two people label the same 50 items; where they disagree, sharpen the labelling rules.",
        "请两个人标注同样的 50 条数据；在他们意见不一致的地方，把标注规则写得更清楚。",
    ),
    _a(
        "id-diversify",
        When(recommendation=ID, data_diversity="clustered"),
        "Add examples for the under-represented types, lengths and topics until no group dominates.",
        "为代表性不足的类型、长度和主题补充示例，直到没有哪一组占绝大多数。",
    ),
    _a(
        "id-edge-cases",
        When(recommendation=ID, edge_cases="no"),
        "Add 10–20% hard, malformed and adversarial cases.",
        "加入 10%–20% 的困难、格式错误和对抗性案例。",
    ),
    _a(
        "id-keep-prompt",
        When(recommendation=ID, cost_pressure={"none", "moderate"}),
        "Keep your best prompt in production meanwhile, and reassess with this wizard once the data "
        "is fixed.",
        "在此期间继续在生产中使用最好的提示；数据改进后，再用本向导重新评估。",
    ),
    _a(
        "id-cut-cost-meanwhile",
        When(recommendation=ID, cost_pressure="blocking"),
        "Your current model is too slow or too expensive to ship, so meanwhile look for fixes that "
        "need no training (a smaller model on the same prompt, a shorter prompt, caching), measured "
        "on the eval set; reassess once the data is fixed.",
        "当前模型太慢或太贵，无法上线，所以在此期间先寻找不需要训练的办法（同样的提示换更小的模型、缩短提示、缓存），"
        "并在评测集上衡量效果；数据改进后再重新评估。",
    ),
)
