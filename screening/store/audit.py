"""Proof of minimisation: compare what the database holds with what the policy lists.

Every column of every table must be either a personal-data column the policy
lists as stored, or a declared non-personal column (``NON_PERSONAL``, each with
why it is not personal). Stored JSON keys are checked too: the address keys
against the policy's subfields, derived facts against the policy's derived
facts, signal names against the catalogue. Anything else is a finding.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select

from screening.core.policy import Policy
from screening.store.db import Database
from screening.store.models import Base, Decision, DecisionEvent, PersonalData

PERSONAL_TABLE = "personal_data"
REVIEW_TABLE = "review_requests"
OUTBOX_TABLE = "outbox"
# Columns that hold no personal data, by table, with the reason.
NON_PERSONAL: Mapping[str, Mapping[str, str]] = {
    "alembic_version": {"version_num": "migration id"},
    "api_keys": {
        "id": "key number",
        "name": "operator-chosen label of a client system",
        "prefix": "first characters of a random key",
        "key_hash": "hash of a random key",
        "scopes": "permissions",
        "created_at": "time",
        "revoked_at": "time",
    },
    "rule_set_versions": {
        "id": "number",
        "version": "label",
        "digest": "hash of rules",
        "document": "rules",
        "author": "API key name",
        "created_at": "time",
        "note": "operator note",
    },
    "decisions": {
        "id": "random id",
        "created_at": "time",
        "outcome": "decision",
        "score": "number",
        "risk_total": "number",
        "reasons": "rule reasons",
        "hits": "rule ids",
        "shadow_hits": "rule ids",
        "shadow_outcome": "decision",
        "signals": "derived, non-identifying values (checked against the catalogue)",
        "derived": "derived facts the policy lists (checked)",
        "contributions": "model feature contributions",
        "discarded_fields": "field names only",
        "rules_version": "label",
        "model_version": "label",
        "policy_version": "label",
        "api_key_id": "client system",
        "idempotency_key": "client's retry token",
        "request_hmac": "keyed pseudonym, removed by retention and erasure",
        "email_hmac": "keyed pseudonym, removed by retention and erasure",
        "external_ref_hmac": "keyed pseudonym, removed by retention and erasure",
        "latency_ms": "number",
        "record_hash": "keyed hash of non-personal fields",
        "chain_mac": "keyed hash over the event chain's head",
        "scrubbed_at": "time",
        "signal_layout": "hash of an order of signal names",
        "signal_values": "the signals' values in that order (derived from signals)",
    },
    "signal_layouts": {
        "digest": "hash of an order of signal names",
        "names": "signal names",
        "created_at": "time",
    },
    "rate_limit_counters": {
        "key": "keyed pseudonym of a client address, or a decision id",
        "window": "minute number",
        "count": "number",
    },
    "velocity_events": {
        "id": "number",
        "kind": "identifier kind",
        "key": "keyed pseudonym",
        "decision_id": "random id",
        "at": "time",
    },
    "review_requests": {
        "id": "random id",
        "decision_id": "random id",
        "status": "workflow state",
        "source": "automated hold or customer contest",
        "received_at": "time",
        "due_by": "date",
        "contested_at": "time",
        "claimed_by": "analyst key name",
        "claimed_at": "time",
        "resolved_by": "analyst key name",
        "resolved_at": "time",
        "resolution_outcome": "decision",
        "label": "fraud or legitimate",
        "correction_screening": "outcome and reason codes of the corrections, screened in "
        "simulation (no field values)",
    },
    "outbox": {
        "id": "number",
        "kind": "notice type",
        "decision_id": "random id",
        "recipient": "the policy's notification field (email), removed by erasure",
        "subject": "fixed text",
        "body": "fixed text with ids, no personal data",
        "status": "delivery state",
        "attempts": "number",
        "next_attempt_at": "time",
        "last_error": "error class",
        "created_at": "time",
        "sent_at": "time",
    },
    "decision_events": {
        "id": "number",
        "decision_id": "random id",
        "seq": "number",
        "kind": "event type",
        "data": "event facts (keys checked)",
        "actor": "API key name or role",
        "created_at": "time",
        "prev_hash": "hash",
        "hash": "hash",
    },
}
EVENT_DATA_KEYS = frozenset(
    {
        "reason",
        "outcome",
        "label",
        "review_request_id",
        "source",
        "status",
        "fields",
        "request_id",
        "right",
    }
)


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    key: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" + (f"[{self.key!r}]" if self.key else "")
        return f"{where}: {self.problem}"


def _import_model_modules() -> None:
    """Import every module of ``screening.store.models`` so all their tables are declared."""
    package = Path(__file__).resolve().parent / "models"
    for info in pkgutil.iter_modules([str(package)]):
        importlib.import_module(f"screening.store.models.{info.name}")


def declared_non_personal() -> dict[str, dict[str, str]]:
    """Return ``NON_PERSONAL`` plus every model's own ``__non_personal__`` declaration.

    A model class may declare ``__non_personal__ = {column: why}``; columns it
    lists as personal must instead be named by the policy (``__personal__``).
    Columns holding employees' personal data (the console's own accounts, which the
    customers' policy file does not cover) are declared in ``__employee_data__``
    with their purpose; :func:`employee_data` lists them.
    """
    _import_model_modules()
    out = {table: dict(columns) for table, columns in NON_PERSONAL.items()}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        declared = getattr(cls, "__non_personal__", None)
        if declared:
            out.setdefault(cls.__tablename__, {}).update(declared)
        employee = getattr(cls, "__employee_data__", None)
        if employee:
            out.setdefault(cls.__tablename__, {}).update(
                {column: f"employee personal data: {why}" for column, why in employee.items()}
            )
    return out


def employee_data() -> dict[str, dict[str, str]]:
    """Return the columns that hold employees' personal data, by table, with their purpose."""
    _import_model_modules()
    out: dict[str, dict[str, str]] = {}
    for mapper in Base.registry.mappers:
        declared = getattr(mapper.class_, "__employee_data__", None)
        if declared:
            out[mapper.class_.__tablename__] = dict(declared)
    return out


def audit_minimisation(db: Database, policy: Policy, signal_names: Iterable[str]) -> list[Finding]:
    """Return every stored column or JSON key that neither the policy nor the schema declares."""
    findings: list[Finding] = []
    stored = set(policy.stored_fields)
    non_personal = declared_non_personal()
    personal_by_table = _declared_personal(policy)
    inspector = inspect(db.engine)
    for table in sorted(inspector.get_table_names()):
        columns = [c["name"] for c in inspector.get_columns(table)]
        if table == PERSONAL_TABLE:
            for column in columns:
                if column != "decision_id" and column not in stored:
                    findings.append(
                        Finding(
                            table, column, None, "personal-data column the policy does not list"
                        )
                    )
            continue
        if table == REVIEW_TABLE:
            personal = set(policy.review_fields)
            for column in columns:
                if column not in personal and column not in non_personal[table]:
                    findings.append(Finding(table, column, None, "column not declared"))
            continue
        if table == OUTBOX_TABLE and "recipient" in columns:
            notify = policy.raw.get("notifications") or {}
            if notify.get("field") not in stored:
                findings.append(
                    Finding(
                        table,
                        "recipient",
                        None,
                        "notices need a stored field under 'notifications'",
                    )
                )
        declared = non_personal.get(table)
        if table in personal_by_table:
            declared = {**(declared or {}), **personal_by_table[table]}
        if declared is None:
            findings.append(
                Finding(table, "*", None, "table neither the policy nor the schema declares")
            )
            continue
        for column in columns:
            if column not in declared:
                findings.append(Finding(table, column, None, "column not declared"))
    findings.extend(_json_findings(db, policy, set(signal_names)))
    return findings


def _declared_personal(policy: Policy) -> dict[str, dict[str, str]]:
    """Columns that models declare as personal (``__personal__ = {column: policy field}``),
    kept only where the policy stores that field."""
    out: dict[str, dict[str, str]] = {}
    stored = set(policy.stored_fields)
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        for column, field_name in (getattr(cls, "__personal__", None) or {}).items():
            if field_name in stored:
                out.setdefault(cls.__tablename__, {})[column] = f"policy field {field_name}"
    return out


def _json_findings(db: Database, policy: Policy, signals: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    address_spec = policy.fields.get("address")
    allowed_address = set(address_spec.subfields) if address_spec else set()
    derived = set(policy.derived_facts)
    with db.session() as session:
        for (address,) in session.execute(select(PersonalData.address)):
            for key in _keys(address) - allowed_address:
                findings.append(
                    Finding(PERSONAL_TABLE, "address", key, "key the policy does not list")
                )
        for sig, der in session.execute(select(Decision.signals, Decision.derived)):
            for key in _keys(sig) - signals:
                findings.append(Finding("decisions", "signals", key, "unknown signal"))
            for key in _keys(der) - derived:
                findings.append(
                    Finding("decisions", "derived", key, "derived fact the policy does not list")
                )
        for (data,) in session.execute(select(DecisionEvent.data)):
            for key in _keys(data) - EVENT_DATA_KEYS:
                findings.append(Finding("decision_events", "data", key, "undeclared event key"))
    unique = {(f.table, f.column, f.key, f.problem): f for f in findings}
    return list(unique.values())


def _keys(value: object) -> set[str]:
    return set(value) if isinstance(value, dict) else set()
