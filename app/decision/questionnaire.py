"""The five-step questionnaire and the validation of its answers.

Keys are a public contract (API clients and stored assessments use them); labels, help
texts and option order may improve over time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from .text import (
    CHAN_2024_CAG,
    DEEPSEEK_R1,
    KARMINSKI,
    LEWIS_2020,
    NG_BATCH_294,
    OPENAI_GUIDE,
    OPENAI_RFT,
    OVADIA_2024,
    WILSON_1927,
    Source,
    Text,
)

Answer = str | int | None

# Options that are honest "we don't know" answers. They never block; they lower the
# confidence and add a "find out" step to the verdict.
UNCERTAIN_KEYS = frozenset({"not_sure", "unsure", "unknown"})
_UNCERTAIN_OF: dict[str, frozenset[str]] = {}
_OPTION_KEYS_OF: dict[str, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: Text
    hint: Text | None = None


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    step: str
    label: Text
    help: Text
    sources: tuple[Source, ...]
    kind: Literal["choice", "integer"]
    options: tuple[Option, ...]
    optional: bool
    minimum: int | None
    maximum: int | None
    # A short noun phrase ("task type") used when rules are described in words.
    name: Text
    # For an optional choice question: the answer an omitted one stands for (always uncertain).
    default: str | None = None

    @property
    def uncertain_options(self) -> frozenset[str]:
        return _UNCERTAIN_OF.get(self.key) or frozenset(
            o.key for o in self.options if o.key in UNCERTAIN_KEYS
        )

    @property
    def option_keys(self) -> tuple[str, ...]:
        return _OPTION_KEYS_OF.get(self.key) or tuple(o.key for o in self.options)

    def option(self, key: str) -> Option:
        for o in self.options:
            if o.key == key:
                return o
        raise KeyError(key)


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    number: int
    title: Text
    intro: Text
    questions: tuple[Question, ...]


def _o(key: str, label: Text | str, *rest: Text | str) -> Option:
    """`_o(key, Text("label"), Text("hint"))`, the hint optional. The old form,
    `_o(key, en, zh, hint_en, hint_zh)`, runs until scripts/engine_texts_to_catalogue.py
    rewrites it."""
    if isinstance(label, str):
        label = Text(label, rest[0])
        rest = (Text(rest[1], rest[2]),) if len(rest) > 1 else ()
    return Option(key, label, rest[0] if rest else None)


def _choice(
    key: str,
    step: str,
    name: Text,
    label: Text,
    help: Text,
    sources: tuple[Source, ...],
    *options: Option,
) -> Question:
    return Question(key, step, label, help, sources, "choice", options, False, None, None, name)


def _optional_choice(
    key: str,
    step: str,
    name: Text,
    label: Text,
    help: Text,
    sources: tuple[Source, ...],
    *options: Option,
) -> Question:
    """A choice the API may leave out (third wave): omitted, it counts as "not sure"."""
    default = next(o.key for o in options if o.key in UNCERTAIN_KEYS)
    return Question(
        key, step, label, help, sources, "choice", options, True, None, None, name, default
    )


_TASK = (
    _choice(
        "task_type",
        "task",
        Text("task type", "任务类型"),
        Text("What should the model do?", "你希望模型做什么？"),
        Text(
            "Fine-tuning teaches patterns (a format, a style, an input-to-output mapping, a narrow "
            "task), not new knowledge or better reasoning. The kind of task decides most of the verdict. "
            "Code counts as text here: writing or reviewing code is generation, questions about your "
            "codebase are questions from documents.",
            "微调教会模型的是“模式”（格式、风格、输入到输出的映射、狭窄的任务），而不是新知识或更强的推理能力。"
            "任务类型在很大程度上决定了结论。代码在这里也算文本：编写或审查代码属于生成，关于代码库的提问属于根据文档回答问题。",
        ),
        (KARMINSKI, NG_BATCH_294),
        _o(
            "classification",
            "Classify, tag or route text or code",
            "对文本或代码进行分类、打标签或分流",
            "e.g. medical records to billing codes, bug reports or code changes to the right team",
            "例如把病历归类为医保理赔的诊断和操作编码，把缺陷报告或代码变更分派给对应团队",
        ),
        _o(
            "extraction",
            "Convert input into a strict structure",
            "把输入转换成严格的结构",
            "JSON, XML, SQL or another fixed format",
            "JSON、XML、SQL 或其他固定格式",
        ),
        _o(
            "style",
            "Write in a specific voice, tone or brand style",
            "用特定的口吻、语气或品牌风格写作",
            "including code in your team's conventions",
            "也包括按团队规范编写代码",
        ),
        _o(
            "tool_use",
            "Choose and call the right tool or API",
            "选择并调用正确的工具或 API",
            "agents, customer-service actions such as refunds",
            "智能体、客服操作（如退款）",
        ),
        _o(
            "knowledge_qa",
            "Answer questions from documents, code or facts",
            "根据文档、代码或事实回答问题",
            "e.g. questions about your codebase or internal wiki",
            "例如关于你们的代码库或内部知识库的提问",
        ),
        _o(
            "simple_generation",
            "Rewrite, summarise or write text or code from given context",
            "根据给定上下文改写、总结或编写文本或代码",
            "e.g. code generation or code review with the relevant files in the prompt",
            "例如在提示中附上相关文件，生成代码或审查代码",
        ),
        _o(
            "reasoning",
            "Complex multi-step reasoning, maths or logic",
            "复杂的多步推理、数学或逻辑",
        ),
        _o("general_assistant", "An open-ended, general-purpose assistant", "开放式的通用助手"),
    ),
    _choice(
        "task_scope",
        "task",
        Text("task scope", "任务范围"),
        Text("How wide is the task?", "任务范围有多宽？"),
        Text(
            "Fine-tuning makes a specialist, not a generalist: it pays off on one well-defined task.",
            "微调打造的是“专科医生”，而不是“全科医生”：只有在一个定义明确的任务上才划算。",
        ),
        (KARMINSKI,),
        _o("narrow", "One well-defined task", "一个定义明确的任务"),
        _o("broad", "Many kinds of requests", "多种多样的请求"),
    ),
    _choice(
        "spec_clarity",
        "task",
        Text("how clearly the rules can be stated", "规则能否写清楚"),
        Text("Can the rules be written down as instructions?", "规则能写成明确的指令吗？"),
        Text(
            "When the rules fit in a standard operating procedure (SOP), a prompt can carry them. "
            "When even people learn the task only from many examples, examples (fine-tuning) beat instructions.",
            "如果规则能写成标准操作程序（SOP），放进提示里即可；如果连人类也要看大量示例才能学会，"
            "那么用示例（微调）比用指令更有效。",
        ),
        (NG_BATCH_294,),
        _o("explicit", "Yes, as clear instructions or an SOP", "能，可以写成清晰的指令或 SOP"),
        _o("partial", "Partly", "部分可以"),
        _o(
            "implicit",
            "No, people learn it only from many examples",
            "不能，人也要看大量示例才能学会",
        ),
    ),
    _optional_choice(
        "verifiable_outputs",
        "task",
        Text("whether a program can check the answers", "能否用程序检查答案"),
        Text(
            "Can a program check whether an answer is right: a test, an exact answer, a schema, a "
            "grader?",
            "能否用程序判断一个答案是否正确：测试用例、标准答案、Schema 或评分程序？",
        ),
        Text(
            "When a program can tell right from wrong (unit tests for code, the exact answer to a "
            "maths problem, a schema, a grading script), a model can be trained by reinforcement "
            "against that check, which can improve reasoning on the task; without one, training "
            "can only imitate examples.",
            "如果程序能分辨对错（代码的单元测试、数学题的标准答案、Schema、评分脚本），就可以用强化学习针对这个检查来训练模型，"
            "这能提升模型在该任务上的推理；没有这样的检查，训练只能模仿示例。",
        ),
        (OPENAI_RFT, DEEPSEEK_R1),
        _o("yes", "Yes, every answer", "可以，每个答案都能检查"),
        _o("partly", "Partly, some answers or some aspects", "部分可以，部分答案或部分方面"),
        _o("no", "No, it takes a person's judgment", "不能，需要人来判断"),
        _o("unsure", "Not sure", "不确定"),
    ),
)

_ACCURACY = (
    _choice(
        "accuracy_target",
        "accuracy",
        Text("accuracy target", "准确率目标"),
        Text("How accurate must it be?", "需要多高的准确率？"),
        Text(
            "Prompting often gets to about 95%. Fine-tuning can buy the last few points, from 95% to 99%.",
            "提示工程通常能做到 95% 左右；微调可以补上最后几个百分点，例如从 95% 提高到 99%。",
        ),
        (NG_BATCH_294,),
        _o("best_effort", "Best effort (about 80–90% is fine)", "尽力而为（80%–90% 即可）"),
        _o("high", "High (about 95%)", "高（约 95%）"),
        _o("critical", "Critical (99% or more)", "关键（99% 以上）"),
    ),
    _choice(
        "prompting_effort",
        "accuracy",
        Text("prompting effort", "提示工程投入"),
        Text("How much have you tried prompting?", "你在提示工程上投入了多少？"),
        Text(
            "Try prompting and simple agentic workflows first: about 75% of the teams that fine-tune "
            "could have got good results with these simpler techniques.",
            "先尝试提示工程和简单的智能体工作流：在使用微调的团队中，大约 75% 本可以用这些更简单的方法取得好结果。",
        ),
        (NG_BATCH_294,),
        _o("none", "Not tried yet", "还没试过"),
        _o("basic", "A simple prompt", "一个简单的提示"),
        _o(
            "extensive",
            "Extensively",
            "大量尝试",
            "long prompts, few-shot examples, many iterations, a simple agentic workflow",
            "长提示、少样本示例、多次迭代、简单的智能体工作流",
        ),
    ),
    Question(
        key="baseline_accuracy",
        step="accuracy",
        label=Text(
            "What accuracy does your best prompt reach today (%)?",
            "目前最好的提示能达到多少准确率（%）？",
        ),
        help=Text(
            "Measured on a set of real cases. The gap between this baseline and your target shows "
            "whether fine-tuning would be a last-mile fix. Leave it empty if you have not measured it.",
            "在一组真实案例上测得。这个基线与目标之间的差距，说明微调是否只是“最后一公里”的改进。"
            "如果还没有测量过，请留空。",
        ),
        sources=(OPENAI_GUIDE, NG_BATCH_294),
        kind="integer",
        options=(),
        optional=True,
        minimum=0,
        maximum=100,
        name=Text("measured baseline accuracy", "实测基线准确率"),
    ),
    Question(
        key="baseline_sample_size",
        step="accuracy",
        label=Text(
            "On how many cases was that accuracy measured?",
            "这个准确率是在多少个案例上测得的？",
        ),
        help=Text(
            "A baseline measured on few cases is uncertain: 95% on 40 cases could be anywhere from "
            "about 83% to 99%. With the number we show the 95% Wilson interval and say whether the "
            "gap to your target is real. Leave it empty if you do not know.",
            "在少量案例上测得的基线并不确定：40 个案例上的 95% 实际可能在约 83% 到 99% 之间。"
            "填写案例数后，我们会给出 95% Wilson 置信区间，并说明与目标之间的差距是否真实存在。不知道可以留空。",
        ),
        sources=(WILSON_1927,),
        kind="integer",
        options=(),
        optional=True,
        minimum=1,
        maximum=1_000_000,
        name=Text("baseline sample size", "基线样本量"),
    ),
    _optional_choice(
        "strongest_model_tried",
        "accuracy",
        Text("whether the strongest model was measured", "是否测过最强的模型"),
        Text(
            "Have you measured the strongest model you could use, including a reasoning model, "
            "on this task?",
            "你是否在这个任务上测过你们能用的最强模型（包括推理模型）？",
        ),
        Text(
            "A stronger model, or the thinking mode of a reasoning model, on the same eval set is "
            "the cheapest fix for an accuracy gap: one change of model name, no training. It is "
            "also the teacher a small model would learn from.",
            "在同一套评测集上换用更强的模型，或推理模型的思考模式，是弥补准确率差距最便宜的办法：只需换一个模型名，不用训练。"
            "它也是小模型学习时的“老师”。",
        ),
        (DEEPSEEK_R1,),
        _o("yes", "Yes, measured on our eval set", "测过，在我们的评测集上"),
        _o("no", "No", "没有"),
        _o("unsure", "Not sure", "不确定"),
    ),
    _choice(
        "failure_mode",
        "accuracy",
        Text("failure mode", "失败类型"),
        Text("What goes wrong most often?", "最常出现的问题是什么？"),
        Text(
            "Each failure has a different cure: format and decisions are patterns fine-tuning can teach; "
            "missing facts call for retrieval; broken reasoning calls for a workflow.",
            "不同的问题有不同的解法：格式和决策是微调能教会的模式；缺少事实要靠检索；推理出错要靠工作流。",
        ),
        (KARMINSKI, NG_BATCH_294),
        _o("format", "Output format or style is inconsistent", "输出格式或风格不稳定"),
        _o("wrong_decisions", "Wrong choices, labels or tool calls", "选择、标签或工具调用出错"),
        _o(
            "missing_knowledge",
            "Facts are wrong or missing",
            "事实错误或缺失",
            "including names, APIs or files of your own code",
            "也包括你们自己代码中的名称、API 或文件",
        ),
        _o("reasoning", "Multi-step logic goes wrong", "多步逻辑出错"),
        _o("none", "Nothing: quality is already acceptable", "没有问题：质量已经可以接受"),
        _o("unknown", "We don't know yet", "还不清楚"),
    ),
)

_COST = (
    _choice(
        "volume",
        "cost",
        Text("request volume", "请求量"),
        Text("How many requests per day?", "每天有多少请求？"),
        Text(
            "At scale, a fine-tuned small model can replace a large one that is too slow or too expensive.",
            "在规模化时，微调过的小模型可以替代一个太慢或太贵的大模型。",
        ),
        (NG_BATCH_294,),
        _o("low", "Fewer than 1,000", "少于 1,000"),
        _o("medium", "1,000 to 100,000", "1,000 到 100,000"),
        _o("high", "More than 100,000", "超过 100,000"),
    ),
    _choice(
        "latency_need",
        "cost",
        Text("latency need", "延迟要求"),
        Text("How fast must it answer?", "需要多快给出回答？"),
        Text(
            "Large models are often too slow; a smaller fine-tuned model answers faster.",
            "大模型常常太慢；微调过的小模型响应更快。",
        ),
        (NG_BATCH_294,),
        _o("relaxed", "Relaxed (seconds are fine)", "宽松（几秒也可以）"),
        _o("interactive", "Interactive (about 1 second)", "交互式（约 1 秒）"),
        _o("realtime", "Real time (under 300 ms)", "实时（300 毫秒以内）"),
    ),
    _choice(
        "cost_pressure",
        "cost",
        Text("cost pressure", "成本压力"),
        Text("Is the current model too slow or too expensive?", "当前模型是否太慢或太贵？"),
        Text(
            "When a large model works but cannot be shipped at your volume, fine-tuning a smaller one "
            "is one of the cases where fine-tuning clearly pays.",
            "当大模型效果可以、但在你的请求量下无法上线时，微调一个小模型是微调明显值得的场景之一。",
        ),
        (NG_BATCH_294,),
        _o("none", "No", "不是问题"),
        _o("moderate", "Somewhat", "有一些压力"),
        _o("blocking", "Yes, it blocks shipping", "是的，已经无法上线"),
    ),
    _choice(
        "hosting",
        "cost",
        Text("hosting", "部署方式"),
        Text("Where may the model run?", "模型可以部署在哪里？"),
        Text(
            "Fine-tuning open weights keeps the result portable: no provider can retire it under you.",
            "微调开源权重的模型，结果可以随时迁移，不必担心服务商停用模型。",
        ),
        (NG_BATCH_294,),
        _o("api_ok", "A hosted API is fine", "托管 API 即可"),
        _o(
            "open_weights_preferred",
            "We want weights we can take elsewhere",
            "希望拿到可迁移的模型权重",
        ),
        _o(
            "self_hosted_required", "Data must stay on our machines", "数据必须留在我们自己的机器上"
        ),
    ),
    _choice(
        "ml_capacity",
        "cost",
        Text("ML experience", "机器学习经验"),
        Text("Has your team trained or served a model before?", "你的团队训练或部署过模型吗？"),
        Text(
            "Fine-tuning adds work on both sides: collecting data and training, then deploying and "
            "maintaining the fine-tuned model.",
            "微调在训练和部署两方面都增加了复杂性：要收集数据、训练，还要部署和维护微调后的模型。",
        ),
        (NG_BATCH_294,),
        _o("none", "No one has", "没有人做过"),
        _o("some", "Some experience", "有一些经验"),
        _o("experienced", "Yes, we do it regularly", "经常做"),
    ),
)

_KNOWLEDGE = (
    _choice(
        "knowledge_source",
        "knowledge",
        Text("knowledge source", "知识来源"),
        Text("What must the model know to answer?", "模型需要掌握哪些知识才能回答？"),
        Text(
            "Fine-tuning teaches patterns, not facts. New or changing knowledge is the job of "
            "retrieval-augmented generation (RAG), which gives the model the facts at run time.",
            "微调教的是模式，不是知识。新的或经常变化的知识应交给检索增强生成（RAG），在运行时把事实提供给模型。",
        ),
        (KARMINSKI, OVADIA_2024),
        _o("general", "Public knowledge the model already has", "模型已经掌握的公开知识"),
        _o(
            "private_stable",
            "Internal documents or code that rarely change",
            "很少变化的内部文档或代码",
        ),
        _o(
            "private_changing",
            "Internal documents or code that change",
            "会变化的内部文档或代码",
            "specs, prices, policies, a codebase under active development",
            "产品规格、价格、政策，或仍在持续开发的代码库",
        ),
        _o("realtime", "News, events or live data", "新闻、事件或实时数据"),
    ),
    _choice(
        "needs_citations",
        "knowledge",
        Text("need for citations", "是否需要引用来源"),
        Text("Must answers show where they came from?", "回答需要注明出处吗？"),
        Text(
            "Retrieval knows which passage an answer was built from, so it can show it; a fine-tuned "
            "model cannot say where a fact came from.",
            "检索知道答案依据的是哪段文字，因此可以展示出处；微调后的模型说不出事实来自哪里。",
        ),
        (LEWIS_2020,),
        _o("yes", "Yes", "需要"),
        _o("no", "No", "不需要"),
    ),
    _choice(
        "domain_language",
        "knowledge",
        Text("domain language", "领域语言"),
        Text("Is the language of the task ordinary?", "任务使用的语言是否常见？"),
        Text(
            "At the research frontier some teams fine-tune a model to master a language. We count it "
            "as a secondary reason for fine-tuning, rarely enough on its own.",
            "在研究前沿，有些团队通过微调让模型更好地掌握某种语言。我们把它当作微调的次要理由，很少单独成立。",
        ),
        (NG_BATCH_294,),
        _o("common", "Ordinary language", "常见语言"),
        _o(
            "specialized",
            "Jargon or a language the model handles poorly",
            "专业术语或模型不擅长的语言",
        ),
    ),
    _optional_choice(
        "knowledge_volume",
        "knowledge",
        Text("how much knowledge there is", "知识量"),
        Text(
            "Does the knowledge the model needs fit in one prompt?",
            "模型需要的知识能否放进一个提示？",
        ),
        Text(
            "A few dozen FAQs or a short handbook fit in a long-context prompt: with prompt caching "
            "the model reads all of it on every call, with no search index to build or to miss the "
            "right passage. A large or growing collection needs retrieval.",
            "几十条常见问答或一本简短的手册可以放进长上下文提示：借助提示缓存，模型每次调用都能读到全部内容，"
            "既不用建检索索引，也不会漏掉正确的段落。内容很多或不断增长时才需要检索。",
        ),
        (CHAN_2024_CAG,),
        _o(
            "fits_in_prompt",
            "It fits in one prompt",
            "能放进一个提示",
            "roughly up to 100 pages, or tens of thousands of tokens",
            "大约 100 页以内，或几万个 token",
        ),
        _o("large", "Too much for one prompt", "一个提示放不下"),
        _o("unsure", "Not sure", "不确定"),
    ),
    _optional_choice(
        "knowledge_form",
        "knowledge",
        Text("the form of the knowledge", "知识的形式"),
        Text("What form does that knowledge take?", "这些知识是什么形式？"),
        Text(
            "Retrieval is built differently for each: documents are split into passages, code is "
            "indexed by file, symbol and test, a database is described by its schema and example "
            "queries.",
            "不同形式的检索做法不同：文档切分成段落，代码按文件、符号和测试建索引，数据库则靠表结构说明和示例查询来描述。",
        ),
        (LEWIS_2020,),
        _o("documents", "Documents, pages or messages", "文档、网页或消息"),
        _o("code", "A code repository", "代码仓库"),
        _o("database", "Tables in a database (text-to-SQL)", "数据库中的表（文本转 SQL）"),
        _o("unsure", "Not sure, or a mix", "不确定，或几种都有"),
    ),
)

_DATA = (
    _choice(
        "example_count",
        "data",
        Text("number of examples", "示例数量"),
        Text(
            "How many labelled input→output examples do you have?",
            "你有多少条带标注的输入→输出示例？",
        ),
        Text(
            "You need fewer than most people think: 100 or even fewer good examples can be enough, "
            "and 50–100 is a sensible start.",
            "需要的数据比大多数人想象的少：100 条甚至更少的好示例就可能足够，50–100 条是合理的起点。",
        ),
        (NG_BATCH_294, OPENAI_GUIDE),
        _o("none", "None", "没有"),
        _o("under_100", "Fewer than 100", "少于 100 条"),
        _o("100_to_1k", "100 to 1,000", "100 到 1,000 条"),
        _o("over_1k", "More than 1,000", "超过 1,000 条"),
    ),
    _choice(
        "data_quality",
        "data",
        Text("data quality", "数据质量"),
        Text("How correct are the examples?", "这些示例的正确性如何？"),
        Text(
            "Garbage in, garbage out: a model fine-tuned on errors learns the errors.",
            "垃圾进，垃圾出：用错误数据微调的模型会学会这些错误。",
        ),
        (KARMINSKI,),
        _o("clean", "Reviewed and correct", "已审核、准确无误"),
        _o("mixed", "Mostly right, some errors", "大部分正确，有一些错误"),
        _o("noisy", "Many errors", "错误很多"),
        _o("unsure", "Not sure", "不确定"),
    ),
    _choice(
        "data_diversity",
        "data",
        Text("data diversity", "数据多样性"),
        Text("How varied are the examples?", "这些示例的多样性如何？"),
        Text(
            "Clustered data teaches one narrow, rigid pattern; varied styles, lengths and topics teach "
            "a pattern that generalises.",
            "高度同质化的数据只会教出单一、刻板的模式；覆盖多种风格、长度和主题的数据才能学到可泛化的模式。",
        ),
        (KARMINSKI,),
        _o(
            "diverse",
            "Diverse: covers styles, lengths and topics",
            "多样：覆盖各种风格、长度和主题",
        ),
        _o("clustered", "Clustered: mostly similar examples", "同质化：大多是相似的示例"),
        _o("unsure", "Not sure", "不确定"),
    ),
    _choice(
        "edge_cases",
        "data",
        Text("edge cases", "边缘案例"),
        Text("Do the examples include hard cases?", "示例中包含困难案例吗？"),
        Text(
            "Malformed, unusual and adversarial examples make a fine-tuned model robust on real traffic.",
            "格式错误、异常或对抗性的示例能让微调后的模型在真实场景中更稳健。",
        ),
        (KARMINSKI,),
        _o("yes", "Yes: hard, malformed or adversarial cases", "有：困难、格式错误或对抗性的案例"),
        _o("no", "No", "没有"),
        _o("unsure", "Not sure", "不确定"),
    ),
    _choice(
        "synthetic_data",
        "data",
        Text("synthetic data", "合成数据"),
        Text("Can a larger model generate good examples?", "能否用更大的模型生成高质量示例？"),
        Text(
            "A large model (or an agentic workflow) that already does the task can write the training "
            "data for a small one.",
            "已经能完成任务的大模型（或智能体工作流）可以为小模型生成训练数据。",
        ),
        (NG_BATCH_294,),
        _o("yes", "Yes", "可以"),
        _o("no", "No", "不可以"),
        _o("unsure", "Not sure", "不确定"),
    ),
)

STEPS: tuple[Step, ...] = (
    Step(
        "task",
        1,
        Text("The task", "任务类型"),
        Text(
            "What should the model do, and how well can the task be described?",
            "模型要做什么？这个任务能描述得多清楚？",
        ),
        _TASK,
    ),
    Step(
        "accuracy",
        2,
        Text("Accuracy", "准确率目标"),
        Text(
            "How good must it be, and how far has prompting got you?",
            "需要做到多好？提示工程已经让你走了多远？",
        ),
        _ACCURACY,
    ),
    Step(
        "cost",
        3,
        Text("Latency, cost and operations", "延迟与成本"),
        Text(
            "What it must cost, how fast it must be, and who will run it.",
            "成本、速度的要求，以及由谁来运维。",
        ),
        _COST,
    ),
    Step(
        "knowledge",
        4,
        Text("Knowledge", "知识需求"),
        Text(
            "What the model must know, and whether that knowledge changes.",
            "模型需要掌握哪些知识，这些知识是否会变化。",
        ),
        _KNOWLEDGE,
    ),
    Step(
        "data",
        5,
        Text("Data", "数据质量"),
        Text(
            "What examples you have: fine-tuning is only as good as its data.",
            "你有哪些示例：微调的效果取决于数据。",
        ),
        _DATA,
    ),
)
STEP_KEYS: tuple[str, ...] = tuple(s.key for s in STEPS)
QUESTIONS: Mapping[str, Question] = MappingProxyType({q.key: q for s in STEPS for q in s.questions})
QUESTION_ORDER: Mapping[str, int] = MappingProxyType({k: i for i, k in enumerate(QUESTIONS)})
# Computed once: the engine asks for them tens of thousands of times a second.
_UNCERTAIN_OF.update(
    {
        q.key: frozenset(o.key for o in q.options if o.key in UNCERTAIN_KEYS)
        for q in QUESTIONS.values()
    }
)
_OPTION_KEYS_OF.update({q.key: tuple(o.key for o in q.options) for q in QUESTIONS.values()})


# --- Usual answers ---------------------------------------------------------------------------

# The answer most teams give, where there is one: the wizard marks it and offers to accept all of
# a step's at once. A question that decides much on its own (the task, the knowledge, the data
# you have) has none, so it is always answered. "Not sure" is the usual answer where teams rarely
# know before measuring: it lowers the confidence, never the verdict.
DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "task_scope": "narrow",
        "accuracy_target": "high",
        "prompting_effort": "basic",
        "failure_mode": "unknown",
        "volume": "medium",
        "latency_need": "interactive",
        "cost_pressure": "moderate",
        "hosting": "api_ok",
        "ml_capacity": "some",
        "needs_citations": "no",
        "domain_language": "common",
        "data_quality": "unsure",
        "data_diversity": "unsure",
        "edge_cases": "unsure",
        "synthetic_data": "unsure",
    }
)


# --- Questions that cannot apply ------------------------------------------------------------

# A question that cannot apply given another answer is not asked, may be left out, and counts
# as neither a problem nor an open question: no baseline before any prompt, no data quality
# without data.
NOT_APPLICABLE_WHEN: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "baseline_accuracy": ("prompting_effort", "none"),
        "baseline_sample_size": ("prompting_effort", "none"),
        "data_quality": ("example_count", "none"),
        "data_diversity": ("example_count", "none"),
        "edge_cases": ("example_count", "none"),
    }
)
NOT_APPLICABLE = "not_applicable"


def not_applicable(answers: Mapping[str, object]) -> frozenset[str]:
    """The questions that cannot apply, given these answers."""
    return frozenset(
        q
        for q, (key, value) in NOT_APPLICABLE_WHEN.items()
        if isinstance(answers.get(key), str) and answers[key].strip() == value
    )


# --- Validation -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    code: Literal["required", "unknown_question", "unknown_option", "not_integer", "out_of_range"]
    message: Text

    def to_dict(self, lang: str) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message.get(lang)}


class InvalidAnswers(ValueError):
    """Raised by evaluate() when the answers are incomplete or invalid."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in errors))


_REQUIRED = Text("Please answer this question.", "请回答这个问题。")
_UNKNOWN_QUESTION = Text("This is not a question of the questionnaire.", "问卷中没有这个问题。")
_OTHER_STEP = Text("This question belongs to another step.", "这个问题属于问卷的另一步。")
_UNKNOWN_OPTION = Text("Choose one of the options.", "请从给出的选项中选择一项。")


def _integer_message(q: Question) -> Text:
    return Text(
        f"Enter a whole number from {q.minimum} to {q.maximum}, or leave it empty.",
        f"请输入 {q.minimum} 到 {q.maximum} 之间的整数，或者留空。",
    )


def _range_message(q: Question) -> Text:
    return Text(
        f"The number must be from {q.minimum} to {q.maximum}; leave it empty if you have not measured it.",
        f"数值必须在 {q.minimum} 到 {q.maximum} 之间；如果还没有测量，请留空。",
    )


# Unicode digits are accepted on purpose: full-width "９５" is what a Chinese keyboard may type.
_INTEGER = re.compile(r"[+-]?\d{1,7}%?")


def _validate_one(q: Question, value: object) -> tuple[Answer, FieldError | None]:
    if q.kind == "integer":
        if value is None or (isinstance(value, str) and not value.strip()):
            if q.optional:
                return None, None
            return None, FieldError(q.key, "required", _REQUIRED)
        if isinstance(value, bool):
            return None, FieldError(q.key, "not_integer", _integer_message(q))
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            number = int(value.strip().rstrip("%"))
        else:
            return None, FieldError(q.key, "not_integer", _integer_message(q))
        if (q.minimum is not None and number < q.minimum) or (
            q.maximum is not None and number > q.maximum
        ):
            return None, FieldError(q.key, "out_of_range", _range_message(q))
        return number, None
    if value is None or (isinstance(value, str) and not value.strip()):
        if q.default is not None:
            return q.default, None
        return None, FieldError(q.key, "required", _REQUIRED)
    if isinstance(value, str) and value.strip() in q.option_keys:
        return value.strip(), None
    return None, FieldError(q.key, "unknown_option", _UNKNOWN_OPTION)


def validate_answers(
    raw: Mapping[str, object], *, steps: Iterable[str] | None = None
) -> tuple[dict[str, Answer], list[FieldError]]:
    """Normalise form or JSON answers; return (answers, errors), one error per field.

    With `steps`, only those steps' questions are checked and any other key is an
    `unknown_question`. Never raises on bad input; an unknown step key is a programming
    error and raises ValueError.
    """
    if steps is None:
        wanted = list(QUESTIONS.values())
    else:
        step_keys = set(steps)
        if not step_keys <= set(STEP_KEYS):
            raise ValueError(f"unknown steps: {sorted(step_keys - set(STEP_KEYS))}")
        wanted = [q for q in QUESTIONS.values() if q.step in step_keys]
    wanted_keys = {q.key for q in wanted}
    answers: dict[str, Answer] = {}
    errors: list[FieldError] = []
    skip = not_applicable(raw)
    for q in QUESTIONS.values():
        if q.key not in wanted_keys:
            if q.key in raw:
                errors.append(FieldError(q.key, "unknown_question", _OTHER_STEP))
            continue
        given = raw.get(q.key)
        if q.key in skip and (given is None or (isinstance(given, str) and not given.strip())):
            answers[q.key] = None  # not asked, so not missing
            continue
        value, error = _validate_one(q, given)
        if error is None:
            answers[q.key] = value
        else:
            errors.append(error)
    for key in sorted(str(k) for k in raw if k not in QUESTIONS):
        errors.append(FieldError(key, "unknown_question", _UNKNOWN_QUESTION))
    return answers, errors
