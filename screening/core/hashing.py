"""Tamper evidence: keyed hashes of decisions, hash-chained events and chain heads.

Only non-identifying content is hashed (ids, times, outcomes, scores, reasons,
signals, versions), so erasing a person's data leaves every hash verifiable.

Every seal is an HMAC-SHA256 under the audit key (``SCREENING_AUDIT_KEY``), kept
apart from the database: someone who can write to the tables cannot recompute a
seal after changing a record. Each kind of seal has its own label, so one can never
stand in for another. The ``legacy_*`` functions are the unkeyed SHA-256 of earlier
releases, used only to check stored records before ``screening audit rekey`` seals
them under the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Serialise deterministically: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _seal(key: bytes, label: bytes, payload: bytes) -> str:
    if not key:
        raise ValueError("an audit key is required to seal records")
    return hmac.new(key, label + b"\n" + payload, hashlib.sha256).hexdigest()


def decision_hash(record: Mapping[str, Any], *, key: bytes) -> str:
    """Seal a decision's non-identifying fields."""
    return _seal(key, b"decision", canonical_json(record))


def event_hash(prev_hash: str, event: Mapping[str, Any], *, key: bytes) -> str:
    """Chain one event onto the previous hash of its decision."""
    return _seal(key, b"event", prev_hash.encode() + b"\n" + canonical_json(event))


def head_seal(decision_id: str, count: int, head: str, *, key: bytes) -> str:
    """Seal a decision's chain head: how many events it has and the last one's hash."""
    body = {"decision_id": decision_id, "events": count, "head": head}
    return _seal(key, b"head", canonical_json(body))


def checkpoint_hash(prev_hash: str, body: Mapping[str, Any], *, key: bytes) -> str:
    """Chain one checkpoint onto the previous one."""
    return _seal(key, b"checkpoint", prev_hash.encode() + b"\n" + canonical_json(body))


def same(a: str | None, b: str | None) -> bool:
    """Compare two seals in constant time (None never matches)."""
    return a is not None and b is not None and hmac.compare_digest(a, b)


def legacy_decision_hash(record: Mapping[str, Any]) -> str:
    """The unkeyed decision hash of releases before the audit key."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def legacy_event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """The unkeyed event hash of releases before the audit key."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(event)).hexdigest()


def legacy_checkpoint_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    """The unkeyed checkpoint hash of releases before the audit key."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(body)).hexdigest()
