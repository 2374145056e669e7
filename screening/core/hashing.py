"""Tamper evidence: canonical hashes of decisions and hash-chained events.

Only non-identifying content is hashed (ids, times, outcomes, scores, reasons,
signals, versions), so erasing a person's data leaves every hash verifiable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Serialise deterministically: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def decision_hash(record: Mapping[str, Any]) -> str:
    """Hash a decision's non-identifying fields."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """Chain one event onto the previous hash of its decision."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(event)).hexdigest()
