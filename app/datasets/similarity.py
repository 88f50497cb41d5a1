"""Near-duplicates on a bounded sample: shingles, a consistent sample, MinHash LSH, and the exact
Jaccard similarity of every candidate pair.

Shingles. An example of 30 tokens or more is shingled into overlapping 5-grams of its token ids
(so the measure works the same for English, Chinese or code); a shorter one into the set of its
tokens, since one changed word already breaks half the 5-grams of a short text. Shingle values
are 32-bit hashes, mixed with MurmurHash3's finalizer; an example keeps at most MAX_SHINGLES of
them, the smallest (a bottom-k sketch), which is its whole set up to about 1,000 tokens.

Sample. Memory stays bounded: near-duplicates, templates and label conflicts are measured on at
most SAMPLE_SIZE distinct examples, the ones with the smallest *consistent* key, a hash of the
example's smallest shingle. Every example has the same chance to be kept (a uniform sample),
but two examples of Jaccard similarity J share their smallest shingle with probability J, so
near-duplicates are kept together far more often than independent sampling would: the share
measured on the sample is close to the file's. On files with no more distinct examples than
SAMPLE_SIZE, every example is in the sample.

Search. MinHash signatures (NUM_PERM = BANDS x ROWS) are banded; a pair sharing one band is a
candidate (probability 1 - (1 - J^6)^21: 0.998 at J = 0.8, 0.93 at 0.7, 0.28 at 0.5), and each
candidate's Jaccard similarity is then computed from the stored shingles, exactly when both sets
are whole, so a pair below THRESHOLD is never reported. A pair is a near-duplicate from a
similarity of 0.8, the threshold Lee et al. (ACL 2022) used to deduplicate training data.
"""

import itertools

import numpy as np

NUM_PERM = 126
BANDS, ROWS = 21, 6
SHINGLE = 5
SHORT_TOKENS = 30  # below this many tokens an example is compared by its set of tokens
MAX_SHINGLES = 1024
THRESHOLD = 0.8
SEED = 1
_WEIGHTS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)
_BUCKET_LIMIT = 16  # members remembered per bucket; later ones still find the first sixteen
_MASK = (1 << 32) - 1


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: a bijection that spreads the bits of each value."""
    values = values.astype(np.uint32, copy=True)
    values ^= values >> np.uint32(16)
    values *= np.uint32(0x85EBCA6B)
    values ^= values >> np.uint32(13)
    values *= np.uint32(0xC2B2AE35)
    values ^= values >> np.uint32(16)
    return values


def shingle_hashes(ids: np.ndarray, lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of every run of SHINGLE consecutive token ids within each text.

    `ids` holds the texts one after another, each at least SHINGLE long; returns the hashes of
    all texts in order, and how many belong to each.
    """
    count = len(ids) - SHINGLE + 1
    hashes = ids[:count] * _WEIGHTS[0]
    for offset in range(1, SHINGLE):
        hashes = (hashes ^ (hashes >> np.uint32(15))) + ids[offset : offset + count] * _WEIGHTS[
            offset
        ]
    ends = np.cumsum(lengths)
    keep = np.ones(count, dtype=bool)
    for back in range(1, SHINGLE):  # runs that start in one text and end in the next
        starts = ends[:-1] - back
        keep[starts[starts >= 0]] = False
    return hashes[keep], np.asarray(lengths, dtype=np.int64) - (SHINGLE - 1)


class ShingleBatch:
    """The shingles of a batch of texts, mixed, one text after another; each text's sample key
    computed for all at once, its sorted set only on demand (for the texts the sample keeps)."""

    def __init__(self, token_lists: list[list[int]]) -> None:
        lengths = [len(ids) for ids in token_lists]
        counts = np.array(lengths, dtype=np.int64)
        ids = np.fromiter(
            itertools.chain.from_iterable(token_lists), dtype=np.uint32, count=int(counts.sum())
        )
        long = counts >= SHORT_TOKENS
        if not long.any():  # every text a set of its tokens
            values = ids ^ np.uint32(0xA5A5A5A5)
        else:
            ends = np.cumsum(counts)
            starts = ends - counts
            long_at = np.flatnonzero(long).tolist()
            long_ids = (
                ids if long.all() else np.concatenate([ids[starts[i] : ends[i]] for i in long_at])
            )
            hashes, long_counts = shingle_hashes(long_ids, [lengths[i] for i in long_at])
            if long.all():
                values = hashes
            else:
                pieces: list[np.ndarray] = []
                split = iter(np.split(hashes, np.cumsum(long_counts)[:-1]))
                for i, length in enumerate(lengths):
                    if length >= SHORT_TOKENS:
                        pieces.append(next(split))
                    else:
                        pieces.append(ids[starts[i] : ends[i]] ^ np.uint32(0xA5A5A5A5))
                values = np.concatenate(pieces)
            counts[long] = long_counts
        self.mixed = fmix32(values)
        self.ends = np.cumsum(counts)
        self.starts = self.ends - counts
        nonempty = counts > 0
        smallest = np.zeros(len(token_lists), dtype=np.uint32)
        if nonempty.any():
            smallest[nonempty] = np.minimum.reduceat(self.mixed, self.starts[nonempty])
        self.keys = fmix32(smallest ^ np.uint32(0x5BD1E995)).tolist()

    def shingles(self, i: int) -> np.ndarray:
        """Text i's shingle set, sorted, at most MAX_SHINGLES (the smallest)."""
        return np.unique(self.mixed[self.starts[i] : self.ends[i]])[:MAX_SHINGLES]


def shingle_sets(token_lists: list[list[int]]) -> list[np.ndarray]:
    batch = ShingleBatch(token_lists)
    return [batch.shingles(i) for i in range(len(token_lists))]


def shingle_set(token_ids: list[int]) -> np.ndarray:
    """One text's shingle set: shingle_sets([token_ids])[0], without a batch's bookkeeping. A
    short text's (a set of its tokens) is mixed in Python: for a few values, several times
    faster than numpy's calls (fmix32 on each, 32-bit products kept to 32 bits)."""
    if len(token_ids) >= SHORT_TOKENS:
        ids = np.asarray(token_ids, dtype=np.uint32)
        return np.unique(fmix32(shingle_hashes(ids, [len(ids)])[0]))[:MAX_SHINGLES]
    mixed = set()
    for token in set(token_ids):
        value = token ^ 0xA5A5A5A5
        value ^= value >> 16
        value = (value * 0x85EBCA6B) & _MASK
        value ^= value >> 13
        value = (value * 0xC2B2AE35) & _MASK
        mixed.add(value ^ (value >> 16))
    return np.array(sorted(mixed), dtype=np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two shingle sets: exact when neither was cut to MAX_SHINGLES,
    otherwise the bottom-k estimate over the values both sketches cover."""
    if len(a) == 0 or len(b) == 0:
        return 1.0 if len(a) == len(b) else 0.0
    if len(a) >= MAX_SHINGLES or len(b) >= MAX_SHINGLES:
        top = min(int(a[-1]), int(b[-1]))
        a, b = a[a <= top], b[b <= top]
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


class _Permutations:
    def __init__(self) -> None:
        rng = np.random.default_rng(SEED)
        self.a = rng.integers(1, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32) | 1
        self.b = rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)
        self.band_weights = rng.integers(1, 2**63, size=(BANDS, ROWS), dtype=np.uint64) | 1

    def band_keys_of(self, sets: list[np.ndarray], budget: int = MAX_SHINGLES) -> list[list[int]]:
        """Each set's LSH band keys: the set's minimum under each of the NUM_PERM permutations
        (an empty set taken as one 0), in BANDS bands of ROWS, each band weighted into one key.
        Taken a run of sets at a time: their shingles side by side, permuted together, each set's
        minimum by np.minimum.reduceat; a run holds up to `budget` shingles (and at least one
        set), so the permuted values stay within NUM_PERM x budget x 4 bytes (0.5 MB), what one
        full set takes alone. (tests/datasets/test_datasets_profile.py: the same as one set at a
        time.)"""
        keys: list[list[int]] = []
        zero = np.zeros(1, dtype=np.uint32)
        start, count = 0, len(sets)
        while start < count:
            run: list[np.ndarray] = []
            size = 0
            while start + len(run) < count:
                shingles = sets[start + len(run)]
                if not len(shingles):
                    shingles = zero
                if run and size + len(shingles) > budget:
                    break
                run.append(shingles)
                size += len(shingles)
            values = np.concatenate(run).astype(np.uint32, copy=False)
            starts = np.cumsum([0] + [len(shingles) for shingles in run[:-1]])
            permuted = self.a[:, None] * values[None, :] + self.b[:, None]
            smallest = np.minimum.reduceat(permuted, starts, axis=1)
            signature = smallest.T.astype(np.uint64).reshape(len(run), BANDS, ROWS)
            keys.extend((signature * self.band_weights).sum(axis=2).tolist())
            start += len(run)
        return keys


_PERMUTATIONS: _Permutations | None = None


def _permutations() -> _Permutations:
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        _PERMUTATIONS = _Permutations()
    return _PERMUTATIONS


def similar_pairs(
    sets: list[np.ndarray], threshold: float = THRESHOLD
) -> list[tuple[int, int, float]]:
    """Every pair (i, j, similarity), i < j, whose similarity is at least `threshold`, found
    through LSH banding and verified on the shingles themselves."""
    permutations = _permutations()
    small = [frozenset(s.tolist()) if len(s) <= 64 else None for s in sets]
    buckets: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
    found: list[tuple[int, int, float]] = []
    all_keys = permutations.band_keys_of(sets)
    for j, shingles in enumerate(sets):
        candidates: set[int] = set()
        for band, key in enumerate(all_keys[j]):
            members = buckets[band].setdefault(key, [])
            candidates.update(members)
            if len(members) < _BUCKET_LIMIT:
                members.append(j)
        mine = small[j]
        for i in sorted(candidates):
            theirs = small[i]
            if mine is not None and theirs is not None:
                shared = len(mine & theirs)
                value = shared / (len(mine) + len(theirs) - shared)
            else:
                value = jaccard(sets[i], shingles)
            if value >= threshold:
                found.append((i, j, value))
    return found


class Groups:
    """Union-find over n items."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def members(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.root(i), []).append(i)
        return groups
