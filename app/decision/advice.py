"""What the verdict tells you besides the winner: warnings, risks and next steps, as data.

Each entry holds when its condition does; conditions may name the `recommendation`. Entries
appear in the order they are listed here, so each list reads as a checklist.
"""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import Except, When
from .text import Text

FINE_TUNING = {"fine_tune", "rag_and_fine_tune"}


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    when: When
    text: Text


def _a(id: str, when: When, en: str, zh: str) -> Advice:
    return Advice(id, when, Text(en, zh))


# Answers that contradict each other. They never block the verdict; they ask for a second look.
WARNINGS: tuple[Advice, ...] = (
    _a("untried-prompting-but-measured",
       When(prompting_effort="none", baseline_gap=Except("unmeasured")),
       "You say prompting has not been tried, yet you gave an accuracy measured with your best "
       "prompt. If a prompt was measured, prompting has been tried: check both answers.",
       "你说还没有尝试过提示工程，却给出了用最好的提示测得的准确率。既然测过提示，就说明已经尝试过提示工程：请核对这两个答案。"),
    _a("untried-prompting-but-acceptable",
       When(prompting_effort="none", failure_mode="none"),
       "You say quality is already acceptable, but prompting has not been tried yet: how was the "
       "quality judged?",
       "你说质量已经可以接受，但还没有尝试过提示工程：质量是如何判断的？"),
    _a("acceptable-but-far-below-target",
       When(failure_mode="none", baseline_gap="large"),
       "You say quality is already acceptable, but the measured baseline is far below your "
       "accuracy target. One of the two answers is probably off.",
       "你说质量已经可以接受，但实测基线远低于准确率目标。这两个答案中可能有一个不准确。"),
    _a("failures-but-meets-target",
       When(failure_mode=Except("none", "unknown"), baseline_gap="meets_target"),
       "Your best prompt already meets the accuracy target, yet you report a failure mode. If the "
       "failures matter, your eval set or your target may not capture them.",
       "你最好的提示已经达到准确率目标，但你仍报告了主要问题。如果这些问题很重要，说明评测集或目标可能没有覆盖到它们。"),
    _a("no-examples-but-clean",
       When(example_count="none", data_quality="clean"),
       "You have no labelled examples, yet rated their quality as reviewed and correct. We read "
       "the data answers as describing data you plan to collect.",
       "你没有带标注的示例，却把数据质量评为“经过审核，基本正确”。我们将这些数据相关的答案理解为对计划收集的数据的描述。"),
    _a("missing-knowledge-but-general",
       When(failure_mode="missing_knowledge", knowledge_source="general"),
       "The model gets facts wrong, yet you say it only needs public knowledge it already has. "
       "The knowledge may be more specialised or recent than it looks; if so, answer "
       "“internal documents” or “changing” in the knowledge step.",
       "模型会答错事实，你却说它只需要已掌握的公开知识。所需知识可能比看起来更专业或更新；如果是这样，请在知识需求一步中选择“内部文档”或“会变化”。"),
    _a("narrow-general-assistant",
       When(task_type="general_assistant", task_scope="narrow"),
       "A general-purpose assistant with a narrow scope is unusual: if it really does one task, "
       "choose that task type instead.",
       "范围狭窄的通用助手并不常见：如果它实际上只做一件事，请改选对应的任务类型。"),
)

# Ways the recommended path can go wrong, so they can be planned for.
RISKS: tuple[Advice, ...] = (
    _a("risk-no-ml-experience",
       When(recommendation=FINE_TUNING, ml_capacity="none"),
       "No one on the team has trained or served a model. Budget time to learn, or use a "
       "provider's managed fine-tuning, and plan who keeps the model running.",
       "团队里没有人训练或部署过模型。请预留学习时间，或使用服务商托管的微调服务，并提前确定由谁负责模型的运维。"),
    _a("risk-closed-model-lock-in",
       When(recommendation=FINE_TUNING, hosting="api_ok"),
       "Fine-tuning a provider's closed model ties you to that provider: if it retires the base "
       "model, you fine-tune again. Open weights avoid this.",
       "微调服务商的闭源模型会把你绑定在该服务商上：一旦它停用基础模型，你就得重新微调。开源权重可以避免这一点。"),
    _a("risk-retraining",
       When(recommendation=FINE_TUNING),
       "A fine-tuned model is one more thing to maintain: when the task, the data or the base "
       "model changes, it must be retrained and re-evaluated.",
       "微调后的模型是又一个需要维护的东西：任务、数据或基础模型一变，就需要重新训练和重新评测。"),
    _a("risk-clustered-data",
       When(recommendation={"fine_tune", "rag_and_fine_tune", "improve_data"}, data_diversity="clustered"),
       "Clustered examples teach one rigid pattern; the model may fail on inputs unlike them.",
       "聚类的示例只会教出一种刻板的模式；遇到与之不同的输入，模型可能会失效。"),
    _a("risk-no-edge-cases",
       When(recommendation=FINE_TUNING, edge_cases={"no", "unsure"}),
       "Without hard and malformed cases in training, the model may break on real traffic.",
       "如果训练数据中没有困难和格式错误的案例，模型在真实流量下可能会出错。"),
    _a("risk-synthetic-data-bias",
       When(recommendation=FINE_TUNING, synthetic_data="yes", example_count={"none", "under_100"}),
       "Synthetic examples copy the large model's mistakes and blind spots. Review a sample by "
       "hand and keep only real cases in the eval set.",
       "合成示例会复制大模型的错误和盲点。请人工审核一部分，并且评测集只使用真实案例。"),
    _a("risk-broad-specialist",
       When(recommendation=FINE_TUNING, task_scope="broad"),
       "Fine-tuning for one kind of request can make the model worse at the others; keep the "
       "other requests in the eval set.",
       "针对一类请求做微调，可能让模型在其他请求上变差；评测集中要保留其他类型的请求。"),
    _a("risk-retrieval-quality",
       When(recommendation={"rag", "rag_and_fine_tune"}),
       "Answers are only as good as what retrieval finds. If the right passage is not retrieved, "
       "no prompt or fine-tune will fix the answer.",
       "回答的质量取决于检索到的内容。如果没有检索到正确的段落，任何提示或微调都救不了这个回答。"),
    _a("risk-stale-index",
       When(recommendation={"rag", "rag_and_fine_tune"}, knowledge_source={"private_changing", "realtime"}),
       "Changing facts need a fresh index: a stale index gives confidently outdated answers.",
       "会变化的事实需要及时更新的索引：过时的索引会让模型自信地给出过时的答案。"),
    _a("risk-workflow-latency",
       When(recommendation="agentic_workflow", latency_need={"interactive", "realtime"}),
       "Every step of a workflow is another model call: watch the total latency and cost.",
       "工作流的每一步都是一次模型调用：要关注总延迟和成本。"),
    _a("risk-prompt-cost-at-scale",
       When(recommendation="prompt_engineering", volume="high", cost_pressure={"moderate", "blocking"}),
       "Long prompts are paid for on every call; at your volume, watch the cost as the prompt "
       "grows.",
       "长提示在每次调用时都要付费；在你的请求量下，提示越长成本越高，需要留意。"),
    _a("risk-reasoning-ceiling",
       When(task_type="reasoning"),
       "If the base model cannot do the reasoning even step by step, neither prompts nor "
       "fine-tuning will fix it; try a stronger reasoning model.",
       "如果基础模型即使分步也完成不了推理，提示和微调都无济于事；请尝试更强的推理模型。"),
    _a("risk-critical-errors",
       When(accuracy_target="critical"),
       "At 99% one answer in a hundred is still wrong. Keep a human review or a safe fallback for "
       "uncertain or high-stakes cases.",
       "即使准确率达到 99%，每一百个回答中仍有一个是错的。对于不确定或高风险的情况，要保留人工审核或安全的兜底方案。"),
    _a("risk-data-takes-time",
       When(recommendation="improve_data"),
       "Cleaning and labelling take longer than expected. Keep your best prompt in production "
       "meanwhile, so the product does not wait for the data.",
       "清洗和标注数据往往比预想的更耗时。期间继续在生产环境中使用最好的提示，不要让产品等数据。"),
)

# "Find out" steps: one per honest "not sure" (and for an unmeasured baseline). They come first
# in the next steps because their answers can change the verdict.
FIND_OUT: tuple[Advice, ...] = (
    _a("find-out-baseline", When(baseline_gap="unmeasured"),
       "Find out: build an eval set of 50–100 real cases and measure your best prompt first.",
       "先弄清楚：用 50–100 个真实案例建立评测集，先测出你最好的提示能达到多少准确率。"),
    _a("find-out-failure-mode", When(failure_mode="unknown"),
       "Find out: read 50 failed outputs and tag each one as format, wrong decision, missing fact "
       "or reasoning; the most common tag decides the cure.",
       "先弄清楚：阅读 50 个失败的输出，把每一个标记为格式、错误决策、缺少事实或推理问题；最常见的那类决定了解法。"),
    _a("find-out-data-quality", When(data_quality="unsure"),
       "Find out: have a domain expert review a random sample of 50 examples and count the wrong "
       "ones.",
       "先弄清楚：请领域专家随机审核 50 条示例，数一数有多少条是错的。"),
    _a("find-out-data-diversity", When(data_diversity="unsure"),
       "Find out: group your examples by type, length and topic, and check that no single group "
       "dominates.",
       "先弄清楚：按类型、长度和主题对示例分组，检查是否有某一组占了绝大多数。"),
    _a("find-out-edge-cases", When(edge_cases="unsure"),
       "Find out: search the examples for hard, malformed and adversarial inputs; write 10–20 if "
       "there are none.",
       "先弄清楚：在示例中查找困难、格式错误和对抗性的输入；如果没有，就补写 10–20 条。"),
    _a("find-out-synthetic-data", When(synthetic_data="unsure"),
       "Find out: ask your best large model to write 20 examples and review them: are they correct "
       "and realistic?",
       "先弄清楚：让你最好的大模型写 20 条示例并逐条审核：它们是否正确、是否贴近真实情况？"),
)

_PE = "prompt_engineering"
_AW = "agentic_workflow"
_RAG = "rag"
_FT = "fine_tune"
_RFT = "rag_and_fine_tune"
_ID = "improve_data"

# The checklist for each recommendation, with numbers a team can act on.
NEXT_STEPS: tuple[Advice, ...] = (
    # Better prompting
    _a("pe-keep-what-works", When(recommendation=_PE, failure_mode="none"),
       "You may not need to change anything: keep the current prompt, and add a regression eval "
       "set of 50–100 real cases so you notice if quality drops.",
       "你也许什么都不需要改变：保留现在的提示，并用 50–100 个真实案例建一个回归评测集，以便在质量下降时及时发现。"),
    _a("pe-write-sop", When(recommendation=_PE, failure_mode=Except("none")),
       "Write the task down as explicit instructions (an SOP), including what to do in the unclear "
       "cases.",
       "把任务写成明确的指令（SOP），包括在不明确的情况下应该怎么做。"),
    _a("pe-few-shot", When(recommendation=_PE, failure_mode=Except("none")),
       "Add 3–10 few-shot examples that show the exact output you want, including a hard case or "
       "two.",
       "加入 3–10 个少样本示例，展示你想要的确切输出，其中包括一两个困难案例。"),
    _a("pe-format", When(recommendation=_PE, failure_mode="format"),
       "State the output format explicitly and validate every output against it (for JSON, use "
       "the provider's structured-output mode if it has one).",
       "明确写出输出格式，并对每个输出按格式校验（如果是 JSON，且服务商提供结构化输出模式，就使用它）。"),
    _a("pe-iterate", When(recommendation=_PE, failure_mode=Except("none")),
       "Score every prompt change on the same eval set; stop when you reach the target.",
       "每次修改提示后都在同一套评测集上打分；达到目标就停下。"),
    _a("pe-revisit", When(recommendation=_PE, failure_mode=Except("none")),
       "Only if accuracy plateaus below the target after several rounds, revisit fine-tuning, with "
       "this eval set as the baseline to beat.",
       "只有在几轮迭代后准确率仍停在目标以下时，才重新考虑微调，并以这套评测集上的结果作为需要超越的基线。"),
    # A simple agentic workflow
    _a("aw-steps", When(recommendation=_AW),
       "Break the task into 2–4 steps (for example understand → plan → act → check), one focused "
       "prompt per step.",
       "把任务拆成 2–4 个步骤（例如：理解 → 规划 → 执行 → 检查），每一步用一个专注的提示。"),
    _a("aw-tools", When(recommendation=_AW, task_type={"reasoning", "tool_use"}),
       "Give the model tools for what it does poorly: a calculator or code execution for maths, "
       "lookups for facts, validated calls for actions.",
       "为模型不擅长的部分提供工具：数学用计算器或代码执行，事实用查询，操作用经过校验的调用。"),
    _a("aw-check", When(recommendation=_AW),
       "Add a check step that validates each output or tool call against your rules before "
       "anything is acted on.",
       "增加一个检查步骤，在执行任何操作之前，按你的规则校验每个输出或工具调用。"),
    _a("aw-measure", When(recommendation=_AW),
       "Measure end to end on 50–100 real cases, and per step, to find the weakest step.",
       "在 50–100 个真实案例上做端到端评测，并逐步评测，找出最薄弱的一步。"),
    # Retrieval-augmented generation
    _a("rag-index", When(recommendation={_RAG, _RFT}),
       "Put the documents in a search index; split them into passages that keep their title and "
       "date.",
       "把文档放进检索索引；切分成段落时保留标题和日期。"),
    _a("rag-eval", When(recommendation={_RAG, _RFT}),
       "Write 50–100 real questions with the expected answer and the passage it comes from.",
       "编写 50–100 个真实问题，并写明期望的答案及其出处段落。"),
    _a("rag-measure-retrieval", When(recommendation={_RAG, _RFT}),
       "Measure retrieval on its own (is the right passage in the top 5?) before tuning the "
       "answers.",
       "在优化回答之前，先单独评测检索（正确的段落是否在前 5 个结果中？）。"),
    _a("rag-refresh", When(recommendation={_RAG, _RFT}, knowledge_source={"private_changing", "realtime"}),
       "Re-index automatically whenever the source changes (at least daily for prices, specs and "
       "policies).",
       "数据源一有变化就自动重建索引（价格、规格和政策至少每天一次）。"),
    _a("rag-cite", When(recommendation={_RAG, _RFT}, needs_citations="yes"),
       "Show the retrieved passages as citations with every answer.",
       "在每个回答中把检索到的段落作为引用展示出来。"),
    # Fine-tuning
    _a("ft-holdout", When(recommendation={_FT, _RFT}),
       "Hold out 50–100 real cases as the eval set and never train on them.",
       "留出 50–100 个真实案例作为评测集，绝不用于训练。"),
    _a("ft-synthetic", When(recommendation={_FT, _RFT}, synthetic_data="yes"),
       "Use the large model that already does the task well to generate and label training "
       "examples; review a sample by hand.",
       "用已经能做好这项任务的大模型生成并标注训练示例；人工抽样审核。"),
    _a("ft-collect", When(recommendation={_FT, _RFT}),
       "Collect 100 diverse examples including edge cases (hard, malformed, adversarial); add "
       "more where the eval set shows errors.",
       "收集 100 条多样化的示例，包括边缘案例（困难、格式错误、对抗性的）；评测集显示哪里出错，就在哪里补充。"),
    _a("ft-open-weights", When(recommendation={_FT, _RFT}, hosting={"open_weights_preferred", "self_hosted_required"}),
       "Fine-tune with LoRA on a ≤13B open-weights model, so you keep the weights and can serve "
       "them on your own machines.",
       "在 13B 及以下参数的开源权重模型上用 LoRA 微调，这样权重归你所有，也能部署在自己的机器上。"),
    _a("ft-provider-or-lora", When(recommendation={_FT, _RFT}, hosting="api_ok"),
       "Fine-tune with LoRA on a ≤13B open-weights model or with your provider's fine-tuning; "
       "open weights stay portable if the provider retires a model.",
       "在 13B 及以下参数的开源权重模型上用 LoRA 微调，或使用服务商的微调服务；如果服务商停用模型，开源权重仍可迁移。"),
    _a("ft-retrieval-in-examples", When(recommendation=_RFT),
       "Include the retrieved passages in the training examples, so the model learns the pattern "
       "of using them rather than the facts themselves.",
       "在训练示例中包含检索到的段落，让模型学会的是如何使用它们的模式，而不是事实本身。"),
    _a("ft-compare", When(recommendation={_FT, _RFT}),
       "Compare against the prompt baseline on the same eval set, and ship only if the "
       "fine-tuned model wins.",
       "在同一套评测集上与提示基线对比，只有微调模型胜出时才上线。"),
    _a("ft-small-model", When(recommendation={_FT, _RFT}, cost_pressure="blocking"),
       "Measure latency and cost per request of the small model under production load before "
       "switching over.",
       "切换之前，在生产负载下测量小模型每个请求的延迟和成本。"),
    _a("ft-retrain", When(recommendation={_FT, _RFT}),
       "Version the training data and the eval set, so retraining later is one command.",
       "对训练数据和评测集做版本管理，让以后的重新训练只需一条命令。"),
    # Fix the data first
    _a("id-collect", When(recommendation=_ID, example_count={"none", "under_100"}),
       "Collect real input→output examples: 50–100 for an eval set and at least 100 for training.",
       "收集真实的输入→输出示例：评测集 50–100 条，训练集至少 100 条。"),
    _a("id-review", When(recommendation=_ID, data_quality={"noisy", "mixed", "unsure"}),
       "Review a random sample of 100 examples; fix or drop wrong labels, and write down the "
       "labelling rules you used.",
       "随机审核 100 条示例；修正或删除错误的标注，并把所用的标注规则写下来。"),
    _a("id-agreement", When(recommendation=_ID, data_quality={"noisy", "mixed", "unsure"}),
       "Have two people label the same 50 items; where they disagree, sharpen the labelling rules.",
       "请两个人标注同样的 50 条数据；在他们意见不一致的地方，把标注规则写得更清楚。"),
    _a("id-diversify", When(recommendation=_ID, data_diversity={"clustered", "unsure"}),
       "Add examples for the under-represented types, lengths and topics until no group dominates.",
       "为代表性不足的类型、长度和主题补充示例，直到没有哪一组占绝大多数。"),
    _a("id-edge-cases", When(recommendation=_ID, edge_cases={"no", "unsure"}),
       "Add 10–20% hard, malformed and adversarial cases.",
       "加入 10%–20% 的困难、格式错误和对抗性案例。"),
    _a("id-keep-prompt", When(recommendation=_ID),
       "Keep your best prompt in production meanwhile, and reassess with this wizard once the data "
       "is fixed.",
       "在此期间继续在生产中使用最好的提示；数据改进后，再用本向导重新评估。"),
)
