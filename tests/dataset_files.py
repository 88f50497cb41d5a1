"""Training-data files built for the dataset check's tests, each with known properties.

Texts are made of generated words (syllables joined), so that two independently made examples
share almost no 5-token runs, and a copy with a one-word change shares almost all of them.
"""

import json
import random

SYLLABLES = (
    "ka ri to mo na le su vi do pe ra lu mi so ta ne ko ba zi fe gu ho ja we qi yo xa ce du"
).split()
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重"
    "新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已"
)


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(word(rng) for _ in range(rng.randint(low, high)))


def hanzi(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(low, high))) + "。"


def chat(request: str, output: str, system: str | None = "You are a careful assistant.") -> dict:
    messages = [{"role": "system", "content": system}] if system else []
    return {
        "messages": [
            *messages,
            {"role": "user", "content": request},
            {"role": "assistant", "content": output},
        ]
    }


# Each of these is one cl100k_base token, alone or after a space: n of them joined by spaces are
# n tokens, so an example's token count is known by construction.
ONE_TOKEN_WORDS = ("the", "cat", "dog", "house", "tree", "blue", "green", "water", "fire", "stone")
# The cookbook's overhead of a chat example without a system prompt: 3 tokens a message and 1
# for its role, for the user turn and the answer, and 3 priming the reply.
CHAT_OVERHEAD = 4 + 4 + 3


def tokens_of(rng: random.Random, n: int) -> str:
    """A text of exactly `n` cl100k_base tokens."""
    return " ".join(rng.choice(ONE_TOKEN_WORDS) for _ in range(n))


def chat_of(rng: random.Random, total: int, answer: int = 40) -> dict:
    """A chat example (no system prompt) of exactly `total` tokens, `answer` of them the
    answer's text."""
    return chat(tokens_of(rng, total - answer - CHAT_OVERHEAD), tokens_of(rng, answer), None)


def jsonl(records) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def clean_diverse(n: int = 300, seed: int = 1) -> bytes:
    """Distinct, varied examples: no duplicates, no template, no edge cases."""
    rng = random.Random(seed)
    return jsonl(chat(sentence(rng, 12, 30) + "?", sentence(rng, 20, 60) + ".") for _ in range(n))


def near_duplicates(n: int = 500, share: float = 0.4, seed: int = 2) -> bytes:
    """`share` of the examples are copies of an earlier one with one word changed, each original
    copied at most once: that share could be removed, each pair keeping one."""
    rng = random.Random(seed)
    copies = round(n * share)
    originals = [(sentence(rng, 40, 60), sentence(rng, 40, 60)) for _ in range(n - copies)]
    records = [chat(q, a) for q, a in originals]
    for q, a in rng.sample(originals, copies):
        words = a.split()
        words[rng.randrange(len(words))] = word(rng)
        records.append(chat(q, " ".join(words)))
    rng.shuffle(records)
    return jsonl(records)


def single_template(n: int = 200, seed: int = 3) -> bytes:
    """Every request is one sentence with three slots filled in."""
    rng = random.Random(seed)
    return jsonl(
        chat(
            f"Write a short product description for {word(rng)}, a {word(rng)} gadget priced at "
            f"{rng.randint(5, 500)} dollars, for our online shop.",
            sentence(rng, 25, 50) + ".",
        )
        for _ in range(n)
    )


def labels_95_5(n: int = 400, seed: int = 4) -> bytes:
    """A classifier's data: 95% of outputs say "positive", 5% "negative"."""
    rng = random.Random(seed)
    negatives = set(rng.sample(range(n), n // 20))
    return jsonl(
        chat(sentence(rng, 10, 30), "negative" if i in negatives else "positive") for i in range(n)
    )


def mixed_languages(english: int = 150, chinese: int = 50, seed: int = 5) -> bytes:
    """English requests and, at every fourth line, Chinese ones (english = 3 x chinese)."""
    rng = random.Random(seed)
    records = []
    for i in range(english + chinese):
        if i % 4 == 3:
            records.append(chat(hanzi(rng, 15, 40), hanzi(rng, 20, 60)))
        else:
            records.append(chat(sentence(rng, 12, 30) + "?", sentence(rng, 20, 60) + "."))
    return jsonl(records)


# Lines 1-60 of `malformed()`: which ones are broken, and how. Line numbers count from 1.
MALFORMED_LINES = {
    3: "not_json",
    8: "no_assistant",
    13: "unknown_role",
    21: "empty_output",
    34: "encoding",
    42: "not_object",
    55: "no_messages",
}
DUPLICATE_LINES = {47: 5, 58: 6}  # line: the earlier line it repeats exactly


def malformed(seed: int = 6) -> bytes:
    rng = random.Random(seed)
    lines: dict[int, bytes] = {}
    for number in range(1, 61):
        lines[number] = json.dumps(
            chat(sentence(rng, 12, 30) + "?", sentence(rng, 20, 40))
        ).encode()
    lines[3] = b'{"messages": [{"role": "user", "content": "cut off'
    lines[8] = json.dumps({"messages": [{"role": "user", "content": "hello there"}]}).encode()
    lines[13] = json.dumps(
        {"messages": [{"role": "wizard", "content": "hm"}, {"role": "assistant", "content": "ok"}]}
    ).encode()
    lines[21] = json.dumps(chat("a question", "   ")).encode()
    lines[34] = (
        '{"messages": [{"role": "user", "content": "caf\u00e9"}, {"role": "assistant", "content": "ok"}]}'.encode(
            "latin-1"
        )
    )
    lines[42] = b'["a", "list"]'
    lines[55] = b'{"messages": []}'
    for number, earlier in DUPLICATE_LINES.items():
        lines[number] = lines[earlier]
    return b"\n".join(lines[n] for n in range(1, 61)) + b"\n"


# Common English words, each one cl100k_base token with its leading space.
ENGLISH = (
    "time year people way day man thing woman life child world school state family student "
    "group country problem hand part place case week company system program question work "
    "government number night point home water room mother area money story fact month lot "
    "right study book eye job word business issue side kind head house service friend father "
    "power hour game line end member law car city community name president team minute idea "
    "kid body information back parent face others level office door health person art war "
    "history party result change morning reason research girl guy moment air teacher force "
    "education foot boy age policy music market sense nation plan college interest death "
    "experience effect use class control care field development role effort rate heart drug "
    "show leader light voice wife police mind price report decision son view relationship town "
    "road arm difference value building action model season society tax director position "
    "player record paper space ground form event official matter center couple site project"
).split()


def planted_pairs(pairs: int = 300, singles: int = 300, seed: int = 11):
    """Text examples (TRL "text" format) of 60-150 English words: `singles` unrelated ones and
    `pairs` pairs, each a text and a copy with some of its words replaced, so that their
    similarity spreads from about 0.5 to 1. Returns the file and the (line, line) of every planted pair."""
    rng = random.Random(seed)
    texts: list[str] = []
    planted: list[tuple[int, int]] = []
    for _ in range(singles):
        texts.append(" ".join(rng.choice(ENGLISH) for _ in range(rng.randint(60, 150))))
    for _ in range(pairs):
        words = [rng.choice(ENGLISH) for _ in range(rng.randint(60, 150))]
        copy = list(words)
        # About 5 shingles change per word replaced: aim at a similarity from 0.55 to 1.
        target = rng.uniform(0.55, 1.0)
        changes = round(len(words) * (1 - target) / (5 * (1 + target)))
        for at in rng.sample(range(len(words)), changes):
            copy[at] = rng.choice(ENGLISH)
        texts.append(" ".join(words))
        texts.append(" ".join(copy) + " " + rng.choice(ENGLISH))  # never an exact copy
        planted.append((len(texts) - 1, len(texts)))
    order = list(range(len(texts)))
    rng.shuffle(order)
    position = {old: new + 1 for new, old in enumerate(order)}  # 1-based line numbers
    data = jsonl({"text": texts[old]} for old in order)
    return data, [(position[a - 1], position[b - 1]) for a, b in planted], [texts[o] for o in order]


def brute_force_jaccard(a: str, b: str) -> float:
    """Jaccard similarity by the check's definition, computed the slow, obvious way: sets of
    5-token tuples (sets of tokens under 30 tokens), no hashing, no sketch."""
    from app.datasets import tokens

    encode = tokens.encoding().encode_ordinary

    def shingles(text: str) -> set:
        ids = encode(text)
        if len(ids) < 30:
            return {("token", i) for i in ids}
        return {tuple(ids[i : i + 5]) for i in range(len(ids) - 4)}

    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)
