"""A rate limit kept in the database, so every worker process counts the same requests."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import reading, writing
from deal_records.models import RequestHit, utc_now

# A key's hits within the window: asked on every API request with a token, so built once.
_HITS = select(func.count(RequestHit.id), func.min(RequestHit.hit_at)).where(
    RequestHit.scope == bindparam("scope"),
    RequestHit.key_sha256 == bindparam("digest"),
    RequestHit.hit_at > bindparam("since"),
)


def key_digest(scope: str, key: str) -> str:
    """The stored form of a key (a client address is not kept as such)."""
    return hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()


class DatabaseLimiter:
    """At most `limit` requests per key in any `window` seconds, counted in the `request_hits` table."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        scope: str,
        limit: int,
        window: float,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.limit = limit
        self.window = dt.timedelta(seconds=window)
        self._sessions = sessions
        self._scope = scope
        self._clock = clock

    def hit(self, key: str) -> float | None:
        """Count one request for `key`; None when allowed, else the seconds until one would be (refused ones are not counted)."""
        now = self._clock()
        digest = key_digest(self._scope, key)
        with writing(self._sessions) as session:
            # Every key's old hits go, so the table holds one window of requests at most.
            session.execute(
                delete(RequestHit).where(RequestHit.scope == self._scope, RequestHit.hit_at <= now - self.window)
            )
            wait = self._wait(session, digest, now)
            if wait is None:
                session.add(RequestHit(scope=self._scope, key_sha256=digest, hit_at=now))
        return wait

    def waiting(self, key: str, session: Session | None = None) -> float | None:
        """The seconds until `key` may be counted again, counting nothing (None: it may be now): a limit on
        failures asks this before the attempt and counts only the attempts that fail. Read in `session` when
        given (the attempt's own reading session: one transaction for both), else in a session of its own."""
        if session is not None:
            return self._wait(session, key_digest(self._scope, key), self._clock())
        with reading(self._sessions) as own:
            return self._wait(own, key_digest(self._scope, key), self._clock())

    def _wait(self, session: Session, digest: str, now: dt.datetime) -> float | None:
        """None when the key's hits within the window are fewer than the limit, else the seconds until the oldest
        of them leaves it."""
        count, oldest = session.execute(
            _HITS, {"scope": self._scope, "digest": digest, "since": now - self.window}
        ).one()
        if count < self.limit:
            return None
        oldest_at = oldest if isinstance(oldest, dt.datetime) else now
        if oldest_at.tzinfo is None:
            oldest_at = oldest_at.replace(tzinfo=dt.UTC)
        return max(0.0, (oldest_at + self.window - now).total_seconds())
