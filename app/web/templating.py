"""One Jinja environment; a template renders whole, or one named block for htmx (jinja2-fragments)."""

import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_skeleton
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2_fragments.fastapi import Jinja2Blocks
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from app import comments, datasets, decision
from app.costs import numbers
from app.datasets import messages as dataset_messages
from app.insights.chart import LABEL_ABOVE_BUDGET, fit_label
from app.web import cost_views, deps, export, htmx, i18n, training_views

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"


@pass_context
def _gettext(context, message: str) -> str:
    return i18n.translate(context["lang"], message)


@pass_context
def _ngettext(context, singular: str, plural: str, n: int) -> str:
    return i18n.translations(context["lang"]).ngettext(singular, plural, n)


@pass_context
def _localize(context, text: Any) -> str:
    """An engine `Text`, or a stored {"en": ..., "zh": ...} mapping, in the page's language."""
    lang = context["lang"]
    if isinstance(text, decision.Text):
        return text.get(lang)
    if isinstance(text, dict):
        return text.get(lang) or text.get("en", "")
    return str(text)


@pass_context
def _source_title(context, title: str) -> str:
    return i18n.source_title(title, context["lang"])


@pass_context
def _word_space(context) -> str:
    """The space between two phrases of a line: none in Chinese (export.PUNCTUATION)."""
    return export.PUNCTUATION[context["lang"]]["space"]


@pass_context
def _datetime(context, value: datetime | None) -> str:
    return i18n.format_when(value, context["lang"])


@pass_context
def _date(context, value: datetime | None) -> str:
    return i18n.format_day(value, context["lang"])


@pass_context
def _month(context, value: date) -> str:
    """A calendar month: "Nov 2026", "2026年11月"."""
    return format_skeleton("yMMM", value, locale=i18n.BABEL_LOCALE[context["lang"]])


def _percent(score: float) -> str:
    """A share as a whole percentage; a share that is there but rounds to 0 reads "<1"."""
    if 0 < score < 0.005:
        return "<1"
    return f"{round(score * 100)}"


STATIC_DIR = TEMPLATES_DIR.parent / "static"


@lru_cache(maxsize=256)
def _static_version(path: str) -> str:
    # Content-hashed query strings let browsers cache static files for a year.
    try:
        return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


@pass_context
def _static_url(context, path: str) -> str:
    return f"{context['request'].url_for('static', path=path).path}?v={_static_version(path)}"


@pass_context
def _answer_label(context, question_key: str, value: Any) -> str:
    return export.answer_label(question_key, value, context["lang"])


@pass_context
def _question_label(context, question_key: str) -> str:
    return export.question_label(question_key, context["lang"])


@pass_context
def _question_name(context, question_key: str) -> str:
    """The short name of a question ("task type"), for places where the full question is too long."""
    question = decision.QUESTIONS.get(question_key)
    return question.name.get(context["lang"]) if question else question_key


@pass_context
def _usd_compact(context, value: float) -> str:
    return numbers.usd_compact(value, context["lang"])


@pass_context
def _line_problem(context, code: str, detail: str = "") -> str:
    return dataset_messages.line_problem(code, context["lang"], detail)


@pass_context
def _line_warning(context, code: str, detail: str = "") -> str:
    return dataset_messages.warning(code, context["lang"], detail)


env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates change only with a deploy; checking their mtimes costs every render
)
env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
templates = Jinja2Blocks(env=env)


@pass_context
def _sentences(context, *parts: str) -> Markup:
    """Sentences side by side: a space between them in English, none in Chinese, where a space
    after 。 is a stray one. Each part is escaped unless it is markup already (gettext's is)."""
    return Markup("" if context["lang"] == "zh" else " ").join(parts)


def _sentence(text: str) -> str:
    """First letter upper case, the rest as written ("ML experience", not "Ml experience")."""
    return text[:1].upper() + text[1:]


env.filters.update(
    localize=_localize,
    datetime=_datetime,
    date=_date,
    month=_month,
    percent=_percent,
    sentence=_sentence,
)
# The cost numbers (app/costs): dollars, months, shares, counts; `cost_view` turns stored inputs
# into what templates/costs/_results.html shows.
env.filters.update(
    usd=numbers.usd,
    usd_compact=_usd_compact,
    share=numbers.percent,
    count=numbers.count,
)
env.globals.update(
    cost_view=cost_views.cost_view,
    verdict_cost_view=cost_views.verdict_cost_view,
    payback_words=cost_views.payback_words,
    picker_note=cost_views.picker_note,
    TIER_LABELS=cost_views.TIER_LABELS,
    DIRECTION_LABELS=cost_views.DIRECTION_LABELS,
    COST_SOURCES=cost_views.COST_SOURCES,
)
# The training plan of a fine-tuning verdict (app/training), for templates/assessments/_plan.html.
env.globals.update(
    training_plan=training_views.localized_plan,
    plan_charts=training_views.plan_charts,
    price_dates=training_views.price_dates,
    compute_assumptions=training_views.compute_assumptions,
    plan_formatters=training_views.formatters,
    provider_rows=training_views.provider_rows,
    config_files=training_views.CONFIG_FILES,
    method_short=training_views.METHOD_SHORT,
)
env.globals.update(
    source_title=_source_title,
    word_space=_word_space,
    static_url=_static_url,
    answer_label=_answer_label,
    question_label=_question_label,
    question_name=_question_name,
    line_problem=_line_problem,
    line_warning=_line_warning,
    fit_label=fit_label,
    sentences=_sentences,
    LABEL_ABOVE_BUDGET=LABEL_ABOVE_BUDGET,
    dataset_facts=datasets.facts,
    measured_fact=datasets.measured_fact,
    DATASET_SOURCES=datasets.SOURCES,
    DATASET_QUESTIONS=datasets.QUESTIONS,
)
env.globals.update(
    LANGUAGES=i18n.LANGUAGES,
    HTML_LANG=i18n.HTML_LANG,
    STEPS=decision.STEPS,
    QUESTIONS=decision.QUESTIONS,
    NOT_APPLICABLE_WHEN=decision.NOT_APPLICABLE_WHEN,
    not_applicable=decision.not_applicable,
    APPROACHES=decision.APPROACHES,
    METHODS=decision.METHODS_BY_KEY,
    CONFIDENCE_LABELS=i18n.CONFIDENCE_LABELS,
    STATUS_LABELS=i18n.STATUS_LABELS,
    CHANGE_KINDS=i18n.CHANGE_KINDS,
    RULES_VERSION=decision.RULES_VERSION,
    COMMENT_LIMITS=comments.LIMITS,
)


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The whole page, or only `block` when htmx asks; the response varies on HX-Request."""
    fragment = block if block and htmx.wants_fragment(request) else None
    response = templates.TemplateResponse(
        request,
        template,
        # `today`: the day a page judges dated facts on (a model's retirement), the app's clock.
        {
            "lang": request.state.lang,
            "fragment": fragment is not None,
            "today": deps.today(request),
            **context,
        },
        status_code=status_code,
        block_name=fragment,
        headers=headers,
    )
    if block:
        response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response
