"""The self-check's rate limit, counted in memory in this worker process: the self-check reads no database and must
answer while the database is down or locked, so its limit must not need one either."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from flask import Flask, current_app

from assess_app.client import request_address
from assess_app.config import check_rate_limit
from assess_app.records import retry_after

CHECK_LIMITER_KEY = "playbook_check_limiter"
# Addresses counted at once, at most: a flood from many addresses cannot grow a worker's memory past this.
MAX_KEYS = 10_000


class MemoryLimiter:
    """At most `limit` requests per key in any `window` seconds, counted as deal_records.limits.DatabaseLimiter counts
    them (a hit counts while it is less than `window` seconds old; refused ones are not counted), but in this process
    only. Keys whose hits are all too old are dropped, and beyond `max_keys` the key hit longest ago goes."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        # Each key's hits within the window, oldest first; the key hit longest ago first.
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one request for `key`; None when allowed, else the seconds until one would be (refused ones are not counted)."""
        now = self._clock()
        since = now - self.window
        with self._lock:
            self._drop_expired(since)
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            while hits and hits[0] <= since:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(0.0, hits[0] + self.window - now)
            hits.append(now)
            self._hits.move_to_end(key)
            while len(self._hits) > self._max_keys:
                self._hits.popitem(last=False)
            return None

    def keys(self) -> int:
        """How many keys are counted now."""
        return len(self._hits)

    def _drop_expired(self, since: float) -> None:
        """Drop the keys whose newest hit is out of the window (they are first: keys move to the end when hit)."""
        while self._hits:
            oldest_key, hits = next(iter(self._hits.items()))
            if hits and hits[-1] > since:
                return
            del self._hits[oldest_key]


def init_check_limit(app: Flask) -> None:
    """Count, in this worker process, the self-checks each client address sends; none are counted when the limit
    is 0 (PLAYBOOK_CHECK_RATE_LIMIT=0)."""
    value, window = app.config["CHECK_RATE_LIMIT"]
    limit = check_rate_limit(value)
    app.config["CHECK_RATE_LIMIT"] = (limit, window)
    if limit:
        app.extensions[CHECK_LIMITER_KEY] = MemoryLimiter(limit, window)


def check_wait() -> float | None:
    """Count this self-check for its client address: None when it may be answered, else the seconds to wait
    (CHECK_RATE_LIMIT)."""
    limiter: MemoryLimiter | None = current_app.extensions.get(CHECK_LIMITER_KEY)
    return None if limiter is None else limiter.hit(request_address())


def check_limit() -> str:
    """The self-check limit in words: "6,000 within 10 minutes"."""
    limit, window = current_app.config["CHECK_RATE_LIMIT"]
    return f"{limit:,} within {window // 60} minutes"


def too_many_checks(wait: float) -> str:
    """Why a self-check was not answered, and when it will be (the API's message)."""
    return (
        f"too many self-checks came from this address ({check_limit()}): none is answered for "
        f"{retry_after(wait)} seconds; send it again after that (Retry-After)"
    )
