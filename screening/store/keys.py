"""API keys: created once, shown once, stored as SHA-256 hashes.

Keys carry 256 bits of randomness, so an unsalted hash is safe to store and
lets a request find its key with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.store.models import ApiKey

SCOPES = ("screen", "analyst", "admin")
PREFIX = "sk_"


@dataclass(frozen=True)
class Principal:
    """Who made a request: an API key's id, name and scopes."""

    key_id: int
    name: str
    scopes: frozenset[str]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, scopes: list[str], name: str) -> tuple[ApiKey, str]:
    """Create a key with ``scopes``; return the row and the key (shown once).

    Raises:
        ValueError: an unknown or missing scope.
    """
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {', '.join(SCOPES)}")
    key = PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name[:100],
        prefix=key[:10],
        key_hash=hash_key(key),
        scopes=",".join(sorted(set(scopes))),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return row, key


def find_principal(session: Session, key: str) -> Principal | None:
    """Return the principal for a presented key, or None if unknown or revoked."""
    if not key.startswith(PREFIX) or len(key) > 100:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return Principal(key_id=row.id, name=row.name, scopes=row.scope_set)


def revoke_key(session: Session, key_id: int) -> bool:
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    return True


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
