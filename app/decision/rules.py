"""What the product believes, as data: principles and the rules that score the six approaches.

Every approach starts from a prior (BASE_SCORES) that encodes "try the simplest thing first".
Each rule whose condition holds adds its points; a veto ("exclude") takes an approach off the
table whatever its points, and is how the hard invariants are kept. The approach with the
most points among those left wins; ties go to the simpler approach.

To add a rule: add one entry below (under its principle) and one example to
tests/unit/test_decision_rules.py. The rules version changes by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .approaches import APPROACH_KEYS
from .conditions import Except, When
from .text import ANYSCALE, KARMINSKI, NG_BATCH_294, OPENAI_GUIDE, OVADIA_2024, Source, Text

PE, AW, RAG, FT, RFT, ID = APPROACH_KEYS
FINE_TUNING = frozenset({FT, RFT})


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
    reason: Text
    source: Source
    scores: Mapping[str, int] = field(default_factory=dict)
    exclude: frozenset[str] = frozenset()
    # When every veto on an excluded approach comes from rules handing over to the same
    # approach, that approach inherits the excluded one's points: "fine-tuning would have been
    # right, but the data is not ready" becomes "fix the data".
    hand_over_to: str | None = None


PRINCIPLES: Mapping[str, Principle] = MappingProxyType({p.key: p for p in (
    Principle(
        "prompting-first",
        Text("Prompting first", "提示工程优先"),
        Text("Fine-tuning adds data, training and deployment work. Try prompting and simple agentic "
             "workflows first: about 75% of the teams that fine-tune could have stopped there.",
             "微调会增加数据、训练和部署的工作量。先尝试提示工程和简单的智能体工作流："
             "在做微调的团队中，大约 75% 本可以就此止步。"),
        invariant=1,
    ),
    Principle(
        "patterns-not-facts",
        Text("Fine-tuning teaches patterns, not facts", "微调教的是模式，不是知识"),
        Text("Knowledge the model lacks, especially knowledge that changes, belongs in retrieval "
             "(RAG) at run time, not in the weights.",
             "模型缺少的知识，尤其是会变化的知识，应在运行时通过检索（RAG）提供，而不是写进模型权重。"),
        invariant=2,
    ),
    Principle(
        "patterns",
        Text("What fine-tuning is good at", "微调擅长什么"),
        Text("A format, a style, an input-to-output mapping or a hard-to-state decision, on a narrow "
             "task, when careful prompting has plateaued: that is where fine-tuning earns its cost.",
             "格式、风格、输入到输出的映射、难以用语言说清的决策，而且任务范围狭窄、精心的提示工程已经遇到瓶颈："
             "这才是微调物有所值的地方。"),
    ),
    Principle(
        "garbage-in-garbage-out",
        Text("Garbage in, garbage out", "垃圾进，垃圾出"),
        Text("A fine-tuned model learns whatever its examples show, errors and narrowness included. "
             "Without good data, fix the data before training.",
             "微调后的模型会学到示例里的一切，包括错误和单一性。没有好数据，就先改进数据再训练。"),
        invariant=3,
    ),
    Principle(
        "no-reasoning-by-fine-tuning",
        Text("No reasoning by fine-tuning", "推理能力不靠微调"),
        Text("Fine-tuning rarely improves multi-step reasoning, maths or logic; those abilities come "
             "from pre-training. Structure the task instead.",
             "微调很少能提升多步推理、数学或逻辑能力，这些能力来自预训练。应该改为给任务搭结构。"),
        invariant=4,
    ),
    Principle(
        "specialist-not-generalist",
        Text("A specialist, not a generalist", "专科医生，而非全科医生"),
        Text("One fine-tune solves one well-defined problem; open-ended assistants are not a fit.",
             "一次微调只解决一个定义明确的问题；开放式的通用助手并不适合。"),
    ),
    Principle(
        "small-models-at-scale",
        Text("Small models at scale", "规模化时用小模型"),
        Text("When a large model works but is too slow or expensive at your volume, a fine-tuned "
             "small model can match it on the one task, often trained on the large model's output.",
             "当大模型效果可以、但在你的请求量下太慢或太贵时，微调过的小模型可以在这一个任务上达到相当的效果，"
             "训练数据往往就由大模型生成。"),
    ),
    Principle(
        "evals-first",
        Text("Measure first", "先评测"),
        Text("Without an eval set and a prompt baseline you cannot tell whether fine-tuning helped.",
             "没有评测集和提示基线，就无法判断微调是否真的有帮助。"),
    ),
    Principle(
        "operations",
        Text("A fine-tuned model is a system to run", "微调模型是一个需要运维的系统"),
        Text("Someone has to train, serve, monitor and retrain it; open weights keep it portable.",
             "需要有人训练、部署、监控并定期重新训练它；开源权重能让它保持可迁移。"),
    ),
)})

# The prior: simpler approaches start ahead, because most teams that fine-tune did not need to.
BASE_SCORES: Mapping[str, int] = MappingProxyType(
    {PE: 2, AW: 1, RAG: 0, FT: 0, RFT: -1, ID: -1}
)

# How sure the verdict says it is: the lead of the winner over the runner-up, in points.
CONFIDENCE_MARGINS: Mapping[str, int] = MappingProxyType({"high": 4, "medium": 2})
# Any open question ("not sure", no measured baseline) caps the confidence at "medium"; each one
# whose answer could change the winner lowers it one more level.
UNCERTAIN_CAP = "medium"


def _t(en: str, zh: str) -> Text:
    return Text(en, zh)


RULES: tuple[Rule, ...] = (
    # --- Prompting first (invariant 1) ----------------------------------------------------
    Rule(
        "prompting-first", "prompting-first", When(prompting_effort="none"),
        _t("You have not tried prompting yet. Write a careful prompt and measure it before "
           "considering fine-tuning; most teams find that is enough.",
           "你还没有尝试提示工程。在考虑微调之前，先写一个认真设计的提示并评测；大多数团队发现这就够了。"),
        NG_BATCH_294, scores={PE: 3, AW: 1}, exclude=FINE_TUNING,
    ),
    Rule(
        "basic-prompting-has-headroom", "prompting-first", When(prompting_effort="basic"),
        _t("Only a simple prompt has been tried. Long prompts, few-shot examples and a simple "
           "agentic workflow usually have a lot left to give.",
           "目前只试过简单的提示。长提示、少样本示例和简单的智能体工作流通常还有很大的提升空间。"),
        NG_BATCH_294, scores={PE: 2, AW: 1},
    ),
    Rule(
        "prompting-plateaued", "prompting-first",
        When(prompting_effort="extensive",
             failure_mode={"format", "wrong_decisions", "missing_knowledge", "reasoning"},
             baseline_gap=Except("meets_target")),
        _t("Extensive prompting still leaves real failures, so more of the same prompting is "
           "unlikely to close the gap.",
           "大量的提示工程之后仍有明显的问题，继续同样的提示优化不太可能弥补差距。"),
        KARMINSKI, scores={PE: -3},
    ),
    Rule(
        "quality-already-acceptable", "prompting-first",
        When(failure_mode="none", cost_pressure={"none", "moderate"}),
        _t("Quality is already acceptable and cost does not block you: you may not need to change "
           "anything. Fine-tuning would be an unnecessary investment of time, compute and labelling.",
           "质量已经可以接受，成本也不构成障碍：你也许什么都不需要改变。微调会是对时间、算力和标注成本的不必要投入。"),
        KARMINSKI, scores={PE: 4, FT: -2, RFT: -2, ID: -2},
    ),
    Rule(
        "baseline-meets-target", "prompting-first",
        When(baseline_gap="meets_target", cost_pressure={"none", "moderate"}),
        _t("Your best prompt already reaches the accuracy target, so the gap fine-tuning would "
           "close does not exist.",
           "你最好的提示已经达到准确率目标，微调要弥补的差距并不存在。"),
        KARMINSKI, scores={PE: 4, FT: -3, RFT: -3, ID: -1},
    ),
    Rule(
        "simple-generation-by-prompt", "prompting-first", When(task_type="simple_generation"),
        _t("Rewriting, summarising and answering from given context are what prompted models "
           "already do well.",
           "改写、总结和根据给定上下文回答，正是提示工程就能做好的事情。"),
        KARMINSKI, scores={PE: 3, FT: -1},
    ),
    Rule(
        "format-fix-prompt-first", "prompting-first",
        When(failure_mode="format", prompting_effort={"none", "basic"}),
        _t("Inconsistent format is usually fixed first with explicit format instructions and a few "
           "examples of the exact output.",
           "输出格式不稳定，通常先用明确的格式说明和几个完全符合要求的输出示例就能解决。"),
        OPENAI_GUIDE, scores={PE: 2},
    ),
    Rule(
        "explicit-sop-in-prompt", "prompting-first", When(spec_clarity="explicit"),
        _t("The rules can be written down, so they can go into the prompt as an SOP, the way "
           "teams brief human staff.",
           "规则可以写下来，就能像给员工写标准操作程序（SOP）那样放进提示里。"),
        NG_BATCH_294, scores={PE: 1, AW: 1},
    ),
    Rule(
        "tool-use-workflow-first", "prompting-first",
        When(task_type="tool_use", prompting_effort={"none", "basic"}),
        _t("For choosing and calling tools, a simple agentic workflow (plan, act, check) is the "
           "next thing to try, well before fine-tuning.",
           "对于选择和调用工具，下一步应尝试简单的智能体工作流（规划、执行、检查），远在微调之前。"),
        NG_BATCH_294, scores={AW: 3},
    ),

    # --- Fine-tuning teaches patterns, not facts (invariant 2) ----------------------------
    Rule(
        "changing-knowledge-needs-rag", "patterns-not-facts",
        When(knowledge_source={"private_changing", "realtime"}),
        _t("The model must know facts that change (specs, prices, policies, news). Fine-tuning "
           "cannot keep up with them; retrieval gives the current facts at run time.",
           "模型需要掌握会变化的事实（产品规格、价格、政策、新闻）。微调跟不上这些变化；检索能在运行时提供最新的事实。"),
        KARMINSKI, scores={RAG: 3}, exclude=frozenset({PE, AW, FT, ID}),
    ),
    Rule(
        "private-knowledge-retrieval", "patterns-not-facts", When(knowledge_source="private_stable"),
        _t("The model needs your internal documents. In direct comparisons, retrieval injects "
           "knowledge more reliably than fine-tuning.",
           "模型需要你们的内部文档。对比研究表明，检索比微调更可靠地为模型注入知识。"),
        OVADIA_2024, scores={RAG: 2, RFT: 1},
    ),
    Rule(
        "knowledge-qa-is-retrieval", "patterns-not-facts", When(task_type="knowledge_qa"),
        _t("Answering from a body of documents is a knowledge task: fine-tuning is for form, not "
           "facts, so look the facts up instead.",
           "根据文档回答问题是知识型任务：微调针对的是形式而非事实，所以应该去检索事实。"),
        ANYSCALE, scores={RAG: 3, FT: -2},
    ),
    Rule(
        "missing-knowledge-retrieval", "patterns-not-facts", When(failure_mode="missing_knowledge"),
        _t("The failures are missing or wrong facts. Retrieval fixes those; fine-tuning on them "
           "mostly teaches the model to sound sure.",
           "问题在于事实缺失或错误。检索能解决这类问题；用这些事实做微调，多半只会让模型显得更笃定。"),
        OVADIA_2024, scores={RAG: 3, RFT: 1, FT: -3},
    ),
    Rule(
        "nothing-to-retrieve", "patterns-not-facts",
        When(knowledge_source="general", needs_citations="no"),
        _t("The model already has the knowledge and answers need no sources, so retrieval would "
           "add work without adding anything the model lacks.",
           "模型已经掌握所需知识，回答也不需要出处，检索只会增加工作量，却补不上模型缺少的东西。"),
        KARMINSKI, scores={RAG: -1, RFT: -3},
    ),
    Rule(
        "citations-need-retrieval", "patterns-not-facts", When(needs_citations="yes"),
        _t("Answers must show their source. Retrieval knows which passage it used; a fine-tuned "
           "model cannot say where a fact came from.",
           "回答需要注明出处。检索知道用到了哪段文字；微调后的模型说不出事实来自哪里。"),
        KARMINSKI, scores={RAG: 2, RFT: 1},
    ),

    # --- What fine-tuning is good at ------------------------------------------------------
    Rule(
        "pattern-task", "patterns", When(task_type={"classification", "extraction", "style"}),
        _t("Classification, strict formats and a specific style are patterns, the kind of thing "
           "fine-tuning teaches well.",
           "分类、严格的格式和特定的风格都属于“模式”，正是微调擅长教会模型的东西。"),
        KARMINSKI, scores={FT: 2, RFT: 2},
    ),
    Rule(
        "style-is-hard-to-prompt", "patterns", When(task_type="style", prompting_effort="extensive"),
        _t("A voice has many small habits that are hard to put into a prompt; after extensive "
           "prompting, fine-tuning on real samples is usually the better way to capture it.",
           "一种说话风格包含许多难以写进提示的细微习惯；在大量提示尝试之后，用真实样本微调通常是更好的办法。"),
        NG_BATCH_294, scores={FT: 2, RFT: 2},
    ),
    Rule(
        "format-after-prompting", "patterns", When(failure_mode="format", prompting_effort="extensive"),
        _t("Format or style is still inconsistent after extensive prompting: this is the classic "
           "case where fine-tuning on examples makes the output consistent.",
           "经过大量提示优化后，格式或风格仍不稳定：这正是用示例微调来稳定输出的典型场景。"),
        KARMINSKI, scores={FT: 2, RFT: 2},
    ),
    Rule(
        "implicit-sop-learn-from-examples", "patterns", When(spec_clarity="implicit"),
        _t("The rules are hard to state and even people learn them from many examples; examples "
           "teach such a task better than instructions.",
           "规则很难说清楚，连人也要看大量示例才能学会；这种任务用示例来教比用指令更有效。"),
        NG_BATCH_294, scores={FT: 2, RFT: 2, PE: -1},
    ),
    Rule(
        "critical-accuracy-last-mile", "patterns",
        When(accuracy_target="critical", prompting_effort="extensive", baseline_gap="small"),
        _t("Prompting got close but you need 99%+, and the prompt has stopped improving: "
           "fine-tuning can buy the last few points of accuracy.",
           "提示工程已接近目标，但你需要 99% 以上，而提示已无法再提升：微调可以补上最后几个百分点的准确率。"),
        NG_BATCH_294, scores={FT: 3, RFT: 3},
    ),
    Rule(
        "tool-calls-from-examples", "patterns",
        When(task_type="tool_use", failure_mode="wrong_decisions", prompting_effort="extensive"),
        _t("The model still picks the wrong tool or action after extensive prompting; fine-tuning "
           "on conversations with the correct calls is a good way to make it reliable.",
           "大量提示优化后，模型仍会选错工具或操作；用带有正确调用的对话数据进行微调，是让它变可靠的好办法。"),
        NG_BATCH_294, scores={FT: 2, RFT: 2},
    ),
    Rule(
        "specialized-language", "patterns", When(domain_language="specialized"),
        _t("Specialised jargon or a language the model handles poorly is a (secondary) reason to "
           "fine-tune: it is a pattern of language, not a fact.",
           "专业术语或模型不擅长的语言是微调的一个（次要）理由：它属于语言模式，而不是事实。"),
        NG_BATCH_294, scores={FT: 1, RFT: 1},
    ),

    # --- No reasoning by fine-tuning (invariant 4) ----------------------------------------
    Rule(
        "no-reasoning-by-fine-tuning", "no-reasoning-by-fine-tuning",
        When(task_type="reasoning", failure_mode="reasoning"),
        _t("The task is reasoning and the reasoning is what fails. Fine-tuning does not add "
           "reasoning ability; break the problem into checked steps instead.",
           "任务本身是推理，出问题的也正是推理。微调不会增加推理能力；应把问题拆成可检查的步骤。"),
        KARMINSKI, scores={AW: 3}, exclude=FINE_TUNING,
    ),
    Rule(
        "reasoning-task", "no-reasoning-by-fine-tuning", When(task_type="reasoning"),
        _t("Multi-step reasoning, maths and logic come from pre-training; fine-tuning rarely "
           "improves them, while a workflow with tools and checks often does.",
           "多步推理、数学和逻辑能力来自预训练；微调很少能提升它们，而带工具和检查的工作流往往可以。"),
        KARMINSKI, scores={AW: 2, FT: -2, RFT: -2},
    ),
    Rule(
        "reasoning-failures-decompose", "no-reasoning-by-fine-tuning",
        When(failure_mode="reasoning", task_type=Except("reasoning")),
        _t("The failures are in multi-step logic. Splitting the task into smaller steps with a "
           "check at the end helps more than training.",
           "问题出在多步逻辑上。把任务拆成更小的步骤、最后加一道检查，比训练更有帮助。"),
        NG_BATCH_294, scores={AW: 3, FT: -1},
    ),
    Rule(
        "large-gap-rethink", "no-reasoning-by-fine-tuning",
        When(baseline_gap="large",
             task_type={"tool_use", "knowledge_qa", "simple_generation", "reasoning", "general_assistant"}),
        _t("Your best prompt is far below the target. Fine-tuning buys the last few points, not "
           "a large gap; rethink the workflow (steps, tools, checks) first.",
           "你最好的提示离目标还差很远。微调补的是最后几个百分点，而不是巨大的差距；先重新设计工作流（步骤、工具、检查）。"),
        NG_BATCH_294, scores={AW: 3, FT: -2, RFT: -2},
    ),

    # --- A specialist, not a generalist ---------------------------------------------------
    Rule(
        "narrow-task-specialist", "specialist-not-generalist", When(task_scope="narrow"),
        _t("One narrow, well-defined task is what a fine-tuned specialist is for.",
           "一个狭窄且定义明确的任务，正适合微调出的“专科医生”。"),
        KARMINSKI, scores={FT: 1, RFT: 1},
    ),
    Rule(
        "broad-scope-generalist", "specialist-not-generalist", When(task_scope="broad"),
        _t("The model must handle many kinds of requests. Fine-tuning makes a specialist and can "
           "make it worse at everything else.",
           "模型要处理多种多样的请求。微调打造的是专科医生，可能让它在其他方面变差。"),
        KARMINSKI, scores={FT: -2, RFT: -2, PE: 1},
    ),
    Rule(
        "general-assistant", "specialist-not-generalist", When(task_type="general_assistant"),
        _t("An open-ended assistant is a generalist by definition; a strong base model with a "
           "good system prompt serves it better than a fine-tune.",
           "开放式助手本身就是“全科医生”；一个强大的基础模型配上好的系统提示，比微调更合适。"),
        KARMINSKI, scores={FT: -3, RFT: -3, PE: 2},
    ),

    # --- Small models at scale ------------------------------------------------------------
    Rule(
        "scale-small-model", "small-models-at-scale",
        When(cost_pressure="blocking", volume={"medium", "high"}),
        _t("At your volume the current model is too slow or too expensive to ship. A fine-tuned "
           "small model can match a large one on a single task at a fraction of the cost and latency.",
           "在你的请求量下，当前模型太慢或太贵，无法上线。微调过的小模型可以在单一任务上达到大模型的水平，"
           "成本和延迟却低得多。"),
        NG_BATCH_294, scores={FT: 4, RFT: 3, AW: -2, PE: -2},
    ),
    Rule(
        "realtime-latency", "small-models-at-scale", When(latency_need="realtime"),
        _t("Answers are needed in under 300 ms: large models are often too slow, and multi-step "
           "workflows multiply the delay; a small fine-tuned model is fast.",
           "需要在 300 毫秒内回答：大模型往往太慢，多步工作流更会成倍增加延迟；微调过的小模型速度快。"),
        NG_BATCH_294, scores={FT: 2, RFT: 1, AW: -2},
    ),
    Rule(
        "synthetic-data-from-large-model", "small-models-at-scale",
        When(synthetic_data="yes", cost_pressure={"moderate", "blocking"}),
        _t("A larger model can write good examples, so it can generate the training data for a "
           "cheaper small model.",
           "更大的模型能写出好的示例，因此可以用它为更便宜的小模型生成训练数据。"),
        NG_BATCH_294, scores={FT: 1, RFT: 1},
    ),

    # --- Garbage in, garbage out (invariant 3) --------------------------------------------
    Rule(
        "gigo-noisy-data", "garbage-in-garbage-out", When(data_quality="noisy"),
        _t("The examples contain many errors. A model fine-tuned on them learns the errors: "
           "garbage in, garbage out.",
           "示例中错误很多。用它们微调，模型就会学会这些错误：垃圾进，垃圾出。"),
        KARMINSKI, scores={ID: 1}, exclude=FINE_TUNING, hand_over_to=ID,
    ),
    Rule(
        "gigo-no-data", "garbage-in-garbage-out",
        When(example_count="none", synthetic_data={"no", "unsure"}),
        _t("There are no examples yet and no proven way to generate them, so there is nothing to "
           "fine-tune on.",
           "目前没有示例，也没有确定可行的生成方式，因此没有可以用来微调的数据。"),
        KARMINSKI, exclude=FINE_TUNING, hand_over_to=ID,
    ),
    Rule(
        "data-not-ready", "garbage-in-garbage-out", When(data_readiness="weak"),
        _t("Several data problems add up (wrong labels, similar examples, no hard cases, too few "
           "examples): the data is not ready to fine-tune on yet.",
           "多个数据问题叠加在一起（标注错误、示例相似、没有困难案例、示例太少）：这些数据还不适合用来微调。"),
        KARMINSKI, exclude=FINE_TUNING, hand_over_to=ID,
    ),
    Rule(
        "mixed-quality-data", "garbage-in-garbage-out", When(data_quality="mixed"),
        _t("Some examples are wrong; review and fix them before training, or the model will copy "
           "the mistakes.",
           "部分示例有错误；训练前要审核并修正，否则模型会照搬这些错误。"),
        KARMINSKI, scores={FT: -1, RFT: -1, ID: 1},
    ),
    Rule(
        "clustered-data", "garbage-in-garbage-out", When(data_diversity="clustered"),
        _t("The examples are mostly alike. Clustered data teaches one narrow, rigid pattern that "
           "breaks on the variety of real inputs.",
           "示例大多相似。聚类的数据只会教出单一、刻板的模式，面对真实输入的多样性就会失效。"),
        KARMINSKI, scores={FT: -2, RFT: -2, ID: 2},
    ),
    Rule(
        "no-edge-cases", "garbage-in-garbage-out", When(edge_cases="no"),
        _t("The examples have no hard, malformed or adversarial cases, so a fine-tuned model will "
           "not learn to handle them.",
           "示例中没有困难、格式错误或对抗性的案例，微调后的模型就学不会处理它们。"),
        KARMINSKI, scores={FT: -1, RFT: -1, ID: 1},
    ),
    Rule(
        "enough-clean-examples", "garbage-in-garbage-out",
        When(example_count={"100_to_1k", "over_1k"}, data_quality="clean"),
        _t("You have at least 100 reviewed, correct examples; 100 or even fewer good examples can "
           "be enough to fine-tune.",
           "你至少有 100 条经过审核的正确示例；100 条甚至更少的好示例就可能足以完成微调。"),
        NG_BATCH_294, scores={FT: 1, RFT: 1},
    ),
    Rule(
        "few-examples", "garbage-in-garbage-out",
        When(example_count="under_100", synthetic_data={"no", "unsure"}),
        _t("Fewer than 100 examples and no way to generate more: enough for an eval set, thin for "
           "training. Aim for 50–100 good training examples beyond the eval set.",
           "示例少于 100 条，也没有办法生成更多：用作评测集够了，用于训练则偏少。除评测集外，争取准备 50–100 条好的训练示例。"),
        OPENAI_GUIDE, scores={FT: -1, RFT: -1, ID: 1},
    ),
    Rule(
        "synthetic-fills-the-gap", "garbage-in-garbage-out",
        When(example_count={"none", "under_100"}, synthetic_data="yes"),
        _t("You have few examples, but a larger model can generate good ones, which can make up "
           "the training set.",
           "你的示例不多，但更大的模型能生成高质量示例，可以用来补足训练集。"),
        NG_BATCH_294, scores={FT: 1},
    ),

    # --- Measure first ----------------------------------------------------------------------
    Rule(
        "measure-before-fine-tuning", "evals-first", When(baseline_gap="unmeasured"),
        _t("No accuracy has been measured, so there is no baseline that fine-tuning would have "
           "to beat. Build the eval set first.",
           "还没有测量准确率，微调也就没有要超越的基线。先建立评测集。"),
        OPENAI_GUIDE, scores={FT: -1, RFT: -1},
    ),

    # --- A fine-tuned model is a system to run --------------------------------------------
    Rule(
        "no-ml-experience", "operations", When(ml_capacity="none"),
        _t("No one on the team has trained or served a model; fine-tuning adds training and "
           "deployment work you would have to learn.",
           "团队里没有人训练或部署过模型；微调会带来你们需要从头学习的训练和部署工作。"),
        NG_BATCH_294, scores={FT: -1, RFT: -2},
    ),
    Rule(
        "experienced-ml-team", "operations", When(ml_capacity="experienced"),
        _t("Your team trains and serves models regularly, so the extra work of fine-tuning is "
           "familiar.",
           "你的团队经常训练和部署模型，微调带来的额外工作对你们来说并不陌生。"),
        NG_BATCH_294, scores={FT: 1, RFT: 1},
    ),
    Rule(
        "self-hosting-without-ml", "operations",
        When(hosting="self_hosted_required", ml_capacity="none"),
        _t("The model must run on your own machines, but no one has served a model before: "
           "hosting a fine-tuned model yourself is a real project.",
           "模型必须部署在你们自己的机器上，但还没有人部署过模型：自行托管微调模型是一个不小的工程。"),
        NG_BATCH_294, scores={FT: -1, RFT: -1},
    ),
    Rule(
        "open-weights-portable", "operations",
        When(hosting={"open_weights_preferred", "self_hosted_required"}),
        _t("You want weights you control. A small open-weights model fine-tuned with LoRA is "
           "portable, and no provider can retire it under you.",
           "你希望掌控模型权重。用 LoRA 微调的开源权重小模型可以随时迁移，也不必担心提供商停用模型。"),
        NG_BATCH_294, scores={FT: 1},
    ),
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({r.id: r for r in RULES})
