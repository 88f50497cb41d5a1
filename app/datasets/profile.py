"""The dataset check: one pass over an upload, in bounded memory, to a profile of measured facts.

`check(chunks)` reads byte chunks (from an HTTP upload or a file), and returns a plain,
JSON-ready dict of counts, duplicates, diversity, lengths, labels, possible edge cases and
suggested answers. Nothing of the upload is kept beyond what the profile shows: up to 20 error
lines, a few pairs and snippets, each cut to 160 characters.

What is exact and what is sampled (see README, "Dataset check"):
- exact, over every example: counts, line errors and warnings, exact duplicates, repeated
  inputs with different outputs, token counts and their distribution, labels, edge-case shares;
  these keep 37 bytes per example (digests and line numbers in compact arrays) or counters of
  distinct values, so memory stays far below the limit for any file within the size limit,
  and `max_examples` caps the number of examples anyway;
- on a sample of at most similarity.SAMPLE_SIZE distinct examples (all of them in smaller
  files): near-duplicates, templates, near-identical inputs with different labels; on a
  reservoir of SAMPLE_EXAMPLES: compression ratio and distinct-n.
"""

import hashlib
import heapq
import math
import random
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from app.datasets import reading, scripts, similarity, suggestions, tokens
from app.datasets.reading import Example, LineError, Reading, Unreadable

MAX_ERRORS = 20
BATCH = 256
SNIPPET = 160
SHOWN_PAIRS = 3
SHOWN_GROUPS = 200  # rows offered for download per finding
DEFAULT_CONTEXT_LIMIT = 4096
DEFAULT_MAX_EXAMPLES = 1_000_000
SAMPLE_SIZE = 8000  # distinct examples for near-duplicates, templates and label conflicts
CONTEXT_CACHE = 64  # distinct system prompts whose token counts are kept
SHORT_CACHE = 4096  # distinct texts under 64 characters (labels, short turns) likewise
OUTPUT_CACHE = 4096  # distinct outputs up to CACHED_CHARS whose digests and label keys are kept
CACHED_CHARS = 256
CONTEXT_LIMITS = (2048, 4096, 8192, 16384, 32768, 65536, 128000)
# The sequence lengths a training plan may cut examples at (app/training/plan.py): its packed
# length, the 95th percentile rounded up to a multiple of SEQUENCE_STEP and at least
# SEQUENCE_MIN, or a model's context, each a power of two from SEQUENCE_MIN up. The profile
# counts the examples longer than each of them below the longest (`longer_than`), so the plan
# says how many it cuts at its own length, not at the check's context limit.
SEQUENCE_STEP = 256
SEQUENCE_MIN = 512
# Labels: outputs that are short and repeated, compared case- and space-insensitively.
MAX_LABEL_CLASSES = 1000
MAX_LABEL_CHARS = suggestions.MAX_LABEL_CHARS
SHOWN_LABELS = 20
# Templates: token ids of an input's opening and closing kept for the skeleton.
TEMPLATE_HEAD, TEMPLATE_TAIL = 48, 16
TEMPLATE_MIN_FIXED = 3
TEMPLATE_RUN = 4
SLOT = -1
TEMPLATE_LEVELS = (0.8, 0.6, 0.45, 0.3, 0.2, 0.1)
# Diversity measures are computed on a fixed-size random sample, since both depend on size.
SAMPLE_EXAMPLES = 500
SAMPLE_CHARS = 1000
DISTINCT_TOKENS = 20_000
MIN_SPREAD = math.log(2) / 1.5  # Tukey's fences at least a factor of 2 beyond the quartiles
LABEL_NOISE_SIMILARITY = 0.9

Progress = Callable[[int], None]


class TooManyExamples(Unreadable):
    def __init__(self, limit: int) -> None:
        super().__init__("too_many_examples", f"{limit:,}")
        self.limit = limit


def _snippet(text: str, limit: int = SNIPPET // 2) -> str:
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _digest(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def _normal(text: str) -> str:
    """Case and spacing ignored: how labels and repeated inputs are compared. (str.split's
    whitespace is exactly re's \\s for str patterns, so this is re.sub(r"\\s+", " ", text).strip(),
    several times faster.)"""
    return " ".join(text.split()).casefold()


def _percentile_of_counts(counts: Counter[int], q: float) -> int:
    """Nearest-rank percentile over a {value: count} histogram: always a real example's value."""
    total = sum(counts.values())
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return 0


def packed_length(p95: int) -> int:
    """The sequence length a plan packs examples to: `p95` rounded up to a multiple of
    SEQUENCE_STEP, at least SEQUENCE_MIN, so that 19 examples in 20 fit whole."""
    return max(SEQUENCE_MIN, math.ceil(p95 / SEQUENCE_STEP) * SEQUENCE_STEP)


def longer_than(counts: Counter[int]) -> list[dict[str, int]]:
    """The examples longer than each length a plan may cut at (SEQUENCE_STEP's note): its
    packed length and every power of two from SEQUENCE_MIN, those under the longest example
    only (none is longer than a length at or above it)."""
    longest = max(counts)
    lengths = {packed_length(_percentile_of_counts(counts, 0.95))}
    power = SEQUENCE_MIN
    while power < longest:
        lengths.add(power)
        power *= 2
    sizes = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    examples = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    return [
        {"tokens": length, "count": int(examples[sizes > length].sum())}
        for length in sorted(lengths)
        if length < longest
    ]


def _sequence_lengths(counts: Counter[int]) -> dict[str, Any]:
    """Preference pairs' sequences: the 95th percentile and the longest of the longer of each
    pair's two (the prompt with the chosen answer, and with the rejected one), and longer_than."""
    return {
        "p95": _percentile_of_counts(counts, 0.95),
        "max": max(counts),
        "longer_than": longer_than(counts),
    }


def _input_text(example: Example) -> str:
    """What an example's input is compared by: its text, and stand-ins for its images, audio
    and files, so one question about two charts is two inputs."""
    text = f"{example.context}\x1e{example.request}"
    return f"{text}\x1e{example.attachments}" if example.attachments else text


def _leak_text(example: Example) -> str:
    """An example's input as leakage compares it, exactly and nearly alike: its turns before
    the final reply, the system prompt left out (Example.before_reply), case and spacing
    ignored."""
    return _normal(example.before_reply)


def _leak_key(text: str, attachments: str) -> int:
    return _digest(f"{text}\x1e{attachments}" if attachments else text)


def _same_attachments(
    items: list["_Item"], pairs: Iterable[tuple[int, int, float]]
) -> list[tuple[int, int, float]]:
    """The pairs whose examples have the same images, audio and files (most have none): two
    texts alike about different images are neither near-duplicates nor conflicting labels."""
    return [(i, j, value) for i, j, value in pairs if items[i].attached == items[j].attached]


class _Item:
    """One example of the bounded sample."""

    __slots__ = (
        "key",
        "line",
        "shingles",
        "input_shingles",
        "skeleton",
        "text",
        "whole_key",
        "label",
        "attached",
    )

    def __init__(
        self, key, line, shingles, input_shingles, skeleton, text, whole_key, label, attached
    ):
        self.key, self.line, self.shingles = key, line, shingles
        self.input_shingles, self.skeleton = input_shingles, skeleton
        self.text, self.whole_key, self.label = text, whole_key, label
        self.attached = attached  # a digest of the example's attachments, 0 without any


class Profiler:
    def __init__(
        self,
        *,
        context_limit: int = DEFAULT_CONTEXT_LIMIT,
        progress: Progress | None = None,
        max_examples: int = DEFAULT_MAX_EXAMPLES,
        sample_size: int = SAMPLE_SIZE,
    ) -> None:
        self.context_limit = context_limit
        self.progress = progress
        self.max_examples = max_examples
        self.sample_size = sample_size
        self.reading = Reading()
        self.encoding = tokens.encoding()
        self.examples = 0
        self.invalid = 0
        self.valid = 0
        self.errors: list[LineError] = []
        self.error_codes: Counter[str] = Counter()
        self.warnings: list[LineError] = []
        self.warning_codes: Counter[str] = Counter()
        # Per example, compact: digest of the whole example, of its input and of its output.
        self.lines = array("I")
        self.whole_keys = array("Q")
        self.input_keys = array("Q")
        self.leak_keys = array("Q")  # the input as leakage compares it (_leak_text)
        self.output_keys = array("Q")
        self.label_like = bytearray()
        self.token_counts: Counter[int] = Counter()
        self.total_tokens = 0
        self.trained_tokens = 0
        self.edge_counts: Counter[tuple[int, int, int]] = Counter()  # (input tokens, script, odd)
        self.context_cache: dict[str, int] = {}
        self.short_cache: dict[str, int] = {}
        self.short_ids: dict[str, list[int]] = {}  # outputs under 64 characters: their token ids
        self.joiner = tokens.Joiner(self.encoding)
        self.output_cache: dict[str, tuple[int, bool, str, str]] = {}
        self.over_context_lines: list[int] = []
        self.over_context = 0
        self.missing_system = 0
        self.pairs_total = 0
        self.identical_pairs = 0
        # Preference pairs: their rejected answers' tokens, and the longer of each pair's two
        # sequences (the prompt with the chosen answer, and with the rejected one) as counts.
        self.rejected_tokens = 0
        self.sequence_counts: Counter[int] = Counter()
        self.label_counts: Counter[str] | None = Counter()
        self.label_names: dict[str, str] = {}
        self.long_outputs = 0
        # A heap of (-key, -line, -order, item): the largest (key, line) first, compared as
        # tuples are; order (the count of examples kept so far) tells apart the records of a
        # JSON array written on one line, which share their line.
        self.sample: list[tuple[int, int, int, _Item]] = []
        self.kept = 0
        self.in_sample: set[int] = set()  # whole-example digests in the sample
        self.diversity: list[tuple[str, list[int]]] = []
        self.distinct_seen = 0
        self.random = random.Random(20261127)

    # --- one pass --------------------------------------------------------------------------

    def run(self, chunks: Iterable[bytes]) -> dict[str, Any]:
        batch: list[Example] = []
        for item in reading.read_examples(chunks, self.reading):
            self.examples += 1
            if self.examples > self.max_examples:
                raise TooManyExamples(self.max_examples)
            if isinstance(item, LineError):
                self._error(item)
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                self._add(batch)
                batch = []
        if batch:
            self._add(batch)
        return self._finish()

    def leakage(self, chunks: Iterable[bytes]) -> dict[str, Any]:
        """After `run`: the share of an eval file's examples whose input is a copy (exact, over
        every training example) or a near copy (Jaccard >= 0.8, against the training sample) of a
        training example's, with examples. Both compare one text (_leak_text): the turns before
        the final reply, the system prompt left out, case and spacing ignored; so an exact copy
        is also a near one at 1.0, and a near copy needs the same attachments an exact one
        does."""
        keys = np.frombuffer(self.leak_keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        train = keys[order]
        train_lines = np.frombuffer(self.lines, dtype=np.uint32)[order]
        items = sorted(self._items(), key=lambda item: item.line)
        seen = valid = invalid = exact = 0
        near_lines: list[int] = []
        near_sets: list[np.ndarray] = []
        near_attached: list[int] = []
        shown: list[dict[str, Any]] = []
        batch: list[Example] = []

        def add(examples: list[Example]) -> None:
            nonlocal valid, exact
            texts = [_leak_text(e) for e in examples]
            ids = [self.encoding.encode_ordinary(text[:20_000])[:4000] for text in texts]
            sets = similarity.shingle_sets(ids)
            for example, text, shingles in zip(examples, texts, sets, strict=True):
                valid += 1
                key = _leak_key(text, example.attachments)
                at = int(np.searchsorted(train, np.uint64(key)))
                if at < len(train) and int(train[at]) == key:
                    exact += 1
                    if len(shown) < SHOWN_GROUPS:
                        shown.append(
                            {
                                "line": example.line,
                                "kind": "exact",
                                "similarity": 1.0,
                                "train_line": int(train_lines[at]),
                            }
                        )
                elif len(near_sets) < self.sample_size:
                    near_lines.append(example.line)
                    near_sets.append(shingles)
                    near_attached.append(_digest(example.attachments) if example.attachments else 0)

        for item in reading.read_examples(chunks, Reading()):
            seen += 1
            if seen > self.max_examples:
                raise TooManyExamples(self.max_examples)
            if isinstance(item, LineError):
                invalid += 1
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                add(batch)
                batch = []
        if batch:
            add(batch)
        if valid == 0:
            raise Unreadable("no_valid")
        train_sets = [item.input_shingles for item in items]
        near: dict[int, tuple[int, float]] = {}
        for i, j, value in similarity.similar_pairs(train_sets + near_sets):
            if i < len(train_sets) <= j and items[i].attached == near_attached[j - len(train_sets)]:
                eval_line = near_lines[j - len(train_sets)]
                if value > near.get(eval_line, (0, 0.0))[1]:
                    near[eval_line] = (items[i].line, value)
        for eval_line, (train_line, value) in sorted(near.items()):
            if len(shown) < SHOWN_GROUPS:
                shown.append(
                    {
                        "line": eval_line,
                        "kind": "near",
                        "similarity": round(value, 2),
                        "train_line": train_line,
                    }
                )
        return {
            "examples": valid,
            "invalid": invalid,
            "exact": exact,
            "near": len(near),
            "share": round((exact + len(near)) / valid, 4),
            "near_checked": len(near_sets),
            "train_sample": len(train_sets),
            "found": shown,
        }

    def _error(self, error: LineError) -> None:
        self.invalid += 1
        self.error_codes[error.code] += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def _warn(self, line: int, code: str, detail: str) -> None:
        self.warning_codes[code] += 1
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(LineError(line, code, detail))

    def _add(self, batch: list[Example]) -> None:
        encode = self.encoding.encode_ordinary
        request_ids = [encode(example.request) for example in batch]
        whole_ids, output_ids = self._whole_ids(batch, request_ids)
        # Duplicates ignore case and runs of whitespace, as labels and leakage do: a copy that
        # differs only in them is an exact duplicate (whole_key below), and near-duplicates are
        # shingled from the tokens of the same normalized text (tiktoken splits " word" and
        # "   word", or "word" and "WORD", into different tokens).
        shingles = similarity.ShingleBatch([encode(_normal(e.whole)) for e in batch])
        describe, normal, digest = scripts.describe, _normal, _digest
        text_tokens, output_cache = self._text_tokens, self.output_cache
        short_cache = self.short_cache
        context_limit = self.context_limit
        totals: list[int] = []
        sequences: list[int] = []  # preference pairs: the longer of the two sequences
        rejected_tokens = 0
        edges: list[tuple[int, int, int]] = []
        lines, whole_keys, input_keys, leak_keys, output_keys = [], [], [], [], []
        label_like_flags = bytearray()
        total_tokens = trained_tokens = 0
        label_counts, label_names = self.label_counts, self.label_names
        in_sample, sample, sample_size = self.in_sample, self.sample, self.sample_size
        diversity, getrandbits = self.diversity, self.random.getrandbits
        distinct_seen = self.distinct_seen
        top_key = top_line = 0  # the largest (key, line) in the sample, once it is full
        if sample and len(sample) >= sample_size:
            top_key, top_line = sample[0][3].key, sample[0][3].line
        index = -1
        for example, ids, request, output_tokens, key in zip(
            batch, whole_ids, request_ids, output_ids, shingles.keys, strict=True
        ):
            index += 1
            line = example.line
            warnings = example.warnings
            if warnings:
                for code, detail in warnings:
                    self._warn(line, code, detail)
            parts = example.parts
            if not example.has_system and parts and parts[-1][1] == 3:
                self.missing_system += 1
            # Tokens: total and trained, with the chat overhead (the cookbook's 3 tokens per
            # message, 1 for its role, 3 priming the reply); the request's are known already.
            asked, output = example.request, example.output
            if parts:
                total = trained = trained_parts = 0
                # A preference pair's parts end with its chosen answer, the reply's priming
                # and its rejected answer (reading._preference): their counts are kept.
                pair: list[int] | None = [] if example.rejected is not None else None
                for text, overhead, is_trained in parts:
                    if text is asked:
                        count = len(request) + overhead
                    elif text is output and output_tokens is not None:
                        count = len(output_tokens) + overhead
                    else:
                        count = short_cache.get(text)
                        count = (text_tokens(text) if count is None else count) + overhead
                    total += count
                    if is_trained:
                        trained += count
                        trained_parts += 1
                    if pair is not None:
                        pair.append(count)
                if pair is not None and len(pair) >= 3:
                    chosen_count, rejected_count = pair[-3], pair[-1]
                    rejected_tokens += rejected_count
                    # Each of the two sequences is the prompt and one answer: the pair's
                    # tokens less the other answer's.
                    sequences.append(total - min(chosen_count, rejected_count))
            else:
                total = trained = len(ids)
                trained_parts = 0
            totals.append(total)
            total_tokens += total
            trained_tokens += trained
            if total > context_limit:
                self.over_context += 1
                if len(self.over_context_lines) < MAX_ERRORS:
                    self.over_context_lines.append(line)
            rejected = example.rejected
            if rejected is not None:
                self.pairs_total += 1
                if any(code == "same_pair" for code, _ in warnings):
                    self.identical_pairs += 1
            facts = output_cache.get(output)
            if facts is None:
                facts = self._output_facts(output)
            output_key, short_output, label_key, label_name = facts
            # Case and runs of whitespace ignored (label_key is the output's _normal).
            context = example.context
            whole_key = digest(
                f"{normal(context)}\x1e{normal(asked)}\x1e{label_key}\x1e"
                f"{rejected if rejected is None else normal(rejected)}"
            )
            if example.attachments:
                whole_key = digest(f"{whole_key}\x1e{example.attachments}")
            lines.append(line)
            whole_keys.append(whole_key)
            input_key = digest(normal(_input_text(example)))
            input_keys.append(input_key)
            # The input as leakage compares it: the same key when there is no context (system
            # prompt, earlier turns) and no attachment ("\x1e" is whitespace to str.split).
            if not context and not example.attachments and example.before_reply == asked:
                leak_keys.append(input_key)
            else:
                leak_keys.append(_leak_key(_leak_text(example), example.attachments))
            output_keys.append(output_key)
            # The example's labelled (one input, one trained output, no rejected one).
            label_like = short_output and bool(asked) and rejected is None and trained_parts <= 1
            label_like_flags.append(label_like)
            if not label_like:
                self.long_outputs += 1
            elif label_counts is not None:
                label_counts[label_key] += 1
                if label_key not in label_names:
                    label_names[label_key] = label_name
                    if len(label_counts) > MAX_LABEL_CLASSES:
                        label_counts = None  # too many distinct outputs to be labels
                        label_names = {}
            script, odd = describe(asked or output)
            edges.append((len(request), script, odd))
            if whole_key in in_sample:
                continue  # an exact duplicate of a sampled example: counted exactly elsewhere
            distinct_seen += 1
            # Reservoir sampling (Algorithm R) of distinct examples, for the diversity measures.
            if len(diversity) < SAMPLE_EXAMPLES:
                diversity.append((example.whole[:SAMPLE_CHARS], ids[:512]))
            else:
                # random.randrange(distinct_seen), as it draws (Random._randbelow_with_getrandbits)
                bits = distinct_seen.bit_length()
                slot = getrandbits(bits)
                while slot >= distinct_seen:
                    slot = getrandbits(bits)
                if slot < SAMPLE_EXAMPLES:
                    diversity[slot] = (example.whole[:SAMPLE_CHARS], ids[:512])
            if key < top_key or (key == top_key and line < top_line) or len(sample) < sample_size:
                self._keep(example, whole_key, key, shingles, index, request, label_like, label_key)
                if len(sample) >= sample_size:
                    top_key, top_line = sample[0][3].key, sample[0][3].line
        self.label_counts, self.label_names = label_counts, label_names
        self.distinct_seen = distinct_seen
        self.valid += len(batch)
        self.token_counts.update(totals)
        self.sequence_counts.update(sequences)
        self.rejected_tokens += rejected_tokens
        self.total_tokens += total_tokens
        self.trained_tokens += trained_tokens
        self.edge_counts.update(edges)
        self.lines.extend(lines)
        self.whole_keys.extend(whole_keys)
        self.input_keys.extend(input_keys)
        self.leak_keys.extend(leak_keys)
        self.output_keys.extend(output_keys)
        self.label_like += label_like_flags
        if self.progress is not None:
            self.progress(self.examples)

    def _whole_ids(
        self, batch: list[Example], request_ids: list[list[int]]
    ) -> tuple[list[list[int]], list[list[int] | None]]:
        """The token ids of each example's whole text, and of its output where they were needed
        for it: an example that is its request, a newline and its output (most are) is joined
        from the request's ids and the output's (tokens.Joiner), the output's ids kept for
        outputs under 64 characters, since those repeat; any other is encoded whole."""
        encode, joined = self.encoding.encode_ordinary, self.joiner.joined
        starts_a_piece, cache = tokens.starts_a_piece, self.short_ids
        whole_ids: list[list[int]] = []
        output_ids: list[list[int] | None] = []
        for example, request in zip(batch, request_ids, strict=True):
            whole, asked, output = example.whole, example.request, example.output
            ids = output_tokens = None
            at = len(asked)
            if (
                len(whole) == at + 1 + len(output)
                and whole[at] == "\n"
                and starts_a_piece(output)
                and whole.startswith(asked)
                and whole.endswith(output)
            ):
                if len(output) < 64:
                    output_tokens = cache.get(output)
                    if output_tokens is None:
                        output_tokens = encode(output)
                        if len(cache) >= SHORT_CACHE:
                            cache.clear()
                        cache[output] = output_tokens
                else:
                    output_tokens = encode(output)
                ids = joined(asked, request, output_tokens)
            whole_ids.append(encode(whole) if ids is None else ids)
            output_ids.append(output_tokens)
        return whole_ids, output_ids

    def _output_facts(self, output: str) -> tuple[int, bool, str, str]:
        """(digest of the output, case and spacing ignored; whether it is short enough to be a
        label; its label key; its label as shown), kept for up to OUTPUT_CACHE short outputs,
        since labels repeat."""
        facts = self.output_cache.get(output)
        if facts is None:
            stripped = output.strip()
            key = _normal(stripped)  # the same as _normal(output): it strips itself
            facts = (
                _digest(key),
                len(stripped) <= MAX_LABEL_CHARS,
                key,
                " ".join(stripped.split()),
            )
            if len(output) <= CACHED_CHARS:
                if len(self.output_cache) >= OUTPUT_CACHE:
                    self.output_cache.clear()
                self.output_cache[output] = facts
        return facts

    def _text_tokens(self, text: str) -> int:
        if not text:
            return 0
        if len(text) < 64:
            cached = self.short_cache.get(text)
            if cached is None:
                cached = len(self.encoding.encode_ordinary(text))
                if len(self.short_cache) >= SHORT_CACHE:
                    self.short_cache.clear()
                self.short_cache[text] = cached
            return cached
        cached = self.context_cache.get(text)
        if cached is None:
            cached = len(self.encoding.encode_ordinary(text))
            if len(self.context_cache) >= CONTEXT_CACHE:
                self.context_cache.pop(next(iter(self.context_cache)))
            self.context_cache[text] = cached
        return cached

    def _keep(
        self,
        example: Example,
        whole_key: int,
        key: int,
        batch: similarity.ShingleBatch,
        index: int,
        request: list[int],
        label_like: bool,
        label_key: str,
    ) -> None:
        """Into the sample (a heap: the largest key on top, evicted when full) goes a distinct
        example whose key is below the largest kept."""
        text = example.prompt
        if len(text) <= 20_000 and text == example.request:
            prompt = request  # its tokens are known already
        else:
            prompt = self.encoding.encode_ordinary(text[:20_000])
        asked = self.encoding.encode_ordinary(_leak_text(example)[:20_000])
        skeleton = prompt[:TEMPLATE_HEAD] + prompt[TEMPLATE_HEAD:][-TEMPLATE_TAIL:]
        item = _Item(
            key,
            example.line,
            batch.shingles(index),
            similarity.shingle_set(asked[:4000]),
            np.asarray(skeleton, dtype=np.uint32),
            _snippet(example.request) + " → " + _snippet(example.output)
            if example.request
            else _snippet(example.output, SNIPPET),
            whole_key,
            label_key[: MAX_LABEL_CHARS * 2] if label_like else None,
            _digest(example.attachments) if example.attachments else 0,
        )
        self.kept += 1
        entry = (-key, -example.line, -self.kept, item)
        if len(self.sample) >= self.sample_size:
            evicted = heapq.heapreplace(self.sample, entry)
            self.in_sample.discard(evicted[3].whole_key)
        else:
            heapq.heappush(self.sample, entry)
        self.in_sample.add(whole_key)

    def _items(self) -> list[_Item]:
        """The sample's examples, in the heap's order."""
        return [item for _, _, _, item in self.sample]

    # --- the profile -------------------------------------------------------------------------

    def _finish(self) -> dict[str, Any]:
        valid = self.valid
        if valid == 0:
            self._refuse()
        exact = self._exact_duplicates()
        self.exact_count = exact["duplicates"]
        conflicts = self._conflicts()
        near = self._near_duplicates(valid, exact["duplicates"])
        template = self._templates()
        labels = self._labels(valid)
        edge = self._edge_cases(valid)
        counts = self.token_counts
        low, high = min(counts), max(counts)
        largest = max(near["largest_share"], template["share"])
        profile: dict[str, Any] = {
            "format": self.reading.format,
            "columns": list(self.reading.columns) if self.reading.columns else None,
            "container": self.reading.container,
            "examples": self.examples,
            "valid": valid,
            "invalid": self.invalid,
            "errors": [
                {"line": e.line, "code": e.code, "detail": e.detail[:200], "snippet": e.snippet}
                for e in self.errors
            ],
            "error_counts": dict(self.error_codes.most_common(30)),
            "warnings": [
                {"line": e.line, "code": e.code, "detail": e.detail[:200]} for e in self.warnings
            ],
            "warning_counts": dict(self.warning_codes.most_common(30)),
            "missing_system": self.missing_system,
            "exact_duplicates": exact["duplicates"],
            "duplicate_groups": exact["groups"],
            "conflicting_outputs": conflicts["count"],
            "label_conflicts": conflicts["shown"] + near["label_conflicts"],
            "near_duplicate_share": near["share"],
            "near_duplicate_removable": near["removable"],
            "near_duplicate_pairs": near["pairs"],
            "near_duplicate_groups": near["groups"],
            "near_duplicate_sample": near["sample"],
            "largest_cluster_share": round(largest, 4),
            "largest_group": near["largest"],
            "largest_template": {"words": template["words"][:200], "count": template["count"]},
            "largest_template_share": round(template["share"], 4),
            "template_examples": template["examples"],
            "template_clusters": template["clusters"],
            **self._diversity_measures(),
            "tokens": {
                "min": low,
                "median": _percentile_of_counts(counts, 0.5),
                "p95": _percentile_of_counts(counts, 0.95),
                "max": high,
                "total": self.total_tokens,
                "trained": self.trained_tokens,
                "mean": round(self.total_tokens / valid, 1),
                "longer_than": longer_than(counts),
            },
            "tokenizer": tokens.TOKENIZER_LABEL,
            "histogram": histogram(counts),
            "context_limit": self.context_limit,
            "over_context": self.over_context,
            "over_context_lines": self.over_context_lines,
            "labels": labels["top"],
            "labels_other": labels["other"],
            "label_classes": labels["classes"],
            "majority_share": labels["majority"],
            "edge_cases": edge,
        }
        profile["pairs"] = (
            {
                "count": self.pairs_total,
                "identical": self.identical_pairs,
                "rejected_tokens": self.rejected_tokens,
                "sequences": _sequence_lengths(self.sequence_counts)
                if self.sequence_counts
                else None,
            }
            if self.reading.format == "preference"
            else None
        )
        profile["suggested_answers"] = suggestions.suggest(profile)
        return profile

    def _refuse(self) -> None:
        if self.reading.format is None and self.reading.shape_errors:
            raise Unreadable("wrong_shape", lines=self.reading.shape_errors)
        if self.examples == 0:
            raise Unreadable("empty")
        problem = "too_long" if self.error_codes.get("too_long") == self.invalid else "no_valid"
        raise Unreadable(problem, lines=self.errors)

    def _exact_duplicates(self) -> dict[str, Any]:
        keys = np.frombuffer(self.whole_keys, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(ordered)])
        duplicates = int(len(keys) - len(starts))
        lines = np.frombuffer(self.lines, dtype=np.uint32)
        groups = []
        for start in starts[sizes > 1][:SHOWN_GROUPS]:
            members = order[start : start + sizes[np.searchsorted(starts, start)]]
            groups.append([int(lines[i]) for i in sorted(members)][:20])
        groups.sort()
        return {"duplicates": duplicates, "groups": groups}

    def _conflicts(self) -> dict[str, Any]:
        """Examples repeating an earlier input (case and spacing ignored) with a different,
        label-like output: the clearest measurable sign of a wrong label. Exact duplicates are
        the same output and never counted here."""
        like = np.frombuffer(bytes(self.label_like), dtype=np.uint8).astype(bool)
        if not like.any():
            return {"count": 0, "shown": []}
        inputs = np.frombuffer(self.input_keys, dtype=np.uint64)[like]
        outputs = np.frombuffer(self.output_keys, dtype=np.uint64)[like]
        lines = np.frombuffer(self.lines, dtype=np.uint32)[like]
        order = np.lexsort((lines, inputs))
        inputs, outputs, lines = inputs[order], outputs[order], lines[order]
        first = np.r_[True, inputs[1:] != inputs[:-1]]
        group = np.cumsum(first) - 1
        first_output = outputs[first][group]
        differs = outputs != first_output
        shown = []
        for index in np.flatnonzero(differs)[:SHOWN_GROUPS]:
            origin = np.flatnonzero(first)[group[index]]
            shown.append({"lines": [int(lines[origin]), int(lines[index])], "similarity": 1.0})
        return {"count": int(differs.sum()), "shown": shown}

    def _near_duplicates(self, valid: int, exact: int) -> dict[str, Any]:
        items = sorted(self._items(), key=lambda item: item.line)
        pairs = _same_attachments(items, similarity.similar_pairs([i.shingles for i in items]))
        groups = similarity.Groups(len(items))
        for i, j, _ in pairs:
            groups.union(i, j)
        members = groups.members()
        n = len(items)
        removable_in_sample = n - len(members)
        distinct = valid - exact
        sampled = distinct > n
        near_share = removable_in_sample / n if n else 0.0
        near_removable = round(near_share * distinct)
        removable = exact + near_removable
        largest_members = max((len(m) for m in members.values()), default=1)
        shown: list[dict[str, Any]] = []
        joined: set[int] = set()
        for i, j, value in pairs:
            if len(shown) >= SHOWN_PAIRS:
                break
            if groups.root(i) in joined:
                continue
            joined.add(groups.root(i))
            shown.append(
                {
                    "lines": [items[i].line, items[j].line],
                    "similarity": round(min(value, 1.0), 2),
                    "texts": [items[i].text, items[j].text],
                }
            )
        listed = sorted(
            ([items[k].line for k in group] for group in members.values() if len(group) > 1),
            key=lambda lines: (-len(lines), lines[0]),
        )[:SHOWN_GROUPS]
        conflicts = self._near_label_conflicts(items)
        return {
            "share": round(removable / valid, 4),
            "removable": removable,
            "pairs": shown,
            "groups": [group[:20] for group in listed],
            "largest": largest_members if not sampled else round(largest_members / n * distinct),
            "largest_share": largest_members / n if n else 0.0,
            "sample": {"examples": n, "of": distinct, "sampled": sampled},
            "label_conflicts": conflicts,
        }

    def _near_label_conflicts(self, items: list[_Item]) -> list[dict[str, Any]]:
        """Near-identical (not equal) inputs with different label-like outputs, in the sample."""
        labelled = [items[k] for k, item in enumerate(items) if item.label is not None]
        sets = [item.input_shingles for item in labelled]
        found = []
        pairs = similarity.similar_pairs(sets, LABEL_NOISE_SIMILARITY)
        for a, b, value in _same_attachments(labelled, pairs):
            first, second = labelled[a], labelled[b]
            if first.label != second.label and value < 1.0:
                found.append({"lines": [first.line, second.line], "similarity": round(value, 2)})
                if len(found) >= SHOWN_GROUPS:
                    break
        return found

    def _templates(self) -> dict[str, Any]:
        """Inputs made from one template. The tokens at least a given share of sampled inputs
        contain are kept, the others (the slots) masked: inputs with the same skeleton (at least
        TEMPLATE_MIN_FIXED distinct fixed tokens), or the same fixed opening or closing (at
        least TEMPLATE_RUN tokens, up to 8 compared, so a slot word that happens to be a fixed
        one doesn't split them), are one template. Tried at several shares, the largest wins."""
        items = self._items()
        n = len(items)
        empty = {"share": 0.0, "count": 0, "words": "", "examples": [], "clusters": []}
        if n < 3:
            return empty
        frequency: Counter[int] = Counter()
        for item in items:
            frequency.update(set(item.skeleton.tolist()))
        best: tuple[tuple, list[int]] | None = None
        for level in TEMPLATE_LEVELS:
            fixed = {token for token, count in frequency.items() if count >= level * n}
            if len(fixed) < TEMPLATE_MIN_FIXED:
                continue
            clusters: dict[tuple, list[int]] = {}
            for k, item in enumerate(items):
                skeleton: list[int] = []
                kept = 0
                for token in item.skeleton.tolist():
                    if token in fixed:
                        skeleton.append(token)
                        kept += 1
                    elif not skeleton or skeleton[-1] != SLOT:
                        skeleton.append(SLOT)
                # The whole skeleton: only when most of the input is fixed (a common word or
                # two around free text is no template).
                if len(set(skeleton) - {SLOT}) >= TEMPLATE_MIN_FIXED and kept * 2 >= len(
                    item.skeleton
                ):
                    clusters.setdefault(("whole", *skeleton), []).append(k)
                if SLOT not in skeleton:
                    continue
                opening = skeleton[: skeleton.index(SLOT)]
                if len(opening) >= TEMPLATE_RUN:
                    clusters.setdefault(("open", *opening[:8], SLOT), []).append(k)
                closing = skeleton[len(skeleton) - skeleton[::-1].index(SLOT) :]
                if len(closing) >= TEMPLATE_RUN:
                    clusters.setdefault(("close", SLOT, *closing[-8:]), []).append(k)
            for key, members in clusters.items():
                if len(members) >= 3 and (best is None or len(members) > len(best[1])):
                    best = (key, members)
        if best is None:
            return empty
        _, members = best
        # Shown: the first member's tokens that nearly every member of the cluster shares.
        within: Counter[int] = Counter()
        for k in members:
            within.update(set(items[k].skeleton.tolist()))
        shared = {token for token, count in within.items() if count >= 0.9 * len(members)}
        first = min(members, key=lambda k: items[k].line)
        shown: list[int] = []
        for token in items[first].skeleton.tolist():
            if token in shared:
                shown.append(token)
            elif not shown or shown[-1] != SLOT:
                shown.append(SLOT)
        lines = sorted(items[k].line for k in members)
        share = len(members) / n
        distinct = self.valid - self.exact_count
        count = round(share * distinct) if distinct > n else len(members)
        return {
            "share": share,
            "count": count,
            "words": self._template_words(shown),
            "examples": [
                {"line": items[k].line, "text": items[k].text}
                for k in sorted(members, key=lambda k: items[k].line)[:3]
            ],
            "clusters": [lines[:SHOWN_GROUPS]],
        }

    def _template_words(self, skeleton: list[int]) -> str:
        """The template as text, each slot shown as {…}."""
        parts: list[str] = []
        run: list[int] = []
        for token in skeleton:
            if token == SLOT:
                parts.append(self.encoding.decode(run) + " {…}")
                run = []
            else:
                run.append(token)
        parts.append(self.encoding.decode(run))
        return " ".join("".join(parts).split())

    def _labels(self, valid: int) -> dict[str, Any]:
        none = {"top": None, "other": 0, "classes": 0, "majority": None}
        counts = self.label_counts
        if not counts or valid < 10 or self.long_outputs > valid * 0.01:
            return none
        if len(counts) > max(2, valid // 3):
            return none  # short, but not repeated enough to be labels
        top = counts.most_common(SHOWN_LABELS)
        shown = {self.label_names[key][:200]: count for key, count in top}
        return {
            "top": shown,
            "other": valid - sum(count for _, count in top),
            "classes": len(counts),
            "majority": round(top[0][1] / valid, 4),
        }

    def _diversity_measures(self) -> dict[str, Any]:
        texts = "\n".join(text for text, _ in self.diversity).encode("utf-8", "surrogatepass")
        ratio = round(len(texts) / len(zlib.compress(texts, 6)), 2) if texts else None
        ids = np.array(
            [token for _, ids in self.diversity for token in ids][:DISTINCT_TOKENS],
            dtype=np.uint32,
        )
        distinct = {}
        for n in (1, 2):
            grams = len(ids) - n + 1
            if grams <= 0:
                distinct[f"distinct_{n}"] = None
                continue
            keys = ids[:grams].astype(np.uint64)
            if n == 2:
                keys = (keys << np.uint64(20)) | ids[1:].astype(np.uint64)
            distinct[f"distinct_{n}"] = round(len(np.unique(keys)) / grams, 4)
        return {
            "compression_ratio": ratio,
            **distinct,
            "diversity_sample": {"examples": len(self.diversity), "tokens": int(len(ids))},
        }

    def _edge_cases(self, valid: int) -> dict[str, Any]:
        keys = list(self.edge_counts)
        weights = np.array([self.edge_counts[k] for k in keys], dtype=np.float64)
        lengths = np.log1p(np.array([k[0] for k in keys], dtype=np.float64))
        codes = np.array([k[1] for k in keys], dtype=np.int64)
        odd = np.array([k[2] for k in keys], dtype=bool)
        q1, q3 = _weighted_quartiles(lengths, weights)
        # At least MIN_SPREAD, so that inputs of nearly equal length don't make every small
        # difference an outlier: only half the first quartile's length, or under, is "short".
        spread = max(q3 - q1, MIN_SPREAD)
        short = lengths < q1 - 1.5 * spread
        long = lengths > q3 + 1.5 * spread
        by_script = np.bincount(codes, weights=weights, minlength=len(scripts.NAMES))
        with_letters = by_script.copy()
        with_letters[scripts.NONE] = 0
        main = int(with_letters.argmax()) if with_letters.sum() else scripts.NONE
        other = (codes != main) & (codes != scripts.NONE)
        any_edge = short | long | other | odd

        def share(mask: np.ndarray) -> float:
            return round(float(weights[mask].sum() / valid), 4)

        return {
            "short_share": share(short),
            "long_share": share(long),
            "malformed_share": share(odd),
            "malformed_lines": [],
            "other_language_share": share(other),
            "main_script": scripts.NAMES[main],
            "scripts": {
                scripts.NAMES[code]: int(n) for code, n in enumerate(by_script.tolist()) if n
            },
            "share": share(any_edge),
            "short_below": int(round(math.expm1(max(q1 - 1.5 * spread, 0)))),
            "long_above": int(round(math.expm1(q3 + 1.5 * spread))),
        }


def _weighted_quartiles(values: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """The 25th and 75th percentiles (linear interpolation, as numpy's default) of values
    repeated by their weights, without repeating them."""
    order = np.argsort(values)
    values, weights = values[order], weights[order]
    ends = np.cumsum(weights)
    total = ends[-1]

    def at(position: float) -> float:
        index = int(np.searchsorted(ends, position + 1, side="left"))
        return float(values[min(index, len(values) - 1)])

    result = []
    for q in (0.25, 0.75):
        position = q * (total - 1)
        low = math.floor(position)
        fraction = position - low
        result.append(at(low) + (at(low + 1) - at(low)) * fraction if fraction else at(low))
    return result[0], result[1]


def histogram(counts: Counter[int], bins: int = 12) -> list[dict[str, int]]:
    """Counts of examples by token length, in at most `bins` equal ranges of round numbers."""
    low, top = min(counts), max(counts)
    step = _nice_step(max(top - low, 1) / bins)
    start = low // step * step
    edges = np.arange(start, top + step + 1, step)
    values = np.array(list(counts), dtype=np.int64)
    weights = np.array(list(counts.values()), dtype=np.int64)
    tally, _ = np.histogram(values, bins=edges, weights=weights)
    used = int(np.nonzero(tally)[0].max()) + 1
    return [
        {"low": int(edges[i]), "high": int(edges[i + 1]), "count": int(tally[i])}
        for i in range(used)
    ][: bins + 1]


def _nice_step(raw: float) -> int:
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(max(1, factor * magnitude))
    return int(10 * magnitude)


def check(
    chunks: Iterable[bytes],
    *,
    context_limit: int = DEFAULT_CONTEXT_LIMIT,
    progress: Progress | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    eval_chunks: Callable[[], Iterable[bytes] | None] | None = None,
) -> dict[str, Any]:
    """Profile an upload given as byte chunks. Raises `Unreadable` for a file that is not one
    (`TooManyExamples` past `max_examples`). With `eval_chunks` (called once the training file
    is read; None when no eval file came), the profile gets "leakage"."""
    profiler = Profiler(context_limit=context_limit, progress=progress, max_examples=max_examples)
    profile = profiler.run(chunks)
    second = eval_chunks() if eval_chunks is not None else None
    profile["leakage"] = None
    if second is not None:
        try:
            profile["leakage"] = profiler.leakage(second)
        except Unreadable as error:
            profile["leakage"] = {"problem": error.code}
    return profile
