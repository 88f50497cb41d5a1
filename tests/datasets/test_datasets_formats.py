"""Every training-data format the check reads, on generated files with known content: the format
named, exact counts, the exact lines of each error and warning (the OpenAI cookbook's format
checks among them), tokens with the chat overhead, labels, and the regression file of issue 19."""

import json
import random
import tracemalloc

import pytest

from app import datasets
from app.datasets.schema import DatasetProfile
from tests import dataset_files as files


def check(data: bytes, chunk: int = 4096, **options) -> dict:
    return datasets.check([data[i : i + chunk] for i in range(0, len(data), chunk)], **options)


def lines_of(profile: dict, key: str = "errors") -> list[tuple[int, str]]:
    return [(e["line"], e["code"]) for e in profile[key]]


def encode(text: str) -> int:
    return len(datasets.tokens.encoding().encode_ordinary(text))


def jsonl(records: list) -> bytes:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    ).encode()


def validated(profile: dict) -> None:
    DatasetProfile.model_validate(profile)


# --- chat ---------------------------------------------------------------------------------


def tool_chat(n: int) -> dict:
    return {
        "messages": [
            {"role": "system", "content": "You book flights."},
            {"role": "user", "content": f"Book flight {n} to Oslo"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": f"call_{n}",
                        "type": "function",
                        "function": {"name": "book", "arguments": json.dumps({"flight": n})},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": f"call_{n}", "content": f"booked {n}"},
            {"role": "assistant", "content": f"Flight {n} is booked.", "weight": 1},
        ],
        "tools": [{"type": "function", "function": {"name": "book"}}],
    }


def test_chat_multi_turn_with_tools_weights_and_every_cookbook_rule():
    records: list = [tool_chat(n) for n in range(1, 13)]
    records[1] = '{"messages": [{"role": "user", "content": NaN}]}'  # line 2: NaN literal
    records[2] = {"messages": "hello"}  # 3: messages not a list (cookbook: missing messages list)
    records[3] = {"messages": [{"role": "user"}, {"role": "assistant", "content": "x"}]}  # 4
    records[4] = {"messages": [{"role": "robot", "content": "a"}]}  # 5: unrecognized role
    records[5] = {"messages": [{"role": "user", "content": "hi"}]}  # 6: no assistant message
    records[6] = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "tool", "content": "result", "tool_call_id": "x"},
            {"role": "assistant", "content": "ok"},
        ]
    }  # 7: a tool message without a tool call before it
    records[7] = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "ok", "weight": 2},
        ]
    }  # 8: weight must be 0 or 1
    records[8] = {
        "messages": [
            {"role": "user", "content": "hi", "mood": "happy"},
            {"role": "assistant", "content": "first", "weight": 0},
            {"role": "user", "content": "again"},
            {"role": "assistant", "content": "second"},
        ],
        "source": "crm",
    }  # 9: kept, with three warnings: unknown message key, weight 0, unknown record key
    records[9] = {
        "messages": [
            {"role": "system", "content": "Summarise."},
            {"role": "assistant", "content": "A summary."},
        ]
    }  # 10: kept, warned: no user turn
    records[10] = {
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": 5}]
    }
    records[11] = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "ok", "weight": 0},
        ]
    }  # 12: nothing trained
    profile = check(jsonl(records))
    assert profile["format"] == "chat"
    assert (profile["examples"], profile["valid"], profile["invalid"]) == (12, 3, 9)
    assert lines_of(profile) == [
        (2, "nan_literal"),
        (3, "no_messages"),
        (4, "missing_content"),
        (5, "unknown_role"),
        (6, "no_assistant"),
        (7, "orphan_tool"),
        (8, "bad_weight"),
        (11, "bad_content"),
        (12, "nothing_trained"),
    ]
    assert profile["warnings"] == [
        {"line": 9, "code": "unknown_message_key", "detail": "1: mood"},
        {"line": 9, "code": "weight_zero", "detail": "2"},
        {"line": 9, "code": "unknown_key", "detail": "source"},
        {"line": 10, "code": "no_user", "detail": ""},
    ]
    assert profile["missing_system"] == 1  # line 9; line 10 has one, line 1 too
    # Line 1: four messages plus the tools call, each with the cookbook's overhead.
    calls = json.dumps(
        tool_chat(1)["messages"][2]["tool_calls"], ensure_ascii=False, sort_keys=True
    )
    # Its tools list, as the cookbook counts a function with no description or parameters:
    # 10 tokens, "book:", and 12 closing the list.
    first = (
        4 * 5
        + 3
        + 10
        + encode("book:")
        + 12
        + encode("You book flights.")
        + encode("Book flight 1 to Oslo")
        + encode(calls)
        + encode("booked 1")
        + encode("Flight 1 is booked.")
    )
    first_trained = 4 + encode(calls) + 4 + encode("Flight 1 is booked.")
    ninth = 4 * 4 + 3 + sum(encode(t) for t in ("hi", "first", "again", "second"))
    tenth = 4 * 2 + 3 + encode("Summarise.") + encode("A summary.")
    assert profile["tokens"]["total"] == first + ninth + tenth
    assert profile["tokens"]["trained"] == first_trained + (4 + encode("second")) + (
        4 + encode("A summary.")
    )
    validated(profile)


# The cookbook's tool example ("How to count tokens with tiktoken", section 7): its system and
# user messages with this tool are 105 prompt tokens for gpt-3.5-turbo and gpt-4 (cl100k_base),
# by its num_tokens_for_tools and by the API's usage.prompt_tokens, as the notebook prints.
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "description": "Get the current weather in a given location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {
                    "type": "string",
                    "description": "The city and state, e.g. San Francisco, CA",
                },
                "unit": {
                    "type": "string",
                    "description": "The unit of temperature to return",
                    "enum": ["celsius", "fahrenheit"],
                },
            },
            "required": ["location"],
        },
    },
}
WEATHER_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful assistant that can answer to questions about the weather.",
    },
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]
COOKBOOK_PROMPT_TOKENS = 105


def test_tool_definitions_are_input_tokens_of_every_example_as_the_cookbook_counts_them():
    reply = {"role": "assistant", "content": "It is sunny."}
    replied = 4 + encode("It is sunny.")  # the assistant message, trained
    with_tools = {"messages": [*WEATHER_MESSAGES, reply], "tools": [WEATHER_TOOL]}
    legacy = {"messages": [*WEATHER_MESSAGES, reply], "functions": [WEATHER_TOOL["function"]]}
    bare = {"messages": [*WEATHER_MESSAGES, reply]}
    profile = check(jsonl([with_tools, legacy, bare]))
    assert profile["valid"] == 3
    prompt_alone = 4 + encode(WEATHER_MESSAGES[0]["content"]) + 4
    prompt_alone += encode(WEATHER_MESSAGES[1]["content"]) + 3
    tools_alone = COOKBOOK_PROMPT_TOKENS - prompt_alone
    assert (
        tools_alone
        == 10
        + encode("get_current_weather:Get the current weather in a given location")
        + 3
        + (3 + encode("location:string:The city and state, e.g. San Francisco, CA"))
        + (-3 + 3 + encode("celsius") + 3 + encode("fahrenheit"))
        + (3 + encode("unit:string:The unit of temperature to return"))
        + 12
    )
    assert profile["tokens"] == {
        "min": prompt_alone + replied,
        "median": COOKBOOK_PROMPT_TOKENS + replied,
        "p95": COOKBOOK_PROMPT_TOKENS + replied,
        "max": COOKBOOK_PROMPT_TOKENS + replied,
        "total": 2 * COOKBOOK_PROMPT_TOKENS + prompt_alone + 3 * replied,
        "trained": 3 * replied,  # tool definitions are input, never trained
        "mean": round((2 * COOKBOOK_PROMPT_TOKENS + prompt_alone + 3 * replied) / 3, 1),
        "longer_than": [],  # every example is under 512 tokens
    }


def test_sharegpt_tools_given_as_json_text_are_counted_like_a_list():
    """LLaMA-Factory's ShareGPT files (data/glaive_toolcall_en_demo.json) give "tools" as the JSON
    text of a list of functions; a definition the cookbook's rule can't read (no name) counts as
    its compact JSON text."""
    conversation = [
        {"from": "human", "value": "What's the weather like in San Francisco?"},
        {"from": "gpt", "value": "It is sunny."},
    ]
    odd = {"kind": "retrieval"}
    records = [
        {"conversations": conversation, "tools": json.dumps([WEATHER_TOOL["function"]])},
        {"conversations": conversation, "tools": [odd]},
        {"conversations": conversation},
    ]
    profile = check(jsonl(records))
    bare = 4 + encode(conversation[0]["value"]) + 4 + encode("It is sunny.") + 3
    weather = COOKBOOK_PROMPT_TOKENS - (
        4 + encode(WEATHER_MESSAGES[0]["content"]) + 4 + encode(WEATHER_MESSAGES[1]["content"]) + 3
    )
    odd_tokens = encode('{"kind":"retrieval"}') + 12
    assert (profile["tokens"]["min"], profile["tokens"]["max"]) == (bare, bare + weather)
    assert profile["tokens"]["total"] == 3 * bare + weather + odd_tokens


def test_the_long_examples_file_counts_the_chat_overhead_against_the_context_limit():
    """Ten examples whose text alone is just under 4,096 tokens: with the overhead, all ten are
    over it (the check used to report 8 of 10 on the issue's file)."""
    records = [files.chat(" hello" * (4085 + n), "ok", system=None) for n in range(10)]
    for n, record in enumerate(records):  # the texts alone: 4,086 to 4,095 tokens
        assert encode(record["messages"][0]["content"]) + encode("ok") == 4086 + n
    profile = check(jsonl(records), chunk=65536)
    assert profile["tokens"]["min"] == 4086 + 11 and profile["tokens"]["max"] == 4095 + 11
    assert profile["over_context"] == 10
    assert profile["over_context_lines"] == list(range(1, 11))


# Lines 17, 25, 33 and 71 of Azure's ChartQA sample (microsoft-foundry/fine-tuning @ de257fc4,
# Sample_Datasets/Supervised_Fine_Tuning/Multimodal-chartqa/training.jsonl): one question about
# different charts, so different answers are right. (question, chart, answer)
CHART = "https://automlcesdkdataresources.blob.core.windows.net/finetuning-image-models/images/HuggingFaceM4-ChartQA/train/"
CHARTQA = [
    ("What's the rightmost value of orange graph?\nShort answer required.", "16.png", "51"),
    ("What's the rightmost value of orange graph?\nShort answer required.", "24.png", "73"),
    ("What's the rightmost value of dark green graph?\nShort answer required.", "32.png", "15"),
    ("What's the rightmost value of green graph?\nShort answer required.", "70.png", "64"),
]


def chart_question(question: str, image: str, answer: str) -> dict:
    return {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": question},
                    {"type": "image_url", "image_url": {"url": CHART + image}},
                ],
            },
            {"role": "assistant", "content": [{"type": "text", "text": answer}]},
        ]
    }


def test_one_question_about_different_images_is_neither_a_duplicate_nor_a_conflict():
    """The check called lines 1/2 (and 3/4, at similarity 0.93) conflicting labels, and the
    file "mixed"; only the same question about the same image with another answer is one."""
    records = [chart_question(*row) for row in CHARTQA]
    records.append(chart_question(*CHARTQA[0]))  # line 5: line 1 again, an exact duplicate
    records.append(chart_question(CHARTQA[1][0], CHARTQA[1][1], "74"))  # 6: line 2, 74 not 73
    profile = check(jsonl(records))
    assert profile["valid"] == 6
    assert profile["duplicate_groups"] == [[1, 5]]
    assert profile["conflicting_outputs"] == 1
    assert profile["label_conflicts"] == [{"lines": [2, 6], "similarity": 1.0}]
    # Removable: line 5, a copy, and one of lines 2 and 6, the same image's near-identical pair.
    assert profile["near_duplicate_removable"] == 2
    assert profile["near_duplicate_groups"] == [[2, 6]]
    # Images are not text: the tokens are the texts' alone, as before.
    assert profile["tokens"]["total"] == sum(
        4 + encode(question) + 4 + encode(answer) + 3
        for question, _, answer in [*CHARTQA, CHARTQA[0], (CHARTQA[1][0], "", "74")]
    )
    inline = [chart_question("Describe it.", "x", "A chart.") for _ in range(2)]
    for record, pixels in zip(inline, ("iVBORw0KGgo" * 40, "iVBORw0KGgp" * 40), strict=True):
        record["messages"][0]["content"][1]["image_url"]["url"] = "data:image/png;base64," + pixels
    assert check(jsonl(inline))["exact_duplicates"] == 0  # inline images differ by one byte


def test_preference_pairs_about_different_images_are_not_duplicates():
    def pair(image: str) -> dict:
        question = chart_question(CHARTQA[0][0], image, "")["messages"][:1]
        return {
            "input": {"messages": question},
            "preferred_output": [{"role": "assistant", "content": "51"}],
            "non_preferred_output": [{"role": "assistant", "content": "15"}],
        }

    profile = check(jsonl([pair("16.png"), pair("24.png"), pair("16.png")]))
    assert (profile["format"], profile["valid"]) == ("preference", 3)
    assert profile["duplicate_groups"] == [[1, 3]]  # the same image twice, not 1 and 2


# --- other JSONL formats -------------------------------------------------------------------


def test_prompt_completion_plain_and_trl_conversational():
    plain = check(jsonl([{"prompt": f"2+{n}?", "completion": str(2 + n)} for n in range(5)]))
    assert (plain["format"], plain["valid"]) == ("prompt_completion", 5)
    assert plain["tokens"]["trained"] == sum(encode(str(2 + n)) for n in range(5))
    conversational = [
        {
            "prompt": [{"role": "user", "content": f"What colour is item {n}?"}],
            "completion": [{"role": "assistant", "content": "Blue."}],
        }
        for n in range(4)
    ]
    conversational.append({"prompt": [{"role": "user", "content": "x"}]})  # line 5
    profile = check(jsonl(conversational))
    assert (profile["format"], profile["valid"], profile["invalid"]) == ("prompt_completion", 4, 1)
    assert lines_of(profile) == [(5, "no_completion")]
    validated(profile)


def test_alpaca_jsonl_reads_instruction_and_input():
    records = [
        {
            "instruction": f"Translate word {n}",
            "input": f"chat {n}" if n % 2 else "",
            "output": "cat",
        }
        for n in range(6)
    ]
    records.append({"instruction": "Say hi", "output": ""})  # line 7
    records.append({"instruction": "Say hi", "input": "", "output": "hi", "id": 8})  # line 8
    profile = check(jsonl(records))
    assert (profile["format"], profile["valid"], profile["invalid"]) == ("alpaca", 7, 1)
    assert lines_of(profile) == [(7, "empty_output")]
    assert lines_of(profile, "warnings") == [(8, "unknown_key")]
    assert profile["tokens"]["total"] == sum(
        encode(f"Translate word {n}\n\nchat {n}" if n % 2 else f"Translate word {n}")
        + encode("cat")
        for n in range(6)
    ) + encode("Say hi") + encode("hi")
    validated(profile)


# --- one JSON array of records (Alpaca's alpaca_data.json, LLaMA-Factory's data/*.json) ------


def tricky_alpaca(n: int) -> list[dict]:
    """Alpaca records whose texts hold what a naive splitter trips on: quotes, backslashes (one
    ending a string), brackets, braces, commas and escaped newlines."""
    rng = random.Random(11)
    records = [
        {
            "instruction": f'{files.sentence(rng, 3, 8)} "quoted {n}" [x], {{y}} \\',
            "input": "a\\nb\\\\" if n % 3 else "",
            "output": files.sentence(rng, 4, 12) + ("}]" if n % 2 else "\\"),
        }
        for n in range(n)
    ]
    records[4]["output"] = ""  # an error of its own, reported on the line its record starts on
    records[7] = records[2]  # an exact duplicate
    return records


def test_a_json_array_is_read_as_its_records_whatever_the_chunks():
    records = tricky_alpaca(40)
    array = json.dumps(records, indent=2, ensure_ascii=False).encode()
    # json.dumps(indent=2) opens each record on a line of its own, "  {".
    starts = [n for n, text in enumerate(array.decode().split("\n"), 1) if text == "  {"]
    assert len(starts) == 40
    as_lines = check(jsonl(records))
    for chunk in (1, 2, 3, 7, 64, 4096):  # a backslash, a quote, a newline at any chunk's end
        profile = check(array, chunk=chunk)
        assert (profile["format"], profile["examples"], profile["valid"]) == ("alpaca", 40, 39)
        assert lines_of(profile) == [(starts[4], "empty_output")]
        assert profile["duplicate_groups"] == [[starts[2], starts[7]]]
        assert profile["tokens"] == as_lines["tokens"]
    one_line = check(json.dumps(records).encode(), chunk=5)  # minified: every record on line 1
    assert (one_line["valid"], lines_of(one_line)) == (39, [(1, "empty_output")])
    assert one_line["tokens"] == as_lines["tokens"]


def test_a_json_array_element_over_1_mb_is_skipped_and_what_is_not_a_record_is_an_error():
    big = {"prompt": "x" * 1_100_000, "completion": "y"}
    good = {"prompt": "What is 2+2?", "completion": "4"}
    text = (
        "[\n"
        + json.dumps(good)  # line 2
        + ",\n"
        + json.dumps(big)  # line 3: longer than 1 MB
        + ",\n  17,\n"  # line 4: a number, not a record
        + json.dumps(good)  # line 5
        + "\n]\n\nnot json\n"  # line 8: after the array's end
    )
    profile = check(text.encode(), chunk=65536)
    assert (profile["examples"], profile["valid"]) == (5, 2)
    assert lines_of(profile) == [(3, "too_long"), (4, "not_object"), (8, "not_json")]
    assert profile["exact_duplicates"] == 1
    with pytest.raises(datasets.Unreadable) as refused:
        check(b"[ ]\n")
    assert refused.value.code == "empty"


def test_a_json_array_is_split_in_bounded_memory():
    """A 10 MB element streams past without being gathered: the check's own allocations stay
    under 4 MB (the chunks, made before measuring, are the upload's)."""
    good = json.dumps({"prompt": "What is 2+2?", "completion": "4"})
    text = f'[{good}, {{"prompt": "{"x" * 10_000_000}", "completion": "y"}}, {good}]'.encode()
    chunks = [text[i : i + 65536] for i in range(0, len(text), 65536)]
    datasets.check([good.encode() + b"\n"])  # the encoding loaded, once per process
    tracemalloc.start()
    try:
        profile = datasets.check(chunks)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (profile["valid"], lines_of(profile)) == (2, [(1, "too_long")])
    assert peak < 4 * 1024 * 1024


def test_alpaca_csv_reads_the_instruction_not_only_the_empty_input_column():
    rows = ["instruction,input,output"] + [f"Name a colour number {n},,red" for n in range(30)]
    profile = check(("\n".join(rows) + "\n").encode())
    assert (profile["format"], profile["columns"], profile["valid"]) == (
        "alpaca",
        ["instruction", "output"],
        30,
    )
    assert profile["tokens"]["total"] == sum(
        encode(f"Name a colour number {n}") + encode("red") for n in range(30)
    )


def test_sharegpt_conversations():
    records = [
        {
            "conversations": [
                {"from": "system", "value": "Be brief."},
                {"from": "human", "value": f"Question {n}?"},
                {"from": "gpt", "value": f"Answer {n}."},
            ]
        }
        for n in range(5)
    ]
    records.append({"conversations": [{"from": "alien", "value": "x"}]})  # line 6
    records.append({"conversations": [{"from": "human", "value": "only a question"}]})  # line 7
    profile = check(jsonl(records))
    assert (profile["format"], profile["valid"], profile["invalid"]) == ("sharegpt", 5, 2)
    assert lines_of(profile) == [(6, "unknown_role"), (7, "no_assistant")]
    validated(profile)


def test_trl_text():
    profile = check(jsonl([{"text": f"Document number {n} about things."} for n in range(8)]))
    assert (profile["format"], profile["valid"]) == ("text", 8)
    assert profile["tokens"]["total"] == profile["tokens"]["trained"]
    assert profile["labels"] is None


def test_preference_pairs_openai_dpo_and_trl():
    openai = [
        {
            "input": {"messages": [{"role": "user", "content": f"Tell me about {n}"}]},
            "preferred_output": [{"role": "assistant", "content": f"A good answer on {n}."}],
            "non_preferred_output": [{"role": "assistant", "content": f"Meh {n}."}],
        }
        for n in range(6)
    ]
    openai[4]["non_preferred_output"] = openai[4]["preferred_output"]  # line 5: identical pair
    openai[5] = {"input": {"messages": []}, "preferred_output": []}  # line 6
    profile = check(jsonl(openai))
    assert (profile["format"], profile["valid"], profile["invalid"]) == ("preference", 5, 1)
    assert {k: profile["pairs"][k] for k in ("count", "identical")} == {"count": 5, "identical": 1}
    assert lines_of(profile, "warnings") == [(5, "same_pair")]
    assert lines_of(profile) == [(6, "no_rejected")]
    assert datasets.is_preference(profile) is True
    validated(profile)

    trl = [{"prompt": f"Q{n}?", "chosen": f"Yes {n}", "rejected": f"No {n}"} for n in range(4)]
    trl.append(
        {
            "chosen": [
                {"role": "user", "content": "Q?"},
                {"role": "assistant", "content": "Good"},
            ],
            "rejected": [
                {"role": "user", "content": "Q?"},
                {"role": "assistant", "content": "Bad"},
            ],
        }
    )  # line 5: implicit prompt
    trl.append({"prompt": "Q?", "chosen": "a"})  # line 6
    profile = check(jsonl(trl))
    assert (profile["format"], profile["valid"], profile["invalid"]) == ("preference", 5, 1)
    assert {k: profile["pairs"][k] for k in ("count", "identical")} == {"count": 5, "identical": 0}
    assert lines_of(profile) == [(6, "no_rejected")]
    assert datasets.is_preference(check(files.clean_diverse(40))) is False


def test_llama_factory_sharegpt_preference_pairs_and_value_text_parts():
    """LLaMA-Factory's data/dpo_en_demo.json: "conversations" and "chosen"/"rejected" as single
    ShareGPT messages; each line was refused as "message chosen has no text content". Its
    v1 SFT demo's text parts hold "value", not "text": each was "empty output"."""
    pairs = [
        {
            "conversations": [
                {"from": "human", "value": f"Name a colour, {n}."},
                {"from": "gpt", "value": "Which kind?"},
                {"from": "human", "value": "Any."},
            ],
            "chosen": {"from": "gpt", "value": f"Blue {n}."},
            "rejected": {"from": "gpt", "value": "No."},
        }
        for n in range(3)
    ]
    pairs[2]["system"] = "Be brief."
    profile = check(jsonl(pairs))
    assert (profile["format"], profile["valid"], profile["warnings"]) == ("preference", 3, [])
    turns = encode("Which kind?") + encode("Any.")
    prompt = [4 * 3 + encode(f"Name a colour, {n}.") + turns for n in range(3)]
    prompt[2] += 4 + encode("Be brief.")
    # Each pair's longer sequence: the prompt, the reply's priming (3) and the longer answer.
    longer = [
        p + 3 + max(4 + encode(f"Blue {n}."), 4 + encode("No.")) for n, p in enumerate(prompt)
    ]
    assert profile["pairs"] == {
        "count": 3,
        "identical": 0,
        "rejected_tokens": 3 * (4 + encode("No.")),
        "sequences": {"p95": max(longer), "max": max(longer), "longer_than": []},
    }
    assert profile["tokens"]["total"] == sum(
        p + 4 + encode(f"Blue {n}.") + 3 + 4 + encode("No.") for n, p in enumerate(prompt)
    )
    assert profile["tokens"]["trained"] == sum(4 + encode(f"Blue {n}.") for n in range(3)) + 3 * (
        4 + encode("No.")
    )
    sft = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "value": "hi"}]},
            {"role": "assistant", "content": [{"type": "text", "value": "Hello! How can I help?"}]},
        ]
    }
    profile = check(jsonl([sft]))
    assert (profile["valid"], profile["tokens"]["trained"]) == (
        1,
        4 + encode("Hello! How can I help?"),
    )


@pytest.mark.parametrize(
    ("detail", "en", "zh"),
    [
        ("3", "message 3 has no text content", "第 3 条消息没有文本内容"),
        (
            "chosen 2",
            'message 2 of "chosen" has no text content',
            '"chosen" 的第 2 条消息没有文本内容',
        ),
        (
            "chosen",
            '"chosen" is not text, a message with text content or a list of such messages',
            '"chosen" 不是文本，也不是带文本内容的消息或这类消息的列表',
        ),
    ],
)
def test_a_field_name_never_stands_where_a_message_number_goes(detail, en, zh):
    assert datasets.messages.line_problem("bad_content", "en", detail) == en
    assert datasets.messages.line_problem("bad_content", "zh", detail) == zh


def test_a_preference_answer_that_is_not_text_is_named_by_its_field():
    records = [{"prompt": "Q?", "chosen": 5, "rejected": "No"}]
    records.append(
        {"prompt": "Q?", "chosen": [{"role": "assistant", "content": 5}], "rejected": "x"}
    )
    with pytest.raises(datasets.Unreadable) as refused:
        check(jsonl(records))
    shown = [
        (e.line, datasets.messages.line_problem(e.code, "zh", e.detail))
        for e in refused.value.lines
    ]
    assert shown == [
        (1, '"chosen" 不是文本，也不是带文本内容的消息或这类消息的列表'),
        (2, '"chosen" 的第 1 条消息没有文本内容'),
    ]


def test_mixing_formats_is_an_error_on_the_line_that_changes():
    records = [
        {"prompt": "a", "completion": "b"},
        {"text": "c"},
        {"prompt": "d", "completion": "e"},
    ]
    profile = check(jsonl(records))
    assert lines_of(profile) == [(2, "mixed_format")]


# --- CSV ----------------------------------------------------------------------------------


def test_an_unbalanced_csv_quote_is_an_error_not_two_lost_rows():
    rows = ["input,output"] + [f"question {n},answer {n}" for n in range(1, 201)]
    rows[50] = 'question 50,"answer 50'  # file line 51: the quote is never closed...
    rows[53] = 'question 53,answer 53"'  # ...until line 54, which closes it
    profile = check(("\n".join(rows) + "\n").encode())
    # Line 51 is the error; lines 52-54, swallowed by its quote, are read again as rows.
    assert profile["examples"] == 200
    assert profile["valid"] == 199
    assert lines_of(profile) == [(51, "unbalanced_quote")]
    assert profile["errors"][0]["detail"] == "51-54"


@pytest.mark.parametrize("end", ["\n", ""], ids=["final-newline", "no-final-newline"])
def test_a_csv_quote_left_open_to_the_end_is_an_error_and_the_rows_after_it_are_read(end):
    # The review's file: 100 rows, and file line 51 (the header is line 1) opens a quote it
    # never closes. The truth: 100 rows, 1 invalid, the error on the quote's own line.
    rows = ["input,output"] + [f"question {i},answer {i}" for i in range(1, 101)]
    rows[50] = '"question 50 has an unclosed quote,answer 50'
    profile = check(("\n".join(rows) + end).encode())
    assert (profile["examples"], profile["valid"], profile["invalid"]) == (100, 99, 1)
    assert lines_of(profile) == [(51, "unbalanced_quote")]
    assert profile["errors"][0]["detail"] == "51-101"
    small = check(b'input,output\n"abc,def\nghi,jkl\nmno,pqr\n')
    assert (small["examples"], small["valid"]) == (3, 2)
    assert lines_of(small) == [(2, "unbalanced_quote")]


def test_a_csv_quote_left_open_in_a_long_file_loses_no_row_past_csvs_field_limit():
    # 20,000 rows: the open quote would take ~5,000 lines before csv's field limit (131,072
    # characters) stops it; every later row is read too, and the record kept is bounded.
    rows = ["input,output"] + [f"question {i},answer {i}" for i in range(1, 20_001)]
    rows[51] = '"question 51 opens a quote,answer 51'
    profile = check(("\n".join(rows) + "\n").encode())
    assert (profile["examples"], profile["valid"], profile["invalid"]) == (20_000, 19_999, 1)
    assert lines_of(profile) == [(52, "unbalanced_quote")]


def test_multi_line_cells_of_prose_with_commas_are_read_as_the_csv_module_writes_them():
    # A question/answer file whose answers are paragraphs: lines with one comma, several, none,
    # and blank lines between paragraphs, every quote closed. Python's csv module writes it and
    # reads back 60 records; the check used to call a cell "an unclosed quote" as soon as one of
    # its lines had a comma (a two-column file's row), and refused those records.
    import csv
    import io

    answers = [
        "Yes, it is covered.\nThe policy pays the repair, less the excess.\n\nSee clause 4.",
        "No.\nTheft from an unlocked car, however, is excluded, as are keys.",
        "It depends on the contract.\n\nCall us, or write, with your number.\nWe answer fast.",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["question", "answer"])
    for n in range(60):
        writer.writerow([f"Question {n}, about the policy?", answers[n % 3] + f" (case {n})"])
    data = buffer.getvalue().encode()
    records = list(csv.reader(io.StringIO(buffer.getvalue())))[1:]
    profile = check(data)
    assert (profile["examples"], profile["valid"], profile["invalid"]) == (60, 60, 0)
    assert profile["errors"] == []
    # Every record's whole text is counted: question and answer, as for any CSV row.
    assert profile["tokens"]["total"] == sum(encode(q) + encode(a) for q, a in records)


def test_one_stray_quote_is_found_even_between_real_multi_line_cells():
    rows = ["input,output"] + [f"question {n},answer {n}" for n in range(1, 41)]
    rows[5] = 'question 5,"first line, with a comma\nsecond line\n\nthird, last"'
    rows[20] = 'question 20,"answer 20'  # never closed until row 23's end
    rows[23] = 'question 23,answer 23"'
    profile = check(("\n".join(rows) + "\n").encode())
    # Row 5's cell takes file lines 6-9, so row 20 starts on line 24 and row 23 ends on line 27.
    assert lines_of(profile) == [(24, "unbalanced_quote")]
    assert profile["errors"][0]["detail"] == "24-27"
    assert profile["valid"] == 40 - 1  # lines 25-27 are read again as rows


# --- labels and conflicts ------------------------------------------------------------------


def test_labels_ignore_case_and_spacing_and_many_classes_show_the_top_20():
    rng = random.Random(7)
    spellings = ["Billing", "billing", " BILLING ", "billing  "]
    records = [files.chat(files.sentence(rng, 8, 15), spellings[n % 4]) for n in range(100)]
    records += [files.chat(files.sentence(rng, 8, 15), "Refund") for _ in range(50)]
    profile = check(jsonl(records))
    assert profile["labels"] == {"Billing": 100, "Refund": 50}
    assert profile["label_classes"] == 2 and profile["labels_other"] == 0

    many = [files.chat(files.sentence(rng, 8, 15), f"class {n % 77}") for n in range(77 * 6)]
    profile = check(jsonl(many))
    assert profile["label_classes"] == 77
    assert len(profile["labels"]) == 20
    assert sum(profile["labels"].values()) + profile["labels_other"] == 77 * 6
    assert profile["labels_other"] == 57 * 6


def test_near_identical_inputs_with_different_labels_are_reported_and_duplicates_are_not():
    rng = random.Random(8)
    texts = [" ".join(rng.choice(files.ENGLISH) for _ in range(40)) for _ in range(60)]
    records = [
        files.chat(text, "positive" if n % 2 else "negative") for n, text in enumerate(texts)
    ]
    records.append(files.chat(texts[0].upper(), "positive"))  # 61: same input (case), other label
    records.append(files.chat(texts[1] + " please", "negative"))  # 62: near-identical, other label
    records.append(files.chat(texts[2], "negative"))  # 63: an exact duplicate: not a conflict
    profile = check(jsonl(records))
    assert profile["exact_duplicates"] == 1
    assert profile["conflicting_outputs"] == 1
    assert [c["lines"] for c in profile["label_conflicts"]] == [[1, 61], [2, 62]]
    assert profile["duplicate_groups"] == [[3, 63]]


# --- the regression file of issue 19 -------------------------------------------------------


def three_line_file() -> bytes:
    """One answer and two edited copies that each match it but not each other."""
    rng = random.Random(19)
    words = [rng.choice(files.ENGLISH) for _ in range(190)]
    first, second = list(words), list(words)
    for at in range(0, 15):
        first[at] = rng.choice(files.ENGLISH)
    for at in range(175, 190):
        second[at] = rng.choice(files.ENGLISH)
    records = [files.chat("Explain", " ".join(w)) for w in (words, first, second)]
    return jsonl(records)


def test_the_three_line_file_that_gave_a_500():
    data = three_line_file()
    assert 3000 <= len(data) <= 4500 and data.count(b"\n") == 3
    profile = check(data)
    assert profile["valid"] == 3
    assert profile["near_duplicate_removable"] == 2  # one group of three: two could go
    assert profile["near_duplicate_groups"] == [[1, 2, 3]]
    assert [p["lines"] for p in profile["near_duplicate_pairs"]] == [[1, 2]]
    validated(profile)


# --- what the engine is told ---------------------------------------------------------------


def test_measured_answers_leave_out_what_the_check_cant_see():
    profile = check(files.near_duplicates(500, share=0.4))
    assert datasets.measured_answers(profile) == {
        "example_count": "100_to_1k",  # 500 valid, 200 near-duplicates could go: 300 usable
        "data_diversity": "clustered",
    }  # no data_quality: finding no problem is not "reviewed and correct"
    few = check(files.clean_diverse(20))
    assert datasets.measured_answers(few) == {"example_count": "under_100"}
    noisy = check(files.malformed())
    assert datasets.measured_answers(noisy)["data_quality"] == "noisy"  # problems are measured
    assert datasets.measured_answers(None) == {}
    assert datasets.measured_answers({}) == {}
    # Edge cases are never measured, whatever the share of unusual inputs.
    mixed = check(files.mixed_languages(english=150, chinese=50))
    assert mixed["suggested_answers"]["edge_cases"] == "yes"
    assert "edge_cases" not in datasets.measured_answers(mixed)


def test_is_preference_needs_pairs():
    assert datasets.is_preference(None) is False
    assert datasets.is_preference({"format": "preference", "pairs": {"count": 0}}) is False
    assert datasets.is_preference({"format": "preference", "pairs": {"count": 3}}) is True
    assert datasets.is_preference({"format": "chat", "pairs": None}) is False


def test_a_csv_header_with_a_stray_carriage_return_is_a_named_refusal_not_a_crash():
    # csv refuses a line with a carriage return inside it; found while sharing the delimiter
    # sniffing with the eval-run check, whose fuzzing test sent such a header.
    with pytest.raises(datasets.Unreadable) as refused:
        check(b"input\rx,output\na,b\n")
    assert (refused.value.code, refused.value.detail) == ("csv_columns", "input x, output")
