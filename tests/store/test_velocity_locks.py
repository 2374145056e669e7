"""On PostgreSQL, one actor's signups sent at once queue for each other; a mail domain does not.

Concurrent signups that share a person-level identifier (an email address, a phone) are
serialised, so the later one counts the earlier. The mail domain is left out: a big
provider's domain is on a large share of all signups, and locking it would queue them
one commit after another. Its count is a volume figure; two signups in flight may miss
each other there.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from screening.core.identifiers import Pseudonym
from screening.store.velocity import DatabaseVelocity

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def backend() -> str:
    return "postgresql"  # SQLite has one writer at a time: everything queues there


@pytest.mark.parametrize(
    ("kind", "queues"), [("email", True), ("phone", True), ("email_domain", False)]
)
def test_concurrent_signups_sharing_an_identifier(runtime: Any, kind: str, queues: bool) -> None:
    store = DatabaseVelocity()
    keys = {kind: Pseudonym(f"k1:{kind}", (f"k1:{kind}",))}
    finished = threading.Event()
    seen: dict[str, int] = {}

    def second() -> None:
        with runtime.db.writer() as conn:
            seen.update(store.record_and_count(conn, keys, f"dec_{kind}_second", NOW))
        finished.set()

    with runtime.db.writer() as first:
        store.record_and_count(first, keys, f"dec_{kind}_first", NOW)
        thread = threading.Thread(target=second)
        thread.start()
        if queues:
            assert not finished.wait(timeout=1.0), "the second signup did not wait"
        else:
            assert finished.wait(timeout=30.0), "the second signup waited for the first"
    thread.join(timeout=30.0)
    assert finished.is_set()
    # Queued, the second counts the first; in flight together, it could not see it.
    assert seen[f"velocity.{kind}_1h"] == (1 if queues else 0)
