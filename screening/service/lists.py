"""Block and allow lists as the console shows and changes them, as a named person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from screening.core.lists import canonical
from screening.errors import ValidationFailed
from screening.service.review_queue import person_name, user_ids
from screening.store import lists as store
from screening.store import users as user_store

KINDS = ("email", "email_domain", "phone")


def overview(runtime: Any, *, limit: int = 200) -> dict[str, Any]:
    """Return the entries (newest last, expired ones marked) and the latest changes."""
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        entries = store.entries(session, limit=limit)
        changes = store.history(session, limit=limit)
        people = user_store.names(
            session, user_ids([e.created_by for e in entries] + [c.actor for c in changes])
        )
        items = []
        for entry in entries:
            item = store.describe(entry, now)
            item["created_by"] = person_name(entry.created_by, people)
            # Domains are stored by name; other values only as pseudonyms (never readable).
            item["shown"] = entry.key if entry.kind == "email_domain" else "pseudonym only"
            items.append(item)
        log = []
        for change in changes:
            item = store.describe_change(change)
            item["actor"] = person_name(change.actor, people)
            log.append(item)
    return {"entries": items, "changes": log}


def add_entry(
    runtime: Any,
    person: Any,
    *,
    list_name: str,
    kind: str,
    value: str,
    reason: str,
    expires_at: datetime | None,
) -> int:
    """List a value as ``person``; return the entry's id.

    Raises:
        ValidationFailed: the value is not usable for its kind, or the expiry is past.
        Conflict: it is already on that list.
    """
    if kind not in KINDS or list_name not in ("block", "allow"):
        raise ValidationFailed("Choose a list and a kind of value.")
    try:
        key = canonical(kind, value.strip())
    except ValueError as exc:
        raise ValidationFailed(f"value: {exc}.") from exc
    now = datetime.now(UTC)
    if expires_at is not None:
        expires_at = expires_at.replace(tzinfo=UTC) if expires_at.tzinfo is None else expires_at
        if expires_at <= now:
            raise ValidationFailed("The expiry must be in the future.")
    with runtime.db.session() as session:
        entry = store.add(
            session,
            runtime.pseudonyms,
            list_name=list_name,
            kind=kind,
            value=key,
            reason=reason,
            expires_at=expires_at,
            actor=person.actor,
            now=now,
        )
        return entry.id


def remove_entry(runtime: Any, person: Any, entry_id: int) -> None:
    """Take an entry off its list as ``person`` (the change log records who)."""
    with runtime.db.session() as session:
        store.remove(session, entry_id, actor=person.actor, now=datetime.now(UTC))
