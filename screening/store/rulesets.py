"""Rule-set versions: every published version kept, the newest is live."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.rules import RuleSet
from screening.store.models import RuleSetVersion


def latest(session: Session) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(1))


def latest_id(session: Session) -> int | None:
    return session.scalar(select(func.max(RuleSetVersion.id)))


def publish(session: Session, rule_set: RuleSet, *, author: str, note: str = "") -> RuleSetVersion:
    """Store ``rule_set`` as a new version; its label is ``v<number>``."""
    document = rule_set.to_document()
    row = RuleSetVersion(
        version=f"pending-{rule_set.digest[:16]}-{datetime.now(UTC).timestamp()}",
        digest=rule_set.digest,
        document=document,
        author=author[:100],
        created_at=datetime.now(UTC),
        note=note,
    )
    session.add(row)
    session.flush()
    row.version = f"v{row.id}"
    row.document = {**document, "version": row.version}
    session.flush()
    return row


def history(session: Session, limit: int = 100) -> list[RuleSetVersion]:
    stmt = select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def by_version(session: Session, version: str) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).where(RuleSetVersion.version == version))


def document_of(row: RuleSetVersion) -> dict[str, Any]:
    return dict(row.document)
