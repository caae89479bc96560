"""What the confirmation page needs of a rate limit (deal_records.limits.DatabaseLimiter is the one the app uses)."""

from __future__ import annotations

from typing import Protocol


class RateLimiter(Protocol):
    """Counts requests per key; a storage-backed one can share the count across workers."""

    def hit(self, key: str) -> float | None:
        """Count one request; None when allowed, else the seconds until one would be."""
        ...
