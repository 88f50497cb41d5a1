"""Languages: gettext catalogues for the interface, the engine's own texts for verdicts."""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime
from starlette.requests import Request

# One catalogue for the interface and the engine's texts (app/decision/text.py loads it).
from app.decision.text import LOCALES_DIR, N_, translations  # noqa: F401 - re-exported

LANGUAGES = {"en": "English", "zh": "中文"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}
BABEL_LOCALE = {"en": "en", "zh": "zh_Hans_CN"}
LANG_COOKIE = "lang"


CONFIDENCE_LABELS = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
# A decision record's status (app/models.py STATUSES), as pages show it.
STATUS_LABELS = {
    "proposed": N_("Proposed"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "superseded": N_("Superseded"),
}
# Source titles that have a Chinese name of their own; the others are cited as published.
SOURCE_TITLES = (N_("The Batch, issue 294"),)
# Titles published in Chinese: cited as published, with a translation in brackets where the page
# is in another language, as a reference list glosses a foreign title.
GLOSSED_TITLES = {
    "什么时候应该微调，什么时候不应该微调？": N_("When to fine-tune, and when not to"),
}


def source_title(title: str, lang: str) -> str:
    if title in GLOSSED_TITLES and lang != "zh":
        return f"{title} [{translate(lang, GLOSSED_TITLES[title])}]"
    return translate(lang, title) if title in SOURCE_TITLES else title


# The kinds of "what would change" entry, as the verdict labels them.
CHANGE_KINDS = {
    "unsure": N_("Open answer"),
    "actionable": N_("You can change"),
    "situation": N_("Different situation"),
}

# Real browsers send a handful of tags in well under 200 bytes: anything past these bounds is
# ignored unread, so a huge header costs no more to parse than a normal one.
MAX_ACCEPT_LANGUAGE = 256
MAX_LANGUAGE_TAGS = 12


def parse_accept_language(header: str) -> list[str]:
    """Language tags from Accept-Language, best first (RFC 9110 q-values), from the first
    MAX_LANGUAGE_TAGS tags within the first MAX_ACCEPT_LANGUAGE characters."""
    weighted = []
    parts = header[:MAX_ACCEPT_LANGUAGE].split(",", MAX_LANGUAGE_TAGS)[:MAX_LANGUAGE_TAGS]
    for position, part in enumerate(parts):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:8])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(request: Request, default: str) -> str:
    """The query's `lang`, else the cookie, else Accept-Language, else the default."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for tag in parse_accept_language(request.headers.get("accept-language", "")):
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default


def translate(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


# --- Dates ------------------------------------------------------------------------------------

# One date format per language, Babel's "long" ("November 27, 2026", "2026年11月27日"); with a
# time, the locale's own way of joining it to the short time, always in UTC.
DATE_STYLE = "long"


@lru_cache(maxsize=8)
def _datetime_pattern(locale: str) -> str:
    parsed = Locale.parse(locale)
    joined = str(parsed.datetime_formats[DATE_STYLE])
    day = parsed.date_formats[DATE_STYLE].pattern
    time = parsed.time_formats["short"].pattern
    return joined.replace("{1}", day).replace("{0}", time)


def format_day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return format_date(value, DATE_STYLE, locale=BABEL_LOCALE[lang])


def format_when(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    locale = BABEL_LOCALE[lang]
    return format_datetime(value, _datetime_pattern(locale), tzinfo=None, locale=locale) + " UTC"
