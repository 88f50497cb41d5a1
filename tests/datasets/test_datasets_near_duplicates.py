"""Near-duplicates, templates and whole conversations, against truth built independently: the
brute-force Jaccard similarity of planted pairs, and files generated from known templates."""

import itertools
import json
import random

from app import datasets
from tests import dataset_files as files


def check(data: bytes) -> dict:
    return datasets.check([data[i : i + 65536] for i in range(0, len(data), 65536)])


def found_pairs(profile: dict) -> set[tuple[int, int]]:
    together = set()
    for group in profile["near_duplicate_groups"]:
        together.update(itertools.combinations(sorted(group), 2))
    return together


def test_recall_and_false_positives_by_similarity_band_against_brute_force():
    data, planted, texts = files.planted_pairs(pairs=400, singles=200)
    profile = check(data)
    assert profile["near_duplicate_sample"] == {"examples": 1000, "of": 1000, "sampled": False}
    found = found_pairs(profile)
    by_band: dict[str, list[bool]] = {"high": [], "at_0.8": [], "below_0.7": []}
    for a, b in planted:
        similarity = files.brute_force_jaccard(texts[a - 1], texts[b - 1])
        pair = (min(a, b), max(a, b))
        if similarity >= 0.85:
            by_band["high"].append(pair in found)
        elif similarity >= 0.8:
            by_band["at_0.8"].append(pair in found)
        elif similarity < 0.7:
            by_band["below_0.7"].append(pair in found)
    assert all(len(v) >= 15 for v in by_band.values()), {k: len(v) for k, v in by_band.items()}
    assert sum(by_band["high"]) / len(by_band["high"]) >= 0.95
    assert sum(by_band["at_0.8"]) / len(by_band["at_0.8"]) >= 0.90
    assert sum(by_band["below_0.7"]) / len(by_band["below_0.7"]) <= 0.05
    # Every pair reported together really is similar: no false positive anywhere.
    for a, b in found:
        assert files.brute_force_jaccard(texts[a - 1], texts[b - 1]) >= 0.8


def test_short_examples_one_word_apart_are_near_duplicates():
    rng = random.Random(3)
    records = []
    for _ in range(40):
        words = rng.sample(files.ENGLISH, 12)  # 12 different words: one changed is 0.87
        records.append(files.chat(" ".join(words), "ok", system=None))
        words[rng.randrange(12)] = "elephant"
        records.append(files.chat(" ".join(words), "ok", system=None))
    profile = check(files.jsonl(records))
    assert profile["near_duplicate_removable"] == 40
    assert profile["near_duplicate_share"] == 0.5


def test_a_short_sentence_template_is_one_cluster():
    rng = random.Random(4)
    colours = "red blue green yellow black white".split()
    animals = "cat dog horse bird fish mouse".split()
    adjectives = "happy tired small large quick calm".split()
    records = [
        files.chat(
            f"Translate into French: The {rng.choice(colours)} {rng.choice(animals)} is "
            f"{rng.choice(adjectives)}.",
            files.sentence(rng, 6, 10),
            system=None,
        )
        for _ in range(300)
    ]
    profile = check(files.jsonl(records))
    assert profile["largest_template_share"] == 1.0
    assert profile["largest_template"]["count"] == 300
    assert profile["largest_template"]["words"] == "Translate into French: The {…} is {…}."
    assert len(profile["template_examples"]) == 3
    assert profile["suggested_answers"]["data_diversity"] == "clustered"


def test_long_examples_from_one_template_are_one_cluster():
    rng = random.Random(5)
    records = [
        files.chat(
            "Summarise this support ticket for the weekly report: "
            + " ".join(rng.choice(files.ENGLISH) for _ in range(rng.randint(200, 400))),
            files.sentence(rng, 20, 40),
        )
        for _ in range(120)
    ]
    records += [
        files.chat(files.sentence(rng, 20, 60) + "?", files.sentence(rng, 20, 40))
        for _ in range(80)
    ]
    profile = check(files.jsonl(records))
    assert profile["largest_template_share"] == 0.6
    assert profile["largest_template"]["words"] == (
        "Summarise this support ticket for the weekly report: {…}"
    )


def test_conversations_sharing_their_last_turns_are_not_near_duplicates():
    rng = random.Random(6)
    records = [
        {
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": files.sentence(rng, 15, 30) + "?"},
                {"role": "assistant", "content": files.sentence(rng, 30, 60) + "."},
                {"role": "user", "content": "Thanks"},
                {"role": "assistant", "content": "You're welcome"},
            ]
        }
        for _ in range(300)
    ]
    profile = check("".join(json.dumps(r) + "\n" for r in records).encode())
    assert profile["near_duplicate_share"] == 0.0
    assert profile["largest_template_share"] < 0.3
    assert profile["suggested_answers"]["example_count"] == "100_to_1k"
    assert profile["suggested_answers"]["data_diversity"] == "diverse"


def test_a_large_file_is_measured_on_a_consistent_sample_that_keeps_pairs_together():
    """Past the sample size, pairs are sampled together: the share stays close to the truth."""
    data, planted, _ = files.planted_pairs(pairs=0, singles=0)
    rng = random.Random(12)
    records = []
    for _ in range(3000):
        words = [rng.choice(files.ENGLISH) for _ in range(60)]
        records.append(" ".join(words))
        copy = list(words)
        copy[rng.randrange(60)] = "elephant"
        records.append(" ".join(copy))  # similarity about 0.9: half the file could go
    for _ in range(6000):
        records.append(" ".join(rng.choice(files.ENGLISH) for _ in range(60)))
    rng.shuffle(records)
    profiler = datasets.profile.Profiler(sample_size=2000)
    profile = profiler.run([files.jsonl({"text": t} for t in records)])
    assert profile["near_duplicate_sample"] == {"examples": 2000, "of": 12000, "sampled": True}
    assert abs(profile["near_duplicate_share"] - 0.25) <= 0.04


def test_copies_differing_only_in_case_or_spacing_are_exact_duplicates():
    """The review's case: tiktoken splits " word", "   word" and "WORD" into other tokens, so such
    copies shared no 5-token shingle and were neither exact nor near duplicates. Truth by
    construction: lines 31-33 copy lines 2-4 with spaces tripled and padding, in upper case, with
    tabs; line 34 is line 5 in upper case with its last word changed, a near-duplicate whose
    similarity is the brute-force Jaccard of the two texts with case and spacing normalized."""
    rng = random.Random(41)
    pairs = [
        (" ".join(rng.choice(files.ENGLISH) for _ in range(60)), f"answer {n} is here")
        for n in range(30)
    ]
    spaced = ("  " + pairs[1][0].replace(" ", "   ") + "  ", pairs[1][1])
    upper = (pairs[2][0].upper(), pairs[2][1].upper())
    tabs = (pairs[3][0].replace(" ", "\t"), pairs[3][1])
    words = pairs[4][0].split()
    words[-1] = "zebra" if words[-1] != "zebra" else "yak"
    near = (" ".join(words).upper(), pairs[4][1])
    records = [files.chat(q, a, None) for q, a in [*pairs, spaced, upper, tabs, near]]
    profile = check(files.jsonl(records))

    def normal(q: str, a: str) -> str:
        return " ".join(f"{q}\n{a}".split()).casefold()

    truth = files.brute_force_jaccard(normal(*pairs[4]), normal(*near))
    assert 0.8 <= truth < 1.0
    assert profile["exact_duplicates"] == 3
    assert profile["duplicate_groups"] == [[2, 31], [3, 32], [4, 33]]
    assert profile["near_duplicate_groups"] == [[5, 34]]
    assert [(p["lines"], p["similarity"]) for p in profile["near_duplicate_pairs"]] == [
        ([5, 34], round(truth, 2))
    ]
    assert profile["near_duplicate_removable"] == 4
