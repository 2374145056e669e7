"""Check the tamper evidence: every decision's hash and every event chain."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, decision_hash, event_hash
from screening.store.decisions import hashed_fields
from screening.store.models import Decision, DecisionEvent


@dataclass(frozen=True)
class Break:
    decision_id: str
    what: str

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.what}"


def verify_chain(session: Session, *, batch: int = 1000) -> tuple[int, list[Break]]:
    """Recompute every hash; return how many decisions were checked and the breaks found."""
    breaks: list[Break] = []
    checked = 0
    last_id = ""
    while True:
        rows = list(
            session.scalars(
                select(Decision).where(Decision.id > last_id).order_by(Decision.id).limit(batch)
            )
        )
        if not rows:
            break
        for row in rows:
            checked += 1
            if decision_hash(hashed_fields(row)) != row.record_hash:
                breaks.append(Break(row.id, "decision record does not match its hash"))
        ids = [r.id for r in rows]
        events = session.scalars(
            select(DecisionEvent)
            .where(DecisionEvent.decision_id.in_(ids))
            .order_by(DecisionEvent.decision_id, DecisionEvent.seq)
        )
        prev: dict[str, tuple[int, str]] = {}
        for event in events:
            seq, prev_hash = prev.get(event.decision_id, (0, GENESIS))
            body = {
                "decision_id": event.decision_id,
                "seq": event.seq,
                "kind": event.kind,
                "data": event.data,
                "actor": event.actor,
                "created_at": event.created_at.isoformat(),
            }
            if event.seq != seq + 1 or event.prev_hash != prev_hash:
                breaks.append(Break(event.decision_id, f"event {event.seq} is out of sequence"))
            elif event_hash(prev_hash, body) != event.hash:
                breaks.append(
                    Break(event.decision_id, f"event {event.seq} does not match its hash")
                )
            prev[event.decision_id] = (event.seq, event.hash)
        last_id = rows[-1].id
    return checked, breaks
