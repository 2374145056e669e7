"""API-key principals, verified against a short-lived in-process cache.

Every screening presents its key; looking it up in the database each time cost a
session and a query per request. The cache keeps each answer (a principal, or "no
such key") for ``ttl`` seconds, keyed by the key's SHA-256 (the raw key is never
kept), so a revoked key stops working in every process within ``ttl`` seconds
(2 s by default, ``SCREENING_KEY_CACHE_SECONDS``), and a key is looked up at most
once per process per ``ttl``. The cache is bounded; the least recently used answers
go first.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from screening.core.expiring import ExpiringCache
from screening.store.db import Database
from screening.store.keys import PREFIX, Principal, find_principal, hash_key

DEFAULT_TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000


class PrincipalCache:
    """Find the principal of a presented key, through a TTL cache in front of the database."""

    def __init__(
        self,
        db: Database,
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.ttl = ttl
        self._clock = clock
        # By the key's SHA-256, never the key itself.
        self._entries: ExpiringCache[str, Principal | None] = ExpiringCache(max_entries)

    def find(self, key: str) -> Principal | None:
        """Return the principal for ``key``, or None if unknown or revoked (as of ``ttl`` ago).

        Raises:
            StorageError: the database failed on a lookup the cache could not answer.
        """
        if not key.startswith(PREFIX) or len(key) > 100:
            return None
        digest = hash_key(key)
        now = self._clock()
        hit = self._entries.get(digest, now)
        if hit is not None:
            return hit[0]
        with self.db.session() as session:
            principal = find_principal(session, key)
        self._entries.put(digest, principal, now + self.ttl)
        return principal

    def clear(self) -> None:
        """Forget every cached answer (this process only)."""
        self._entries.clear()
