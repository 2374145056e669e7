"""Jobs that several nodes may run at once: checkpoints and retention take turns.

Each test starts two runs in threads with their own database sessions, the first
holding its lock a moment before committing, so the runs overlap for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from screening.store.checkpoints import make_checkpoint, verify_checkpoints
from screening.store.models import (
    Checkpoint,
    Decision,
    DecisionEvent,
    RateLimitCounter,
    VelocityEvent,
)
from screening.store.retention import prune_counters, run_retention
from tests.helpers import auth, signup


def _overlapping(runtime: Any, job: Callable[[Any], Any]) -> list[Any]:
    """Run ``job(session)`` twice at once; the first holds its transaction for 0.5 s."""
    results: list[Any] = [None, None]
    errors: list[BaseException] = []
    started = threading.Event()

    def run(i: int) -> None:
        try:
            with runtime.db.session() as session:
                results[i] = job(session)
                if i == 0:
                    started.set()
                    time.sleep(0.5)  # still holding the lock when the second run starts
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
            started.set()

    first = threading.Thread(target=run, args=(0,))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=run, args=(1,))
    second.start()
    first.join(60)
    second.join(60)
    assert errors == []
    return results


def _screen(client: Any, key: str, n: int) -> list[str]:
    return [
        client.post(
            "/v1/screenings", json=signup(email=f"p{i}@mailinator.com"), headers=auth(key)
        ).get_json()["decision_id"]
        for i in range(n)
    ]


def test_two_checkpoint_runs_at_once_do_not_fork_the_chain(
    client: Any, runtime: Any, screen_key: str
) -> None:
    _screen(client, screen_key, 3)
    later = datetime.now(UTC) + timedelta(minutes=5)
    made = _overlapping(runtime, lambda s: make_checkpoint(s, now=later))
    assert [m is not None for m in made] == [True, False]  # the second had nothing left
    with runtime.db.session() as session:
        rows = session.scalars(select(Checkpoint)).all()
        assert len(rows) == 1 and rows[0].decisions == 3
        assert verify_checkpoints(session) == []


def test_the_database_refuses_a_forked_checkpoint(client: Any, runtime: Any) -> None:
    later = datetime.now(UTC) + timedelta(minutes=5)
    with runtime.db.session() as session:
        first = make_checkpoint(session, now=later)
        assert first is not None
        values = {c.key: getattr(first, c.key) for c in Checkpoint.__table__.columns}
    del values["id"]
    values["hash"] = "f" * 64  # a second successor of the same predecessor
    with pytest.raises(IntegrityError), runtime.db.engine.begin() as conn:
        conn.execute(insert(Checkpoint).values(**values))


def test_two_retention_runs_at_once_scrub_each_decision_once(
    client: Any, runtime: Any, screen_key: str
) -> None:
    ids = _screen(client, screen_key, 4)
    with runtime.db.session() as session:
        session.execute(update(Decision).values(created_at=datetime.now(UTC) - timedelta(400)))
    now = datetime.now(UTC)
    reports = _overlapping(
        runtime, lambda s: run_retention(s, runtime.policy.retention_days, now=now)
    )
    assert sorted(r.scrubbed for r in reports) == [0, 4]
    with runtime.db.session() as session:
        scrubbed = session.scalar(
            select(func.count()).where(
                DecisionEvent.kind == "scrubbed", DecisionEvent.decision_id.in_(ids)
            )
        )
    assert scrubbed == 4


def test_retention_prunes_counters_past_their_windows(runtime: Any) -> None:
    now = datetime.now(UTC)
    minute = int(now.timestamp() // 60)
    with runtime.db.session() as session:
        for days, key in ((8, "old"), (6, "recent")):
            session.add(
                VelocityEvent(kind="email", key=key, decision_id="d", at=now - timedelta(days))
            )
        for window in (minute - 5, minute - 1, minute):
            session.add(RateLimitCounter(key="c:x", window=window, count=3))
    with runtime.db.session() as session:
        dry = prune_counters(session, now=now, dry_run=True)
        assert (dry.velocity_events, dry.rate_limit_counters) == (1, 1)
    with runtime.db.session() as session:
        pruned = prune_counters(session, now=now)
        assert (pruned.velocity_events, pruned.rate_limit_counters) == (1, 1)
    with runtime.db.session() as session:
        assert session.scalars(select(VelocityEvent.key)).all() == ["recent"]
        windows = session.scalars(select(RateLimitCounter.window).order_by(RateLimitCounter.window))
        assert list(windows) == [minute - 1, minute]
