"""Contest tokens: random, shown once, stored as SHA-256, compared in constant work.

A token for an unknown decision is hashed and compared against a dummy hash, so
the answer takes the same time whether the decision exists or not
(``bench/token_timing.py`` prints both).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Compared against when there is no stored hash: the same work, never a match.
_DUMMY_HASH = token_hash(secrets.token_urlsafe(32))


def hash_matches(stored: str | None, token: str) -> bool:
    """Tell whether ``token`` hashes to ``stored``, doing the same work when ``stored`` is None."""
    same = hmac.compare_digest(stored or _DUMMY_HASH, token_hash(token))
    return bool(stored) and same


def token_matches(decision: Any, token: str) -> bool:
    """Tell whether ``token`` opens ``decision`` (never once its data is scrubbed)."""
    return hash_matches(decision.contest_token_hash if decision is not None else None, token)
