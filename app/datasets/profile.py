"""The dataset check: one pass over an upload, in bounded memory, to a profile of measured facts.

`check(chunks)` reads byte chunks (from an HTTP upload or a file), and returns a `Profile`: a
plain, JSON-ready dict of counts, duplicates, diversity, lengths, labels, possible edge cases
and suggested answers. Nothing of the upload is kept beyond what the profile shows: up to 20
error lines, three near-duplicate pairs and a few short snippets, each cut to 160 characters.
Memory grows with the number of examples (about 0.5 KB each), never with their length.
"""

import hashlib
import math
import random
import re
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
DEFAULT_CONTEXT_LIMIT = 4096
CONTEXT_CACHE = 64  # distinct system prompts (and earlier turns) whose token counts are kept
CONTEXT_LIMITS = (2048, 4096, 8192, 16384, 32768, 65536, 128000)
# Labels: outputs that are short and repeated (at most this many distinct values, each short).
MAX_LABELS = 50
MAX_LABEL_CHARS = 60
# Templates: inputs that open (or close) with the same words; tracked with bounded memory.
TEMPLATE_WORDS = 5
HEAVY_HITTERS = 256
# Diversity measures are computed on a fixed-size random sample, since both depend on size.
SAMPLE_EXAMPLES = 500
SAMPLE_CHARS = 1000
DISTINCT_TOKENS = 20_000
_DIGITS = re.compile(r"\d+")
MIN_SPREAD = math.log(2) / 1.5  # Tukey's fences at least a factor of 2 beyond the quartiles

Progress = Callable[[int], None]


class _HeavyHitters:
    """Misra-Gries summary: the most frequent keys in one pass and bounded memory. Any key
    seen in more than n/(k+1) of n items is kept, its count short by at most n/(k+1)."""

    def __init__(self, k: int = HEAVY_HITTERS) -> None:
        self.k = k
        self.counts: dict[str, int] = {}

    def add(self, key: str) -> None:
        counts = self.counts
        if key in counts:
            counts[key] += 1
        elif len(counts) < self.k:
            counts[key] = 1
        else:
            for other in list(counts):
                counts[other] -= 1
                if counts[other] == 0:
                    del counts[other]

    def top(self) -> tuple[str, int]:
        if not self.counts:
            return "", 0
        key = max(self.counts, key=self.counts.__getitem__)
        return key, self.counts[key]


def _template_keys(text: str) -> tuple[str, str] | None:
    """The opening and closing words of an input, digits masked: inputs made from one template
    share one or the other."""
    opening = text[:400].split()
    if len(opening) <= TEMPLATE_WORDS:
        return None  # the whole input would be the "template": exact duplicates cover that
    closing = text[-400:].split()[-TEMPLATE_WORDS:]
    return (
        _DIGITS.sub("0", " ".join(opening[:TEMPLATE_WORDS]).lower()),
        _DIGITS.sub("0", " ".join(closing).lower()),
    )


def _snippet(text: str, limit: int = SNIPPET // 2) -> str:
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _digest(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little"
    )


def _percentile(sorted_values: np.ndarray, q: float) -> int:
    """Nearest-rank percentile, so every figure is a real example's length."""
    if len(sorted_values) == 0:
        return 0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return int(sorted_values[rank - 1])


class Profiler:
    def __init__(
        self, *, context_limit: int = DEFAULT_CONTEXT_LIMIT, progress: Progress | None = None
    ) -> None:
        self.context_limit = context_limit
        self.progress = progress
        self.reading = Reading()
        self.encoding = tokens.encoding()
        self.examples = 0
        self.invalid = 0
        self.errors: list[LineError] = []
        self.error_codes: Counter[str] = Counter()
        self.exact: dict[int, int] = {}
        self.exact_duplicates = 0
        self.first_output: dict[int, int] = {}
        self.conflicts = 0
        self.near = similarity.NearDuplicates()
        self.lines = array("I")
        self.total_tokens = array("I")
        self.input_tokens = array("I")
        self.context_cache: dict[str, int] = {}
        self.snippets: list[str] | None = []
        self.pair_texts: list[tuple[str, str]] = []
        self.scripts = bytearray()
        self.odd_inputs = bytearray()  # 1 where the input looks malformed
        self.odd_lines: list[int] = []
        self.over_context_lines: list[int] = []
        self.over_context = 0
        self.templates_open = _HeavyHitters()
        self.templates_close = _HeavyHitters()
        self.label_counts: Counter[str] | None = Counter()
        self.long_outputs = 0
        self.sample: list[tuple[str, list[int]]] = []
        self.random = random.Random(20261127)

    # --- one pass --------------------------------------------------------------------------

    def run(self, chunks: Iterable[bytes]) -> dict[str, Any]:
        batch: list[Example] = []
        for item in reading.read_examples(chunks, self.reading):
            self.examples += 1
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

    def _error(self, error: LineError) -> None:
        self.invalid += 1
        self.error_codes[error.code] += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def _add(self, batch: list[Example]) -> None:
        encode = self.encoding.encode_ordinary
        near = self.near
        fresh: list[int] = []  # token ids of the batch's new texts, one after another
        lengths: list[int] = []
        earlier_of: list[int | None] = []
        for example in batch:
            request_ids = encode(example.request)
            output_ids = encode(example.output)
            total = self._context_tokens(example.context) + len(request_ids) + len(output_ids)
            self.lines.append(example.line)
            self.total_tokens.append(min(total, 2**32 - 1))
            self.input_tokens.append(min(len(request_ids), 2**32 - 1))
            if total > self.context_limit:
                self.over_context += 1
                if len(self.over_context_lines) < MAX_ERRORS:
                    self.over_context_lines.append(example.line)
            input_key = _digest(f"{example.context}\x1e{example.request}")
            output_key = _digest(example.output.strip())
            self._describe(example, input_key, output_key)
            key = _digest(f"{input_key}:{_digest(example.output)}")
            earlier = self.exact.get(key)
            earlier_of.append(earlier)
            if earlier is None:
                self.exact[key] = len(self.lines) - 1
                # The shared system prompt is left out: it would make every pair look alike.
                ids = similarity.padded(request_ids + [similarity.SEPARATOR] + output_ids)
                fresh.extend(ids)
                lengths.append(len(ids))
                self._sample(example, ids)
            else:
                self.exact_duplicates += 1
        if lengths:
            hashes, counts = similarity.shingle_hashes(np.array(fresh, dtype=np.uint32), lengths)
            signatures = near.signatures_of(hashes, counts)
            keys = near.band_keys(signatures)
        new = 0
        for earlier in earlier_of:
            found = len(near.pairs)
            if earlier is None:
                near.add(signatures[new], keys[new])
                new += 1
            else:
                near.add_duplicate(earlier)
            if len(near.pairs) > found and self.snippets is not None:
                a, b, _ = near.pairs[-1]
                self.pair_texts.append((self.snippets[a], self.snippets[b]))
                if len(self.pair_texts) == 3:
                    self.snippets = None  # every pair shown is found: stop keeping snippets
        if self.progress is not None:
            self.progress(self.examples)

    def _context_tokens(self, context: str) -> int:
        """Tokens of a chat's earlier messages; system prompts repeat, so they are counted once."""
        if not context:
            return 0
        cached = self.context_cache.get(context)
        if cached is None:
            cached = len(self.encoding.encode_ordinary(context))
            if len(self.context_cache) >= CONTEXT_CACHE:
                self.context_cache.clear()
            self.context_cache[context] = cached
        return cached

    def _describe(self, example: Example, input_key: int, output_key: int) -> None:
        """Facts about one valid example that need its text: labels, templates, script."""
        # Contradictions: a short (label-like) output that differs from an earlier one given to
        # the same input. Long outputs may rightly differ: several good answers to one request.
        if len(example.output) <= MAX_LABEL_CHARS:
            seen = self.first_output.setdefault(input_key, output_key)
            if seen != output_key:
                self.conflicts += 1
        if len(example.output) > MAX_LABEL_CHARS * 2:
            self.long_outputs += 1
        elif len(output := example.output.strip()) > MAX_LABEL_CHARS:
            self.long_outputs += 1
        elif self.label_counts is not None:
            self.label_counts[output] += 1
            if len(self.label_counts) > MAX_LABELS:
                self.label_counts = None  # too many distinct outputs to be labels
        keys = _template_keys(example.request)
        if keys is not None:
            self.templates_open.add(keys[0])
            self.templates_close.add(keys[1])
        self.scripts.append(scripts.dominant(example.request))
        odd = scripts.looks_malformed(example.request)
        self.odd_inputs.append(odd)
        if odd and len(self.odd_lines) < 5:
            self.odd_lines.append(example.line)
        if self.snippets is not None:
            self.snippets.append(_snippet(example.request) + " → " + _snippet(example.output))

    def _sample(self, example: Example, ids: list[int]) -> None:
        """Reservoir sampling (Algorithm R) of distinct examples, for the diversity measures."""
        item = ((example.request + "\n" + example.output)[:SAMPLE_CHARS], ids[:512])
        seen = len(self.exact)
        if len(self.sample) < SAMPLE_EXAMPLES:
            self.sample.append(item)
        else:
            slot = self.random.randrange(seen)
            if slot < SAMPLE_EXAMPLES:
                self.sample[slot] = item

    # --- the profile -------------------------------------------------------------------------

    def _finish(self) -> dict[str, Any]:
        valid = len(self.lines)
        if valid == 0:
            self._refuse()
        totals = np.sort(np.frombuffer(self.total_tokens, dtype=np.uint32))
        groups, largest_group = self.near.groups()
        removable = valid - groups
        template_text, template_count = max(
            self.templates_open.top(), self.templates_close.top(), key=lambda item: item[1]
        )
        labels = self._labels(valid)
        edge = self._edge_cases(valid)
        profile: dict[str, Any] = {
            "format": self.reading.format,
            "columns": list(self.reading.columns) if self.reading.columns else None,
            "examples": self.examples,
            "valid": valid,
            "invalid": self.invalid,
            "errors": [
                {"line": e.line, "code": e.code, "detail": e.detail[:200]} for e in self.errors
            ],
            "error_counts": dict(self.error_codes.most_common()),
            "exact_duplicates": self.exact_duplicates,
            "conflicting_outputs": self.conflicts,
            "near_duplicate_share": round(removable / valid, 4),
            "near_duplicate_removable": removable,
            "near_duplicate_pairs": self._pairs(),
            "largest_cluster_share": round(max(largest_group, template_count) / valid, 4),
            "largest_group": largest_group,
            "largest_template": {"words": template_text[:200], "count": template_count},
            **self._diversity(),
            "tokens": {
                "min": int(totals[0]),
                "median": _percentile(totals, 0.5),
                "p95": _percentile(totals, 0.95),
                "max": int(totals[-1]),
            },
            "tokenizer": tokens.TOKENIZER_LABEL,
            "histogram": histogram(totals),
            "context_limit": self.context_limit,
            "over_context": self.over_context,
            "over_context_lines": self.over_context_lines,
            "labels": labels,
            "majority_share": round(max(labels.values()) / valid, 4) if labels else None,
            "edge_cases": edge,
        }
        profile["suggested_answers"] = suggestions.suggest(profile)
        return profile

    def _refuse(self) -> None:
        if self.reading.format is None and self.reading.shape_errors:
            raise Unreadable("wrong_shape", lines=self.reading.shape_errors)
        if self.examples == 0:
            raise Unreadable("empty")
        problem = "too_long" if self.error_codes.get("too_long") == self.invalid else "no_valid"
        raise Unreadable(problem, lines=self.errors)

    def _pairs(self) -> list[dict[str, Any]]:
        pairs = []
        for (a, b, similarity_estimate), texts in zip(
            self.near.pairs, self.pair_texts, strict=True
        ):
            pairs.append(
                {
                    "lines": [int(self.lines[a]), int(self.lines[b])],
                    "similarity": round(similarity_estimate, 2),
                    "texts": list(texts),
                }
            )
        return pairs

    def _labels(self, valid: int) -> dict[str, int] | None:
        counts = self.label_counts
        if not counts or valid < 10 or self.long_outputs > valid * 0.01:
            return None
        if len(counts) > max(2, valid // 3):
            return None  # short, but not repeated enough to be labels
        return dict(counts.most_common())

    def _diversity(self) -> dict[str, Any]:
        texts = "\n".join(text for text, _ in self.sample).encode("utf-8", "surrogatepass")
        ratio = round(len(texts) / len(zlib.compress(texts, 6)), 2) if texts else None
        ids = np.array(
            [token for _, ids in self.sample for token in ids][:DISTINCT_TOKENS], dtype=np.uint32
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
            "diversity_sample": {"examples": len(self.sample), "tokens": int(len(ids))},
        }

    def _edge_cases(self, valid: int) -> dict[str, Any]:
        lengths = np.log1p(np.frombuffer(self.input_tokens, dtype=np.uint32).astype(np.float64))
        q1, q3 = np.percentile(lengths, [25, 75])
        # At least MIN_SPREAD, so that inputs of nearly equal length don't make every small
        # difference an outlier: only half the first quartile's length, or under, is "short".
        spread = max(q3 - q1, MIN_SPREAD)
        short = lengths < q1 - 1.5 * spread
        long = lengths > q3 + 1.5 * spread
        codes = np.frombuffer(bytes(self.scripts), dtype=np.uint8)
        with_letters = codes[codes != scripts.NONE]
        main = int(np.bincount(with_letters).argmax()) if len(with_letters) else scripts.NONE
        other = (codes != main) & (codes != scripts.NONE)
        odd = np.frombuffer(bytes(self.odd_inputs), dtype=np.uint8).astype(bool)
        any_edge = short | long | other | odd
        return {
            "short_share": round(float(short.mean()), 4),
            "long_share": round(float(long.mean()), 4),
            "malformed_share": round(float(odd.mean()), 4),
            "malformed_lines": self.odd_lines,
            "other_language_share": round(float(other.mean()), 4),
            "main_script": scripts.NAMES[main],
            "scripts": {
                scripts.NAMES[code]: int(n)
                for code, n in enumerate(np.bincount(codes, minlength=len(scripts.NAMES)))
                if n
            },
            "share": round(float(any_edge.mean()), 4),
            "short_below": int(round(math.expm1(max(q1 - 1.5 * spread, 0)))),
            "long_above": int(round(math.expm1(q3 + 1.5 * spread))),
        }


def histogram(sorted_totals: np.ndarray, bins: int = 12) -> list[dict[str, int]]:
    """Counts of examples by token length, in at most `bins` equal ranges of round numbers."""
    low, top = int(sorted_totals[0]), int(sorted_totals[-1])
    step = _nice_step(max(top - low, 1) / bins)
    start = low // step * step
    edges = np.arange(start, top + step + 1, step)
    counts, _ = np.histogram(sorted_totals, bins=edges)
    used = int(np.nonzero(counts)[0].max()) + 1
    return [
        {"low": int(edges[i]), "high": int(edges[i + 1]), "count": int(counts[i])}
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
) -> dict[str, Any]:
    """Profile an upload given as byte chunks. Raises `Unreadable` for a file that is not one."""
    return Profiler(context_limit=context_limit, progress=progress).run(chunks)
