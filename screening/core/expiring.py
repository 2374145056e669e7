"""A bounded, thread-safe map whose entries expire: the caches in front of slow lookups."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    """Keep at most ``max_entries`` values, each until its own expiry time.

    Past the bound the least recently used entry goes first. An entry may hold None
    (a cached "not found"), so :meth:`get` answers a 1-tuple for a live entry.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(1, max_entries)
        self._entries: OrderedDict[K, tuple[V, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, now: float) -> tuple[V] | None:
        """Return ``(value,)`` if ``key`` holds an entry that expires after ``now``."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or hit[1] <= now:
                return None
            self._entries.move_to_end(key)
            return (hit[0],)

    def put(self, key: K, value: V, expires_at: float) -> None:
        with self._lock:
            self._entries[key] = (value, expires_at)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """How many entries are kept (expired ones included until evicted)."""
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    def __iter__(self) -> Iterator[K]:
        with self._lock:
            return iter(list(self._entries))
