"""Queries for linked review: earlier approved decisions sharing a velocity pseudonym.

Reads the ``velocity_events`` table that :class:`screening.store.velocity.DatabaseVelocity`
writes. With Redis counters (``SCREENING_REDIS_URL``) that table is empty and nothing links.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from screening.store.decisions import append_event
from screening.store.models import Decision, ReviewRequest, VelocityEvent


def approved_sharing(
    session: Session,
    keys: Sequence[str],
    *,
    since: datetime,
    before: datetime,
    exclude: str,
) -> list[Decision]:
    """Return decisions recorded in [since, before] with one of ``keys`` (pseudonyms), whose
    automated outcome is ``approve`` and that never had a review case, oldest first."""
    if not keys:
        return []
    ids = (
        select(VelocityEvent.decision_id)
        .where(
            VelocityEvent.key.in_(list(keys)),
            VelocityEvent.at >= since,
            VelocityEvent.at <= before,
            VelocityEvent.decision_id != exclude,
        )
        .distinct()
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
