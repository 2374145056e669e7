"""Tables for data-subject rights and the breach register (documented in docs/schema.md).

None of them holds a subject's raw identifiers: a subject appears only as a
keyed pseudonym (``keyid:hex``), the same kind ``decisions.email_hmac`` holds,
so a rights request can be recorded, and an erasure proven, without keeping
the data that was erased.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from screening.store.models import Base, JSONType, UTCDateTime


class RightsRequest(Base):
    """One request under GDPR Art. 15-21 (or an account-status change), as carried out."""

    __tablename__ = "rights_requests"
    __table_args__ = (Index("ix_rights_requests_received_at", "received_at"),)
    __non_personal__ = {
        "id": "random id",
        "right": "which right (access, erasure, ...)",
        "subject_kind": "which identifier named the subject (email or external_ref)",
        "subject_hmac": "keyed pseudonym of that identifier: the record that a request, "
        "including an erasure, took place",
        "received_at": "time",
        "due_by": "date",
        "operator_note": "how support checked identity; refused if it repeats the subject's data",
        "actor": "API key name",
        "outcome": "completed, refused or no_data",
        "reason": "fixed text: why a request was refused",
        "actions": "counts of what was done",
        "completed_at": "time",
    }

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    right: Mapped[str] = mapped_column(String(20))
    subject_kind: Mapped[str] = mapped_column(String(20))
    subject_hmac: Mapped[str] = mapped_column(String(80), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_by: Mapped[date] = mapped_column(Date)
    operator_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actions: Mapped[dict[str, Any]] = mapped_column(JSONType)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SubjectStatus(Base):
    """What is known about one subject identifier: active services, restriction, objection.

    One row per pseudonym (a subject may have several: email and external_ref,
    each under every configured HMAC key), so a lookup by any of them finds it.
    """

    __tablename__ = "subject_status"
    __non_personal__ = {
        "pseudonym": "keyed pseudonym of an identifier",
        "kind": "identifier kind (email or external_ref)",
        "active_services": "flag from the host system (null: never told)",
        "restricted": "flag (GDPR Art. 18)",
        "objected": "flag (GDPR Art. 21)",
        "updated_at": "time",
    }

    pseudonym: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    active_services: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    objected: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Breach(Base):
    """A personal-data breach (GDPR Art. 33(5) register) and its notification deadline."""

    __tablename__ = "breaches"
    __table_args__ = (
        Index("ix_breaches_open_deadline", "authority_notified_at", "notify_authority_by"),
    )
    __non_personal__ = {
        "id": "random id",
        "detected_at": "time",
        "recorded_at": "time",
        "recorded_by": "API key name",
        "nature": "operator's description of the incident",
        "categories": "policy field names",
        "window_from": "time",
        "window_to": "time",
        "criteria": "outcome and country filters",
        "subjects_affected": "number",
        "records_affected": "number",
        "notices_queued": "number",
        "notify_authority_by": "time",
        "authority_notified_at": "time",
        "notified_by": "API key name",
        "customers_notified_at": "time",
        "customers_notified_by": "API key name or user:<number>",
        "consequences": "operator text",
        "measures": "operator text",
        "draft": "notification text built from the fields above",
    }

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(100))
    nature: Mapped[str] = mapped_column(Text)
    categories: Mapped[list[str]] = mapped_column(JSONType)
    window_from: Mapped[datetime] = mapped_column(UTCDateTime())
    window_to: Mapped[datetime] = mapped_column(UTCDateTime())
    criteria: Mapped[dict[str, Any]] = mapped_column(JSONType)
    subjects_affected: Mapped[int] = mapped_column(Integer)
    records_affected: Mapped[int] = mapped_column(Integer)
    notices_queued: Mapped[int] = mapped_column(Integer)
    notify_authority_by: Mapped[datetime] = mapped_column(UTCDateTime())
    authority_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notified_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    customers_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    customers_notified_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    consequences: Mapped[str | None] = mapped_column(Text, nullable=True)
    measures: Mapped[str | None] = mapped_column(Text, nullable=True)
    draft: Mapped[str] = mapped_column(Text)
