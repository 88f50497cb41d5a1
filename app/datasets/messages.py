"""What went wrong with a file or a line, in both languages. `{detail}` is filled from the error."""

from app.decision.text import Text

FILE_PROBLEMS = {
    "empty": Text("The file is empty: it has no examples to check."),
    "compressed": Text(
        "This is a compressed file ({detail}). Upload the uncompressed JSONL or CSV: "
        "compressed files are refused, never unpacked."
    ),
    "utf16": Text("The file is in UTF-16. Save it as UTF-8 and upload it again."),
    "binary": Text("This is a binary file, not text. Upload JSON Lines or CSV."),
    "encoding": Text("The file is not UTF-8 text. Save it as UTF-8 and upload it again."),
    "encoding_named": Text(
        "This file is not UTF-8 (it reads as {detail}): save it as UTF-8 and upload it again."
    ),
    "csv_columns": Text(
        "The CSV has no input and output columns (its header: {detail}). Name them "
        "input/prompt/question/instruction/query/text and "
        "output/completion/answer/response/label/target/expected."
    ),
    "wrong_shape": Text(
        'The lines are JSON, but not training examples. Each needs one of: "messages" (chat '
        'format); "prompt" and "completion"; "instruction" and "output" (Alpaca); '
        '"conversations" (ShareGPT); "text"; "chosen" and "rejected", or "input", '
        '"preferred_output" and "non_preferred_output" (preference pairs); or an input and an '
        'output key named as CSV columns are, such as "question" and "answer".'
    ),
    "too_long": Text("Every line is longer than 1 MB, so none could be read as an example."),
    "no_valid": Text("No line is a usable example. The first problems are listed below."),
    "too_large": Text("The file is larger than {detail}. Check a sample of your data instead."),
    "busy": Text(
        "{detail} dataset checks are already running, the most this server runs at once "
        "(APP_MAX_CONCURRENT_CHECKS). Try again in a few seconds."
    ),
    "too_many_examples": Text(
        "The file has more than {detail} lines, the most one check reads "
        "(APP_MAX_CHECK_EXAMPLES). Check a sample of your data, or raise the setting."
    ),
    "no_file": Text("Choose a file to check."),
    "not_multipart": Text('Send the file as multipart/form-data, in a field named "file".'),
    "malformed": Text("The upload was cut off or malformed. Try again."),
}

LINE_PROBLEMS = {
    "too_long": Text("longer than 1 MB"),
    "encoding": Text("bad encoding: not UTF-8 (byte {detail})"),
    "not_json": Text("not JSON"),
    "not_object": Text("not a JSON object"),
    "unknown_shape": Text("no key of a known example shape (keys: {detail})"),
    "mixed_format": Text("a different format from the lines before ({detail})"),
    "no_messages": Text('"messages" is not a non-empty list'),
    "bad_message": Text("message {detail} is not an object"),
    "no_role": Text("message {detail} has no role"),
    "unknown_role": Text('unknown role "{detail}"'),
    "bad_content": Text("message {detail} has no text content"),
    "no_assistant": Text("no assistant message"),
    "not_last_assistant": Text("does not end with an assistant message"),
    "empty_output": Text("empty output"),
    "no_prompt": Text('"prompt" is missing or not text'),
    "no_completion": Text('"completion" is missing or not text'),
    "nan_literal": Text("{detail} is not valid JSON (write null or a number)"),
    "missing_content": Text('message {detail} has no "content" key'),
    "bad_weight": Text('weight "{detail}": it must be 0 or 1'),
    "orphan_tool": Text("message {detail} is a tool result with no tool call before it"),
    "nothing_trained": Text("every assistant message has weight 0: nothing to learn"),
    "no_instruction": Text('"instruction" is not text'),
    "no_output": Text('"output" is missing or not text'),
    "no_chosen": Text('"chosen" (the preferred answer) is missing'),
    "no_rejected": Text('"rejected" (the worse answer) is missing'),
    "empty_rejected": Text("the rejected answer is empty"),
    "unbalanced_quote": Text(
        "an unclosed quote would make lines {detail} one cell (the lines after it were read as"
        " rows): close the quote"
    ),
    "missing_cell": Text("fewer cells than the header"),
    "csv_error": Text("CSV error: {detail}"),
}


WARNINGS = {
    "unknown_key": Text("unknown key: {detail} (ignored)"),
    "unknown_message_key": Text("unknown key in message {detail} (ignored)"),
    "weight_zero": Text("message {detail} has weight 0: it is not trained on"),
    "no_user": Text("no user message"),
    "same_pair": Text("the chosen and rejected answers are the same: the pair teaches nothing"),
}


def warning(code: str, lang: str, detail: str = "") -> str:
    text = WARNINGS.get(code)
    return text.get(lang).format(detail=detail) if text else code


def file_problem(code: str, lang: str, detail: str = "") -> str:
    if code == "encoding" and detail:  # the encoding the file reads as
        code = "encoding_named"
    return FILE_PROBLEMS[code].get(lang).format(detail=detail)


# A message of a named field ("chosen 2": the second message of "chosen"), or the field itself
# ("chosen", "input"), where LINE_PROBLEMS' own texts take a message's number.
IN_FIELD = {
    "bad_message": Text('message {index} of "{field}" is not an object'),
    "bad_content": Text('message {index} of "{field}" has no text content'),
}
FIELD = {
    "bad_content": Text(
        '"{field}" is not text, a message with text content or a list of such messages'
    ),
}


def line_problem(code: str, lang: str, detail: str = "") -> str:
    text = LINE_PROBLEMS.get(code)
    if text is None:
        return code
    if code in IN_FIELD and detail and not detail.isdigit():
        field, _, index = detail.rpartition(" ")
        if field and index.isdigit():
            return IN_FIELD[code].get(lang).format(field=field, index=index)
        if code in FIELD:
            return FIELD[code].get(lang).format(field=detail)
    return text.get(lang).format(detail=detail)


CHECK_UNKNOWN = Text(
    "This check is no longer kept (reports are kept for a day) or belongs to another "
    "assessment. Check the file again."
)
