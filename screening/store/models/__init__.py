"""Database tables (SQLAlchemy 2). The schema analysts query is documented in docs/schema.md.

Personal data lives only in ``personal_data`` (one row per decision), so that
retention and erasure remove it in one place while ``decisions`` keeps the
non-identifying record (signals, outcome, score, reasons) that backtests and
the audit chain need.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC timestamps; always hand back timezone-aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)


class RuleSetVersion(Base):
    __tablename__ = "rule_set_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("api_key_id", "idempotency_key", name="uq_decisions_idempotency"),
        Index("ix_decisions_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    risk_total: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    shadow_hits: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    shadow_outcome: Mapped[str] = mapped_column(String(10))
    signals: Mapped[dict[str, Any]] = mapped_column(JSONType)
    derived: Mapped[dict[str, Any]] = mapped_column(JSONType)
    contributions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    discarded_fields: Mapped[list[str]] = mapped_column(JSONType)
    rules_version: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    request_hmac: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # Pseudonyms (keyed HMACs, "keyid:hex") for finding a subject's decisions.
    email_hmac: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    external_ref_hmac: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    record_hash: Mapped[str] = mapped_column(String(64))
    # Keyed seal over (id, event count, last event hash): a deleted last event shows.
    chain_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # ``signals``' values as a JSON array in the order ``signal_layout`` names (see
    # screening.core.signals.vector): what backtests read. Derived from ``signals``.
    signal_layout: Mapped[str | None] = mapped_column(String(16), nullable=True)
    signal_values: Mapped[str | None] = mapped_column(Text, nullable=True)


class SignalLayout(Base):
    """An order of signal names that decisions' ``signal_values`` follow, by its digest."""

    __tablename__ = "signal_layouts"

    digest: Mapped[str] = mapped_column(String(16), primary_key=True)
    names: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonalData(Base):
    """The minimised, normalised fields of one decision: the only personal data kept."""

    __tablename__ = "personal_data"

    decision_id: Mapped[str] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True
    )
    first_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    external_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The customer's language (en, nl, fr, de) for what they read; the policy lists it.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)


class ContestToken(Base):
    """One contest token handed out for a decision (first answer or idempotent replay).

    Only the SHA-256 of the random token is kept. Every token of a decision opens it
    until its data is scrubbed (retention) or erased, which deletes them all.
    """

    __tablename__ = "contest_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[str] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __non_personal__ = {
        "id": "number",
        "decision_id": "random id",
        "token_hash": "hash of a random token",
        "created_at": "time",
    }


class DecisionEvent(Base):
    """Append-only events on a decision (contest, resolution, scrub...), hash-chained."""

    __tablename__ = "decision_events"
    __table_args__ = (UniqueConstraint("decision_id", "seq", name="uq_decision_events_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class VelocityEvent(Base):
    """One identifier (a keyed pseudonym) seen at one time, for sliding-window counts."""

    __tablename__ = "velocity_events"
    __table_args__ = (Index("ix_velocity_events_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    decision_id: Mapped[str] = mapped_column(String(40), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewRequest(Base):
    """A review case: a held decision (``automated``) or a customer's contest (``customer``).

    A customer who contests a held decision joins its automated case
    (``contested_at`` set): one case per decision at a time (GDPR Art. 22(3)).
    """

    __tablename__ = "review_requests"
    __table_args__ = (
        Index("ix_review_requests_status_due", "status", "due_by"),
        Index("ix_review_requests_source_status_due", "source", "status", "due_by"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(10), default="customer", server_default="customer")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_by: Mapped[date] = mapped_column(Date)
    contested_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The customer's own words and proposed corrections: personal data, listed in the policy.
    statement: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrections: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # The corrections screened in simulation: outcome and reason codes, no field values.
    correction_screening: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolution_outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)
    resolution_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    label: Mapped[str | None] = mapped_column(String(12), nullable=True)


class OutboxMessage(Base):
    """A notice to a customer, kept until delivered (retried with backoff, never lost)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    decision_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    recipient: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RateLimitCounter(Base):
    """Requests per key per one-minute window (when Redis is not configured)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class Checkpoint(Base):
    """A hash over every decision recorded in a time window, chained to the previous one.

    Per-decision hashes show a record was changed; checkpoints also show that a
    record was removed or slipped in afterwards. They are made off the request
    path (``screening audit checkpoint``, e.g. from cron).
    """

    __tablename__ = "checkpoints"
    __table_args__ = (Index("uq_checkpoints_prev_hash", "prev_hash", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    decisions: Mapped[int] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer, default=0)
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __non_personal__ = {
        "id": "number",
        "window_start": "time",
        "window_end": "time",
        "decisions": "count",
        "events": "count",
        "digest": "hash of decision and event hashes",
        "prev_hash": "hash",
        "hash": "hash",
        "created_at": "time",
    }


class PseudonymKey(Base):
    """An HMAC key id that has made pseudonyms which may still be stored.

    Lookups for rights requests, restrictions, objections and lists find a person's
    records only under a configured key: a key dropped from the configuration while its
    pseudonyms remain would silently lose them. The service records its current key id
    here, refuses to start without every recorded key, and ``screening keys
    retire-hmac`` removes one once no record uses it.
    """

    __tablename__ = "pseudonym_keys"

    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __non_personal__ = {"key_id": "HMAC key id (never the secret)", "first_used_at": "time"}
