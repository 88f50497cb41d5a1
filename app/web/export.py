"""A finished assessment as JSON (the API's record) and as Markdown (for design docs)."""

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from starlette.requests import Request

from app import assessments, comments, decision, manage
from app.costs import numbers
from app.models import Assessment, Comment
from app.web import deps, training_views
from app.web.cost_views import cost_record, payback_words, verdict_cost_view
from app.web.i18n import (
    CHANGE_KINDS,
    CONFIDENCE_LABELS,
    N_,
    STATUS_LABELS,
    format_when,
    source_title,
    translate,
    translations,
)


def verdict_path(request: Request, assessment: Assessment) -> str:
    """The verdict page's path (the API's `url`), from the route's name."""
    return request.url_for("show_verdict", token=assessment.share_token).path


def comment_record(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "author": comment.author,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
    }


def revision_link(
    request: Request, assessment: Assessment | assessments.Neighbour | None, owner: bool = True
) -> dict[str, Any] | None:
    """Another version of the same decision, as the API's record refers to it: its link only for
    owners of the decision; everyone else learns that it exists, its number and date."""
    if assessment is None:
        return None
    return {
        "id": assessment.share_token if owner else None,
        "url": request.url_for("show_verdict", token=assessment.share_token).path
        if owner
        else None,
        "version": assessment.version,
        "finished_at": assessment.finished_at.isoformat() if assessment.finished_at else None,
    }


def full_record(
    request: Request, db, assessment: Assessment, lang: str, *, owner: bool
) -> dict[str, Any]:
    """The API's record with the versions before and after it and its proposed revisions (their
    links only for an `owner` of the decision, who also gets its audit trail), and the training
    plan of a fine-tuning verdict."""
    record = api_record(
        assessment,
        lang,
        verdict_path(request, assessment),
        today=deps.today(request),
        revised_from=revision_link(request, assessments.revised_from(db, assessment), owner),
        superseded_by=revision_link(request, assessments.superseded_by(db, assessment), owner),
        comments=comments.listing(db, assessment.id),
    )
    record["proposals"] = [
        revision_link(request, proposal, owner)
        for proposal in assessments.proposals(db, assessment)
    ]
    record["audit"] = (
        [manage.event_record(event) for event in manage.trail(db, assessment.decision_id)]
        if owner
        else None
    )
    record["plan"] = training_views.localized_plan(assessment, lang)
    return record


def api_record(
    assessment: Assessment,
    lang: str,
    url: str,
    *,
    revised_from: dict[str, Any] | None = None,
    superseded_by: dict[str, Any] | None = None,
    comments: Sequence[Comment] = (),
    today: date | None = None,
) -> dict[str, Any]:
    """The API's record of an assessment; its costs' dated warnings are judged on `today`."""
    return {
        "id": assessment.share_token,
        "url": url,
        "title": assessment.title,
        "team": assessment.team,
        "notes": assessment.notes,
        "answers": assessment.answers,
        "verdict": decision.localize(assessment.verdict, lang),
        "costs": cost_record(assessment.cost_inputs, lang, today),
        "created_at": assessment.created_at.isoformat(),
        "finished_at": assessment.finished_at.isoformat() if assessment.finished_at else None,
        "data_profile": assessment.data_profile,
        "eval_run": assessment.eval_run,
        "status": assessment.status,
        "version": assessment.version,
        "revised_from": revised_from,
        "superseded_by": superseded_by,
        "comments": [comment_record(comment) for comment in comments],
        "is_proposal": assessment.is_proposal,
        "proposals": [],
        "audit": None,
    }


# Capitalised like every other answer. A missing sample size is worded as the verdict words it
# ("isn't given"): the baseline may well be measured, only its count of cases is missing.
NOT_MEASURED = N_("Not measured")
NOT_APPLICABLE = N_("Not applicable")
NOT_GIVEN = N_("Not given")


def answer_label(question_key: str, value: Any, lang: str) -> str:
    """An answer as the questionnaire words it; keys the questionnaire no longer has stay as keys."""
    question = decision.QUESTIONS.get(question_key)
    if value is None or value == "":
        if question is not None and question.kind == "choice":
            return translate(lang, NOT_APPLICABLE)
        if question_key == "baseline_sample_size":
            return translate(lang, NOT_GIVEN)
        return translate(lang, NOT_MEASURED)
    if question is None:
        return str(value)
    if question.key == "baseline_sample_size":
        return translations(lang).ngettext("%(count)s case", "%(count)s cases", value) % {
            "count": f"{value:,}"
        }
    if question.kind == "integer":
        return f"{value}%"
    for option in question.options:
        if option.key == value:
            return option.label.get(lang)
    return str(value)


def question_label(question_key: str, lang: str) -> str:
    question = decision.QUESTIONS.get(question_key)
    return question.label.get(lang) if question else question_key


# Every character that starts or closes Markdown syntax: emphasis, code and fences (` ~), links
# and images, headings (#, and = or - under a line), quotes (>), HTML and autolinks (< &), tables
# (|), bullets (* + -); ordered-list numbers are escaped where they open a line (1. or 1)).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~=&-])")
_ORDERED_ITEM = re.compile(r"^(\s*\d{1,9})\.", re.MULTILINE)


def md(text: str) -> str:
    """User text made inert in Markdown: it renders as the characters typed, never as syntax."""
    return _ORDERED_ITEM.sub(r"\1\\.", _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def md_line(text: str) -> str:
    """One-line user text (title, team) inert in Markdown, each of its lines escaped and joined,
    so a line break stored before control characters were dropped can't start a line of its own."""
    return " ".join(md(line.strip()) for line in text.splitlines())


# Each label carries its own punctuation, so the Chinese can use full-width colons.
MD = {
    "recommendation": N_("Recommendation: %(value)s"),
    "confidence": N_("Confidence: %(value)s"),
    "confidence_because": N_("Confidence: %(value)s. %(reason)s"),
    "team": N_("Team: %(value)s"),
    "decided": N_("Decided: %(when)s, rules version %(version)s"),
    "link": N_("Link: %(url)s"),
    "why": N_("Why"),
    "why_not": N_("Why not “%(approach)s”?"),
    "would_win_if": N_("It would win if:"),
    "source": N_("Source: %(source)s"),
    "warnings": N_("Check these answers"),
    "baseline": N_("Your baseline"),
    "method": N_("Method: %(method)s"),
    "risks": N_("Risks"),
    "next_steps": N_("Next steps"),
    "changes": N_("What would change the verdict"),
    "answers": N_("Answers"),
    "notes": N_("Notes"),
}
CHANGE_SENTENCES = {
    "unsure": N_("If you find that your %(question)s is “%(to)s”:"),
    "actionable": N_("If you move your %(question)s from “%(from)s” to “%(to)s”:"),
    "situation": N_("If your %(question)s were “%(to)s” instead of “%(from)s”:"),
}
# The same conditions after "It would win if", as the verdict page words them.
CHANGE_CONDITIONS = {
    "unsure": N_("you find that your %(question)s is “%(to)s”"),
    "actionable": N_("you move your %(question)s from “%(from)s” to “%(to)s”"),
    "situation": N_("your %(question)s were “%(to)s” instead of “%(from)s”"),
}


def question_name(question_key: str, lang: str) -> str:
    question = decision.QUESTIONS.get(question_key)
    return question.name.get(lang) if question else question_key


def change_condition(change: dict[str, Any], lang: str, wording: dict[str, str]) -> str:
    return translate(lang, wording[change["kind"]]) % {
        "question": question_name(change["question"], lang),
        "to": answer_label(change["question"], change["to"], lang),
        "from": answer_label(change["question"], change["from"], lang),
    }


class ByLanguage(dict):
    """A setting per language; a language without its own takes English's."""

    def __missing__(self, lang: str) -> Any:
        return self["en"]


# Punctuation between the parts of a line: Chinese takes full-width marks and no spaces.
PUNCTUATION = ByLanguage(
    {
        "en": {"space": " ", "colon": ": ", "open": " (", "close": ")"},
        "zh": {"space": "", "colon": "：", "open": "（", "close": "）"},
    }
)


def change_sentence(change: dict[str, Any], lang: str) -> str:
    """One "what would change" entry in words, with the approach it leads to."""
    text = change_condition(change, lang, CHANGE_SENTENCES)
    approach = decision.APPROACHES[change["recommendation"]].label.get(lang)
    return f"{text}{PUNCTUATION[lang]['space']}{approach}"


def citation(source: dict[str, Any], lang: str = "en") -> str:
    title = source_title(source["title"], lang)
    if source.get("author"):
        return f"{source['author']}, {title} ({source['year']})"
    return title


CHAT = {
    "head": N_(
        "Verdict on “%(title)s”: %(recommendation)s (confidence: %(confidence)s; status: %(status)s)"
    ),
    "why": N_("Why:"),
    "next": N_("Next steps:"),
}
# The chat summary's length: at most this many words (Chinese counts two characters a word).
CHAT_WORDS = 90
_SENTENCE_END = ByLanguage({"en": re.compile(r"(?<=[.!?])\s+"), "zh": re.compile(r"(?<=[。！？])")})
_CLAUSE_END = ByLanguage({"en": re.compile(r"(?:: |; | — )"), "zh": re.compile(r"[：；]")})
_HAN = r"\u3400-\u9fff\uf900-\ufaff"  # Chinese characters (CJK ideographs)
_CJK = re.compile(rf"[{_HAN}]")


def summary_words(text: str) -> int:
    """Words as a reader counts them: Latin words, and a word for every two Chinese characters."""
    han = len(_CJK.findall(text))
    latin = len(_CJK.sub(" ", text).split())
    return latin + (han + 1) // 2


def gist(text: str, lang: str, most: int = 16) -> str:
    """An item's first sentence; its first clause when the sentence is long and the clause is not
    too short to stand alone. Ends with a full stop."""
    sentence = _SENTENCE_END[lang].split(text.strip(), maxsplit=1)[0].rstrip(".。!?！？")
    if summary_words(sentence) > most:
        clause = _CLAUSE_END[lang].split(sentence, maxsplit=1)[0]
        if summary_words(clause) >= 5:
            sentence = clause
    return sentence.rstrip(",，") + ("。" if lang == "zh" else ".")


# A word as summary_words counts it: a run of anything but spaces and Chinese characters (a Latin
# word, a number, a closing bracket), or one Chinese character (two make a word).
_TOKEN = re.compile(rf"[{_HAN}]|[^\s{_HAN}]+")


def shorten(text: str) -> str:
    """`text` less its last word (a Latin word, a mark such as a closing bracket, or two Chinese
    characters), with an ellipsis. Always shorter than `text` without its ellipsis and full stop,
    whatever it ends with, so cutting again and again ends."""
    body = text.rstrip("…").rstrip("。.")
    tokens = list(_TOKEN.finditer(body))
    if not tokens:
        return "…"
    last = tokens[-2:] if all(_CJK.fullmatch(t.group()) for t in tokens[-2:]) else tokens[-1:]
    return body[: last[0].start()].rstrip(" ,，、：:；;") + "…"


def chat_summary(assessment: Assessment, lang: str, url: str) -> str:
    """At most 90 words for the team chat: the answer, its confidence and status, the top three
    reasons and the first two next steps, each cut to its gist, and the link."""
    verdict = decision.localize(assessment.verdict, lang)
    head = translate(lang, CHAT["head"]) % {
        "title": assessment.title.strip(),
        "recommendation": decision.APPROACHES[verdict["recommendation"]].label.get(lang),
        "confidence": translate(lang, CONFIDENCE_LABELS[verdict["confidence"]]).lower(),
        "status": translate(lang, STATUS_LABELS[assessment.status]).lower(),
    }
    reasons = [gist(r["text"], lang) for r in verdict["reasons"][:3]]
    steps = [gist(step, lang) for step in verdict["next_steps"][:2]]

    def compose() -> str:
        lines = [head]
        if reasons:
            lines += [
                translate(lang, CHAT["why"]),
                *(f"{n}. {r}" for n, r in enumerate(reasons, 1)),
            ]
        if steps:
            lines += [translate(lang, CHAT["next"]), *(f"{n}. {s}" for n, s in enumerate(steps, 1))]
        return "\n".join([*lines, url])

    text = compose()
    while summary_words(text) > CHAT_WORDS:
        items = [*reasons, *steps]
        longest = max(range(len(items)), key=lambda i: summary_words(items[i]))
        if summary_words(items[longest]) <= 4:
            break
        shortened = shorten(items[longest])
        if shortened == items[longest]:
            break  # nothing left to cut ("…" alone): never loop on it
        if longest < len(reasons):
            reasons[longest] = shortened
        else:
            steps[longest - len(reasons)] = shortened
        text = compose()
    return text


def export_filename(title: str, extension: str) -> tuple[str, str]:
    """A file name after the title: (ASCII fallback, RFC 5987 UTF-8 form) for Content-Disposition."""
    slug = re.sub(r"[^\w]+", "-", title, flags=re.UNICODE).strip("-_").lower()[:80] or "verdict"
    ascii_slug = (
        re.sub(
            r"[^a-z0-9]+",
            "-",
            unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode().lower(),
        ).strip("-")
        or "verdict"
    )
    return f"{ascii_slug}.{extension}", quote(f"{slug}.{extension}")


def content_disposition(title: str, extension: str) -> str:
    fallback, encoded = export_filename(title, extension)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def verdict_markdown(assessment: Assessment, lang: str, url: str, today: date | None = None) -> str:
    verdict = decision.localize(assessment.verdict, lang)

    def t(key: str, **values: Any) -> str:
        text = translate(lang, MD[key])
        return text % values if values else text

    def label(key: str) -> str:
        return decision.APPROACHES[key].label.get(lang)

    confidence = translate(lang, CONFIDENCE_LABELS[verdict["confidence"]])
    lines = [
        f"# {md_line(assessment.title)}",
        "",
        t("recommendation", value=f"**{label(verdict['recommendation'])}**") + "  ",
        (
            t("confidence_because", value=confidence, reason=verdict["confidence_reason"])
            if verdict.get("confidence_reason")
            else t("confidence", value=confidence)
        )
        + "  ",
    ]
    if assessment.team:
        lines.append(t("team", value=md_line(assessment.team)) + "  ")
    lines += [
        t(
            "decided",
            when=format_when(assessment.finished_at, lang),
            version=f"`{verdict['rules_version']}`",
        )
        + "  ",
        t("link", url=url),
        "",
        verdict["summary"],
        "",
        f"## {t('why')}",
        "",
    ]
    for n, reason in enumerate(verdict["reasons"], 1):
        sources = ", ".join(
            f"[{citation(s, lang)}]({s['url']})"
            for s in [reason["source"], *reason["more_sources"]]
        )
        measured = "".join(f" [{m}]" for m in reason.get("measured", []))
        p = PUNCTUATION[lang]
        lines.append(
            f"{n}. {reason['text']}{measured}{p['open']}{t('source', source=sources)}{p['close']}"
        )
    if verdict.get("method"):
        lines += [
            "",
            f"## {t('method', method=decision.METHODS_BY_KEY[verdict['method']].label.get(lang))}",
        ]
        if verdict.get("method_reason"):
            sources = ", ".join(
                f"[{citation(s, lang)}]({s['url']})" for s in verdict["method_sources"]
            )
            p = PUNCTUATION[lang]
            source = f"{p['open']}{t('source', source=sources)}{p['close']}" if sources else ""
            lines += ["", f"{verdict['method_reason']}{source}"]
    if verdict["warnings"]:
        lines += ["", f"## {t('warnings')}", "", *(f"- {w}" for w in verdict["warnings"])]
    if verdict.get("baseline"):
        lines += ["", f"## {t('baseline')}", "", verdict["baseline"]["note"]]
    lines += [
        "",
        f"## {t('next_steps')}",
        "",
        *(f"{n}. {step}" for n, step in enumerate(verdict["next_steps"], 1)),
    ]
    for other in verdict.get("why_not", []):
        lines += ["", f"## {t('why_not', approach=label(other['recommendation']))}", ""]
        lines += [f"- {r['text']}" for r in other["reasons"]]
        if other["would_win_if"]:
            lines += [
                "",
                t("would_win_if"),
                "",
                *(
                    f"- {change_condition(c, lang, CHANGE_CONDITIONS)}"
                    for c in other["would_win_if"][:5]
                ),
            ]
    if verdict["what_would_change"]:
        lines += ["", f"## {t('changes')}", ""]
        lines += [
            f"- {translate(lang, CHANGE_KINDS[c['kind']])}{PUNCTUATION[lang]['colon']}"
            f"{change_sentence(c, lang)}"
            for c in verdict["what_would_change"]
        ]
    if verdict["risks"]:
        lines += ["", f"## {t('risks')}", "", *(f"- {r}" for r in verdict["risks"])]
    lines += ["", f"## {t('answers')}", ""]
    for step in decision.STEPS:
        lines += [f"### {step.title.get(lang)}", ""]
        for question in step.questions:
            value = assessment.answers.get(question.key)
            lines.append(f"- {question.label.get(lang)}: {answer_label(question.key, value, lang)}")
        lines.append("")
    if assessment.notes:
        lines += [f"## {t('notes')}", "", md(assessment.notes), ""]
    lines += training_views.plan_markdown(assessment, lang, url.split("/a/")[0] + "/providers")
    lines += costs_markdown(assessment, lang, today)
    return "\n".join(lines)


# --- What it costs (issue 11): a section of its own, after the answers ----------------------

COST_MD = {
    "heading": N_("What it costs"),
    "now": N_("Now"),
    "fine_tuned": N_("Fine-tuned"),
    "monthly": N_("Monthly cost"),
    "per_1k": N_("Per 1,000 requests"),
    "year": N_("Cumulative, 12 months"),
    "warnings": N_("Dates that change these figures:"),
    "stops": N_("No figures from month %(month)s on: %(model)s stops serving on %(date)s."),
    "retired": N_("No month is projected: %(model)s was retired on %(date)s."),
    "saving": N_("Monthly saving: %(value)s"),
    "payback": N_("Payback: %(value)s"),
    "no_payback": N_("none (no saving, or no one-time cost given)"),
    "break_even": N_("Break-even accuracy: %(value)s"),
    "basis": N_(
        "Based on %(requests)s requests a day (a month is 30 days), %(input)s input and %(output)s output tokens each."
    ),
    "check": N_("Check the prices against the providers' current pages."),
}


def cumulative_label(months: int, lang: str) -> str:
    """ "Cumulative, 1 month": the table's last row when the series stops early."""
    return translations(lang).ngettext(
        "Cumulative, %(num)s month", "Cumulative, %(num)s months", months
    ) % {"num": months}


def costs_markdown(assessment: Assessment, lang: str, today: date | None = None) -> list[str]:
    """The cost numbers stored with an assessment as a Markdown section; none without them."""
    view = verdict_cost_view(assessment, today)
    if view is None:
        return []

    def t(key: str, **values: Any) -> str:
        text = translate(lang, COST_MD[key])
        return text % values if values else text

    r = view.result
    now = md(
        view.current_price.label if view.current_price else view.inputs.current.model or t("now")
    )
    new = md(
        view.candidate_price.label
        if view.candidate_price
        else view.inputs.candidate.model or t("fine_tuned")
    )
    payback = (
        payback_words(r.payback_months, lang) if r.payback_months is not None else t("no_payback")
    )
    break_even = (
        numbers.percent(r.break_even_accuracy) if r.break_even_accuracy is not None else "-"
    )
    end = view.projection_end
    if end is None:
        year = [
            f"| {t('year')} | {numbers.usd(r.cumulative[-1][1])} | {numbers.usd(r.cumulative[-1][2])} |"
        ]
        stops = []
    else:
        # The series stops before a model retires: its last month, and why there is no more.
        months = end.last_month
        year = (
            [
                f"| {cumulative_label(months, lang)} | {numbers.usd(r.cumulative[-1][1])} | "
                f"{numbers.usd(r.cumulative[-1][2])} |"
            ]
            if months
            else []
        )
        values = {"model": end.model.model, "date": end.on.isoformat()}
        stops = [
            "",
            t("stops", month=months + 1, **values)
            if months is not None
            else t("retired", **values),
        ]
    warnings = [warning.sentence.get(lang) for warning in view.warnings]
    lines = [
        f"## {t('heading')}",
        "",
        *([view.verdict_note.get(lang), ""] if view.verdict_note else []),
        *([t("warnings"), "", *(f"- {w}" for w in warnings), ""] if warnings else []),
        *(f"- {fact.sentence.get(lang)}" for fact in view.facts),
        "",
        f"| | {now} | {new} |",
        "|---|---:|---:|",
        f"| {t('monthly')} | {numbers.usd(r.current_monthly)} | {numbers.usd(r.candidate_monthly)} |",
        f"| {t('per_1k')} | {numbers.usd(r.current_per_1k_requests)} | "
        f"{numbers.usd(r.candidate_per_1k_requests)} |",
        *year,
        *stops,
        "",
        "- " + t("saving", value=numbers.usd(r.monthly_saving)),
        "- " + t("payback", value=payback),
        "- " + t("break_even", value=break_even),
        "",
        t(
            "basis",
            requests=numbers.count(view.inputs.requests_per_day),
            input=numbers.count(view.inputs.input_tokens),
            output=numbers.count(view.inputs.output_tokens),
        )
        + " "
        + t("check"),
        "",
    ]
    return lines
