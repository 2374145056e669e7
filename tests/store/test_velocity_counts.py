"""Velocity counts: exact within their windows, up to the cap, alike in every store.

The database store runs on SQLite and PostgreSQL; the Redis store beside each (skipped
with a message without Redis, unless ``CI`` is set).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from screening.core.identifiers import Pseudonym
from screening.core.velocity import COUNT_CAP
from screening.store.velocity import DatabaseVelocity, RedisVelocity
from tests.conftest import emptied_redis

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest) -> Any:
    # Redis keeps its own entries: beside either database, the same store is tested.
    return RedisVelocity(emptied_redis()) if request.param == "redis" else DatabaseVelocity()


def _record(runtime: Any, store: Any, keys: dict[str, Pseudonym], n: int, at: datetime) -> dict:
    with runtime.db.writer() as conn:
        return store.record_and_count(conn, keys, f"dec_{n:012x}", at)


def test_counts_are_exact_in_their_windows_and_stop_at_the_cap(runtime: Any, store: Any) -> None:
    domain = {"email_domain": Pseudonym("k1:domain", ("k1:domain", "k0:domain"))}
    phone = {"phone": Pseudonym("k1:phone", ("k1:phone",))}
    n = 0
    # The phone: once 8 days ago (outside every window), twice 2 days ago, once 59 min ago.
    for at in (NOW - timedelta(days=8), *[NOW - timedelta(days=2)] * 2):
        n += 1
        _record(runtime, store, phone, n, at)
    n += 1
    _record(runtime, store, phone, n, NOW - timedelta(minutes=59))
    n += 1
    counts = _record(runtime, store, phone, n, NOW)
    assert (counts["velocity.phone_1h"], counts["velocity.phone_24h"]) == (1, 1)
    assert counts["velocity.phone_7d"] == 3  # its own signup is not counted
    # A mail domain seen on more signups than the cap, under the current key and an older one.
    older = {"email_domain": Pseudonym("k0:domain", ("k0:domain",))}
    for i in range(COUNT_CAP + 20):
        n += 1
        _record(
            runtime,
            store,
            older if i % 2 else domain,
            n,
            NOW - timedelta(seconds=COUNT_CAP + 30 - i),
        )
    n += 1
    counts = _record(runtime, store, domain, n, NOW)
    assert counts["velocity.email_domain_1h"] == COUNT_CAP
    assert counts["velocity.email_domain_7d"] == COUNT_CAP
    n += 1
    below = _record(runtime, store, {"email_domain": Pseudonym("k1:other", ("k1:other",))}, n, NOW)
    assert below["velocity.email_domain_1h"] == 0
