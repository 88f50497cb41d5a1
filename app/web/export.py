"""A finished assessment as JSON (the API's record) and as Markdown (for design docs)."""

import re
from typing import Any

from app import decision
from app.models import Assessment
from app.web.i18n import CONFIDENCE_LABELS, gettext


def api_record(assessment: Assessment, lang: str) -> dict[str, Any]:
    return {
        "id": assessment.share_token,
        "url": f"/a/{assessment.share_token}",
        "title": assessment.title,
        "team": assessment.team,
        "notes": assessment.notes,
        "answers": assessment.answers,
        "verdict": decision.localize(assessment.verdict, lang),
        "created_at": assessment.created_at.isoformat(),
        "finished_at": assessment.finished_at.isoformat() if assessment.finished_at else None,
    }


def answer_label(question_key: str, value: Any, lang: str) -> str:
    """An answer as the questionnaire words it; keys the questionnaire no longer has stay as keys."""
    question = decision.QUESTIONS.get(question_key)
    if value is None or value == "":
        return gettext(lang, "not measured")
    if question is None or question.kind == "integer":
        return f"{value}%" if question is not None else str(value)
    for option in question.options:
        if option.key == value:
            return option.label.get(lang)
    return str(value)


def question_label(question_key: str, lang: str) -> str:
    question = decision.QUESTIONS.get(question_key)
    return question.label.get(lang) if question else question_key


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~-])")


def md(text: str) -> str:
    """User text made inert in Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def verdict_markdown(assessment: Assessment, lang: str, url: str) -> str:
    verdict = decision.localize(assessment.verdict, lang)
    _ = lambda message: gettext(lang, message)  # noqa: E731
    approach = decision.APPROACHES[verdict["recommendation"]]
    lines = [
        f"# {md(assessment.title)}",
        "",
        f"**{_('Recommendation')}:** {approach.label.get(lang)}  ",
        f"**{_('Confidence')}:** {_(CONFIDENCE_LABELS[verdict['confidence']])}  ",
    ]
    if assessment.team:
        lines.append(f"**{_('Team')}:** {md(assessment.team)}  ")
    lines += [
        f"**{_('Decided')}:** {assessment.finished_at:%Y-%m-%d %H:%M} UTC, "
        f"{_('rules version')} `{verdict['rules_version']}`  ",
        f"**{_('Link')}:** {url}",
        "",
        approach.summary.get(lang),
        "",
        f"## {_('Ranking')}",
        "",
        *(f"{n}. {decision.APPROACHES[r['recommendation']].label.get(lang)}: {r['score']:.2f}"
          for n, r in enumerate(verdict["ranking"], 1)),
        "",
        f"## {_('Why')}",
        "",
    ]
    for reason in verdict["reasons"]:
        lines.append(f"- {reason['text']} ({_('Source')}: [{reason['source']}]({reason['source_url']}))")
    for heading, items, prefix in (
        (_("Warnings"), verdict.get("warnings", []), "- "),
        (_("Risks"), verdict["risks"], "- "),
        (_("Next steps"), verdict["next_steps"], "- [ ] "),
    ):
        if items:
            lines += ["", f"## {heading}", "", *(f"{prefix}{item}" for item in items)]
    if verdict["what_would_change"]:
        lines += ["", f"## {_('What would change the verdict')}", ""]
        for change in verdict["what_would_change"]:
            lines.append("- " + _("%(question)s: %(to)s instead of %(from)s → %(recommendation)s") % {
                "question": question_label(change["question"], lang),
                "to": answer_label(change["question"], change["to"], lang),
                "from": answer_label(change["question"], change["from"], lang),
                "recommendation": decision.APPROACHES[change["recommendation"]].label.get(lang),
            })
    lines += ["", f"## {_('Answers')}", ""]
    for step in decision.STEPS:
        lines.append(f"### {step.title.get(lang)}")
        lines.append("")
        for question in step.questions:
            value = assessment.answers.get(question.key)
            lines.append(f"- {question.label.get(lang)}: {answer_label(question.key, value, lang)}")
        lines.append("")
    if assessment.notes:
        lines += [f"## {_('Notes')}", "", md(assessment.notes), ""]
    return "\n".join(lines)
