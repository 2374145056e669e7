"""Checkpoints: chain batches of decisions so removals and late insertions show.

A checkpoint covers every decision created in ``[window_start, window_end)``;
its digest is SHA-256 over their record hashes in id order, and its hash chains
to the previous checkpoint. The window ends a settling margin before "now", so a
request still committing when the checkpoint is made falls into the next one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, canonical_json
from screening.store.models import Checkpoint, Decision

SETTLE = timedelta(minutes=2)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _record_hashes(session: Session, start: datetime, end: datetime) -> Iterator[str]:
    stmt = (
        select(Decision.record_hash)
        .where(Decision.created_at >= start, Decision.created_at < end)
        .order_by(Decision.id)
        .execution_options(yield_per=2000)
    )
    for (value,) in session.execute(stmt):
        yield value


def _digest(session: Session, start: datetime, end: datetime) -> tuple[str, int]:
    digest = hashlib.sha256()
    count = 0
    for record_hash in _record_hashes(session, start, end):
        digest.update(record_hash.encode())
        count += 1
    return digest.hexdigest(), count


def _chain(prev_hash: str, start: datetime, end: datetime, count: int, digest: str) -> str:
    body = {"start": start.isoformat(), "end": end.isoformat(), "count": count, "digest": digest}
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(body)).hexdigest()


def make_checkpoint(session: Session, *, now: datetime) -> Checkpoint | None:
    """Cover every decision since the last checkpoint up to ``now - SETTLE``."""
    last = session.scalar(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1))
    start = last.window_end if last else EPOCH
    end = now - SETTLE
    if end <= start:
        return None
    digest, count = _digest(session, start, end)
    prev = last.hash if last else GENESIS
    checkpoint = Checkpoint(
        window_start=start,
        window_end=end,
        decisions=count,
        digest=digest,
        prev_hash=prev,
        hash=_chain(prev, start, end, count, digest),
        created_at=now,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def verify_checkpoints(session: Session) -> list[str]:
    """Recompute every checkpoint; return a description of each one that no longer holds."""
    problems: list[str] = []
    prev = GENESIS
    for checkpoint in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        digest, count = _digest(session, checkpoint.window_start, checkpoint.window_end)
        expected = _chain(prev, checkpoint.window_start, checkpoint.window_end, count, digest)
        where = (
            f"checkpoint {checkpoint.id} ({checkpoint.window_start.isoformat()} to "
            f"{checkpoint.window_end.isoformat()})"
        )
        if checkpoint.prev_hash != prev:
            problems.append(f"{where}: does not chain to the previous checkpoint")
        elif count != checkpoint.decisions:
            problems.append(f"{where}: covered {checkpoint.decisions} decisions, now {count}")
        elif expected != checkpoint.hash:
            problems.append(f"{where}: its decisions no longer match")
        prev = checkpoint.hash
    return problems
