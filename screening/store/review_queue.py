"""Queries behind the console's review queue and case page.

``review_requests.source`` (``automated`` or ``customer``) arrives with the review
cases of automated holds; until that column exists every request is a customer
contest, and these queries read it that way, so the console works before and after.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.store.models import Decision, ReviewRequest, VelocityEvent
from screening.store.reviews import OPEN

SOURCES = ("automated", "customer", "linked")
_SOURCE = getattr(ReviewRequest, "source", None)


def source_of(request: ReviewRequest) -> str:
    """Return a request's source (``customer`` where the column does not exist yet)."""
    return str(getattr(request, "source", None) or "customer")


def open_cases(
    session: Session,
    *,
    status: str | None,
    source: str | None,
    overdue_on: date | None,
    limit: int,
) -> list[tuple[ReviewRequest, Decision]]:
    """Return review requests with their decisions, soonest due first.

    ``status`` None means every open one (pending or in review).
    """
    stmt = select(ReviewRequest, Decision).join(Decision, Decision.id == ReviewRequest.decision_id)
    if status:
        stmt = stmt.where(ReviewRequest.status == status)
    else:
        stmt = stmt.where(ReviewRequest.status.in_(OPEN))
    if overdue_on is not None:
        stmt = stmt.where(ReviewRequest.status.in_(OPEN), ReviewRequest.due_by < overdue_on)
    if source:
        if _SOURCE is not None:
            stmt = stmt.where(_SOURCE == source)
        elif source != "customer":
            return []
    stmt = stmt.order_by(ReviewRequest.due_by, ReviewRequest.id).limit(limit)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def related(session: Session, decision_id: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Return other decisions that share a velocity identifier with ``decision_id``.

    Matched through the stored keyed pseudonyms (``velocity_events.key``), never raw
    values; each item names the kinds of identifier shared (``email``, ``phone``...).
    """
    mine = select(VelocityEvent.key).where(VelocityEvent.decision_id == decision_id)
    stmt = (
        select(VelocityEvent.decision_id, VelocityEvent.kind, Decision.created_at, Decision.outcome)
        .join(Decision, Decision.id == VelocityEvent.decision_id)
        .where(
            VelocityEvent.key.in_(mine.scalar_subquery()), VelocityEvent.decision_id != decision_id
        )
        .order_by(Decision.created_at.desc())
        .limit(limit * 8)
    )
    found: dict[str, dict[str, Any]] = {}
    for other, kind, created_at, outcome in session.execute(stmt):
        item = found.setdefault(
            other,
            {"decision_id": other, "created_at": created_at, "outcome": outcome, "shared": []},
        )
        if kind not in item["shared"]:
            item["shared"].append(kind)
    return list(found.values())[:limit]
