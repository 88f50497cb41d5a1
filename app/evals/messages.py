"""What went wrong with an eval-run file, a line or an item of it, in both languages."""

from app.decision.text import Text

FILE_PROBLEMS = {
    "empty": Text("The file is empty: it has no cases to count."),
    "compressed": Text(
        "This is a compressed file ({detail}). Upload the uncompressed file: compressed files "
        "are refused, never unpacked."
    ),
    "zip": Text(
        "This is a zip archive, such as Inspect's .eval log. Convert it to JSON first "
        "(inspect log convert --to json --output-dir logs-json your.eval) and upload the .json."
    ),
    "utf16": Text("The file is in UTF-16. Save it as UTF-8 and upload it again."),
    "binary": Text("This is a binary file, not text. Upload CSV, JSON or JSON Lines."),
    "encoding": Text("The file is not UTF-8 text. Save it as UTF-8 and upload it again."),
    "json_array": Text(
        'This is a JSON array. Upload promptfoo\'s output file (an object with "results"), '
        "Inspect's JSON log (an object with \"samples\") or openai/evals' JSON Lines log."
    ),
    "not_json": Text("The file starts like JSON but is not valid JSON."),
    "unknown_json": Text(
        "This JSON is not an eval run this check reads (its keys: {detail}). It reads promptfoo's "
        'output ("results": {{"results": [...]}}), Inspect\'s JSON log ("samples": [...]) and '
        "openai/evals' JSON Lines log."
    ),
    "csv_columns": Text(
        "The CSV has neither an id and a passed column nor id, expected and actual columns, "
        "and is not a promptfoo export (its header: {detail})."
    ),
    "several_prompts": Text(
        "The file holds several prompts or providers, and pooled they give an accuracy that none "
        "of them has. Export one prompt on one provider (a config with one of each) and upload "
        "that. Passed/failed/errors of each: {detail}."
    ),
    "bad_lines": Text(
        "Some lines or items can't be read, so the counts would be wrong. Fix them and upload "
        "the file again; the first ones are listed below."
    ),
    "no_cases": Text("The log records no samples: there is nothing to count."),
    "no_outcomes": Text(
        'The log records no "match" events with "correct", so no case passed or failed. '
        "Model-graded evals that record only scores can't be counted as passes and fails."
    ),
    "no_samples": Text(
        "The Inspect log has no samples (status: {detail}). Run it again without "
        "--no-log-samples, and let it finish."
    ),
    "not_finished": Text(
        "The Inspect log is of a run that did not finish (status: {detail}; {completed} of "
        "{total} samples completed). Its counts may leave samples out or count samples stopped "
        "part way: let the run finish (or resume it with inspect eval-retry) and upload the "
        "finished log."
    ),
    "not_scored": Text(
        "The Inspect log was never scored: its samples have answers but no scores. Score it "
        "with `inspect score <log>` and upload the scored log."
    ),
    "all_errors": Text(
        "Every case is an error: no case was graded, so there is no accuracy to measure."
    ),
    "too_many_runs": Text("Upload at most {detail} runs: the latest and up to four earlier ones."),
    "too_large": Text(
        "The files are larger than {detail} together. Upload a smaller export (a JSON log "
        "without messages, or a CSV of ids and outcomes)."
    ),
    "stale": Text(
        "This check is no longer the one held for the assessment (another file was checked "
        "since, or it was attached already). Check the file again, then attach it."
    ),
    "no_file": Text("Choose the file of a run to check."),
    "not_multipart": Text('Send the file as multipart/form-data, in a field named "file".'),
    "malformed": Text("The upload was cut off or malformed. Try again."),
}

LINE_PROBLEMS = {
    "encoding": Text("not UTF-8 ({detail})"),
    "not_json": Text("not JSON {detail}"),
    "not_object": Text("not a JSON object"),
    "not_event": Text('not an openai/evals event: no "sample_id" and "type" (keys: {detail})'),
    "mixed_runs": Text("an event of another run ({detail}): upload one run per file"),
    "no_correct": Text('a "match" event without a true/false "correct"'),
    "csv_syntax": Text("not valid CSV ({detail})"),
    "csv_width": Text("a different number of cells from the header ({detail})"),
    "no_id": Text("no id"),
    "duplicate_id": Text("the id {detail} appears twice"),
    "bad_passed": Text(
        '"{detail}" in passed: write 1/0, true/false or pass/fail (empty for an error)'
    ),
    "bad_status": Text('"{detail}" is not PASS, FAIL or ERROR'),
    "no_success": Text('no true/false "success"'),
    "bad_score": Text("a score value that is not a pass or a fail ({detail})"),
}


def file_problem(code: str, lang: str, detail: str = "", values: dict | None = None) -> str:
    text = FILE_PROBLEMS.get(code, FILE_PROBLEMS["malformed"])
    # The template is unescaped before the detail goes in: text quoted from the file keeps its
    # braces (a promptfoo prompt's {{var}}).
    template = text.get(lang).replace("{{", "{").replace("}}", "}")
    for name, value in (values or {}).items():
        template = template.replace("{" + name + "}", str(value))
    return template.replace("{detail}", detail)


def line_problem(code: str, lang: str, detail: str = "") -> str:
    text = LINE_PROBLEMS.get(code, Text.verbatim(code))
    return " ".join(text.get(lang).replace("{detail}", detail).split())
