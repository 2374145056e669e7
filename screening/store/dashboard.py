"""Aggregates for the console's dashboard, read from the decision record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.store.models import Decision, ReviewRequest
from screening.store.reviews import OPEN


def outcomes_per_day(session: Session, *, since: datetime) -> list[tuple[date, str, int]]:
    """Return ``(UTC day, outcome, count)`` for decisions since ``since``."""
    column: Any = Decision.created_at
    if session.get_bind().dialect.name == "postgresql":
        column = func.timezone("UTC", Decision.created_at)
    day = func.date(column)
    stmt = (
        select(day, Decision.outcome, func.count())
        .where(Decision.created_at >= since)
        .group_by(day, Decision.outcome)
        .order_by(day)
    )
    out = []
    for raw, outcome, count in session.execute(stmt):
        out.append(
            (raw if isinstance(raw, date) else date.fromisoformat(str(raw)), outcome, int(count))
        )
    return out


def hits_and_scores(
    session: Session, *, since: datetime, limit: int
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], float]]:
    """Stream ``(hits, shadow_hits, score)`` of the newest ``limit`` decisions since ``since``."""
    stmt = (
        select(Decision.hits, Decision.shadow_hits, Decision.score)
        .where(Decision.created_at >= since)
        .order_by(Decision.created_at.desc())
        .limit(limit)
    )
    for hits, shadow_hits, score in session.execute(stmt.execution_options(yield_per=2000)):
        yield list(hits or []), list(shadow_hits or []), float(score)


def backlog(session: Session, *, today: date) -> dict[str, int]:
    """Return open review requests by status, and how many are overdue."""
    stmt = (
        select(ReviewRequest.status, func.count())
        .where(ReviewRequest.status.in_(OPEN))
        .group_by(ReviewRequest.status)
    )
    counts = {status: int(n) for status, n in session.execute(stmt)}
    overdue = session.scalar(
        select(func.count())
        .select_from(ReviewRequest)
        .where(ReviewRequest.status.in_(OPEN), ReviewRequest.due_by < today)
    )
    return {**{s: counts.get(s, 0) for s in OPEN}, "overdue": int(overdue or 0)}


def resolution_times(session: Session, *, since: datetime) -> list[float]:
    """Return hours from receipt to resolution of reviews resolved since ``since``."""
    stmt = select(ReviewRequest.received_at, ReviewRequest.resolved_at).where(
        ReviewRequest.status == "resolved", ReviewRequest.resolved_at >= since
    )
    return [
        (resolved - received).total_seconds() / 3600
        for received, resolved in session.execute(stmt)
        if resolved is not None
    ]
