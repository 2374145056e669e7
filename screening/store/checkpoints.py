"""Checkpoints: chain batches of decisions and events so removals and late insertions show.

A checkpoint covers every decision and every event created in
``[window_start, window_end)``; its digest is SHA-256 over their seals (decisions
in id order, then events in decision and sequence order), and its own seal, keyed
with the audit key, chains to the previous checkpoint. The window ends a settling
margin before the database's "now", so a request still committing when the
checkpoint is made falls into the next one (node clocks must agree within it).

Checkpoints are made under a job lock (two overlapping runs cannot fork the
chain; a unique ``prev_hash`` refuses a fork even without it), and each one is
also appended to an append-only file outside the database (the audit log), so
deleting the newest checkpoints from the database shows too.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, checkpoint_hash, legacy_checkpoint_hash, same
from screening.store.decisions import audit_key
from screening.store.locks import database_now, job_lock
from screening.store.models import Checkpoint, Decision, DecisionEvent

SETTLE = timedelta(minutes=2)
UNKEYED = (
    "sealed without the audit key (made before it existed, or forged); after an upgrade "
    "run `screening audit rekey` once"
)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _seals(
    session: Session, start: datetime, end: datetime, *, with_events: bool
) -> Iterator[tuple[str, str]]:
    decisions = (
        select(Decision.record_hash)
        .where(Decision.created_at >= start, Decision.created_at < end)
        .order_by(Decision.id)
        .execution_options(yield_per=2000)
    )
    for (value,) in session.execute(decisions):
        yield "decision", value
    if not with_events:
        return
    events = (
        select(DecisionEvent.hash)
        .where(DecisionEvent.created_at >= start, DecisionEvent.created_at < end)
        .order_by(DecisionEvent.decision_id, DecisionEvent.seq)
        .execution_options(yield_per=2000)
    )
    for (value,) in session.execute(events):
        yield "event", value


@dataclass(frozen=True)
class Covered:
    decisions: int
    events: int
    digest: str


def cover(session: Session, start: datetime, end: datetime, *, with_events: bool) -> Covered:
    digest = hashlib.sha256()
    counts = {"decision": 0, "event": 0}
    for kind, value in _seals(session, start, end, with_events=with_events):
        if kind == "event" and counts["event"] == 0:
            digest.update(b"\nevents\n")
        digest.update(value.encode())
        counts[kind] += 1
    return Covered(counts["decision"], counts["event"], digest.hexdigest())


def checkpoint_body(start: datetime, end: datetime, covered: Covered) -> dict[str, Any]:
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "count": covered.decisions,
        "events": covered.events,
        "digest": covered.digest,
    }


def legacy_body(start: datetime, end: datetime, covered: Covered) -> dict[str, Any]:
    body = checkpoint_body(start, end, covered)
    del body["events"]
    return body


def make_checkpoint(session: Session, *, now: datetime | None = None) -> Checkpoint | None:
    """Cover every decision and event since the last checkpoint up to ``now - SETTLE``.

    ``now`` defaults to the database's clock. The job lock is held until the
    caller's transaction commits, so a second run waits and then continues the chain.
    """
    key = audit_key(session)
    job_lock(session, "checkpoint")
    now = database_now(session) if now is None else now
    last = session.scalar(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1))
    start = last.window_end if last else EPOCH
    end = now - SETTLE
    if end <= start:
        return None
    covered = cover(session, start, end, with_events=True)
    prev = last.hash if last else GENESIS
    checkpoint = Checkpoint(
        window_start=start,
        window_end=end,
        decisions=covered.decisions,
        events=covered.events,
        digest=covered.digest,
        prev_hash=prev,
        hash=checkpoint_hash(prev, checkpoint_body(start, end, covered), key=key),
        created_at=now,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _where(checkpoint: Checkpoint) -> str:
    return (
        f"checkpoint {checkpoint.id} ({checkpoint.window_start.isoformat()} to "
        f"{checkpoint.window_end.isoformat()})"
    )


def _legacy_holds(session: Session, checkpoint: Checkpoint, prev: str) -> bool:
    """Tell whether a checkpoint still matches the unkeyed scheme of earlier releases."""
    start, end = checkpoint.window_start, checkpoint.window_end
    covered = cover(session, start, end, with_events=False)
    expected = legacy_checkpoint_hash(prev, legacy_body(start, end, covered))
    return checkpoint.prev_hash == prev and same(expected, checkpoint.hash)


def verify_checkpoints(session: Session) -> list[str]:
    """Recompute every checkpoint; return a description of each one that no longer holds."""
    key = audit_key(session)
    problems: list[str] = []
    prev = GENESIS
    prev_end = EPOCH
    for checkpoint in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        start, end = checkpoint.window_start, checkpoint.window_end
        covered = cover(session, start, end, with_events=True)
        body = checkpoint_body(start, end, covered)
        expected = checkpoint_hash(checkpoint.prev_hash, body, key=key)
        where = _where(checkpoint)
        if checkpoint.prev_hash != prev or start != prev_end:
            problems.append(
                f"{where}: does not follow the previous checkpoint (one was removed or changed)"
            )
        if covered.decisions != checkpoint.decisions:
            problems.append(
                f"{where}: covered {checkpoint.decisions} decisions, now {covered.decisions}"
            )
        elif covered.events != checkpoint.events and checkpoint.events:
            problems.append(f"{where}: covered {checkpoint.events} events, now {covered.events}")
        elif not same(expected, checkpoint.hash):
            if _legacy_holds(session, checkpoint, checkpoint.prev_hash):
                problems.append(f"{where}: {UNKEYED}")
            else:
                problems.append(f"{where}: its decisions or events no longer match its seal")
        prev = checkpoint.hash
        prev_end = end
    return problems


# The audit log: one JSON line per checkpoint, appended and never rewritten.


def _log_line(checkpoint: Checkpoint) -> str:
    return json.dumps(
        {
            "checkpoint": checkpoint.id,
            "window_start": checkpoint.window_start.isoformat(),
            "window_end": checkpoint.window_end.isoformat(),
            "decisions": checkpoint.decisions,
            "events": checkpoint.events,
            "prev_hash": checkpoint.prev_hash,
            "hash": checkpoint.hash,
        },
        sort_keys=True,
    )


def read_log(path: Path) -> list[dict[str, Any]]:
    """Return the entries of the audit log (none if it does not exist yet)."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return []
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
        except ValueError:
            entry = {"unreadable_line": number}
        entries.append(entry if isinstance(entry, dict) else {"unreadable_line": number})
    return entries


def _current(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the entries since the last rekey marker (a rekey reseals every checkpoint)."""
    starts = [i for i, e in enumerate(entries) if e.get("rekeyed")]
    return entries[starts[-1] + 1 :] if starts else entries


def append_to_log(session: Session, path: Path, *, rekeyed: bool = False) -> int:
    """Append every checkpoint newer than the log's last entry; return how many.

    Run after the checkpoint's transaction committed: a crash in between is healed
    by the next run. After :func:`~screening.store.verify.rekey` (``rekeyed``), a
    marker line and every checkpoint's new seal are appended; nothing is rewritten.
    """
    entries = [] if rekeyed else _current(read_log(path))
    last = max((e.get("checkpoint", 0) for e in entries if "checkpoint" in e), default=0)
    new = list(
        session.scalars(select(Checkpoint).where(Checkpoint.id > last).order_by(Checkpoint.id))
    )
    lines = [_log_line(c) for c in new]
    if rekeyed:
        lines.insert(0, json.dumps({"rekeyed": True, "at": database_now(session).isoformat()}))
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, "".join(line + "\n" for line in lines).encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(new)


def verify_log(session: Session, path: Path) -> list[str]:
    """Compare the database's checkpoints with the audit log; describe each difference."""
    rows = {c.id: c for c in session.scalars(select(Checkpoint).order_by(Checkpoint.id))}
    entries = _current(read_log(path))
    problems: list[str] = []
    if rows and not path.exists():
        return [f"the audit log {path} is missing: checkpoints cannot be compared with it"]
    logged: dict[int, dict[str, Any]] = {}
    for entry in entries:
        if "unreadable_line" in entry:
            problems.append(f"audit log line {entry['unreadable_line']} is unreadable")
            continue
        logged[int(entry["checkpoint"])] = entry
    for number, entry in logged.items():
        row = rows.get(number)
        if row is None:
            problems.append(
                f"checkpoint {number} ({entry.get('window_start')} to {entry.get('window_end')}) "
                "is in the audit log but no longer in the database (deleted)"
            )
        elif not same(row.hash, str(entry.get("hash"))):
            problems.append(f"{_where(row)}: differs from its audit log entry (replaced)")
    for number, row in rows.items():
        if number not in logged:
            problems.append(
                f"{_where(row)}: missing from the audit log (the log was cut short, or the "
                "run that made it stopped before writing it: the next `screening audit "
                "checkpoint` appends it)"
            )
    return problems
