"""Tables for the console: named people (analysts, admins), login throttling, rule candidates.

A person's email is personal data of an employee: it lives only in ``users.email``
(declared in ``__employee_data__``, which the minimisation audit reads) and is
never copied elsewhere. Records name a person as ``user:<id>`` (events, authors,
actors), so the append-only, hash-chained records hold no employee's address and
an account can be removed without breaking a chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.store.models import Base, JSONType, UTCDateTime

ROLES = ("analyst", "admin")
CANDIDATE_STATUSES = ("pending", "published", "rejected")


class User(Base):
    """A person who signs in to the console."""

    __tablename__ = "users"
    __non_personal__ = {
        "id": "number",
        "role": "analyst or admin",
        "password_hash": "argon2id hash of a password",
        "created_at": "time",
        "disabled_at": "time",
        "last_login_at": "time",
    }
    # Personal data of employees (not of the customers the policy file is about).
    __employee_data__ = {
        "email": "the employee's sign-in name; purpose: console access and accountability; "
        "kept while the account exists"
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def actor(self) -> str:
        """How records name this person (never the email)."""
        return f"user:{self.id}"


class LoginFailure(Base):
    """Wrong passwords in a row for one account or one address (when Redis is not configured)."""

    __tablename__ = "login_failures"
    __non_personal__ = {
        "key": "'u:' + user number, or 'a:' + keyed pseudonym of a client address, "
        "or 'e:' + keyed pseudonym of an unknown sign-in name",
        "failures": "number",
        "last_failure_at": "time",
    }

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RuleCandidate(Base):
    """A rule set proposed by one person; it goes live only when a second person approves it."""

    __tablename__ = "rule_candidates"
    __table_args__ = (Index("ix_rule_candidates_status", "status", "created_at"),)
    __non_personal__ = {
        "id": "random id",
        "status": "pending, published or rejected",
        "document": "rules",
        "source": "the rules as written (YAML)",
        "digest": "hash of rules",
        "base_version": "live rule-set label when written",
        "note": "author's note (documented: no personal data)",
        "author_id": "user number",
        "created_at": "time",
        "updated_at": "time",
        "decided_by_id": "user number",
        "decided_at": "time",
        "decision_note": "checker's note (documented: no personal data)",
        "published_version": "rule-set label it became",
    }

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    source: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
