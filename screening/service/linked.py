"""Linked review: a held signup that shows one actor brings the earlier approved ones to a person.

See :mod:`screening.core.linked` for why. :func:`open_linked_reviews` runs in the transaction
that records the held decision (``record_screening``), right after its own case is opened:
either both are kept or neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from screening.core.deadlines import add_working_days
from screening.core.identifiers import Pseudonym
from screening.core.linked import link_kinds, window
from screening.store import linked as store
from screening.store.models import Decision, ReviewRequest
from screening.store.velocity import VelocityStore


class Held(Protocol):
    """The held decision, as recorded (a ``Decision`` row, or the ``NewDecision`` just inserted)."""

    @property
    def id(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def signals(self) -> Mapping[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...


def open_linked_reviews(
    session: Session,
    decision: Held,
    keys: Mapping[str, Pseudonym],
    *,
    velocity: VelocityStore,
    working_days: int,
) -> list[ReviewRequest]:
    """Open a ``linked`` case for each earlier approved decision this held one links to.

    Args:
        session: the transaction that inserted ``decision``.
        decision: the decision just recorded, with its signals (velocity counts included).
        keys: the velocity pseudonyms counted for it, by kind, as ``record_and_count``
            took them (each with its forms under earlier HMAC keys); empty for a subject
            whose processing is restricted, who then links nothing.
        velocity: the velocity store the keys were recorded in (database or Redis).
        working_days: the policy's hold deadline (``hold_working_days``).

    Returns:
        The cases opened, oldest linked decision first; none unless ``decision`` is held
        and shows variants (:func:`screening.core.linked.link_kinds`).
    """
    kinds = link_kinds(decision.outcome, decision.signals or {})
    found: dict[str, tuple[Decision, list[str]]] = {}
    at = decision.created_at
    for kind in kinds:
        if kind not in keys:
            continue
        current, every = keys[kind]
        pseudonyms = sorted({current, *every})
        since = at - timedelta(seconds=window(kind))
        shared = velocity.decisions_with(session.connection(), pseudonyms, since=since, before=at)
        shared.discard(decision.id)
        for earlier in store.approved_without_case(session, shared):
            found.setdefault(earlier.id, (earlier, []))[1].append(kind)
    due_by = add_working_days(at.astimezone(UTC).date(), working_days)
    return [
        store.open_linked(session, earlier, linked_from=decision.id, kinds=by, at=at, due_by=due_by)
        for earlier, by in sorted(found.values(), key=lambda item: item[0].created_at)
    ]
