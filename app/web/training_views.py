"""What the plan partial and the providers page show: the plan of an assessment, its charts,
and the numbers worded for people (hours, gigabytes, dollar ranges)."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.decision import providers
from app.training import chart, serving
from app.training.configs import CONFIG_FILES
from app.training.plan import build_plan, localize
from app.web.i18n import N_, translate

GPU_SHORT = {
    "rtx4090-24gb": "RTX 4090 24GB",
    "a100-80gb": "A100 80GB",
    "h100-80gb": "H100 80GB",
}
METHOD_SHORT = {"lora": N_("LoRA"), "qlora": N_("QLoRA"), "full": N_("full fine-tuning")}
ROW_LABEL = N_("%(model)s · %(gpu)s (%(method)s)")


def plan_of(assessment: Any) -> dict[str, Any] | None:
    """The plan for a finished assessment, or None for verdicts that get none."""
    verdict = getattr(assessment, "verdict", None)
    if not verdict:
        return None
    written = " ".join(
        filter(None, (getattr(assessment, "title", ""), getattr(assessment, "notes", "")))
    )
    return build_plan(
        assessment.answers or {},
        verdict,
        assessment.data_profile,
        written_in=written,
        costs=getattr(assessment, "cost_inputs", None),
    )


def localized_plan(assessment: Any, lang: str) -> dict[str, Any] | None:
    plan = plan_of(assessment)
    return None if plan is None else localize(plan, lang)


def row_label(candidate: dict[str, Any], row: dict[str, Any], lang: str = "en") -> str:
    """ "Qwen3-8B · A100 80GB (LoRA)", in the language's words and brackets."""
    return translate(lang, ROW_LABEL) % {
        "model": candidate["name"],
        "gpu": GPU_SHORT.get(row["gpu"], row["gpu"]),
        "method": translate(lang, METHOD_SHORT[row["method"]]),
    }


def plan_charts(plan: dict[str, Any], lang: str = "en") -> dict[str, chart.RangeChart]:
    """The memory chart has every row, marked where it does not fit (row["fits"]); the hours and
    cost charts draw only the rows that fit, and their tables say "does not fit" for the others."""
    memory, hours, cost = [], [], []
    for candidate in plan["candidates"]:
        for row in candidate["compute"]:
            key = f"{candidate['key']}:{row['gpu']}"
            label = row_label(candidate, row, lang)
            memory.append(
                {
                    "key": key,
                    "label": label,
                    **row["memory_gb"],
                    "limit": row["gpu_memory_gb"],
                    "over": not row["fits"],
                }
            )
            # A run that does not fit its GPU stops out of memory: no hours or cost to compare,
            # only a table row saying so (the JSON's are null, plan.no_figures_where_it_does_not_fit).
            if not row["fits"]:
                hours.append({"key": key, "label": label, "omitted": True})
                cost.append({"key": key, "label": label, "omitted": True})
                continue
            hours.append({"key": key, "label": label, **row["hours"], "limit": None})
            c = row["cost_usd"]
            cost.append(
                {
                    "key": key,
                    "label": label,
                    "low": c["low"],
                    "expected": c["low"],
                    "high": c["high"],
                    "limit": None,
                }
            )
    return {"memory": chart.build(memory), "hours": chart.build(hours), "cost": chart.build(cost)}


def price_dates(plan: dict[str, Any]) -> tuple[str, str]:
    """The first and last day the plan's GPU prices were published on (one day: the same twice)."""
    dates = [row["prices_as_of"] for c in plan["candidates"] for row in c["compute"]]
    return min(dates), max(dates)


def compute_assumptions(plan: dict[str, Any]) -> list[str]:
    """What the compute rows include (each row's `assumptions`, localized), each text once, in
    the rows' order: the same for most rows, so one short paragraph under the charts."""
    seen: list[str] = []
    for c in plan["candidates"]:
        for row in c["compute"]:
            for text in row.get("assumptions", ()):
                if text not in seen:
                    seen.append(text)
    return seen


def hours_text(value: float, lang: str) -> str:
    """ "0" (an axis's zero), "12 min", "3.4 h", "41 h" (or 分钟/小时)."""
    if value <= 0:
        return "0"
    if value < 1:
        minutes = max(1, round(value * 60))
        return f"{minutes} 分钟" if lang == "zh" else f"{minutes} min"
    text = f"{value:.1f}" if value < 10 else f"{value:,.0f}"
    return f"{text} 小时" if lang == "zh" else f"{text} h"


def dollars(value: float) -> str:
    if value <= 0:
        return "$0"
    if value < 0.01:
        return "< $0.01"
    if value < 100:
        return f"${value:,.2f}"
    return f"${value:,.0f}"


def gigabytes(value: float) -> str:
    return f"{value:,.1f} GB"


def provider_rows(lang: str, today: date | None = None) -> list[dict[str, Any]]:
    today = today or date.today()
    return [
        {
            **p.to_dict(lang, today),
            # new_jobs_until is the first day without jobs: past, or still to come.
            "jobs_ended": p.new_jobs_until is not None and p.new_jobs_until <= today,
            "kind_label": providers.KIND_LABELS[p.kind].get(lang),
            "method_labels": [providers.METHOD_LABELS[m].get(lang) for m in p.methods],
        }
        for p in providers.PROVIDERS
    ]


def formatters(lang: str) -> dict[str, Any]:
    """The charts' value formats, for templates: hours in the page's language, dollars, GB; and
    for an axis whose ticks are all whole numbers, dollars and GB without decimals ("$50", not
    "$50.00" beside "$100")."""
    return {
        "hours": lambda value: hours_text(value, lang),
        "usd": dollars,
        "gb": gigabytes,
        "usd_whole": lambda value: f"${value:,.0f}",
        "gb_whole": lambda value: f"{value:,.0f} GB",
        # The serving check's table (_plan_serving.html): milliseconds, short GPU names.
        "ms": lambda value: serving.duration(value / 1000),
        "gpu": lambda key: GPU_SHORT.get(key, key),
    }


PLAN_MD = {
    "heading": N_("Training plan"),
    "method": N_("Method"),
    "data_first": N_("Fix the data first (below); this is the plan for when it is ready."),
    "measured": N_(
        "Sized from your dataset check: %(examples)s examples, %(tokens)s tokens an epoch, 95%% of examples within %(p95)s tokens."
    ),
    "answers": N_(
        "Sized from your answers: %(low)s–%(high)s examples of %(tlow)s–%(thigh)s tokens each, so the figures are wide ranges. Attach a dataset check for figures from your own data."
    ),
    "none_yet_cost_step": N_(
        "You have no examples yet: sized for %(low)s–%(high)s, once written or collected, of %(per)s tokens each (the cost step's input and output tokens a request). Attach a dataset check once you have them."
    ),
    "none_yet": N_(
        "You have no examples yet: sized for %(low)s–%(high)s, once written or collected, of %(tlow)s–%(thigh)s tokens each, so the figures are wide ranges. Attach a dataset check once you have them."
    ),
    "cost_step_basis": N_(
        "Sized from your answers and the cost step: %(low)s–%(high)s examples of %(per)s tokens each (its input and output tokens a request). Attach a dataset check for figures from your own data."
    ),
    "models": N_("Base models to start from"),
    "compute": N_("Memory, hours and cost"),
    "row": N_("Model, GPU and method"),
    "memory": N_("Memory"),
    "hours": N_("Training time"),
    "cost": N_("Cost"),
    "settings": N_("Settings"),
    "setting": N_("Setting"),
    "value": N_("Value"),
    "why": N_("Why"),
    "data": N_("Data"),
    "fix": N_("Fix first"),
    "no_fit": N_("does not fit"),
    "short": N_(
        "You don't have %(needed)s cases to spare: with %(eval)s the smallest gain you can tell from noise is %(gap)s points. Collect more eval cases first, or accept that."
    ),
    "stop": N_("When to stop, when to ship"),
    "configs": N_("A config to start from"),
    "alternative": N_("For the %(gpus)s, which %(lead)s does not fit: %(model)s"),
    "alternative_note": N_(
        "The same plan with its own numbers (%(method)s there). The files have the same names as those above: keep them in a folder of their own."
    ),
    "stage_sft": N_("stage 1, supervised"),
    "providers": N_("Where to run it: see the fine-tuning providers table, %(url)s."),
    "providers_self": N_(
        "Where to run it: on your own GPUs, as your data must stay on your machines, with the "
        "scripts below or another self-hosted stack from the fine-tuning providers table (its "
        "last rows), %(url)s."
    ),
}


def cited(source: Any) -> str:
    """ " [title](url)" after a sentence, as the page links its source; nothing without one."""
    if not isinstance(source, dict) or not source.get("url"):
        return ""
    title = str(source.get("title") or source["url"]).replace("[", "(").replace("]", ")")
    return f" [{title}]({source['url']})"


def plan_markdown(assessment: Any, lang: str, providers_url: str = "/providers") -> list[str]:
    """The plan as a Markdown section of the export; nothing for verdicts without a plan."""
    plan = localized_plan(assessment, lang)
    if plan is None:
        return []

    def t(key: str, **values: Any) -> str:
        text = translate(lang, PLAN_MD[key])
        return text % values if values else text

    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    def stage(setting: dict[str, Any]) -> str:
        """ " (stage 1, supervised)" after a DPO plan's first-stage setting, as the page says."""
        if setting.get("stage") != "sft":
            return ""
        return f"（{t('stage_sft')}）" if lang == "zh" else f" ({t('stage_sft')})"

    tokens = plan["tokens"]
    basis = (
        t(
            "measured",
            examples=f"{tokens['examples']['low']:,}",
            tokens=f"{tokens['tokens_per_epoch']['low']:,}",
            p95=f"{tokens['p95']:,}",
        )
        if tokens["source"] == "measured"
        else t(
            "none_yet_cost_step" if tokens.get("none_yet") else "cost_step_basis",
            low=f"{tokens['examples']['low']:,}",
            high=f"{tokens['examples']['high']:,}",
            per=f"{tokens['per_request']:,}",
        )
        if tokens["source"] == "cost_step"
        else t(
            "none_yet" if tokens.get("none_yet") else "answers",
            low=f"{tokens['examples']['low']:,}",
            high=f"{tokens['examples']['high']:,}",
            tlow=f"{tokens['per_example']['low']:,}",
            thigh=f"{tokens['per_example']['high']:,}",
        )
    )
    zh = lang == "zh"
    colon, stop = ("：", "。") if zh else (": ", ".")
    lines = [f"## {t('heading')}", ""]
    if plan["data_first"]:
        lines += [t("data_first"), ""]
    label = plan["method"]["label"]
    lines += [
        f"**{t('method')}**{colon}{label}{stop}{'' if zh else ' '}{plan['method']['reason']}",
        "",
        basis,
        "",
        t(
            "providers_self"
            if (assessment.answers or {}).get("hosting") == "self_hosted_required"
            else "providers",
            url=providers_url,
        ),
        "",
        f"### {t('models')}",
        "",
    ]
    for c in plan["candidates"]:
        why = ("" if zh else " ").join(c["why"])
        facts = (
            f"{c['params_b']}B，{c['licence']}，上下文 {c['context']:,} 个 token；{c['languages']}"
            if zh
            else f"{c['params_b']}B, {c['licence']}, {c['context']:,} tokens of context; {c['languages']}"
        )
        opening, closing = ("（", "）") if zh else (" (", ")")
        lines.append(f"- **{c['name']}**{opening}{facts}{closing}{colon}{why} {c['card']}")
    lines += [
        "",
        f"### {t('compute')}",
        "",
        f"| {t('row')} | {t('memory')} | {t('hours')} | {t('cost')} |",
        "|---|---:|---:|---:|",
    ]
    for c in plan["candidates"]:
        for row in c["compute"]:
            m, h, cost = row["memory_gb"], row["hours"], row["cost_usd"]
            o, e = ("（", "）") if zh else (" (", ")")
            fits = "" if row["fits"] else f"{'，' if zh else ', '}{t('no_fit')}"
            # A run that does not fit takes no hours and costs nothing there: no figures to
            # compare with the rows that run.
            run = (
                f"| {hours_text(h['expected'], lang)}{o}{hours_text(h['low'], lang)}–{hours_text(h['high'], lang)}{e} "
                f"| {dollars(cost['low'])}–{dollars(cost['high'])} |"
                if row["fits"]
                else f"| {t('no_fit')} | {t('no_fit')} |"
            )
            lines.append(
                f"| {cell(row_label(c, row, lang))} | {gigabytes(m['expected'])}{o}{m['low']:,.1f}–{m['high']:,.1f}{fits}{e} "
                + run
            )
    if included := compute_assumptions(plan):
        lines += ["", ("" if zh else " ").join(included)]
    lines += serving_markdown(plan["serving"], lang)
    lines += [
        "",
        f"### {t('settings')}",
        "",
        f"| {t('setting')} | {t('value')} | {t('why')} |",
        "|---|---|---|",
        *(
            f"| `{s['key']}`{stage(s)} | {cell(s['value'])} | {cell(s['why'])}{cited(s.get('source'))} |"
            for s in plan["settings"]
        ),
        "",
        f"### {t('data')}",
        "",
        "- " + plan["data"]["split"],
        "- " + plan["data"]["calculation"] + cited(plan["data"].get("source")),
        "- " + plan["data"]["files"],
        "- " + plan["data"]["validation"],
        *(["- " + plan["data"]["retrieval"]] if plan["data"].get("retrieval") else []),
        *(
            [
                "- "
                + t(
                    "short",
                    needed=f"{plan['data']['cases_needed']:,}",
                    eval=f"{plan['data']['eval_cases']:,}",
                    gap=round(plan["data"]["detectable_gap"] * 100, 1),
                )
            ]
            if plan["data"]["short"]
            else []
        ),
        *(
            ["- " + ("" if zh else " ").join(plan["data"]["teacher"]["texts"])]
            if plan["data"].get("teacher")
            else []
        ),
        f"- {t('fix')}{colon}" + ("" if zh else " ").join(plan["data"]["fix_first"]),
        "",
        f"### {t('stop')}",
        "",
        *(f"- {item}" for item in plan["stop_and_ship"]),
        "",
        f"### {t('configs')}",
        "",
    ]
    lines += _config_files(plan["configs"])
    for alt in plan.get("alternatives") or []:
        method = translate(lang, METHOD_SHORT[alt["method"]])
        lines += [
            f"#### {t('alternative', gpus=', '.join(alt['gpu_names']), lead=plan['candidates'][0]['name'], model=alt['name'])}",
            "",
            t("alternative_note", method=method),
            "",
            *_config_files(alt["configs"]),
        ]
    return lines


SERVING_MD = {
    "heading": N_("Can it answer in time?"),
    "fixes": N_("What would meet it:"),
    "cost_step": N_("%(input)s input and %(output)s output tokens a request, from the cost step."),
    "measured": N_(
        "%(input)s input and %(output)s output tokens a request: your dataset check's average example."
    ),
    "row": N_("Model · GPU"),
    "ttft": N_("First token"),
    "tpot": N_("Each next token"),
    "total": N_("Whole answer"),
    "meets": N_("In time"),
    "yes": N_("yes"),
    "no": N_("no"),
    "no_fit": N_("does not fit in BF16 (%(memory)s GB)"),
}


def serving_markdown(serving_check: dict[str, Any], lang: str) -> list[str]:
    """The plan's serving check (localized) as the export writes it, as the page shows it:
    nothing when it has neither a sentence nor figures."""
    s = serving_check
    if not (s["summary"] or s["rows"]):
        return []

    def t(key: str, **values: Any) -> str:
        text = translate(lang, SERVING_MD[key])
        return text % values if values else text

    lines = ["", f"### {t('heading')}", ""]
    if s["summary"]:
        lines += [s["summary"], ""]
    if s["fixes"]:
        lines += [t("fixes"), "", *(f"- {fix}" for fix in s["fixes"]), ""]
    if not s["rows"]:
        return lines[:-1]
    timed = bool(s["budget_ms"])
    tokens = {"input": f"{s['tokens']['input']:,}", "output": f"{s['tokens']['output']:,}"}
    head = [t("row"), t("ttft"), t("tpot"), t("total"), *([t("meets")] if timed else [])]
    lines += [
        t("measured" if s["tokens"]["source"] == "measured" else "cost_step", **tokens),
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    ms = formatters(lang)["ms"]
    for r in s["rows"]:
        label = f"{r['name']} · {GPU_SHORT.get(r['gpu'], r['gpu'])}"
        if not r["fits"]:
            lines.append(f"| {label} | {t('no_fit', memory=r['memory_gb'])} |")
            continue
        tpot = "—" if r["tpot_ms"] is None else ms(r["tpot_ms"])
        cells = [ms(r["ttft_ms"]), tpot, ms(r["total_ms"])]
        if timed:
            cells.append(t("yes" if r["meets"] else "no"))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    sources = " ".join(f"[{src['title']}]({src['url']})" for src in s["sources"])
    gap = "" if lang == "zh" else " "
    return [*lines, "", f"{s['assumptions']}{gap}{sources}"]


def _config_files(configs: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in CONFIG_FILES:
        file = configs.get(key)
        if file:
            lines += [
                f"`{file['filename']}`",
                "",
                f"```{file['language']}",
                file["text"].rstrip(),
                "```",
                "",
            ]
    return lines
