"""Contest tokens: random, shown once, stored as SHA-256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(decision: Any, token: str) -> bool:
    """Tell whether ``token`` opens ``decision`` (never once its data is scrubbed)."""
    stored = decision.contest_token_hash if decision is not None else ""
    return bool(stored) and hmac.compare_digest(stored, token_hash(token))
