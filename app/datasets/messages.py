"""What went wrong with a file or a line, in both languages. `{detail}` is filled from the error."""

from app.decision.text import Text

FILE_PROBLEMS = {
    "empty": Text(
        "The file is empty: it has no examples to check.", "文件是空的：没有可检查的样本。"
    ),
    "compressed": Text(
        "This is a compressed file ({detail}). Upload the uncompressed JSONL or CSV: "
        "compressed files are refused, never unpacked.",
        "这是压缩文件（{detail}）。请上传未压缩的 JSONL 或 CSV：压缩文件一律拒收，不会解压。",
    ),
    "utf16": Text(
        "The file is in UTF-16. Save it as UTF-8 and upload it again.",
        "文件是 UTF-16 编码。请另存为 UTF-8 后重新上传。",
    ),
    "binary": Text(
        "This is a binary file, not text. Upload JSON Lines or CSV.",
        "这是二进制文件，不是文本。请上传 JSON Lines 或 CSV。",
    ),
    "encoding": Text(
        "The file is not UTF-8 text. Save it as UTF-8 and upload it again.",
        "文件不是 UTF-8 文本。请另存为 UTF-8 后重新上传。",
    ),
    "json_array": Text(
        "This is one JSON array. The check reads JSON Lines: one example per line, "
        "each a JSON object.",
        "这是一个 JSON 数组。检查读取的是 JSON Lines：每行一条样本，每行一个 JSON 对象。",
    ),
    "csv_columns": Text(
        "The CSV has no input and output columns (its header: {detail}). Name them "
        "input/prompt/question/instruction/query/text and "
        "output/completion/answer/response/label/target/expected.",
        "CSV 缺少输入和输出列（表头为：{detail}）。输入列可叫 input/prompt/question/"
        "instruction/query/text，输出列可叫 output/completion/answer/response/label/"
        "target/expected。",
    ),
    "wrong_shape": Text(
        'The lines are JSON, but not training examples: each needs "messages" (chat '
        'format) or "prompt" and "completion".',
        '这些行是 JSON，但不是训练样本：每行需要 "messages"（对话格式），'
        '或 "prompt" 与 "completion"。',
    ),
    "too_long": Text(
        "Every line is longer than 1 MB, so none could be read as an example.",
        "每一行都超过 1 MB，没有一行能作为样本读取。",
    ),
    "no_valid": Text(
        "No line is a usable example. The first problems are listed below.",
        "没有一行是可用的样本。下面列出了最先发现的问题。",
    ),
    "too_large": Text(
        "The file is larger than {detail}. Check a sample of your data instead.",
        "文件超过 {detail}。请改为检查数据的一个样本。",
    ),
    "busy": Text(
        "{detail} dataset checks are already running, the most this server runs at once "
        "(APP_MAX_CONCURRENT_CHECKS). Try again in a few seconds.",
        "已有 {detail} 个数据检查在运行，这是本服务器同时运行的上限（APP_MAX_CONCURRENT_CHECKS）。"
        "请几秒后重试。",
    ),
    "too_many_examples": Text(
        "The file has more than {detail} lines, the most one check reads "
        "(APP_MAX_CHECK_EXAMPLES). Check a sample of your data, or raise the setting.",
        "文件超过 {detail} 行，这是一次检查读取的上限（APP_MAX_CHECK_EXAMPLES）。"
        "请检查数据的一个样本，或调高该设置。",
    ),
    "no_file": Text("Choose a file to check.", "请选择要检查的文件。"),
    "not_multipart": Text(
        'Send the file as multipart/form-data, in a field named "file".',
        '请以 multipart/form-data 上传文件，字段名为 "file"。',
    ),
    "malformed": Text(
        "The upload was cut off or malformed. Try again.", "上传不完整或格式有误，请重试。"
    ),
}

LINE_PROBLEMS = {
    "too_long": Text("longer than 1 MB", "超过 1 MB"),
    "encoding": Text("bad encoding: not UTF-8 ({detail})", "编码错误：不是 UTF-8（{detail}）"),
    "not_json": Text("not JSON", "不是 JSON"),
    "not_object": Text("not a JSON object", "不是 JSON 对象"),
    "unknown_shape": Text(
        'neither "messages" nor "prompt"/"completion" (keys: {detail})',
        '既没有 "messages" 也没有 "prompt"/"completion"（字段：{detail}）',
    ),
    "mixed_format": Text(
        "a different format from the lines before ({detail})", "与前面各行格式不同（{detail}）"
    ),
    "no_messages": Text('"messages" is not a non-empty list', '"messages" 不是非空列表'),
    "bad_message": Text("message {detail} is not an object", "第 {detail} 条消息不是对象"),
    "no_role": Text("message {detail} has no role", "第 {detail} 条消息没有 role"),
    "unknown_role": Text('unknown role "{detail}"', '未知的 role："{detail}"'),
    "bad_content": Text("message {detail} has no text content", "第 {detail} 条消息没有文本内容"),
    "no_assistant": Text("no assistant message", "没有 assistant 消息"),
    "not_last_assistant": Text(
        "does not end with an assistant message", "最后一条不是 assistant 消息"
    ),
    "empty_output": Text("empty output", "输出为空"),
    "no_prompt": Text('"prompt" is missing or not text', '缺少 "prompt" 或它不是文本'),
    "no_completion": Text('"completion" is missing or not text', '缺少 "completion" 或它不是文本'),
    "nan_literal": Text(
        "{detail} is not valid JSON (write null or a number)",
        "{detail} 不是合法的 JSON（请写 null 或数字）",
    ),
    "missing_content": Text(
        'message {detail} has no "content" key', '第 {detail} 条消息缺少 "content" 字段'
    ),
    "bad_weight": Text(
        'weight "{detail}": it must be 0 or 1', 'weight 为 "{detail}"：只能是 0 或 1'
    ),
    "orphan_tool": Text(
        "message {detail} is a tool result with no tool call before it",
        "第 {detail} 条消息是工具结果，但前面没有对应的工具调用",
    ),
    "nothing_trained": Text(
        "every assistant message has weight 0: nothing to learn",
        "所有 assistant 消息的 weight 都是 0：没有可学习的内容",
    ),
    "no_instruction": Text('"instruction" is not text', '"instruction" 不是文本'),
    "no_output": Text('"output" is missing or not text', '缺少 "output" 或它不是文本'),
    "no_chosen": Text('"chosen" (the preferred answer) is missing', '缺少 "chosen"（更优回答）'),
    "no_rejected": Text('"rejected" (the worse answer) is missing', '缺少 "rejected"（较差回答）'),
    "empty_rejected": Text("the rejected answer is empty", "较差回答为空"),
    "unbalanced_quote": Text(
        "an unclosed quote makes lines {detail} one cell: close the quote",
        "未闭合的引号把第 {detail} 行并成了一个单元格：请补上引号",
    ),
    "missing_cell": Text("fewer cells than the header", "单元格比表头少"),
    "csv_error": Text("CSV error: {detail}", "CSV 错误：{detail}"),
}


WARNINGS = {
    "unknown_key": Text("unknown key: {detail} (ignored)", "未知字段：{detail}（已忽略）"),
    "unknown_message_key": Text(
        "unknown key in message {detail} (ignored)", "消息中有未知字段：{detail}（已忽略）"
    ),
    "weight_zero": Text(
        "message {detail} has weight 0: it is not trained on",
        "第 {detail} 条消息 weight 为 0：不参与训练",
    ),
    "no_user": Text("no user message", "没有 user 消息"),
    "same_pair": Text(
        "the chosen and rejected answers are the same: the pair teaches nothing",
        "更优与较差回答相同：这一对教不了任何东西",
    ),
}


def warning(code: str, lang: str, detail: str = "") -> str:
    text = WARNINGS.get(code)
    return text.get(lang).format(detail=detail) if text else code


def file_problem(code: str, lang: str, detail: str = "") -> str:
    return FILE_PROBLEMS[code].get(lang).format(detail=detail)


def line_problem(code: str, lang: str, detail: str = "") -> str:
    text = LINE_PROBLEMS.get(code)
    return text.get(lang).format(detail=detail) if text else code


CHECK_UNKNOWN = Text(
    "This check is no longer kept (reports are kept for a day) or belongs to another "
    "assessment. Check the file again.",
    "这次检查已不再保留（报告保留一天），或属于另一个评估。请重新检查文件。",
)
