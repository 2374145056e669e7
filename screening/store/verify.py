"""Check the tamper evidence: every decision's seal, every event chain and its head.

Each decision's signal vector (what backtests replay) must also hold the values of
its sealed signals.

Each decision's record seal, its events' chained seals and its chain head seal
(``chain_mac``: how many events and the last one's seal) are recomputed with the
audit key, so a changed, inserted or removed event, the removal of the newest one
included, names its decision.

Records written before the audit key existed carry the unkeyed SHA-256 of earlier
releases. :func:`rekey` migrates them explicitly: it accepts only records that still
match that scheme exactly, then seals them (and recomputes the checkpoint chain)
under the key. Until then ``verify_chain`` reports them as unkeyed, never as fine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import (
    GENESIS,
    checkpoint_hash,
    decision_hash,
    event_hash,
    head_seal,
    legacy_decision_hash,
    legacy_event_hash,
    same,
)
from screening.store.checkpoints import UNKEYED, checkpoint_body, cover
from screening.store.decisions import audit_key, event_body, hashed_fields
from screening.store.models import Checkpoint, Decision, DecisionEvent
from screening.store.vectors import layouts


@dataclass(frozen=True)
class Break:
    decision_id: str
    what: str
    unkeyed: bool = False

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.what}"


def _batches(session: Session, batch: int) -> Iterator[list[Decision]]:
    last_id = ""
    while True:
        rows = list(
            session.scalars(
                select(Decision).where(Decision.id > last_id).order_by(Decision.id).limit(batch)
            )
        )
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _events(session: Session, ids: list[str]) -> dict[str, list[DecisionEvent]]:
    grouped: dict[str, list[DecisionEvent]] = {i: [] for i in ids}
    stmt = (
        select(DecisionEvent)
        .where(DecisionEvent.decision_id.in_(ids))
        .order_by(DecisionEvent.decision_id, DecisionEvent.seq)
    )
    for event in session.scalars(stmt):
        grouped[event.decision_id].append(event)
    return grouped


def _vector_matches(row: Decision, known: Mapping[str, Sequence[str]]) -> bool:
    """Tell whether a decision's signal vector holds its (sealed) signals' values.

    A decision without a vector, or in a layout the database does not know, is replayed
    from its signal document: nothing to compare.
    """
    names = known.get(row.signal_layout) if row.signal_layout is not None else None
    if row.signal_values is None or names is None:
        return True
    try:
        stored = json.loads(row.signal_values)
    except ValueError:
        return False
    signals = row.signals or {}
    return bool(stored == [signals.get(name) for name in names])


def _check(
    row: Decision, events: list[DecisionEvent], key: bytes, known: Mapping[str, Sequence[str]]
) -> list[Break]:
    breaks: list[Break] = []
    fields = hashed_fields(row)
    if not same(decision_hash(fields, key=key), row.record_hash):
        if same(legacy_decision_hash(fields), row.record_hash):
            breaks.append(Break(row.id, f"decision record {UNKEYED}", unkeyed=True))
        else:
            breaks.append(Break(row.id, "decision record does not match its seal"))
    if not _vector_matches(row, known):
        breaks.append(
            Break(row.id, "signal vector does not hold its signals (backtests would differ)")
        )
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        body = event_body(event)
        if event.seq != expected_seq or event.prev_hash != prev_hash:
            breaks.append(
                Break(row.id, f"event {event.seq} is out of sequence (an event was removed)")
            )
        elif not same(event_hash(prev_hash, body, key=key), event.hash):
            if same(legacy_event_hash(prev_hash, body), event.hash):
                breaks.append(Break(row.id, f"event {event.seq} {UNKEYED}", unkeyed=True))
            else:
                breaks.append(Break(row.id, f"event {event.seq} does not match its seal"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    count = events[-1].seq if events else 0
    if row.chain_mac is None:
        breaks.append(Break(row.id, f"event chain {UNKEYED}", unkeyed=True))
    elif not same(head_seal(row.id, count, prev_hash, key=key), row.chain_mac):
        breaks.append(
            Break(
                row.id,
                f"event chain ends at event {count}, not where it was sealed "
                "(its newest event was removed, or one was added around the service)",
            )
        )
    return breaks


def verify_chain(session: Session, *, batch: int = 1000) -> tuple[int, list[Break]]:
    """Recompute every seal; return how many decisions were checked and the breaks found."""
    key = audit_key(session)
    known = layouts(session)
    breaks: list[Break] = []
    checked = 0
    for rows in _batches(session, batch):
        grouped = _events(session, [r.id for r in rows])
        for row in rows:
            checked += 1
            breaks.extend(_check(row, grouped[row.id], key, known))
    return checked, breaks


@dataclass(frozen=True)
class RekeyReport:
    decisions: int
    events: int
    checkpoints: int
    refused: list[Break]


def rekey(session: Session, *, batch: int = 1000) -> RekeyReport:
    """Seal records of earlier releases under the audit key; refuse if any was altered.

    Only records that fail under the key *and* match the old unkeyed scheme exactly
    are resealed. If any record matches neither, nothing is changed and the report
    lists them. The checkpoint chain is recomputed when anything was resealed
    (each checkpoint first checked under the old scheme by the caller's verify).
    """
    key = audit_key(session)
    known = layouts(session)
    refused: list[Break] = []
    todo: list[tuple[Decision, list[DecisionEvent]]] = []
    for rows in _batches(session, batch):
        grouped = _events(session, [r.id for r in rows])
        for row in rows:
            problems = _check(row, grouped[row.id], key, known)
            if not problems:
                continue
            hard = [p for p in problems if not p.unkeyed]
            if hard:
                refused.extend(hard)
            else:
                todo.append((row, grouped[row.id]))
    if refused:
        return RekeyReport(0, 0, 0, refused)
    events = 0
    for row, chain in todo:
        row.record_hash = decision_hash(hashed_fields(row), key=key)
        prev = GENESIS
        for event in chain:
            event.prev_hash = prev
            event.hash = event_hash(prev, event_body(event), key=key)
            prev = event.hash
            events += 1
        row.chain_mac = head_seal(row.id, len(chain), prev, key=key)
    session.flush()
    resealed = 0
    checkpoints = list(session.scalars(select(Checkpoint).order_by(Checkpoint.id)))
    if todo and checkpoints:
        prev = GENESIS
        for checkpoint in checkpoints:
            covered = cover(
                session, checkpoint.window_start, checkpoint.window_end, with_events=True
            )
            if covered.decisions != checkpoint.decisions:
                raise ValueError("a checkpoint no longer holds: run `screening audit verify`")
            checkpoint.prev_hash = prev
            checkpoint.events = covered.events
            checkpoint.digest = covered.digest
            body = checkpoint_body(checkpoint.window_start, checkpoint.window_end, covered)
            checkpoint.hash = checkpoint_hash(prev, body, key=key)
            prev = checkpoint.hash
            resealed += 1
        session.flush()
    return RekeyReport(len(todo), events, resealed, [])
