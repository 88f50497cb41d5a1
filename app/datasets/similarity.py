"""Near-duplicates: MinHash signatures and LSH banding as datasketch defines them, grouped by
union-find.

Each example is shingled into overlapping 5-grams of its token ids (input, a separator, then
output), so the measure works the same for English, Chinese or code. Signatures follow
datasketch's default "affine32" scheme with its own permutations, computed for a whole batch at
once with numpy; a test checks they are bit for bit what `datasketch.MinHash.update_batch` gives.
The banding (b bands of r rows) is the one `datasketch.MinHashLSH` picks for the threshold.
Its hash tables are not used: they keep a set per bucket and every key's band hashes, about
1.9 KB per example (191 MB for 100,000 random signatures, measured while choosing this design),
so the buckets live here in plain dicts keyed by a 64-bit digest of each band, under 0.5 KB per
example. A candidate counts as a near-duplicate
when its estimated Jaccard similarity is at least 0.8, the threshold Lee et al. (ACL 2022) used
to deduplicate training data.
"""

from array import array

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.8
SEED = 1
SEPARATOR = 100_300  # above every cl100k_base token id
PAD = 100_301
# Shingle weights: odd 32-bit constants (from xxHash and MurmurHash3).
_WEIGHTS = np.array([0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)
_CHUNK_SHINGLES = 40_000  # bounds the (permutations x shingles) scratch array to ~10 MB
_BUCKET_LIMIT = 8  # members remembered per bucket; later ones still find the first eight
_BLOCK = 8192  # signatures are kept in blocks of this many rows: growing never copies them


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: the pre-mix datasketch applies in its affine32 scheme."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def shingle_hashes(ids: np.ndarray, lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of every run of SHINGLE consecutive token ids within each text.

    `ids` holds the texts one after another, each at least SHINGLE long (pad short ones);
    returns the hashes of all texts in order, and how many belong to each.
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


def padded(ids: list[int]) -> list[int]:
    return ids if len(ids) >= SHINGLE else ids + [PAD] * (SHINGLE - len(ids))


class NearDuplicates:
    """Adds examples one batch at a time; knows the groups of near-identical ones."""

    def __init__(self) -> None:
        template = MinHash(num_perm=NUM_PERM, seed=SEED)
        self.scheme = template.scheme
        a, b = template.permutations
        self._a = np.asarray(a, dtype=np.uint32)
        self._b = np.asarray(b, dtype=np.uint32)
        index = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self.bands, self.rows = index.b, index.r
        self._band_weights = np.random.default_rng(SEED).integers(
            1, 2**63, size=(self.bands, self.rows), dtype=np.uint64
        ) | np.uint64(1)
        self.buckets: list[dict[int, int | list[int]]] = [{} for _ in range(self.bands)]
        self.blocks: list[np.ndarray] = []
        self.parent = array("i")
        self.size = array("i")
        self.count = 0
        self.pairs: list[tuple[int, int, float]] = []

    def signatures_of(self, hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """MinHash signatures (affine32) of consecutive groups of shingle hashes."""
        result = np.empty((len(counts), NUM_PERM), dtype=np.uint32)
        mixed = _fmix32(hashes)
        ends = np.cumsum(counts)
        first = 0
        while first < len(counts):
            begin = int(ends[first - 1]) if first else 0
            last = int(np.searchsorted(ends, begin + _CHUNK_SHINGLES, side="right"))
            last = max(last, first + 1)
            stop = int(ends[last - 1])
            # Permutations along rows, so the reduction runs over contiguous memory.
            permuted = self._a[:, None] * mixed[None, begin:stop] + self._b[:, None]
            offsets = (np.concatenate([[begin], ends[first : last - 1]]) - begin).astype(np.int64)
            result[first:last] = np.minimum.reduceat(permuted, offsets, axis=1).T
            first = last
        return result

    def band_keys(self, signatures: np.ndarray) -> list[list[int]]:
        """For each signature, a 64-bit digest of each of its bands."""
        rows = signatures[:, : self.bands * self.rows].reshape(
            len(signatures), self.bands, self.rows
        )
        keys = (rows.astype(np.uint64) * self._band_weights[None, :, :]).sum(axis=2)
        return keys.tolist()

    def _root(self, index: int) -> int:
        parent = self.parent
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def union(self, a: int, b: int) -> None:
        ra, rb = self._root(a), self._root(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def signature(self, index: int) -> np.ndarray:
        return self.blocks[index // _BLOCK][index % _BLOCK]

    def _grow(self, index: int) -> None:
        if index // _BLOCK >= len(self.blocks):
            self.blocks.append(np.empty((_BLOCK, NUM_PERM), dtype=np.uint32))

    def add_duplicate(self, earlier: int) -> int:
        """The next example is an exact copy of an earlier one."""
        index = self._next()
        self.signature(index)[:] = self.signature(earlier)
        self.union(earlier, index)
        return index

    def add(self, signature: np.ndarray, keys: list[int]) -> int:
        """The next example is a new text: find its near-duplicates, then index it."""
        index = self._next()
        self.signature(index)[:] = signature
        candidates: set[int] = set()
        for key, bucket in zip(keys, self.buckets, strict=True):
            members = bucket.get(key)
            if members is None:
                bucket[key] = index
            elif isinstance(members, int):
                candidates.add(members)
                bucket[key] = [members, index]
            else:
                candidates.update(members)
                if len(members) < _BUCKET_LIMIT:
                    members.append(index)
        for candidate in sorted(candidates):
            similarity = float(np.count_nonzero(self.signature(candidate) == signature)) / NUM_PERM
            if similarity >= THRESHOLD:
                if len(self.pairs) < 3 and self._root(candidate) != self._root(index):
                    self.pairs.append((candidate, index, similarity))
                self.union(candidate, index)
        return index

    def _next(self) -> int:
        index = self.count
        self.count += 1
        self.parent.append(index)
        self.size.append(1)
        self._grow(index)
        return index

    def groups(self) -> tuple[int, int]:
        """(number of groups, size of the largest group) over all examples added."""
        sizes: dict[int, int] = {}
        for i in range(self.count):
            root = self._root(i)
            sizes[root] = sizes.get(root, 0) + 1
        return len(sizes), max(sizes.values(), default=0)
