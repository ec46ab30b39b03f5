"""Sign-in rate limits: too many wrong passwords lock the account, or the address, for a while."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class Throttle:
    """At most `limit` failures per key within `window` seconds; then the key waits out the window."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def reserve(self, key: str) -> bool:
        """Count an attempt *before* it is checked, atomically: False (nothing counted) when the key is
        at its limit. However many requests arrive at once, at most `limit` are let through per window."""
        with self._lock:
            recent = self._recent(key)
            if len(recent) >= self.limit:
                return False
            recent.append(self.clock())
            self._bound()
            return True

    def release(self, key: str) -> None:
        """Give back one reserved attempt (it succeeded, or another limit refused it)."""
        with self._lock:
            recent = self._failures.get(key)
            if recent:
                recent.pop()

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())
            self._bound()

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _bound(self) -> None:
        if len(self._failures) > 100_000:  # bound memory under a spray of made-up names
            self._failures = {k: v for k, v in self._failures.items() if v}

    def _recent(self, key: str) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        return q
