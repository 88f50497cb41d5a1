"""The verdict's headline: what to do and why, in words that fit the answers given.

One recommendation can be right for different reasons (fine-tuning for the last mile of
accuracy is not fine-tuning to replace a large model at scale), so the summary follows the case
that decided it and never claims what the answers contradict.
"""

from __future__ import annotations

from collections.abc import Mapping

from .advice import STRICT_FORMAT_TASKS
from .approaches import Rec
from .conditions import baseline_gap, data_problems, knowledge_in_prompt, quality_reached
from .questionnaire import Answer
from .text import LIST, LIST_AND, SENTENCES, Text

_FT_CASE: Mapping[str, Text] = {
    "verifiable": Text(
        "Train against your checker: a program can tell right answers from wrong ones, prompting "
        "is exhausted and the strongest model you measured still gets answers wrong, so "
        "reinforcement fine-tuning can reward exactly what you need."
    ),
    "last_mile": Text(
        "Fine-tune for the last mile of accuracy: your best prompt is close to the target but has "
        "stopped improving, and training on examples can buy the last few points."
    ),
    "distill": Text(
        "Fine-tune a small model to take over this task: the large model does the job but is "
        "too slow or too expensive at your volume. Aim to match it on your eval set at a fraction "
        "of the cost, trained on its outputs."
    ),
    # The same case when the volume is low: speed or cost matter for another reason (real-time
    # latency, cost pressure, a quick payback), so nothing is said of the volume.
    "distill_low_volume": Text(
        "Fine-tune a small model to take over this task: the large model does the job, and a "
        "small one trained on its outputs can match it on your eval set at a fraction of the cost "
        "and latency."
    ),
    # The same case on the team's word alone: quality called acceptable, nothing measured.
    "distill_unmeasured": Text(
        "Measure the large model on an eval set, then fine-tune a small model to take over this "
        "task: you call its quality acceptable, and a small model trained on its outputs can match "
        "it at a fraction of the cost and latency, but only a measured score shows what to match."
    ),
    "voice": Text(
        "Fine-tune on samples of the voice you want: its many small habits are hard to put into a "
        "prompt, and a fine-tune learns them from examples."
    ),
    "decision": Text(
        "Fine-tune on examples of the decision: its rules are hard to state, so examples teach it "
        "better than instructions."
    ),
    "decision_stated": Text(
        "Fine-tune on examples of the right decisions: after extensive prompting the model still "
        "gets them wrong, and examples can teach what instructions have not."
    ),
    "mapping": Text(
        "Fine-tune on labelled examples so the model learns your input-to-label mapping: "
        "classification is one of the tasks where fine-tuning works well."
    ),
    "pattern": Text(
        "Fine-tune to make the output pattern consistent: a fixed format, style or input-to-output "
        "mapping is what fine-tuning teaches well."
    ),
}

# What fine-tuning does in "RAG and fine-tuning", as a verb phrase.
_RFT_CASE: Mapping[str, Text] = {
    "verifiable": Text("trains the reasoning against your checker"),
    "last_mile": Text("buys the last few points of accuracy"),
    "distill": Text("lets a small model take over at lower cost and latency"),
    "voice": Text("teaches the voice you want"),
    "decision": Text("teaches the decision that instructions could not"),
    "mapping": Text("teaches your input-to-label mapping"),
    "pattern": Text("makes the output pattern consistent"),
}

_PROBLEMS: Mapping[str, Text] = {
    "data_quality": Text("fix the wrong examples"),
    "data_diversity": Text("add variety"),
    "edge_cases": Text("add hard, malformed cases"),
}


def _join(parts: list[Text]) -> Text:
    if len(parts) == 1:
        return parts[0]
    return Text.join(parts, LIST, LIST_AND)


_MEANWHILE_PROMPT = Text("Until then, keep your best prompt and improve it from its failures.")
# The same, when the model the prompt runs on can't ship at its speed or cost: no prompt is kept.
_MEANWHILE_PROMPT_COST = Text(
    "Until then, improve your best prompt from its failures and try it on a smaller or faster "
    "model: the current one is too slow or too expensive to ship."
)
_MEANWHILE = (_MEANWHILE_PROMPT, _MEANWHILE_PROMPT_COST)


def summary(
    rec: Rec,
    answers: Mapping[str, Answer],
    path: str | None,
    unsettled: bool = False,
    method: str | None = None,
) -> Text:
    """The headline. `unsettled`: it follows "Measure first" (the baseline's interval contains
    the target), so it says what to do meanwhile. `method`: the verdict's method key."""
    text = _summary(rec, answers, path, unsettled, method)
    if unsettled and not any(text is meanwhile for meanwhile in _MEANWHILE):
        return Text("Meanwhile: {text}", text=text)
    return text


def _summary(
    rec: Rec, answers: Mapping[str, Answer], path: str | None, unsettled: bool, method: str | None
) -> Text:
    if rec is Rec.FT:
        if answers["failure_mode"] == "format" and answers["task_type"] in STRICT_FORMAT_TASKS:
            return Text(
                "Turn on structured outputs first; if outputs that match the schema are still wrong, "
                "fine-tune on examples of the right output, a pattern fine-tuning teaches well."
            )
        if path == "decision" and answers["spec_clarity"] != "implicit":
            return _FT_CASE["decision_stated"]
        if path == "distill" and baseline_gap(answers) != "meets_target":
            return _FT_CASE["distill_unmeasured"]
        if path == "distill" and answers["volume"] not in {"medium", "high"}:
            return _FT_CASE["distill_low_volume"]
        return _FT_CASE[path or "pattern"]
    if rec is Rec.RFT:
        if path == "distill" and baseline_gap(answers) != "meets_target":
            # On the team's word alone: the large model is measured before it teaches.
            return Text(
                "Use both: retrieval supplies the knowledge at run time, and once the large model "
                "is measured at your target on your eval set, fine-tuning lets a small model take "
                "over at lower cost and latency. Build and measure retrieval first; fine-tune only "
                "what retrieval cannot fix."
            )
        case = _RFT_CASE[path or "pattern"]
        return Text(
            "Use both: retrieval supplies the knowledge at run time, and fine-tuning {case}. "
            "Build and measure retrieval first; fine-tune only what retrieval cannot fix.",
            case=case,
        )
    if rec is Rec.RAG:
        if answers["knowledge_source"] == "realtime":
            parts = [
                Text(
                    "Give the model the facts at run time: fetch the live data when the question is "
                    "asked (a search or an API call) and put it into the prompt."
                )
            ]
        elif answers["knowledge_form"] == "code":
            parts = [
                Text(
                    "Give the model your code at run time: retrieve the files and symbols the request "
                    "needs from an index of the repository and put them into the prompt."
                )
            ]
        elif answers["knowledge_form"] == "database":
            parts = [
                Text(
                    "Give the model your database at run time: the schema, column descriptions and "
                    "verified example queries for the tables the question needs."
                )
            ]
        elif answers["knowledge_source"] == "general":
            parts = [
                Text(
                    "Give the model the facts at run time: search a document collection or the web and "
                    "put the relevant passages into the prompt."
                )
            ]
        else:
            parts = [
                Text(
                    "Give the model the knowledge at run time: search your documents and put the "
                    "relevant passages into the prompt."
                )
            ]
        if answers["knowledge_source"] in {"private_changing", "realtime"}:
            parts.append(
                Text("Facts stay current when the sources change, which no fine-tune can do.")
            )
        if answers["needs_citations"] == "yes":
            parts.append(Text("Every answer can point to the passage it came from."))
        return Text.join(parts, SENTENCES)
    if rec is Rec.ID:
        problems = data_problems(answers)
        if answers["example_count"] == "none" and method == "distillation":
            # The large model writes a distillation's training set: what is missing is that set,
            # or, before it, the measurement that shows the model can (no model below the target
            # can teach one).
            if baseline_gap(answers) == "meets_target":
                fix = Text(
                    "build the training set: run the large model on real inputs and keep the "
                    "outputs you would accept"
                )
            else:
                fix = Text(
                    "measure the large model on real cases (its outputs would be the training "
                    "data, so it must be shown to meet your target)"
                )
        elif answers["example_count"] == "none":
            fix = Text("collect real examples (there is nothing to train on yet)")
        elif answers["data_quality"] == "noisy":
            fix = Text("clean out the errors (a model fine-tuned on them learns them)")
        else:
            fix = _join([_PROBLEMS[q] for q in problems])
        return Text(
            "Fine-tuning may well fit this task, but the data is not ready. First {fix}; "
            "then reassess.",
            fix=fix,
        )
    if rec is Rec.AW:
        if answers["failure_mode"] == "format" and answers["task_type"] not in STRICT_FORMAT_TASKS:
            return Text(
                "Fix the layout rather than the logic: give the answer a fixed structure (structured "
                "outputs or a template), check each output before it is shown, and keep the steps "
                "that already get it right."
            )
        if answers["failure_mode"] == "reasoning" or (
            answers["task_type"] == "reasoning" and answers["failure_mode"] != "none"
        ):
            return Text(
                "Break the task into steps the model can do reliably, with tools for what it does "
                "poorly and a check at the end: multi-step logic improves from structure, not from "
                "training."
            )
        if (
            answers["prompting_effort"] == "extensive"
            and answers.get("strongest_model_tried") == "yes"
        ):
            # The strongest model the team could use is measured: no stronger one to route to.
            return Text(
                "Restructure the workflow rather than train: separate the decision from the action, "
                "validate each step, and route hard cases to a person."
            )
        if answers["prompting_effort"] == "extensive":
            return Text(
                "Restructure the workflow rather than train: separate the decision from the action, "
                "validate each step, and route hard cases to a stronger model or a person."
            )
        if answers["task_type"] == "tool_use":
            return Text(
                "Wrap the model in a simple agentic workflow: plan, call the tool, and check the "
                "call against your rules before it is acted on."
            )
        return Text(
            "Break the task into a few checked steps, one focused prompt each: structure closes a "
            "large gap faster than training."
        )
    # Better prompting
    # A baseline at the target on too few cases to tell (unsettled) is not quality reached, nor
    # is quality called acceptable against a measured baseline below the target.
    reached = quality_reached(answers) == "yes"
    if reached and answers["cost_pressure"] == "blocking":
        return Text(
            "The quality is there but the speed or cost is not: before any training, try the same "
            "prompt on a smaller or faster model, a shorter prompt and caching, measured on an eval "
            "set."
        )
    if knowledge_in_prompt(answers) == "yes":
        if answers["failure_mode"] == "format":
            return Text(
                "Keep your documents in the prompt instead of building a search index: they fit in "
                "a long-context prompt, and prompt caching makes that cheap. The format failure is "
                "fixed apart: ask for structured output and let your app render it."
            )
        return Text(
            "Keep your documents in the prompt instead of building a search index: they fit in a "
            "long-context prompt, prompt caching makes that cheap, and the model sees every passage "
            "on every call."
        )
    if reached and answers["prompting_effort"] == "none":
        return Text(
            "What you have may already be enough, with no prompt work yet: write down the model "
            "and the call you judged, and guard them with an eval set rather than investing in "
            "training."
        )
    if reached:
        return Text(
            "What you have may already be enough: keep the prompt, and guard it with an eval set "
            "rather than investing in training."
        )
    if answers["prompting_effort"] == "none":
        return Text(
            "Start with a careful prompt and an eval set to measure it: it is the cheapest thing "
            "to try and the easiest to maintain, and most teams that fine-tune could have stopped "
            "there."
        )
    if answers["failure_mode"] == "format" and answers["task_type"] in STRICT_FORMAT_TASKS:
        return Text(
            "Constrain the output with structured outputs and a JSON schema, then improve the "
            "prompt: a strict format needs no training."
        )
    if answers["failure_mode"] == "format" and answers["task_type"] == "reasoning":
        return Text(
            "The answers are right but the layout breaks: fix the layout, not the logic. Give the "
            "answer a fixed template or structured output, show a few examples of the layout, and "
            "check that each output renders before it is shown."
        )
    if answers["prompting_effort"] == "extensive" and unsettled:
        if answers["cost_pressure"] == "blocking":
            return _MEANWHILE_PROMPT_COST
        return _MEANWHILE_PROMPT
    if answers["prompting_effort"] == "extensive":
        return Text(
            "Keep improving the prompt from its failures rather than train: nothing in your answers "
            "makes the case for fine-tuning yet. Group the failing cases and fix the commonest kinds "
            "first."
        )
    return Text(
        "Take the prompt further before anything else: clearer instructions, a written SOP, a few "
        "good examples, and an eval set to measure every change."
    )
