"""Validation problems put into words, one message per field, for pages and the API alike."""

from app import decision
from app.assessments import MetaError
from app.web.i18n import N_, translate

MESSAGES = {
    "required": N_(
        "Give the assessment a title (1 to 200 characters), so your team can find it later."
    ),
    "too_long": N_("Keep this to %(limit)s characters or fewer."),
    "not_text": N_("This must be text."),
    "unknown_field": N_(
        "Unknown field: the body takes title, team, notes, answers, costs and dataset_check."
    ),
    "unknown_check": N_(
        "No dataset check has this id, or it has expired (a check is kept for a day): run POST "
        "/api/v1/datasets/check again and send the id it returns."
    ),
    "not_object": N_("This must be a JSON object."),
    "invalid_json": N_("The body is not valid JSON."),
    "too_deep": N_("The body is nested too deeply: objects and lists go at most 16 levels deep."),
    "number_too_large": N_("A number in the body is too long: integers have at most 20 digits."),
    "invalid_text": N_(
        "This text cannot be stored: it holds a NUL character, or half of a UTF-16 surrogate "
        "pair (such as \\ud800 alone)."
    ),
    "invalid_status": N_("The status must be one of: proposed, accepted, rejected, superseded."),
    "unknown_status_field": N_("Unknown field: the body takes status and an optional reason."),
    "label_required": N_(
        "Give the key a label your team will recognise, such as a name (up to %(limit)s characters)."
    ),
    "too_many_keys": N_("This decision has 50 keys already: revoke one you no longer need."),
    "reason_too_long": N_("Keep the reason to 500 characters or fewer, on one line."),
    "wrong_key": N_(
        "That is not a manage key of this decision, or it was revoked. Check that the whole key was copied."
    ),
    "unknown_key_field": N_("Unknown field: the body takes label only."),
    "unknown_accept_field": N_("Unknown field: the body takes an optional reason only."),
    "not_a_proposal": N_("Only a proposed revision can be accepted; this version is not one."),
    "unsearchable": N_("Search for a word: a search needs at least one letter or digit."),
    "author_required": N_("Give a name your team will recognise (up to %(limit)s characters)."),
    "text_required": N_("Write a comment (up to %(limit)s characters)."),
    "unknown_comment_field": N_("Unknown field: a comment takes author and text."),
    "comment_throttled": N_(
        "Too many comments in a short time: wait a minute, then send yours again."
    ),
    "invalid_cursor": N_(
        "This cursor was not given out by this app: start again from the first page."
    ),
    "invalid_expiry": N_('Send {"days": 7}, 30, 90, or null for a link that never expires.'),
}


def message(code: str, lang: str, limit: int | None = None) -> str:
    return translate(lang, MESSAGES[code]) % {"limit": limit}


def problem(field: str, code: str, lang: str, limit: int | None = None) -> dict[str, str]:
    return {"field": field, "code": code, "message": message(code, lang, limit)}


def meta_errors(errors: list[MetaError], lang: str) -> dict[str, str]:
    return {error.field: message(error.code, lang, error.limit) for error in errors}


def field_errors(errors: list[decision.FieldError], lang: str) -> dict[str, str]:
    return {error.field: error.message.get(lang) for error in errors}
