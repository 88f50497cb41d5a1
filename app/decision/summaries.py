"""The verdict's headline: what to do and why, in words that fit the answers given.

One recommendation can be right for different reasons (fine-tuning for the last mile of
accuracy is not fine-tuning to replace a large model at scale), so the summary follows the case
that decided it and never claims what the answers contradict.
"""

from __future__ import annotations

from collections.abc import Mapping

from .advice import STRICT_FORMAT_TASKS
from .approaches import Rec
from .conditions import baseline_gap, data_problems, knowledge_in_prompt
from .questionnaire import Answer
from .text import LIST, LIST_AND, SENTENCES, Text

_FT_CASE: Mapping[str, Text] = {
    "verifiable": Text(
        "Train against your checker: a program can tell right answers from wrong ones, prompting "
        "is exhausted and the strongest model still fails at the reasoning, so reinforcement "
        "fine-tuning can reward exactly what you need.",
        "用你们的检查程序来训练：程序能分辨答案对错，提示工程已经用尽，而最强的模型仍在推理上出错，"
        "所以强化微调可以只奖励你们真正需要的结果。",
    ),
    "last_mile": Text(
        "Fine-tune for the last mile of accuracy: your best prompt is close to the target but has "
        "stopped improving, and training on examples can buy the last few points.",
        "为最后几个百分点的准确率做微调：你最好的提示已接近目标但不再提升，用示例训练可以补上这最后几个百分点。",
    ),
    "distill": Text(
        "Fine-tune a small model to take over this one task: the large model does the job but is "
        "too slow or too expensive at your volume. Aim to match it on your eval set at a fraction "
        "of the cost, trained on its outputs.",
        "微调一个小模型来接手这一项任务：大模型能完成任务，但在你的请求量下太慢或太贵。目标是用大模型的输出训练小模型，"
        "让它在评测集上达到大模型的水平，而成本只是其一小部分。",
    ),
    "voice": Text(
        "Fine-tune on samples of the voice you want: its many small habits are hard to put into a "
        "prompt, and a fine-tune learns them from examples.",
        "用目标风格的样本做微调：这种风格有许多难以写进提示的细微习惯，而微调能从示例中学会它们。",
    ),
    "decision": Text(
        "Fine-tune on examples of the decision: its rules are hard to state, so examples teach it "
        "better than instructions.",
        "用决策示例做微调：这些规则很难说清楚，用示例来教比用指令更有效。",
    ),
    "decision_stated": Text(
        "Fine-tune on examples of the right decisions: after extensive prompting the model still "
        "gets them wrong, and examples can teach what instructions have not.",
        "用正确决策的示例做微调：经过大量提示优化，模型仍会做错这些决策，而示例能教会指令没能教会的东西。",
    ),
    "mapping": Text(
        "Fine-tune on labelled examples so the model learns your input-to-label mapping: "
        "classification is one of the tasks where fine-tuning works well.",
        "用带标注的示例做微调，让模型学会你们从输入到标签的映射：分类正是微调效果很好的任务之一。",
    ),
    "pattern": Text(
        "Fine-tune to make the output pattern consistent: a fixed format, style or input-to-output "
        "mapping is what fine-tuning teaches well.",
        "通过微调让输出模式保持一致：固定的格式、风格或输入到输出的映射，正是微调擅长教的东西。",
    ),
}

# What fine-tuning does in "RAG and fine-tuning", as a verb phrase.
_RFT_CASE: Mapping[str, Text] = {
    "verifiable": Text(
        "trains the reasoning against your checker", "以你们的检查程序为奖励训练推理"
    ),
    "last_mile": Text("buys the last few points of accuracy", "补上最后几个百分点的准确率"),
    "distill": Text(
        "lets a small model take over at lower cost and latency",
        "让一个小模型以更低的成本和延迟接手",
    ),
    "voice": Text("teaches the voice you want", "教会模型你想要的说话风格"),
    "decision": Text(
        "teaches the decision that instructions could not", "教会模型指令没能教会的决策"
    ),
    "mapping": Text("teaches your input-to-label mapping", "教会模型从输入到标签的映射"),
    "pattern": Text("makes the output pattern consistent", "让输出模式保持一致"),
}

_PROBLEMS: Mapping[str, Text] = {
    "data_quality": Text("fix the wrong examples", "修正错误的示例"),
    "data_diversity": Text("add variety", "增加多样性"),
    "edge_cases": Text("add hard, malformed cases", "补充困难和格式错误的案例"),
}


def _join(parts: list[Text]) -> Text:
    if len(parts) == 1:
        return parts[0]
    return Text.join(parts, LIST, LIST_AND)


_MEANWHILE_PROMPT = Text(
    "Until then, keep your best prompt and improve it from its failures.",
    "在此之前，继续使用你最好的提示，并根据失败案例改进它。",
)


def summary(
    rec: Rec, answers: Mapping[str, Answer], path: str | None, unsettled: bool = False
) -> Text:
    """The headline. `unsettled`: it follows "Measure first" (the baseline's interval contains
    the target), so it says what to do meanwhile."""
    text = _summary(rec, answers, path, unsettled)
    if unsettled and text is not _MEANWHILE_PROMPT:
        return Text(f"Meanwhile: {text.en}", f"在此期间：{text.zh}")
    return text


def _summary(rec: Rec, answers: Mapping[str, Answer], path: str | None, unsettled: bool) -> Text:
    if rec is Rec.FT:
        if answers["failure_mode"] == "format" and answers["task_type"] in STRICT_FORMAT_TASKS:
            return Text(
                "Turn on structured outputs first; if outputs that match the schema are still wrong, "
                "fine-tune on examples of the right output, a pattern fine-tuning teaches well.",
                "先开启结构化输出；如果符合 Schema 的输出仍然是错的，再用正确输出的示例做微调，这正是微调擅长教的模式。",
            )
        if path == "decision" and answers["spec_clarity"] != "implicit":
            return _FT_CASE["decision_stated"]
        return _FT_CASE[path or "pattern"]
    if rec is Rec.RFT:
        case = _RFT_CASE[path or "pattern"]
        return Text(
            f"Use both: retrieval supplies the knowledge at run time, and fine-tuning {case.en}. "
            "Build and measure retrieval first; fine-tune only what retrieval cannot fix.",
            f"两者结合：检索在运行时提供知识，微调{case.zh}。先搭好检索并评测，再只针对检索解决不了的部分做微调。",
        )
    if rec is Rec.RAG:
        if answers["knowledge_source"] == "realtime":
            parts = [
                Text(
                    "Give the model the facts at run time: fetch the live data when the question is "
                    "asked (a search or an API call) and put it into the prompt.",
                    "在运行时把事实交给模型：在提问时获取实时数据（搜索或 API 调用），放进提示里。",
                )
            ]
        elif answers["knowledge_form"] == "code":
            parts = [
                Text(
                    "Give the model your code at run time: retrieve the files and symbols the request "
                    "needs from an index of the repository and put them into the prompt.",
                    "在运行时把代码交给模型：从代码仓库的索引中检索这次请求需要的文件和符号，放进提示里。",
                )
            ]
        elif answers["knowledge_form"] == "database":
            parts = [
                Text(
                    "Give the model your database at run time: the schema, column descriptions and "
                    "verified example queries for the tables the question needs.",
                    "在运行时把数据库交给模型：提供问题所需表的结构、列说明和经过验证的示例查询。",
                )
            ]
        elif answers["knowledge_source"] == "general":
            parts = [
                Text(
                    "Give the model the facts at run time: search a document collection or the web and "
                    "put the relevant passages into the prompt.",
                    "在运行时把事实交给模型：检索文档库或网络，把相关段落放进提示。",
                )
            ]
        else:
            parts = [
                Text(
                    "Give the model the knowledge at run time: search your documents and put the "
                    "relevant passages into the prompt.",
                    "在运行时把知识交给模型：检索你的文档，把相关段落放进提示。",
                )
            ]
        if answers["knowledge_source"] in {"private_changing", "realtime"}:
            parts.append(
                Text(
                    "Facts stay current when the sources change, which no fine-tune can do.",
                    "来源一更新，事实就随之更新，这是任何微调都做不到的。",
                )
            )
        if answers["needs_citations"] == "yes":
            parts.append(
                Text(
                    "Every answer can point to the passage it came from.",
                    "每个回答都能指出它依据的段落。",
                )
            )
        return Text.join(parts, SENTENCES)
    if rec is Rec.ID:
        problems = data_problems(answers)
        if answers["example_count"] == "none":
            fix = Text(
                "collect real examples (there is nothing to train on yet)",
                "收集真实示例（目前还没有可以训练的数据）",
            )
        elif answers["data_quality"] == "noisy":
            fix = Text(
                "clean out the errors (a model fine-tuned on them learns them)",
                "清除其中的错误（用这些数据微调，模型会把错误一并学会）",
            )
        else:
            fix = _join([_PROBLEMS[q] for q in problems])
        return Text(
            f"Fine-tuning may well fit this task, but the data is not ready. First {fix.en}; then "
            "reassess.",
            f"这个任务也许很适合微调，但数据还没准备好。请先{fix.zh}，然后再重新评估。",
        )
    if rec is Rec.AW:
        if answers["failure_mode"] == "format" and answers["task_type"] not in STRICT_FORMAT_TASKS:
            return Text(
                "Fix the layout rather than the logic: give the answer a fixed structure (structured "
                "outputs or a template), check each output before it is shown, and keep the steps "
                "that already get it right.",
                "要修的是版式而不是逻辑：给答案一个固定的结构（结构化输出或模板），在展示前检查每个输出，并保留已经做对的步骤。",
            )
        if answers["failure_mode"] == "reasoning" or (
            answers["task_type"] == "reasoning" and answers["failure_mode"] != "none"
        ):
            return Text(
                "Break the task into steps the model can do reliably, with tools for what it does "
                "poorly and a check at the end: multi-step logic improves from structure, not from "
                "training.",
                "把任务拆成模型能可靠完成的步骤，为它不擅长的部分提供工具，并在最后加一道检查：多步逻辑靠结构改进，而不是靠训练。",
            )
        if answers["prompting_effort"] == "extensive":
            return Text(
                "Restructure the workflow rather than train: separate the decision from the action, "
                "validate each step, and route hard cases to a stronger model or a person.",
                "重新组织工作流，而不是训练：把决策和执行分开，校验每一步，并把困难的案例交给更强的模型或人工处理。",
            )
        if answers["task_type"] == "tool_use":
            return Text(
                "Wrap the model in a simple agentic workflow: plan, call the tool, and check the "
                "call against your rules before it is acted on.",
                "用简单的智能体工作流包装模型：先规划，再调用工具，并在执行之前按你的规则检查这次调用。",
            )
        return Text(
            "Break the task into a few checked steps, one focused prompt each: structure closes a "
            "large gap faster than training.",
            "把任务拆成几个带检查的步骤，每一步用一个专注的提示：要弥补较大的差距，结构比训练更快。",
        )
    # Better prompting
    reached = answers["failure_mode"] == "none" or baseline_gap(answers) == "meets_target"
    if reached and answers["cost_pressure"] == "blocking":
        return Text(
            "The quality is there but the speed or cost is not: before any training, try the same "
            "prompt on a smaller or faster model, a shorter prompt and caching, measured on an eval "
            "set.",
            "质量已经达标，但速度或成本不达标：在任何训练之前，先在更小或更快的模型上试用同样的提示，缩短提示并使用缓存，"
            "并在评测集上衡量效果。",
        )
    if knowledge_in_prompt(answers) == "yes":
        if answers["failure_mode"] == "format":
            return Text(
                "Keep your documents in the prompt instead of building a search index: they fit in "
                "a long-context prompt, and prompt caching makes that cheap. The format failure is "
                "fixed apart: ask for structured output and let your app render it.",
                "把文档留在提示里，而不是建检索索引：它们能放进长上下文提示，提示缓存让这样做很便宜。"
                "格式问题单独解决：要求结构化输出，再由你们的应用来渲染。",
            )
        return Text(
            "Keep your documents in the prompt instead of building a search index: they fit in a "
            "long-context prompt, prompt caching makes that cheap, and the model sees every passage "
            "on every call.",
            "把文档留在提示里，而不是建检索索引：它们能放进长上下文提示，提示缓存让这样做很便宜，模型每次调用都能看到全部内容。",
        )
    if reached:
        return Text(
            "What you have may already be enough: keep the prompt, and guard it with an eval set "
            "rather than investing in training.",
            "现有的方案可能已经够用：保留这个提示，并用评测集守住质量，而不是投入训练。",
        )
    if answers["prompting_effort"] == "none":
        return Text(
            "Start with a careful prompt and an eval set to measure it: it is the cheapest thing "
            "to try and the easiest to maintain, and most teams that fine-tune could have stopped "
            "there.",
            "先写一个认真设计的提示，并用评测集衡量它：这是成本最低、最容易维护的做法，大多数做微调的团队本可以就此止步。",
        )
    if answers["failure_mode"] == "format" and answers["task_type"] in STRICT_FORMAT_TASKS:
        return Text(
            "Constrain the output with structured outputs and a JSON schema, then improve the "
            "prompt: a strict format needs no training.",
            "用结构化输出和 JSON Schema 约束输出，再改进提示：严格的格式不需要训练。",
        )
    if answers["failure_mode"] == "format" and answers["task_type"] == "reasoning":
        return Text(
            "The answers are right but the layout breaks: fix the layout, not the logic. Give the "
            "answer a fixed template or structured output, show a few examples of the layout, and "
            "check that each output renders before it is shown.",
            "答案是对的，但版式会乱：要修的是版式，不是逻辑。给答案一个固定的模板或结构化输出，给出几个版式示例，并在展示前检查每个输出都能正确渲染。",
        )
    if answers["prompting_effort"] == "extensive" and unsettled:
        return _MEANWHILE_PROMPT
    if answers["prompting_effort"] == "extensive":
        return Text(
            "Keep improving the prompt from its failures rather than train: nothing in your answers "
            "makes the case for fine-tuning yet. Group the failing cases and fix the commonest kinds "
            "first.",
            "继续根据失败案例改进提示，而不是训练：你的答案中还没有支持微调的理由。先把失败案例归类，从最常见的几类改起。",
        )
    return Text(
        "Take the prompt further before anything else: clearer instructions, a written SOP, a few "
        "good examples, and an eval set to measure every change.",
        "先把提示做得更好：更清晰的指令、写成文字的 SOP、几个好的示例，再用一套评测集衡量每一次修改。",
    )
