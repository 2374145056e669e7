"""Tables for analysts' tooling: block and allow lists, their change log, rule-set diffs.

List entries hold keyed pseudonyms (``keyid:hex``) of emails, phones and
addresses, never the values; email domains are kept as plain names so
analysts can read the list. ``list_changes`` is append-only: who changed
which entry, how and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from screening.store.models import Base, JSONType, UTCDateTime

LIST_KINDS = ("email", "email_domain", "phone", "address")


class ListEntry(Base):
    """One value on a block or allow list, until it expires or is removed."""

    __tablename__ = "list_entries"
    __table_args__ = (
        UniqueConstraint("list_name", "kind", "key", name="uq_list_entries_value"),
        Index("ix_list_entries_key", "key"),
    )
    __non_personal__ = {
        "id": "number",
        "list_name": "block or allow",
        "kind": "identifier kind",
        "key": "keyed pseudonym (email, phone, address) or an email domain name",
        "reason": "analyst's reason (documented: no personal data)",
        "expires_at": "time",
        "created_by": "API key name or operator",
        "created_at": "time",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_name: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListChange(Base):
    """An append-only record of one change to the lists (no values, only the entry's id)."""

    __tablename__ = "list_changes"
    __non_personal__ = {
        "id": "number",
        "entry_id": "list entry number",
        "action": "add or remove",
        "list_name": "block or allow",
        "kind": "identifier kind",
        "reason": "analyst's reason (documented: no personal data)",
        "expires_at": "time",
        "actor": "API key name or operator",
        "at": "time",
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))
    list_name: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class RuleSetChange(Base):
    """What a published rule-set version changed against the one before it."""

    __tablename__ = "rule_set_changes"
    __non_personal__ = {
        "version_id": "rule-set version number",
        "previous": "label of the version it replaced",
        "rollback_of": "label of the version it copies, for a rollback",
        "diff": "rule ids and thresholds that changed",
    }

    version_id: Mapped[int] = mapped_column(
        ForeignKey("rule_set_versions.id"), primary_key=True, autoincrement=False
    )
    previous: Mapped[str | None] = mapped_column(String(64), nullable=True)
    rollback_of: Mapped[str | None] = mapped_column(String(64), nullable=True)
    diff: Mapped[dict[str, Any]] = mapped_column(JSONType)
