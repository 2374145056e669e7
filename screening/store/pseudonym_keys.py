"""Which HMAC key ids may still have pseudonyms stored, so that none is dropped unnoticed.

A pseudonym reads ``<key id>:<hex>`` and is found only under a configured key. Dropping a
key from ``SCREENING_HMAC_KEYS`` while records made with it remain would make a person's
decisions unfindable for access and erasure requests, and would silently lift their
restriction, objection or list entry. So the service records each key id it makes
pseudonyms with (:func:`record`), refuses to start when a recorded key is not configured
(:func:`unconfigured`), and a key is retired only once no record uses it (:func:`usage`).

Velocity events and idempotency hashes are left out: they matter for hours, and a
dropped key only restarts their counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from screening.store.models import Decision, PseudonymKey
from screening.store.models.lists import ListEntry
from screening.store.models.rights import RightsRequest, SubjectStatus

# (label, pseudonym column, extra condition); migration 0008 backfills from the same list.
COLUMNS: tuple[tuple[str, InstrumentedAttribute[str | None], ColumnElement[bool] | None], ...] = (
    ("decisions.email_hmac", Decision.email_hmac, None),
    ("decisions.external_ref_hmac", Decision.external_ref_hmac, None),
    ("rights_requests.subject_hmac", RightsRequest.subject_hmac, None),
    ("subject_status.pseudonym", SubjectStatus.pseudonym, None),
    ("list_entries.key", ListEntry.key, ListEntry.kind != "email_domain"),
)


def record(session: Session, key_id: str, now: datetime) -> None:
    """Note that ``key_id`` makes pseudonyms (idempotent; safe from many processes)."""
    if session.get(PseudonymKey, key_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(PseudonymKey(key_id=key_id, first_used_at=now))
    except IntegrityError:
        pass  # another process recorded it first


def unconfigured(session: Session, configured: set[str]) -> list[str]:
    """Return the recorded key ids that are not configured, sorted."""
    recorded = session.scalars(select(PseudonymKey.key_id)).all()
    return sorted(k for k in recorded if k not in configured)


def usage(session: Session, key_id: str) -> dict[str, int]:
    """Return how many stored records per column hold a pseudonym made with ``key_id``."""
    pattern = key_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ":%"
    out: dict[str, int] = {}
    for label, column, condition in COLUMNS:
        stmt = select(func.count()).where(column.like(pattern, escape="\\"))
        if condition is not None:
            stmt = stmt.where(condition)
        count = session.scalar(stmt) or 0
        if count:
            out[label] = int(count)
    return out


def retire(session: Session, key_id: str) -> bool:
    """Forget ``key_id`` (call only when :func:`usage` is empty); True if it was recorded."""
    result = session.execute(delete(PseudonymKey).where(PseudonymKey.key_id == key_id))
    return bool(getattr(result, "rowcount", 0))
