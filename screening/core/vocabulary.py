"""Words every layer shares, defined once: outcomes, list names and kinds, the time format."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, overload

Outcome = Literal["approve", "review", "decline"]
OUTCOMES: tuple[Outcome, ...] = ("approve", "review", "decline")
# What a human review may decide (a review outcome would hold the signup again).
Resolution = Literal["approve", "decline"]

ListName = Literal["block", "allow"]
LIST_NAMES: tuple[ListName, ...] = ("block", "allow")
ListKind = Literal["email", "email_domain", "phone", "address"]
LIST_KINDS: tuple[ListKind, ...] = ("email", "email_domain", "phone", "address")


@overload
def iso(value: datetime) -> str: ...
@overload
def iso(value: None) -> None: ...
@overload
def iso(value: datetime | None) -> str | None: ...
def iso(value: datetime | None) -> str | None:
    """Return an aware time as ISO 8601 in UTC with a ``Z`` (None stays None)."""
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")
