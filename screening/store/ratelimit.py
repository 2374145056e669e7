"""Rate-limit counters: fixed windows in the database, or in Redis through ``limits``.

Both stores answer one question, atomically across processes: "count one more
request against this key in the current window; how many so far, and when does
the window end?". Keys are opaque (the caller passes pseudonyms, never an
address). Redis failures become :class:`~screening.errors.RedisUnavailable`
(503 with ``Retry-After``), never a 500.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from screening.errors import RedisUnavailable
from screening.store.db import Database
from screening.store.models import RateLimitCounter


@dataclass(frozen=True)
class Window:
    """One key's count in its current window, after this request was counted."""

    limit: int
    count: int
    reset_at: float  # epoch seconds when the window ends

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    def reset_in(self, now: float | None = None) -> int:
        """Whole seconds until the window ends (at least 1)."""
        return max(1, int(self.reset_at - (time.time() if now is None else now) + 0.999))


class RateLimitStore(Protocol):
    def hit(self, key: str, limit: int, window: int) -> Window: ...

    def ping(self) -> bool: ...


class DatabaseRateLimits:
    """Counters in ``rate_limit_counters``, one row per key and window (upserted)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def hit(self, key: str, limit: int, window: int) -> Window:
        now = time.time()
        slot = int(now // window)
        with self._db.session() as session:
            dialect = session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            stmt = insert(RateLimitCounter).values(key=key, window=slot, count=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=["key", "window"], set_={"count": RateLimitCounter.count + 1}
            )
            session.execute(stmt)
            count = session.scalar(
                select(RateLimitCounter.count).where(
                    RateLimitCounter.key == key, RateLimitCounter.window == slot
                )
            )
        return Window(limit=limit, count=int(count or 0), reset_at=(slot + 1) * window)

    def ping(self) -> bool:
        return self._db.ping()


class RedisRateLimits:
    """Fixed windows in Redis, on the ``limits`` library's storage (atomic incr + expiry).

    A key's window starts at its first request and lasts ``window`` seconds.
    """

    def __init__(self, url: str) -> None:
        from limits.storage import RedisStorage

        self._storage = RedisStorage(
            url,
            key_prefix="screening:rate",
            wrap_exceptions=True,
            socket_timeout=2,
            socket_connect_timeout=2,
        )

    def hit(self, key: str, limit: int, window: int) -> Window:
        from limits.errors import StorageError as LimitsStorageError

        name = f"{key}:{window}"
        try:
            count = self._storage.incr(name, window)
            reset_at = self._storage.get_expiry(name)
        except LimitsStorageError as exc:
            raise RedisUnavailable() from exc
        return Window(limit=limit, count=count, reset_at=reset_at)

    def ping(self) -> bool:
        try:
            return bool(self._storage.check())
        except Exception:  # noqa: BLE001 - a health probe reports, it never raises
            return False


def rate_limit_store(db: Database, redis_url: str) -> Any:
    """Return the store the settings ask for: Redis when configured, else the database."""
    return RedisRateLimits(redis_url) if redis_url else DatabaseRateLimits(db)
