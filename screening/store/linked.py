"""Linked review in the database: which earlier decisions are still approved, and their cases.

The decisions that shared a pseudonym come from the velocity store
(:meth:`screening.store.velocity.VelocityStore.decisions_with`: the ``velocity_events``
table, or Redis's sorted sets, which keep each decision id under its pseudonyms).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from screening.store.decisions import append_event
from screening.store.models import Decision, ReviewRequest


def approved_without_case(session: Session, decision_ids: Iterable[str]) -> list[Decision]:
    """Return those of ``decision_ids`` whose automated outcome is ``approve`` and that never
    had a review case, oldest first, locked until the transaction ends."""
    ids = sorted(set(decision_ids))
    if not ids:
        return []
    # Two held signups of one burst, screened at once, may link the same earlier decision:
    # lock its row first (in id order), then look for a case in a later statement, which
    # sees the other's committed case (PostgreSQL; on SQLite writers take turns anyway).
    session.execute(
        select(Decision.id).where(Decision.id.in_(ids)).order_by(Decision.id).with_for_update()
    )
    had_case = exists().where(ReviewRequest.decision_id == Decision.id)
    stmt = (
        select(Decision)
        .where(Decision.id.in_(ids), Decision.outcome == "approve", ~had_case)
        .order_by(Decision.created_at, Decision.id)
    )
    return list(session.scalars(stmt))


def open_linked(
    session: Session,
    decision: Decision,
    *,
    linked_from: str,
    kinds: Sequence[str],
    at: datetime,
    due_by: date,
) -> ReviewRequest:
    """Open a ``linked`` review case for an approved ``decision``, with its event.

    The event names the held decision that linked it and the identifier kinds, never a value.
    """
    case = ReviewRequest(
        id=f"rr_{secrets.token_hex(10)}",
        decision_id=decision.id,
        status="pending",
        source="linked",
        received_at=at,
        due_by=due_by,
    )
    session.add(case)
    session.flush()
    append_event(
        session,
        decision.id,
        "review_opened",
        {
            "review_request_id": case.id,
            "source": "linked",
            "linked_from": linked_from,
            "linked_by": sorted(kinds),
        },
        actor="screening",
        at=at,
    )
    return case
