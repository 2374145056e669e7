"""API-key principals, verified against a short-lived in-process cache.

Every screening presents its key; looking it up in the database each time cost a
session and a query per request. The cache keeps each answer (a principal, or "no
such key") for ``ttl`` seconds, keyed by the key's SHA-256 (the raw key is never
kept), so a revoked key stops working in every process within ``ttl`` seconds
(2 s by default, ``SCREENING_KEY_CACHE_SECONDS``), and a key is looked up at most
once per process per ``ttl``. The cache is bounded; the oldest answers go first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

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
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, Principal | None]] = OrderedDict()

    def find(self, key: str) -> Principal | None:
        """Return the principal for ``key``, or None if unknown or revoked (as of ``ttl`` ago).

        Raises:
            StorageError: the database failed on a lookup the cache could not answer.
        """
        if not key.startswith(PREFIX) or len(key) > 100:
            return None
        digest = hash_key(key)
        now = self._clock()
        with self._lock:
            hit = self._entries.get(digest)
            if hit is not None and hit[0] > now:
                return hit[1]
        with self.db.session() as session:
            principal = find_principal(session, key)
        with self._lock:
            self._entries[digest] = (now + self.ttl, principal)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return principal

    def clear(self) -> None:
        """Forget every cached answer (this process only)."""
        with self._lock:
            self._entries.clear()
