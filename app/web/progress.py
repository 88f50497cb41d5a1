"""How far running dataset checks have got, for the page to show "examples read so far".

The browser names its check with a random id when it submits the form, and asks here while it
waits. Kept in this process only: behind several workers a poll may reach another one, which
answers 404, and the page then just waits, as it does without JavaScript.
"""

import re
import threading
from collections import OrderedDict

ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEEP = 256


class ProgressBoard:
    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._read: OrderedDict[str, int] = OrderedDict()

    def start(self, check_id: str | None) -> None:
        if check_id is None or not ID.fullmatch(check_id):
            return
        with self._lock:
            self._read[check_id] = 0
            while len(self._read) > self.keep:
                self._read.popitem(last=False)

    def reporter(self, check_id: str | None):
        """A callback for datasets.check; a no-op for a missing or malformed id."""
        if check_id is None or not ID.fullmatch(check_id):
            return None

        def report(examples: int) -> None:
            with self._lock:
                if check_id in self._read:
                    self._read[check_id] = examples

        return report

    def finish(self, check_id: str | None) -> None:
        with self._lock:
            self._read.pop(check_id or "", None)

    def read(self, check_id: str) -> int | None:
        with self._lock:
            return self._read.get(check_id)
