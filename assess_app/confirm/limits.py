"""A rate limit per client address: at most `limit` requests in any `window` seconds."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol


class RateLimiter(Protocol):
    """Counts requests per key; a storage-backed one can share the count across workers."""

    def hit(self, key: str) -> float | None:
        """Count one request; None when allowed, else the seconds until one would be."""
        ...


class WindowLimiter:
    """A sliding window kept in this process's memory (one count per gunicorn worker)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one request for `key`; refused requests are not counted."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            if len(self._hits) > self._max_keys:
                self._forget_idle(now)
            return None

    def _forget_idle(self, now: float) -> None:
        """Drop the keys with no request in the window, so memory stays bounded."""
        for key in [key for key, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
