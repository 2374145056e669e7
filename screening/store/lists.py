"""Block and allow lists in the database: entries, their change log, and matching a signup.

Emails, phones and addresses are stored as keyed pseudonyms
(``pseudonyms.make(kind, canonical value)``), email domains as plain names.
Lookups try every configured HMAC key (``pseudonyms.candidates``), so entries
made before a key rotation still match. Every add and remove appends a row to
``list_changes`` with who and when.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from screening.core.identifiers import Pseudonym, plain
from screening.core.lists import SIGNALS
from screening.core.pseudonyms import Pseudonymizer
from screening.core.vocabulary import iso
from screening.errors import Conflict, NotFound
from screening.store.models.lists import ListChange, ListEntry

__all__ = ["SIGNALS", "add", "entries", "find", "history", "remove"]


def keys_for(pseudonyms: Pseudonymizer, kind: str, value: str) -> Pseudonym:
    """Return the keys of a canonical value (see :func:`screening.core.lists.canonical`)."""
    if kind == "email_domain":
        return plain(value)
    every = tuple(pseudonyms.candidates(kind, value))
    return Pseudonym(every[0], every)


def active(now: Any) -> Any:
    """Match the entries in force at ``now`` (a time or a bound parameter): no expiry, or later."""
    return or_(ListEntry.expires_at.is_(None), ListEntry.expires_at > now)


def find(
    session: Session,
    pseudonyms: Pseudonymizer,
    kind: str,
    value: str,
    *,
    list_name: str | None = None,
) -> list[ListEntry]:
    """Return the entries (expired ones too) that list a canonical value."""
    stmt = select(ListEntry).where(
        ListEntry.kind == kind, ListEntry.key.in_(keys_for(pseudonyms, kind, value).every)
    )
    if list_name is not None:
        stmt = stmt.where(ListEntry.list_name == list_name)
    return list(session.scalars(stmt.order_by(ListEntry.id)))


def add(
    session: Session,
    pseudonyms: Pseudonymizer,
    *,
    list_name: str,
    kind: str,
    value: str,
    reason: str,
    expires_at: datetime | None,
    actor: str,
    now: datetime,
) -> ListEntry:
    """List a canonical value and record the change.

    Raises:
        Conflict: the value is already on that list (under any HMAC key).
    """
    existing = find(session, pseudonyms, kind, value, list_name=list_name)
    if existing:
        raise Conflict(f"This value is already on the {list_name} list (entry {existing[0].id}).")
    entry = ListEntry(
        list_name=list_name,
        kind=kind,
        key=keys_for(pseudonyms, kind, value).current,
        reason=reason[:200],
        expires_at=expires_at,
        created_by=actor[:100],
        created_at=now,
    )
    session.add(entry)
    session.flush()
    _record(session, entry, "add", actor, now)
    return entry


def remove(session: Session, entry_id: int, *, actor: str, now: datetime) -> ListEntry:
    """Delete an entry and record the change (the log keeps no value, only the entry's id).

    Raises:
        NotFound: no entry has that id.
    """
    entry = session.get(ListEntry, entry_id)
    if entry is None:
        raise NotFound(f"No list entry has id {entry_id}.")
    _record(session, entry, "remove", actor, now)
    session.delete(entry)
    session.flush()
    return entry


def _record(session: Session, entry: ListEntry, action: str, actor: str, now: datetime) -> None:
    session.add(
        ListChange(
            entry_id=entry.id,
            action=action,
            list_name=entry.list_name,
            kind=entry.kind,
            reason=entry.reason,
            expires_at=entry.expires_at,
            actor=actor[:100],
            at=now,
        )
    )
    session.flush()


def entries(
    session: Session,
    *,
    list_name: str | None = None,
    kind: str | None = None,
    active_at: datetime | None = None,
    limit: int = 100,
    after_id: int | None = None,
) -> list[ListEntry]:
    """Return entries by id; only those in force at ``active_at`` when given."""
    stmt = select(ListEntry)
    if list_name is not None:
        stmt = stmt.where(ListEntry.list_name == list_name)
    if kind is not None:
        stmt = stmt.where(ListEntry.kind == kind)
    if active_at is not None:
        stmt = stmt.where(active(active_at))
    if after_id is not None:
        stmt = stmt.where(ListEntry.id > after_id)
    return list(session.scalars(stmt.order_by(ListEntry.id).limit(limit)))


def history(session: Session, *, limit: int = 100) -> list[ListChange]:
    """Return the latest list changes, newest first."""
    stmt = select(ListChange).order_by(ListChange.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def describe(entry: ListEntry, now: datetime) -> dict[str, Any]:
    """Return an entry for analysts: domains by name, other values only as pseudonyms."""
    return {
        "id": entry.id,
        "list": entry.list_name,
        "kind": entry.kind,
        "key": entry.key,
        "reason": entry.reason,
        "expires_at": iso(entry.expires_at),
        "expired": entry.expires_at is not None and entry.expires_at <= now,
        "created_by": entry.created_by,
        "created_at": iso(entry.created_at),
    }


def describe_change(change: ListChange) -> dict[str, Any]:
    return {
        "entry_id": change.entry_id,
        "action": change.action,
        "list": change.list_name,
        "kind": change.kind,
        "reason": change.reason,
        "expires_at": iso(change.expires_at),
        "actor": change.actor,
        "at": iso(change.at),
    }
