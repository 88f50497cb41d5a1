"""What went wrong with an eval-run file, a line or an item of it, in both languages."""

from app.decision.text import Text

FILE_PROBLEMS = {
    "empty": Text("The file is empty: it has no cases to count.", "文件是空的：没有可统计的案例。"),
    "compressed": Text(
        "This is a compressed file ({detail}). Upload the uncompressed file: compressed files "
        "are refused, never unpacked.",
        "这是压缩文件（{detail}）。请上传未压缩的文件：压缩文件一律拒收，不会解压。",
    ),
    "zip": Text(
        "This is a zip archive, such as Inspect's .eval log. Convert it to JSON first "
        "(inspect log convert --to json --output-dir logs-json your.eval) and upload the .json.",
        "这是 zip 压缩包（例如 Inspect 的 .eval 日志）。请先转换为 JSON（inspect log convert "
        "--to json --output-dir logs-json your.eval），再上传 .json 文件。",
    ),
    "utf16": Text(
        "The file is in UTF-16. Save it as UTF-8 and upload it again.",
        "文件是 UTF-16 编码。请另存为 UTF-8 后重新上传。",
    ),
    "binary": Text(
        "This is a binary file, not text. Upload CSV, JSON or JSON Lines.",
        "这是二进制文件，不是文本。请上传 CSV、JSON 或 JSON Lines。",
    ),
    "encoding": Text(
        "The file is not UTF-8 text. Save it as UTF-8 and upload it again.",
        "文件不是 UTF-8 文本。请另存为 UTF-8 后重新上传。",
    ),
    "json_array": Text(
        'This is a JSON array. Upload promptfoo\'s output file (an object with "results"), '
        "Inspect's JSON log (an object with \"samples\") or openai/evals' JSON Lines log.",
        '这是一个 JSON 数组。请上传 promptfoo 的输出文件（含 "results" 的对象）、Inspect 的 '
        'JSON 日志（含 "samples" 的对象）或 openai/evals 的 JSON Lines 日志。',
    ),
    "not_json": Text(
        "The file starts like JSON but is not valid JSON.", "文件看起来像 JSON，但不是有效的 JSON。"
    ),
    "unknown_json": Text(
        "This JSON is not an eval run this check reads (its keys: {detail}). It reads promptfoo's "
        'output ("results": {{"results": [...]}}), Inspect\'s JSON log ("samples": [...]) and '
        "openai/evals' JSON Lines log.",
        "这个 JSON 不是本检查能读取的评测结果（其字段：{detail}）。可读取 promptfoo 的输出"
        '（"results": {{"results": [...]}}）、Inspect 的 JSON 日志（"samples": [...]）'
        "和 openai/evals 的 JSON Lines 日志。",
    ),
    "csv_columns": Text(
        "The CSV has neither an id and a passed column nor id, expected and actual columns, "
        "and is not a promptfoo export (its header: {detail}).",
        "这个 CSV 既没有 id 和 passed 列，也没有 id、expected 和 actual 列，也不是 promptfoo "
        "的导出（表头为：{detail}）。",
    ),
    "bad_lines": Text(
        "Some lines or items can't be read, so the counts would be wrong. Fix them and upload "
        "the file again; the first ones are listed below.",
        "有些行或条目无法读取，统计会因此出错。请修正后重新上传；下面列出了最先发现的问题。",
    ),
    "no_cases": Text(
        "The log records no samples: there is nothing to count.", "日志中没有任何样本：无可统计。"
    ),
    "no_outcomes": Text(
        'The log records no "match" events with "correct", so no case passed or failed. '
        "Model-graded evals that record only scores can't be counted as passes and fails.",
        '日志中没有带 "correct" 的 "match" 事件，所以没有案例通过或失败。'
        "只记录分数的模型评分评测无法统计为通过和失败。",
    ),
    "no_samples": Text(
        "The Inspect log has no samples (status: {detail}). Run it again without "
        "--no-log-samples, and let it finish.",
        "这个 Inspect 日志没有样本（状态：{detail}）。请不带 --no-log-samples 重新运行，并让它运行完成。",
    ),
    "all_errors": Text(
        "Every case is an error: no case was graded, so there is no accuracy to measure.",
        "每个案例都是错误：没有一个案例被评分，所以无法测量准确率。",
    ),
    "too_many_runs": Text(
        "Upload at most {detail} runs: the latest and up to four earlier ones.",
        "最多上传 {detail} 个运行结果：最新的一个，加上最多四个更早的。",
    ),
    "too_large": Text(
        "The files are larger than {detail} together. Upload a smaller export (a JSON log "
        "without messages, or a CSV of ids and outcomes).",
        "文件合计超过 {detail}。请上传更小的导出（不含消息的 JSON 日志，或只含 id 和结果的 CSV）。",
    ),
    "stale": Text(
        "This check is no longer the one held for the assessment (another file was checked "
        "since, or it was attached already). Check the file again, then attach it.",
        "这次检查已不是该评估保存的那一次（之后又检查了别的文件，或它已被附加）。"
        "请重新检查文件，然后再附加。",
    ),
    "no_file": Text("Choose the file of a run to check.", "请选择要检查的评测结果文件。"),
    "not_multipart": Text(
        'Send the file as multipart/form-data, in a field named "file".',
        '请以 multipart/form-data 上传文件，字段名为 "file"。',
    ),
    "malformed": Text(
        "The upload was cut off or malformed. Try again.", "上传不完整或格式有误，请重试。"
    ),
}

LINE_PROBLEMS = {
    "encoding": Text("not UTF-8 ({detail})", "不是 UTF-8（{detail}）"),
    "not_json": Text("not JSON {detail}", "不是 JSON {detail}"),
    "not_object": Text("not a JSON object", "不是 JSON 对象"),
    "not_event": Text(
        'not an openai/evals event: no "sample_id" and "type" (keys: {detail})',
        '不是 openai/evals 事件：缺少 "sample_id" 和 "type"（字段：{detail}）',
    ),
    "mixed_runs": Text(
        "an event of another run ({detail}): upload one run per file",
        "属于另一个运行（{detail}）的事件：每个文件只上传一个运行",
    ),
    "no_correct": Text(
        'a "match" event without a true/false "correct"', '"match" 事件缺少 true/false 的 "correct"'
    ),
    "csv_syntax": Text("not valid CSV ({detail})", "不是有效的 CSV（{detail}）"),
    "csv_width": Text(
        "a different number of cells from the header ({detail})", "单元格数与表头不同（{detail}）"
    ),
    "no_id": Text("no id", "缺少 id"),
    "duplicate_id": Text("the id {detail} appears twice", "id {detail} 出现了两次"),
    "bad_passed": Text(
        '"{detail}" in passed: write 1/0, true/false or pass/fail (empty for an error)',
        'passed 列为 "{detail}"：请写 1/0、true/false 或 pass/fail（错误留空）',
    ),
    "bad_status": Text(
        '"{detail}" is not PASS, FAIL or ERROR', '"{detail}" 不是 PASS、FAIL 或 ERROR'
    ),
    "no_success": Text('no true/false "success"', '缺少 true/false 的 "success"'),
    "bad_score": Text(
        "a score value that is not a pass or a fail ({detail})",
        "分数值既不是通过也不是失败（{detail}）",
    ),
}


def file_problem(code: str, lang: str, detail: str = "") -> str:
    text = FILE_PROBLEMS.get(code, FILE_PROBLEMS["malformed"])
    return text.get(lang).replace("{detail}", detail).replace("{{", "{").replace("}}", "}")


def line_problem(code: str, lang: str, detail: str = "") -> str:
    text = LINE_PROBLEMS.get(code, Text.verbatim(code))
    return " ".join(text.get(lang).replace("{detail}", detail).split())
