"""Decision records: insert (with idempotency), read, and append events."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from screening.core.hashing import GENESIS, decision_hash, event_hash, head_seal
from screening.core.signals import LAYOUT_DIGEST, vector
from screening.errors import ConfigError
from screening.store.models import ContestToken, Decision, DecisionEvent, PersonalData
from screening.store.sql import DriverStatement
from screening.store.vectors import ensure_layout


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
    return sealing_key(session.info.get("audit_key"))


def sealing_key(key: bytes | None) -> bytes:
    """Return ``key`` if records can be sealed with it.

    Raises:
        ConfigError: there is no audit key.
    """
    if not key:
        raise ConfigError("no audit key: records cannot be sealed (set SCREENING_AUDIT_KEY)")
    return bytes(key)


def event_body(event: DecisionEvent) -> dict[str, Any]:
    """Return what an event's hash covers."""
    return _event_body(
        event.decision_id, event.seq, event.kind, event.data, event.actor, event.created_at
    )


def _event_body(
    decision_id: str, seq: int, kind: str, data: Any, actor: str, at: datetime
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "seq": seq,
        "kind": kind,
        "data": data,
        "actor": actor,
        "created_at": at.isoformat(),
    }


# The non-identifying fields of a decision that its record hash covers.
HASHED_FIELDS = (
    "id",
    "created_at",
    "outcome",
    "score",
    "risk_total",
    "reasons",
    "hits",
    "shadow_hits",
    "shadow_outcome",
    "signals",
    "derived",
    "contributions",
    "rules_version",
    "model_version",
    "policy_version",
)


def _hashed(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {name: values[name] for name in HASHED_FIELDS}
    out["created_at"] = out["created_at"].isoformat()
    return out


def hashed_fields(row: Decision) -> dict[str, Any]:
    """Return the non-identifying fields of a decision that its hash covers."""
    return _hashed({name: getattr(row, name) for name in HASHED_FIELDS})


# The personal fields a decision keeps: every column of personal_data but its key.
_PERSONAL_COLUMNS = tuple(c.key for c in PersonalData.__table__.columns if c.key != "decision_id")
_INSERT_DECISION = DriverStatement(
    sa_insert(Decision), column_keys=[c.key for c in Decision.__table__.columns]
)
_INSERT_PERSONAL = DriverStatement(
    sa_insert(PersonalData), column_keys=("decision_id", *_PERSONAL_COLUMNS)
)
_INSERT_TOKEN = DriverStatement(
    sa_insert(ContestToken), column_keys=("decision_id", "token_hash", "created_at")
)


def insert(conn: Connection, new: NewDecision, *, key: bytes) -> None:
    """Add a decision, its personal data and its first contest token, in ``conn``'s
    transaction: three INSERTs, sealed with the audit ``key`` (no ORM unit of work).
    """
    key = sealing_key(key)
    values = {k: v for k, v in new.__dict__.items() if k not in ("personal", "contest_token_hash")}
    values["record_hash"] = decision_hash(_hashed(values), key=key)
    values["chain_mac"] = head_seal(new.id, 0, GENESIS, key=key)
    values["scrubbed_at"] = None
    values["signal_layout"] = LAYOUT_DIGEST
    values["signal_values"] = vector(new.signals)
    ensure_layout(conn)
    _INSERT_DECISION.execute(conn, values)
    personal = {name: new.personal.get(name) for name in _PERSONAL_COLUMNS}
    _INSERT_PERSONAL.execute(conn, {"decision_id": new.id, **personal})
    _INSERT_TOKEN.execute(
        conn,
        {"decision_id": new.id, "token_hash": new.contest_token_hash, "created_at": new.created_at},
    )


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


_EVENT_COLUMNS = ("decision_id", "seq", "kind", "data", "actor", "created_at", "prev_hash", "hash")
_INSERT_EVENT = DriverStatement(sa_insert(DecisionEvent), column_keys=_EVENT_COLUMNS)
_RESEAL = DriverStatement(
    sa_update(Decision)
    .where(Decision.id == bindparam("decision_id"))
    .values(chain_mac=bindparam("chain_mac"))
)


def append_first_event(
    conn: Connection,
    decision_id: str,
    kind: str,
    data: dict[str, Any],
    *,
    actor: str,
    at: datetime,
    key: bytes,
) -> None:
    """Append the first event of a decision inserted in this same transaction.

    What :func:`append_event` does for a decision known to have no events yet, in two
    statements and without reading anything back.
    """
    body = _event_body(decision_id, 1, kind, data, actor, at)
    digest = event_hash(GENESIS, body, key=key)
    _INSERT_EVENT.execute(conn, {**body, "created_at": at, "prev_hash": GENESIS, "hash": digest})
    seal = head_seal(decision_id, 1, digest, key=key)
    _RESEAL.execute(conn, {"decision_id": decision_id, "chain_mac": seal})


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
