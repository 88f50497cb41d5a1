"""The six things a team can do, from the simplest to the most work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .text import Text


@dataclass(frozen=True, slots=True)
class Approach:
    key: str
    label: Text
    # The verdict's headline: what to do and why, in plain words.
    summary: Text


APPROACHES: Mapping[str, Approach] = MappingProxyType({
    a.key: a
    for a in (
        Approach(
            "prompt_engineering",
            Text("Better prompting", "改进提示工程"),
            Text(
                "Improve the prompt before anything else: clearer instructions, a written SOP, a few "
                "good examples, and an eval set to measure every change. It is the cheapest thing to "
                "try and the easiest to maintain, and most teams that fine-tune could have stopped here.",
                "先把提示做好：更清晰的指令、写成文字的 SOP、几个好的示例，再用一套评测集衡量每一次修改。"
                "这是成本最低、最容易维护的做法；大多数做了微调的团队其实在这一步就可以停下。",
            ),
        ),
        Approach(
            "agentic_workflow",
            Text("A simple agentic workflow", "简单的智能体工作流"),
            Text(
                "Break the task into steps the model can do reliably, give it tools, and add a check "
                "before anything is acted on. Multi-step logic and tool choices improve more from "
                "structure than from training.",
                "把任务拆成模型能可靠完成的若干步骤，给它工具，并在执行之前加一道检查。"
                "多步逻辑和工具选择更多靠结构来改进，而不是靠训练。",
            ),
        ),
        Approach(
            "rag",
            Text("Retrieval-augmented generation (RAG)", "检索增强生成（RAG）"),
            Text(
                "Give the model the knowledge at run time: search your documents and put the relevant "
                "passages into the prompt. Facts stay current when the documents change, and every "
                "answer can point to its source; fine-tuning would not reliably teach the facts.",
                "在运行时把知识交给模型：检索你的文档，把相关段落放进提示。文档更新，事实随之更新，"
                "每个回答都能指出出处；而微调并不能可靠地让模型记住这些事实。",
            ),
        ),
        Approach(
            "fine_tune",
            Text("Fine-tune a model", "微调模型"),
            Text(
                "Fine-tune on your examples, for instance with LoRA on a small (13B or fewer "
                "parameters) open-weights model or with a provider's fine-tuning. Your task is a "
                "pattern (a format, a style, a decision) that prompting has not captured, and that is "
                "what fine-tuning teaches well.",
                "用你的示例进行微调，例如在 13B 及以下参数的开源权重小模型上做 LoRA，或使用服务商的微调服务。"
                "你的任务是提示工程没能掌握的一种模式（格式、风格或决策），这正是微调擅长教的东西。",
            ),
        ),
        Approach(
            "rag_and_fine_tune",
            Text("RAG and fine-tuning together", "RAG 与微调结合"),
            Text(
                "Use both: retrieval supplies the knowledge at run time, and fine-tuning teaches the "
                "pattern (format, style or decision) that prompting could not. Build and measure "
                "retrieval first; fine-tune only the part retrieval cannot fix.",
                "两者结合：检索在运行时提供知识，微调教会提示工程没能掌握的模式（格式、风格或决策）。"
                "先搭好检索并评测，再只针对检索解决不了的部分做微调。",
            ),
        ),
        Approach(
            "improve_data",
            Text("Fix the data first", "先改进数据"),
            Text(
                "Fine-tuning may well fit your task, but the data is not ready: garbage in, garbage out. "
                "Clean, diversify and complete the examples first, keep your best prompt in production "
                "meanwhile, then reassess.",
                "你的任务也许适合微调，但数据还没准备好：垃圾进，垃圾出。先清洗数据、提高多样性、补齐示例，"
                "期间继续使用最好的提示，然后再重新评估。",
            ),
        ),
    )
})

APPROACH_KEYS: tuple[str, ...] = tuple(APPROACHES)

# When two approaches score the same, the simpler one wins: less to build, less to maintain.
SIMPLICITY_ORDER: tuple[str, ...] = (
    "prompt_engineering",
    "agentic_workflow",
    "rag",
    "improve_data",
    "fine_tune",
    "rag_and_fine_tune",
)
