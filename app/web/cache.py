"""A bounded in-process cache of rendered pages, each filed under a key of every input that
made it (see VerdictKey in app/web/routes/assessments.py), so that it can never answer a page
that is out of date: it saves rendering, not the lookup that decides whether a link is alive.

Anything the verdict page shows from the database must move the assessment's `updated_at` when
it is written (the ORM does it for every column of the row; writes elsewhere, such as comments,
must set it too). Only a cache: losing it costs a render, and every worker keeps its own.

Bounded in bytes (APP_PAGE_CACHE_BYTES), not in pages: a page is counted at its size plus
ENTRY_OVERHEAD for its key and bookkeeping, the least recently used go first, and a page larger
than an eighth of the whole is not kept at all.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str


ENTRY_OVERHEAD = 1024


class RenderCache:
    def __init__(self, capacity_bytes: int = 32 * 1024 * 1024) -> None:
        self.capacity_bytes = capacity_bytes
        self.size_bytes = 0
        self._items: OrderedDict[object, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @staticmethod
    def _cost(item: Rendered) -> int:
        return len(item.body) + ENTRY_OVERHEAD

    def get(self, key: object) -> Rendered | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: object, body: bytes) -> Rendered:
        item = Rendered(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        if self._cost(item) > self.capacity_bytes // 8:
            return item
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size_bytes -= self._cost(old)
            self._items[key] = item
            self.size_bytes += self._cost(item)
            while self.size_bytes > self.capacity_bytes:
                _, evicted = self._items.popitem(last=False)
                self.size_bytes -= self._cost(evicted)
        return item


class ShortCache:
    """Answers reused for a few seconds: for counts over many rows (/insights) that many clients
    ask for at once, where being `ttl` seconds behind is fine. At most `capacity` answers, the
    oldest dropped first; a `ttl` of 0 keeps nothing."""

    def __init__(self, ttl: float, capacity: int = 256) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._items: OrderedDict[object, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: object) -> object | None:
        now = time.monotonic()
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] <= now:
                return None
            return found[1]

    def put(self, key: object, value: object) -> None:
        if self.ttl <= 0:
            return
        now = time.monotonic()
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (now + self.ttl, value)
            while len(self._items) > self.capacity or (
                self._items and next(iter(self._items.values()))[0] <= now
            ):
                self._items.popitem(last=False)
