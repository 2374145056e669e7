"""Decision records: insert (with idempotency), read, and append events."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, decision_hash, event_hash
from screening.store.models import Decision, DecisionEvent, PersonalData


def new_decision_id() -> str:
    """Return a time-ordered id: ``dec_`` + 12 hex of milliseconds + 16 random hex."""
    return f"dec_{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


@dataclass(frozen=True)
class NewDecision:
    """Everything a decision row holds, gathered by the API before inserting."""

    id: str
    created_at: datetime
    outcome: str
    score: float
    risk_total: float
    reasons: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    shadow_hits: list[dict[str, Any]]
    shadow_outcome: str
    signals: dict[str, Any]
    derived: dict[str, Any]
    contributions: list[dict[str, Any]]
    discarded_fields: list[str]
    rules_version: str
    model_version: str
    policy_version: str
    api_key_id: int | None
    idempotency_key: str | None
    request_hmac: str | None
    contest_token_hash: str
    email_hmac: str | None
    external_ref_hmac: str | None
    latency_ms: float
    personal: dict[str, Any]


def hashed_fields(row: Decision) -> dict[str, Any]:
    """Return the non-identifying fields of a decision that its hash covers."""
    return {
        "id": row.id,
        "created_at": row.created_at.isoformat(),
        "outcome": row.outcome,
        "score": row.score,
        "risk_total": row.risk_total,
        "reasons": row.reasons,
        "hits": row.hits,
        "shadow_hits": row.shadow_hits,
        "shadow_outcome": row.shadow_outcome,
        "signals": row.signals,
        "derived": row.derived,
        "contributions": row.contributions,
        "rules_version": row.rules_version,
        "model_version": row.model_version,
        "policy_version": row.policy_version,
    }


def insert(session: Session, new: NewDecision) -> Decision:
    """Add a decision and its personal data; the caller's transaction commits both."""
    row = Decision(**{k: v for k, v in new.__dict__.items() if k != "personal"})
    row.record_hash = decision_hash(hashed_fields(row))
    session.add(row)
    session.add(PersonalData(decision_id=new.id, **new.personal))
    session.flush()
    return row


def by_idempotency_key(session: Session, api_key_id: int, key: str) -> Decision | None:
    stmt = select(Decision).where(
        Decision.api_key_id == api_key_id, Decision.idempotency_key == key
    )
    return session.scalar(stmt)


def get(session: Session, decision_id: str) -> Decision | None:
    return session.get(Decision, decision_id)


def contest_token_hash(session: Session, decision_id: str) -> str | None:
    """Return a decision's stored token hash (None: unknown id, or scrubbed): one narrow
    lookup, the same work whether the decision exists or not."""
    return session.scalar(select(Decision.contest_token_hash).where(Decision.id == decision_id))


def personal_data(session: Session, decision_id: str) -> PersonalData | None:
    return session.get(PersonalData, decision_id)


def events(session: Session, decision_id: str) -> list[DecisionEvent]:
    stmt = (
        select(DecisionEvent)
        .where(DecisionEvent.decision_id == decision_id)
        .order_by(DecisionEvent.seq)
    )
    return list(session.scalars(stmt))


def append_event(
    session: Session,
    decision_id: str,
    kind: str,
    data: dict[str, Any],
    *,
    actor: str,
    at: datetime,
) -> DecisionEvent:
    """Append an event to a decision's own hash chain (data must hold no personal data)."""
    last = session.scalar(
        select(DecisionEvent)
        .where(DecisionEvent.decision_id == decision_id)
        .order_by(DecisionEvent.seq.desc())
        .limit(1)
    )
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    body = {
        "decision_id": decision_id,
        "seq": seq,
        "kind": kind,
        "data": data,
        "actor": actor,
        "created_at": at.isoformat(),
    }
    event = DecisionEvent(
        decision_id=decision_id,
        seq=seq,
        kind=kind,
        data=data,
        actor=actor,
        created_at=at,
        prev_hash=prev,
        hash=event_hash(prev, body),
    )
    session.add(event)
    session.flush()
    return event
