"""API keys are verified against a short-lived in-process cache; revocation shows within it."""

from __future__ import annotations

import time
from typing import Any

from screening.service.principals import PrincipalCache
from screening.store.keys import create_key, revoke_key
from tests.helpers import auth, signup


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _key(runtime: Any, scope: str = "screen") -> tuple[int, str]:
    with runtime.db.session() as session:
        row, key = create_key(session, [scope], name="cache-test")
        return row.id, key


def _revoke(runtime: Any, key_id: int) -> None:
    with runtime.db.session() as session:
        assert revoke_key(session, key_id)


def test_a_revoked_key_is_trusted_at_most_ttl_seconds(runtime: Any) -> None:
    clock = Clock()
    cache = PrincipalCache(runtime.db, ttl=2.0, clock=clock)
    key_id, key = _key(runtime)
    first = cache.find(key)
    assert first is not None and first.key_id == key_id
    _revoke(runtime, key_id)
    clock.now += 1.9
    assert cache.find(key) == first  # still within its two seconds
    clock.now += 0.2
    assert cache.find(key) is None  # looked up again: revoked


def test_unknown_keys_are_cached_too_and_the_cache_is_bounded(runtime: Any) -> None:
    clock = Clock()
    cache = PrincipalCache(runtime.db, ttl=2.0, max_entries=3, clock=clock)
    for i in range(5):
        assert cache.find(f"sk_unknown{i}") is None
    assert len(cache._entries) == 3
    _key_id, key = _key(runtime)
    assert cache.find(key) is not None
    assert len(cache._entries) == 3
    # Not a key at all: refused without a lookup or an entry.
    assert cache.find("not-a-key") is None
    assert cache.find("sk_" + "x" * 200) is None
    assert len(cache._entries) == 3


def test_the_cache_never_holds_the_raw_key(runtime: Any) -> None:
    cache = PrincipalCache(runtime.db, ttl=2.0)
    _key_id, key = _key(runtime)
    cache.find(key)
    assert key not in cache._entries
    assert all(key not in digest for digest in cache._entries)


def test_a_revoked_key_stops_screening_within_the_documented_seconds(
    client: Any, runtime: Any
) -> None:
    key_id, key = _key(runtime)
    assert client.post("/v1/screenings", json=signup(), headers=auth(key)).status_code == 201
    _revoke(runtime, key_id)
    # Documented bound: SCREENING_KEY_CACHE_SECONDS (2 s); polled up to a generous 15 s.
    deadline = time.monotonic() + 15
    status = 201
    while time.monotonic() < deadline:
        status = client.post("/v1/screenings", json=signup(), headers=auth(key)).status_code
        if status == 401:
            break
        time.sleep(0.2)
    assert status == 401
