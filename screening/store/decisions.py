"""Decision records: insert (with idempotency), read, and append events."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, decision_hash, event_hash, head_seal
from screening.errors import ConfigError
from screening.store.models import ContestToken, Decision, DecisionEvent, PersonalData


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


def audit_key(session: Session) -> bytes:
    """Return the audit key the session's database was opened with.

    Raises:
        ConfigError: the database was opened without one (records cannot be sealed).
    """
    key = session.info.get("audit_key")
    if not key:
        raise ConfigError("no audit key: records cannot be sealed (set SCREENING_AUDIT_KEY)")
    return bytes(key)


def event_body(event: DecisionEvent) -> dict[str, Any]:
    """Return what an event's hash covers."""
    return {
        "decision_id": event.decision_id,
        "seq": event.seq,
        "kind": event.kind,
        "data": event.data,
        "actor": event.actor,
        "created_at": event.created_at.isoformat(),
    }


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
    """Add a decision, its personal data and its first contest token (one transaction)."""
    key = audit_key(session)
    skip = {"personal", "contest_token_hash"}
    row = Decision(**{k: v for k, v in new.__dict__.items() if k not in skip})
    row.record_hash = decision_hash(hashed_fields(row), key=key)
    row.chain_mac = head_seal(row.id, 0, GENESIS, key=key)
    session.add(row)
    session.add(PersonalData(decision_id=new.id, **new.personal))
    session.flush()
    add_contest_token(session, new.id, new.contest_token_hash, at=new.created_at)
    return row


def add_contest_token(session: Session, decision_id: str, token_hash: str, *, at: datetime) -> None:
    """Keep one more contest token hash for a decision; the earlier ones stay valid."""
    session.add(ContestToken(decision_id=decision_id, token_hash=token_hash, created_at=at))
    session.flush()


def contest_token_hashes(session: Session, decision_id: str) -> list[str]:
    """Return the hashes of every live contest token of a decision."""
    stmt = select(ContestToken.token_hash).where(ContestToken.decision_id == decision_id)
    return list(session.scalars(stmt))


def by_idempotency_key(session: Session, api_key_id: int, key: str) -> Decision | None:
    stmt = select(Decision).where(
        Decision.api_key_id == api_key_id, Decision.idempotency_key == key
    )
    return session.scalar(stmt)


def get(session: Session, decision_id: str) -> Decision | None:
    return session.get(Decision, decision_id)


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
    """Append an event to a decision's own hash chain (data must hold no personal data).

    The decision's ``chain_mac`` is resealed over the new head, so removing this
    event later (or any after it) no longer matches.
    """
    key = audit_key(session)
    last = session.scalar(
        select(DecisionEvent)
        .where(DecisionEvent.decision_id == decision_id)
        .order_by(DecisionEvent.seq.desc())
        .limit(1)
    )
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    event = DecisionEvent(
        decision_id=decision_id,
        seq=seq,
        kind=kind,
        data=data,
        actor=actor,
        created_at=at,
        prev_hash=prev,
    )
    event.hash = event_hash(prev, event_body(event), key=key)
    session.add(event)
    decision = session.get(Decision, decision_id)
    if decision is not None:
        decision.chain_mac = head_seal(decision_id, seq, event.hash, key=key)
    session.flush()
    return event
