"""The dataset check on generated files whose properties are known (no web, no database)."""

import gzip
import random
import subprocess
import sys
import tracemalloc

import pytest

from app import datasets
from app.datasets import similarity, suggestions
from app.datasets.schema import DatasetProfile
from app.settings import ROOT
from tests import dataset_files as files


def check(data: bytes, chunk: int = 4096, **options) -> dict:
    return datasets.check([data[i : i + chunk] for i in range(0, len(data), chunk)], **options)


def test_clean_diverse_set():
    profile = check(files.clean_diverse(300))
    assert (profile["format"], profile["examples"], profile["valid"], profile["invalid"]) == (
        "chat",
        300,
        300,
        0,
    )
    assert profile["errors"] == []
    assert profile["exact_duplicates"] == 0
    assert profile["near_duplicate_share"] == 0.0
    assert profile["labels"] is None
    assert profile["suggested_answers"] == {
        "example_count": "100_to_1k",
        "data_quality": "unsure",  # no problem found is not "reviewed and correct"
        "data_diversity": "diverse",
        "edge_cases": "unsure",  # a low share of unusual inputs says nothing of hard cases
    }


def test_near_duplicate_share_matches_how_the_file_was_built():
    profile = check(files.near_duplicates(500, share=0.4))
    assert profile["valid"] == 500 and profile["exact_duplicates"] == 0
    assert abs(profile["near_duplicate_share"] - 0.4) <= 0.05
    assert len(profile["near_duplicate_pairs"]) == 3
    for pair in profile["near_duplicate_pairs"]:
        assert pair["similarity"] >= similarity.THRESHOLD
        assert pair["lines"][0] != pair["lines"][1]
    assert profile["suggested_answers"]["data_diversity"] == "clustered"
    assert profile["suggested_answers"]["data_quality"] == "unsure"


@pytest.mark.parametrize("share", [0.1, 0.25])
def test_near_duplicate_share_follows_the_construction(share):
    profile = check(files.near_duplicates(400, share=share, seed=9))
    assert abs(profile["near_duplicate_share"] - share) <= 0.05


def test_exact_duplicates_count_toward_the_near_duplicate_share():
    base = files.clean_diverse(100).splitlines(keepends=True)
    profile = check(b"".join(base + base[:20]))
    assert profile["exact_duplicates"] == 20
    assert profile["near_duplicate_removable"] == 20
    assert profile["near_duplicate_share"] == pytest.approx(20 / 120, abs=0.001)
    assert profile["near_duplicate_pairs"] == []  # only near, not exact, pairs are shown


def test_a_single_template_is_one_cluster():
    profile = check(files.single_template(200))
    assert profile["largest_cluster_share"] == 1.0
    assert profile["largest_template"] == {
        "words": "Write a short product description for {…}, a {…} gadget priced at {…} "
        "dollars, for our online shop.",
        "count": 200,
    }
    assert profile["largest_template_share"] == 1.0
    assert [e["line"] for e in profile["template_examples"]] == [1, 2, 3]
    assert profile["near_duplicate_share"] < 0.05
    assert profile["suggested_answers"]["data_diversity"] == "clustered"


def test_malformed_lines_are_reported_with_their_line_numbers():
    profile = check(files.malformed())
    assert profile["examples"] == 60
    assert profile["invalid"] == len(files.MALFORMED_LINES)
    assert profile["valid"] == 60 - len(files.MALFORMED_LINES)
    assert [(e["line"], e["code"]) for e in profile["errors"]] == sorted(
        files.MALFORMED_LINES.items()
    )
    assert profile["exact_duplicates"] == len(files.DUPLICATE_LINES)
    assert profile["suggested_answers"]["data_quality"] == "noisy"  # 7 of 60 lines: 12%


def test_labels_and_the_majority_share():
    profile = check(files.labels_95_5(400))
    assert profile["labels"] == {"positive": 380, "negative": 20}
    assert profile["majority_share"] == 0.95
    assert profile["suggested_answers"]["data_diversity"] == "clustered"


def test_english_and_chinese_mixed():
    profile = check(files.mixed_languages(english=150, chinese=50))
    edge = profile["edge_cases"]
    assert edge["main_script"] == "latin"
    assert edge["scripts"] == {"latin": 150, "han": 50}
    assert edge["other_language_share"] == 0.25
    assert profile["suggested_answers"]["edge_cases"] == "yes"


def test_token_counts_are_cl100k_base():
    record = files.chat("Hello world", "Goodbye world", system=None)
    profile = check(files.jsonl([record]))
    # cl100k_base's published ids for "Hello world"; "Goodbye" is two tokens.
    assert datasets.tokens.encoding().encode_ordinary("Hello world") == [9906, 1917]
    # The cookbook's overhead: 3 per message and 1 for its role, 3 priming the reply.
    overhead = 2 * (3 + 1) + 3
    assert profile["tokens"] == {
        "min": 5 + overhead,
        "median": 5 + overhead,
        "p95": 5 + overhead,
        "max": 5 + overhead,
        "total": 5 + overhead,
        "trained": 3 + 4,
        "mean": 16.0,
        "longer_than": [],  # no length a plan cuts at is under the longest's 16 tokens
    }
    assert profile["tokenizer"] == "tiktoken cl100k_base"


def test_a_messages_name_counts_its_tokens_and_one_more_as_the_cookbook_does():
    # OpenAI's cookbook (num_tokens_from_messages, gpt-3.5-turbo-0613 and the GPT-4 family):
    # every value's tokens, and tokens_per_name = 1 for a "name". The words are one token each
    # (files.ONE_TOKEN_WORDS): system "the tree" 2, user "the cat dog" 3, answer "blue green" 2;
    # each message 3 + 1 for its role, 3 priming the reply, names "dog" and "house" 1 + 1 each.
    record = {
        "messages": [
            {"role": "system", "content": "the tree", "name": "dog"},
            {"role": "user", "content": "the cat dog", "name": "house"},
            {"role": "assistant", "content": "blue green"},
        ]
    }
    profile = check(files.jsonl([record]))
    assert profile["tokens"]["total"] == (4 + 2) + (4 + 3) + (4 + 2) + 3 + 2 * (1 + 1)  # 26
    assert profile["tokens"]["trained"] == 4 + 2  # a name is input, never trained
    assert profile["warnings"] == []  # "name" is a key of OpenAI's chat format


def test_examples_longer_than_each_length_a_plan_cuts_at_are_counted():
    # 90 examples of 4,500 tokens and ten of 5,000, 5,500, ... 9,500. The 95th percentile
    # (nearest rank, the 95th of 100) is 7,000: a plan packs 7,168 tokens (28 x 256). The
    # lengths under the longest: that one and the powers of two from 512 to 8,192.
    rng = random.Random(1)
    totals = [4_500] * 90 + list(range(5_000, 10_000, 500))
    profile = check(files.jsonl(files.chat_of(rng, total) for total in totals))
    assert (profile["tokens"]["p95"], profile["tokens"]["max"]) == (7_000, 9_500)
    assert profile["tokens"]["longer_than"] == [
        {"tokens": 512, "count": 100},
        {"tokens": 1_024, "count": 100},
        {"tokens": 2_048, "count": 100},
        {"tokens": 4_096, "count": 100},
        {"tokens": 7_168, "count": 5},  # 7,500 to 9,500
        {"tokens": 8_192, "count": 3},  # 8,500, 9,000 and 9,500
    ]
    DatasetProfile.model_validate(profile)


def test_examples_over_the_context_limit_are_counted_with_their_lines():
    lines = [files.chat("short question", "short answer", system=None)] * 3
    lines[1] = files.chat("word " * 300, "answer", system=None)
    profile = check(files.jsonl(lines), context_limit=128)
    assert profile["over_context"] == 1 and profile["over_context_lines"] == [2]


def test_prompt_completion_and_csv_formats():
    pc = check(b'{"prompt": "2+2?", "completion": "4"}\n{"prompt": "3+3?", "completion": ""}\n')
    assert (pc["format"], pc["valid"], pc["invalid"]) == ("prompt_completion", 1, 1)
    assert pc["errors"][0] == {
        "line": 2,
        "code": "empty_output",
        "detail": "",
        "snippet": '{"prompt": "3+3?", "completion": ""}',
    }
    csv = check(
        'Question,Answer\n什么是 LoRA?,一种微调方法\n"multi\nline",ok\nonly one cell\n'.encode()
    )
    assert (csv["format"], csv["columns"], csv["valid"], csv["invalid"]) == (
        "csv",
        ["Question", "Answer"],
        2,
        1,
    )
    assert csv["errors"] == [{"line": 5, "code": "missing_cell", "detail": "", "snippet": ""}]
    tsv = check(b"input\toutput\nhello\tworld\n")
    assert (tsv["format"], tsv["valid"]) == ("csv", 1)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"\n\n   \n", "empty"),
        (gzip.compress(files.clean_diverse(50)), "compressed"),
        (b"PK\x03\x04" + b"\x00" * 100, "compressed"),
        ("input,output\nhi,there\n".encode("utf-16"), "utf16"),
        (b"\x00\x01\x02binary" * 100, "binary"),
        (b"[1, 2]", "no_valid"),
        (b"name,age\nann,3\n", "csv_columns"),
        (b'{"foo": 1}\n{"bar": 2}\n', "wrong_shape"),
        (
            b"\xff\xfeinput"
            if False
            else "input,output\ncaf\u00e9,ok\n".encode("latin-1").replace(b"input", b"\xe9input"),
            "encoding",
        ),
        (b"{" + b"a" * 10_000_000, "too_long"),
        (b'{"messages": 1}\nnot json\n', "no_valid"),
    ],
)
def test_files_that_cannot_be_checked_say_why(data, code):
    with pytest.raises(datasets.Unreadable) as refused:
        check(data, chunk=65536)
    assert refused.value.code == code


def test_a_file_in_another_encoding_is_named_when_it_can_be():
    """French prose saved as Windows-1252 reads as that, not as Chinese (GB18030 decodes many
    Latin-1 byte pairs too, but not to Chinese text)."""
    rows = "input,output\nUn café ?,Oui, un café crème.\nDéjà vu ?,Très déjà vu.\n"
    with pytest.raises(datasets.Unreadable) as refused:
        check(rows.encode("cp1252"))
    assert (refused.value.code, refused.value.detail) == ("encoding", "Windows-1252 (Latin-1)")


def test_the_first_bad_lines_come_with_the_refusal():
    with pytest.raises(datasets.Unreadable) as refused:
        check(b'{"foo": 1}\n{"bar": 2}\n')
    assert [(e.line, e.code) for e in refused.value.lines] == [
        (1, "unknown_shape"),
        (2, "unknown_shape"),
    ]


def test_a_10_mb_line_is_skipped_without_being_held_in_memory():
    data = (
        files.clean_diverse(20) + b'{"prompt": "' + b"x" * 10_000_000 + b'", "completion": "y"}\n'
    )
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    # What a process builds once and keeps (the tokenizer's ~20 MB vocabulary, the hashing
    # tables) is not this check's: built here by a small check, before the window, whichever
    # test of this worker runs first.
    datasets.check([files.clean_diverse(20)])
    tracemalloc.start()
    profile = datasets.check(chunks)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert profile["errors"] == [{"line": 21, "code": "too_long", "detail": "", "snippet": ""}]
    # The chunks themselves (10 MB) are the caller's; the check adds little beyond one line's cap.
    assert peak < 3 * 1024 * 1024


def test_the_tokenizer_never_touches_the_network():
    """In a fresh interpreter with sockets disabled and no cache directory: it still works."""
    program = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from app.datasets import tokens\n"
        "assert len(tokens.encoding().encode_ordinary('Hello world')) == 2\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "", "TIKTOKEN_CACHE_DIR": "/nonexistent"},
    )
    assert result.returncode == 0, result.stderr


def test_profiles_validate_and_suggestions_are_recomputed():
    profile = check(files.labels_95_5(100))
    forged = {**profile, "suggested_answers": {"data_quality": "clean"}}
    assert DatasetProfile.model_validate(forged).suggested_answers == profile["suggested_answers"]
    with pytest.raises(ValueError):
        DatasetProfile.model_validate({**profile, "valid": profile["valid"] + 1})


@pytest.mark.parametrize(
    ("valid", "removable", "expected"),
    [
        (1, 0, "under_100"),
        (99, 0, "under_100"),
        (130, 30, "100_to_1k"),
        (1000, 0, "100_to_1k"),
        (1001, 0, "over_1k"),
        (1500, 600, "100_to_1k"),
    ],
)
def test_example_count_counts_usable_examples(valid, removable, expected):
    profile = {"valid": valid, "near_duplicate_removable": removable}
    assert suggestions.suggest_example_count(profile) == expected


def test_measured_facts_in_both_languages():
    profile = check(files.near_duplicates(500, share=0.4))
    fact = datasets.measured_fact(profile, "data_diversity")
    near = round(profile["near_duplicate_share"] * 100)
    assert fact.en == (
        f"measured on 500 examples: {near}% are near-duplicates, "
        f"the largest cluster is {round(profile['largest_cluster_share'] * 100)}%"
    )
    assert fact.zh.startswith(f"基于 500 条样本实测：{near}% 为近似重复")
    assert (
        datasets.measured_fact(profile, "data_diversity", "diverse") is None
    )  # answered otherwise
    assert datasets.measured_fact(profile, "data_diversity", "clustered") == fact
    assert datasets.measured_fact(None, "data_diversity") is None
    assert datasets.measured_fact(profile, "task_type") is None
    for question in datasets.QUESTIONS:
        assert datasets.measured_fact(profile, question).zh
        assert all(f.en and f.zh for f in datasets.facts(profile, question))


@pytest.mark.parametrize(
    "build",
    [
        files.clean_diverse,
        files.near_duplicates,
        files.single_template,
        files.labels_95_5,
        files.mixed_languages,
        files.malformed,
    ],
)
def test_every_profile_fits_its_documented_schema(build):
    profile = check(build())
    validated = DatasetProfile.model_validate({**profile, "file_name": "train.jsonl"}).model_dump()
    assert [
        {k: e[k] for k in ("line", "code", "detail", "snippet")} for e in validated.pop("errors")
    ] == profile.pop("errors")
    assert validated == {**profile, "file_name": "train.jsonl"}


def test_the_fast_paths_of_the_check_agree_with_the_plain_definitions():
    """The check's per-example shortcuts give what the plain definitions give: spacing ignored
    by str.split (whose whitespace must be re's \\s for str patterns), and script and
    malformedness of an ASCII text looked at once (scripts.describe)."""
    import re
    import sys as system

    from app.datasets import scripts
    from app.datasets.profile import _normal

    everything = "".join(map(chr, range(system.maxunicode + 1)))
    assert re.findall(r"\s", everything) == [c for c in everything if c.isspace()]
    for text in ("  A\x1e b\u3000\u00a0C \n", "\x1e", "", "Ünïcode  SPACES\t"):
        assert _normal(text) == re.sub(r"\s+", " ", text).strip().casefold()
    ascii_texts = [chr(c) * n for c in range(128) for n in (1, 12)]
    ascii_texts += [
        f"{'abcdefghij' * k}{chr(c)}{'!?' * n}" for c in range(128) for k in (0, 1) for n in (3, 9)
    ]
    ascii_texts += ["", "   ", "question 00000042", '{"a": [1, 2]}', "x" * 400 + "!" * 400]
    for text in [*ascii_texts, "中文的句子", "caf\u00e9 \ufffd", "\u0661\u0662 !!!!!!!!!!"]:
        assert scripts.describe(text) == (scripts.dominant(text), scripts.looks_malformed(text))


def test_the_samples_fast_paths_agree_with_their_plain_definitions():
    """The diversity reservoir draws as random.randrange does (Algorithm R, inlined in
    Profiler._add), the sample holds the examples of the smallest keys (compared in Profiler._add
    with the largest kept, held in locals), and a short text's shingle set mixed in Python is
    numpy's."""
    import random

    import numpy as np

    from app.datasets import reading
    from app.datasets.profile import SAMPLE_CHARS, SAMPLE_EXAMPLES, Profiler

    data = b"input,output\n" + b"".join(b"question %d,a%d\n" % (i, i % 7) for i in range(3000))
    profiler = Profiler()
    profiler.run([data])
    rng = random.Random(20261127)
    reservoir: list[str] = []
    for seen, example in enumerate(reading.read_examples([data], reading.Reading()), 1):
        if len(reservoir) < SAMPLE_EXAMPLES:
            reservoir.append(example.whole[:SAMPLE_CHARS])
        elif (slot := rng.randrange(seen)) < SAMPLE_EXAMPLES:
            reservoir[slot] = example.whole[:SAMPLE_CHARS]
    assert [text for text, _ in profiler.diversity] == reservoir
    # The sample: the distinct examples of the smallest (key, line), a heap of them in Profiler.
    encode = profiler.encoding.encode_ordinary
    examples = list(reading.read_examples([data], reading.Reading()))
    keyed = sorted((similarity.ShingleBatch([encode(e.whole)]).keys[0], e.line) for e in examples)
    for size in (50, 300):
        small = Profiler(sample_size=size)
        small.run([data])
        assert sorted((item.key, item.line) for item in small._items()) == keyed[:size]
    assert reservoir[:2] == ["question 1126\na6", "question 2842\na0"] and len(reservoir) == 500
    assert sum(text != f"question {i}\na{i % 7}" for i, text in enumerate(reservoir)) == 416

    draw = random.Random(3)
    for length in [*range(similarity.SHORT_TOKENS), *(draw.randrange(30) for _ in range(2000))]:
        ids = [draw.choice((0, 1, 2**17 - 1, draw.randrange(100_277))) for _ in range(length)]
        plain = np.unique(similarity.fmix32(np.asarray(ids, dtype=np.uint32) ^ 0xA5A5A5A5))
        fast = similarity.shingle_set(ids)
        assert fast.dtype == plain.dtype and fast.tolist() == plain.tolist()


def band_keys(permutations, shingles):
    """One set's LSH band keys, as the definition reads: its minimum under each permutation (an
    empty set taken as one 0), BANDS bands of ROWS, each band weighted into one key."""
    import numpy as np

    if len(shingles) == 0:
        shingles = np.zeros(1, dtype=np.uint32)
    permuted = permutations.a[:, None] * shingles[None, :] + permutations.b[:, None]
    signature = permuted.min(axis=1).astype(np.uint64).reshape(similarity.BANDS, similarity.ROWS)
    return (signature * permutations.band_weights).sum(axis=1)


def test_band_keys_of_many_sets_are_each_sets_band_keys():
    """similar_pairs takes every set's LSH band keys in runs of sets (band_keys_of): the same
    as band_keys on each, for empty, one-shingle and full (MAX_SHINGLES) sets, whatever the
    run's budget (one set a run, runs cut inside, all in one)."""
    import numpy as np

    permutations = similarity._permutations()
    rng = np.random.default_rng(5)
    sizes = [0, 1, 5, similarity.MAX_SHINGLES, 3, 0, 700, 2, 1] * 20
    sets = [
        np.unique(rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)) for n in sizes
    ]
    plain = [band_keys(permutations, shingles).tolist() for shingles in sets]
    assert len(plain) == 180 and all(len(keys) == similarity.BANDS for keys in plain)
    for budget in (1, 7, 1000, 8192, 10**6):
        assert permutations.band_keys_of(sets, budget) == plain


def test_a_text_joined_by_a_newline_is_encoded_as_its_parts_say():
    """tokens.Joiner gives encode(a + "\\n" + b) from encode(a) and encode(b), or None: on every
    ASCII character at each side of the joint (after and before a few others), every Unicode
    character starting b, punctuation runs of every length around MAX_PIECE, and random texts
    of the characters the tokenizer's pattern treats apart. And it is no shortcut that never
    runs: the common joints are joined."""
    import random
    import sys as system

    from app.datasets import tokens

    encoding = tokens.encoding()
    encode = encoding.encode_ordinary
    joiner = tokens.Joiner(encoding)
    joined = 0
    known: dict[str, list[int]] = {}

    def agrees(a: str, b: str) -> None:
        nonlocal joined
        if not tokens.starts_a_piece(b):
            return
        a_ids, b_ids = known.get(a) or encode(a), known.get(b) or encode(b)
        known[a], known[b] = a_ids, b_ids
        got = joiner.joined(a, a_ids, b_ids)
        if got is not None:
            joined += 1
            assert got == encode(a + "\n" + b), (a, b)

    ascii_chars = [chr(c) for c in range(128)]
    lefts = [p + c for p in ("", "x", "x ", "1", "\u00e9", "?", " ", "\n") for c in ascii_chars]
    lefts += [
        p + run
        for p in ("", "x", "x ", "x  ", "\t", "\u00e9", "\u4e2d", "x\n", "'", "\u3002")
        for run in ("?", "...", "?!", "'", '."', ").", "`", "\\", *("!" * n for n in range(6, 11)))
    ]
    rights = [s for c in ascii_chars for s in (c, c + "z", " " + c + "z", c + "\n\nz", " " + c)]
    for a in lefts:
        for b in rights:
            agrees(a, b)
    assert joined == 349_482
    # Every other character as b's first, after each kind of end: letters and digits joined.
    letters = 0
    for point in range(128, system.maxunicode + 1):
        c = chr(point)
        if c.isspace():
            assert not tokens.starts_a_piece(c + "z") and not tokens.starts_a_piece(" " + c)
        elif tokens.starts_a_piece(c):
            letters += 1
            agrees("x", c + "z")
            agrees("x?", c + "z")
    for c in map(chr, range(128, system.maxunicode + 1, 61)):  # a ending in anything else
        assert joiner.joined("x" + c, [87], [1]) is None
        assert joiner.joined(c + "?", [1, 30], [1]) is None
    assert joined == 349_482 + 2 * letters
    rng = random.Random(7)
    alphabet = "aZ9 ?.'!\n\r\t\u00a0\u3000\x85\x1c\u00e9\u4e2d\u0661\u00b2\u0301\ud800s"
    for _ in range(40_000):
        a = "".join(rng.choices(alphabet, k=rng.randint(0, 6)))
        b = "".join(rng.choices(alphabet, k=rng.randint(1, 6)))
        agrees(a, b)
    assert joined == 349_482 + 2 * letters + 8_340
    for a, b in (("What is 2 + 2?", "4"), ("Classify: great", "positive"), ("", "x")):
        assert joiner.joined(a, encode(a), encode(b)) == encode(a + "\n" + b)
    assert joiner.joined("Why?", encode("Why?"), encode("Because.")) is not None


def test_the_check_encodes_each_whole_example_as_the_tokenizer_does():
    """Profiler._whole_ids, which joins most examples' token ids from their request's and
    output's, gives encode(example.whole) for every example of every format, and the output's
    ids wherever it gives any."""
    from app.datasets import reading, tokens
    from app.datasets.profile import Profiler
    from app.datasets.reading import LineError

    naughty = [
        line
        for line in (ROOT / "tests" / "data" / "naughty_strings.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    pairs = [(a, b) for a in naughty for b in naughty[::7]]
    pairs += [(a + " ?", " " + b) for a, b in pairs[:2000]] + [("x", " \nb"), ("a?", "\nb")]
    quoted = [(a.replace('"', '""'), b.replace('"', '""')) for a, b in pairs[::3]]
    data = [
        files.clean_diverse(200),
        files.mixed_languages(english=50, chinese=50),
        files.labels_95_5(100),
        files.malformed(),
        files.jsonl({"prompt": a, "completion": b} for a, b in pairs),
        files.jsonl(files.chat(a, b) for a, b in pairs[::3]),
        files.jsonl({"prompt": a, "chosen": b, "rejected": a} for a, b in pairs[::5]),
        files.jsonl({"instruction": a, "input": b, "output": a + b} for a, b in pairs[::5]),
        files.jsonl({"text": a} for a, _ in pairs[::5]),
        b"input,output\n" + "".join(f'"{a}","{b}"\n' for a, b in quoted).encode(),
    ]
    batches = [
        [e for e in reading.read_examples([chunk], reading.Reading()) if type(e) is not LineError]
        for chunk in data
    ]
    # Whole texts no reader makes: as long as request, newline and output, but not them.
    made = [("ab cd", "ab", "cd"), ("xb\ncd", "ab", "cd"), ("ab\ncx", "ab", "cd")]
    batches.append([reading.Example(1, a, b, dialogue=whole) for whole, a, b in made * 4])
    profiler = Profiler()
    encode = profiler.encoding.encode_ordinary
    joined = 0  # examples whose whole text was joined from its parts' ids
    for batch in batches:
        assert len(batch) >= 10
        requests = [encode(e.request) for e in batch]
        wholes, outputs = profiler._whole_ids(batch, requests)
        assert wholes == [encode(e.whole) for e in batch]
        for example, output in zip(batch, outputs, strict=True):
            parts = f"{example.request}\n{example.output}"
            if example.whole == parts and tokens.starts_a_piece(example.output):
                joined += 1
                assert output == encode(example.output)
            else:
                assert output is None
    assert joined == 4764


@pytest.mark.parametrize(
    "data",
    [
        files.labels_95_5(400),
        files.mixed_languages(english=150, chinese=50),
        files.clean_diverse(300),
        files.jsonl(
            [
                {
                    "messages": [
                        {"role": "user", "content": f"q{i}"},
                        {"role": "assistant", "content": f"a{i % 9}"},
                    ]
                }
                for i in range(300)
            ]
        ),
    ],
    ids=["labels", "languages", "diverse", "chat"],
)
def test_the_checks_caches_when_full_change_no_result(data, monkeypatch):
    """The bounded caches of token counts and output facts are cleared when full (a 20 MB file
    of distinct short rows fills them many times over): with room for two entries each, so they
    are cleared every few examples, the profile is the one with room for thousands."""
    from app.datasets import profile as module

    roomy = check(data)
    for name in ("SHORT_CACHE", "OUTPUT_CACHE", "CONTEXT_CACHE"):
        monkeypatch.setattr(module, name, 2)
    assert check(data) == roomy


def test_leakage_compares_the_turns_before_the_reply_whatever_the_system_prompt():
    """The review's case: training examples carry a system prompt, the eval ones carry none or
    another. Truth by construction: eval lines 1-4 copy training inputs (word for word, in upper
    case, with tabs for spaces and padding, and under another system prompt), line 5 changes
    one word of one (a near copy: brute-force Jaccard checked below), lines 6-11 are new."""
    rng = random.Random(31)

    def text() -> str:
        return " ".join(rng.choice(files.ENGLISH) for _ in range(60))

    inputs = [text() for _ in range(20)]
    train = files.jsonl(files.chat(q, f"answer {n}") for n, q in enumerate(inputs))
    near = inputs[4].split()
    near[-1] = "zebra" if near[-1] != "zebra" else "yak"
    near = " ".join(near)
    assert 0.8 <= files.brute_force_jaccard(near, inputs[4]) < 1.0
    evaluation = [
        files.chat(inputs[0], "another answer", None),
        files.chat(inputs[1].upper(), "another answer", None),
        files.chat("  " + inputs[2].replace(" ", "\t") + " \n", "another answer", None),
        files.chat(inputs[3], "another answer", "You answer in one line."),
        files.chat(near, "another answer", None),
        *(files.chat(text(), "another answer", None) for _ in range(6)),
    ]
    profile = check(train, eval_chunks=lambda: [files.jsonl(evaluation)])
    leakage = profile["leakage"]
    assert (leakage["examples"], leakage["exact"], leakage["near"]) == (11, 4, 1)
    assert leakage["share"] == round(5 / 11, 4)
    assert [(f["line"], f["kind"], f["train_line"]) for f in leakage["found"]] == [
        (1, "exact", 1),
        (2, "exact", 2),
        (3, "exact", 3),
        (4, "exact", 4),
        (5, "near", 5),
    ]
    # A system prompt shared by training and eval files creates no copy of new inputs.
    fresh = [files.chat(text(), "an answer") for _ in range(5)]
    alone = check(train, eval_chunks=lambda: [files.jsonl(fresh)])["leakage"]
    assert (alone["exact"], alone["near"]) == (0, 0)
