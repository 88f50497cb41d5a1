"""A bounded in-process cache of rendered pages, each filed under a key of every input that
made it (see VerdictKey in app/web/routes/assessments.py), so that it can never answer a page
that is out of date: it saves rendering, not the lookup that decides whether a link is alive.

Anything the verdict page shows from the database must move the assessment's `updated_at` when
it is written (the ORM does it for every column of the row; writes elsewhere, such as comments,
must set it too). Only a cache: losing it costs a render, and every worker keeps its own.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str


class RenderCache:
    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._items: OrderedDict[tuple, Rendered] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Rendered | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple, body: bytes) -> Rendered:
        item = Rendered(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return item
