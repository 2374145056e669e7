"""Rule-set candidates waiting for a second person (maker-checker): rows in, rows out."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.errors import NotFound
from screening.store.models.users import RuleCandidate


def add(
    session: Session,
    *,
    document: dict[str, Any],
    source: str,
    digest: str,
    base_version: str,
    note: str,
    author_id: int,
    now: datetime,
) -> RuleCandidate:
    row = RuleCandidate(
        id=f"rc_{secrets.token_hex(8)}",
        status="pending",
        document=document,
        source=source,
        digest=digest,
        base_version=base_version,
        note=note,
        author_id=author_id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_for_update(session: Session, candidate_id: str) -> RuleCandidate:
    """Raises: NotFound: no candidate has this id."""
    stmt = select(RuleCandidate).where(RuleCandidate.id == candidate_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound("No rule candidate has this id.")
    return row


def listing(session: Session, *, status: str | None = None, limit: int = 50) -> list[RuleCandidate]:
    stmt = select(RuleCandidate)
    if status is not None:
        stmt = stmt.where(RuleCandidate.status == status)
    stmt = stmt.order_by(RuleCandidate.created_at.desc(), RuleCandidate.id).limit(limit)
    return list(session.scalars(stmt))
