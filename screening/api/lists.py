"""Block and allow lists over HTTP: analysts read them, admins change them.

Values (emails, phones, addresses) travel only in JSON bodies, never in URLs,
and are stored as keyed pseudonyms; email domains are stored as plain names.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from flask import current_app
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.api.auth import principal, requires
from screening.api.responses import (
    AUTH,
    BODY,
    ListChanges,
    ListEntry,
    ListMatches,
    ListPage,
    RemovedEntry,
    answers,
)
from screening.api.schemas import Address, Instant, RowId
from screening.core.lists import canonical
from screening.core.vocabulary import ListName
from screening.errors import ValidationFailed
from screening.runtime import Runtime
from screening.store import lists as store

log = logging.getLogger("screening.lists")
bp = APIBlueprint(
    "lists",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="lists", description="Block and allow lists")],
    abp_security=[{"bearer": []}],
)
Kind = Literal["email", "email_domain", "phone", "address"]
Value = Annotated[str, StringConstraints(min_length=1, max_length=320)] | Address


class ListsQuery(BaseModel):
    list: ListName | None = None
    kind: Kind | None = None
    active: bool = Field(default=False, description="Only entries not yet expired.")
    limit: Annotated[int, Field(ge=1, le=500)] = 100
    after: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = Field(
        default=None, description="Last id seen."
    )


class ChangesQuery(BaseModel):
    limit: Annotated[int, Field(ge=1, le=500)] = 100


class EntryBody(BaseModel):
    """A value to list: an email, an email domain, a phone (E.164) or an address object."""

    model_config = ConfigDict(extra="forbid")

    list: ListName
    kind: Kind
    value: Value
    country: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = Field(
        default=None, description="For a phone in national format: its ISO country."
    )
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Why it is listed (no personal data: it is shown to every analyst)."
    )
    expires_at: Instant | None = None


class LookupBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    value: Value
    country: Annotated[str, StringConstraints(min_length=2, max_length=2)] | None = None


class EntryPath(BaseModel):
    entry_id: RowId


def _canonical(kind: str, value: Any, country: str | None) -> str:
    raw = value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value
    try:
        return canonical(kind, raw, country=country)
    except ValueError as exc:
        raise ValidationFailed(
            f"value: {exc}.", fields=[{"field": "value", "problem": str(exc)}]
        ) from exc


@bp.get("/lists", responses=answers(200, ListPage, *AUTH, 422))
@requires("analyst", "admin")
def get_lists(query: ListsQuery) -> Any:
    """List entries by id (domains by name, other values only as pseudonyms)."""
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        rows = store.entries(
            session,
            list_name=query.list,
            kind=query.kind,
            active_at=now if query.active else None,
            limit=query.limit,
            after_id=query.after,
        )
        items = [store.describe(row, now) for row in rows]
    answer: dict[str, Any] = {"items": items}
    if len(items) == query.limit:
        answer["next"] = items[-1]["id"]
    return answer


@bp.post("/lists/entries", responses=answers(201, ListEntry, *AUTH, *BODY, 409))
@requires("admin")
def add_entry(body: EntryBody) -> Any:
    """Put a value on the block or allow list; the change is recorded with who and when."""
    runtime: Runtime = current_app.extensions["screening"]
    value = _canonical(body.kind, body.value, body.country)
    now = datetime.now(UTC)
    if body.expires_at is not None and body.expires_at <= now:
        raise ValidationFailed(
            "expires_at must be in the future.",
            fields=[{"field": "expires_at", "problem": "in the past"}],
        )
    with runtime.db.session() as session:
        entry = store.add(
            session,
            runtime.pseudonyms,
            list_name=body.list,
            kind=body.kind,
            value=value,
            reason=body.reason,
            expires_at=body.expires_at,
            actor=principal().name,
            now=now,
        )
        answer = store.describe(entry, now)
    log.info("list entry added", extra={"event": f"{body.list}/{body.kind}", "count": 1})
    return answer, 201


@bp.delete("/lists/entries/<int:entry_id>", responses=answers(200, RemovedEntry, *AUTH, 404, 422))
@requires("admin")
def remove_entry(path: EntryPath) -> Any:
    """Take an entry off its list; the change is recorded with who and when."""
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        entry = store.remove(session, path.entry_id, actor=principal().name, now=now)
        answer = store.describe(entry, now)
    log.info("list entry removed", extra={"event": f"{answer['list']}/{answer['kind']}"})
    return {"removed": answer}


@bp.post("/lists/lookup", responses=answers(200, ListMatches, *AUTH, *BODY))
@requires("analyst", "admin")
def lookup(body: LookupBody) -> Any:
    """Tell which lists hold a value (sent in the body, never in the URL)."""
    runtime: Runtime = current_app.extensions["screening"]
    value = _canonical(body.kind, body.value, body.country)
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        rows = store.find(session, runtime.pseudonyms, body.kind, value)
        items = [store.describe(row, now) for row in rows]
    return {"items": items}


@bp.get("/lists/changes", responses=answers(200, ListChanges, *AUTH, 422))
@requires("analyst", "admin")
def changes(query: ChangesQuery) -> Any:
    """The append-only log of list changes, newest first."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        items = [store.describe_change(row) for row in store.history(session, limit=query.limit)]
    return {"items": items}
