"""Review requests: open, claim, resolve; each step also appended to the decision's events."""

from __future__ import annotations

import calendar
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from screening.core.vocabulary import iso
from screening.errors import Conflict, NotFound
from screening.store import outbox
from screening.store.decisions import append_event
from screening.store.models import Decision, PersonalData, ReviewRequest

OPEN = ("pending", "in_review")
STATUSES = ("pending", "in_review", "resolved")


def one_month_after(day: date) -> date:
    """Return the same day next month, or that month's last day (GDPR Art. 12(3))."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def open_request(session: Session, decision_id: str) -> ReviewRequest | None:
    stmt = select(ReviewRequest).where(
        ReviewRequest.decision_id == decision_id, ReviewRequest.status.in_(OPEN)
    )
    return session.scalar(stmt)


def latest_request(session: Session, decision_id: str) -> ReviewRequest | None:
    stmt = (
        select(ReviewRequest)
        .where(ReviewRequest.decision_id == decision_id)
        .order_by(ReviewRequest.received_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def create(
    session: Session,
    decision: Decision,
    *,
    statement: str,
    corrections: dict[str, Any] | None,
    now: datetime,
) -> ReviewRequest:
    """Open a review request for ``decision``; queue the 'received' notice.

    Raises:
        Conflict: the decision already has an open request.
    """
    if decision.scrubbed_at is not None:
        raise NotFound("No decision matches this id and token.")
    if open_request(session, decision.id) is not None:
        raise Conflict("A review of this decision is already open.")
    request = ReviewRequest(
        id=f"rr_{secrets.token_hex(10)}",
        decision_id=decision.id,
        status="pending",
        received_at=now,
        due_by=one_month_after(now.astimezone(UTC).date()),
        statement=statement,
        corrections=corrections or None,
    )
    session.add(request)
    session.flush()
    append_event(
        session,
        decision.id,
        "review_requested",
        {"review_request_id": request.id},
        actor="customer",
        at=now,
    )
    outbox.queue_for_decision(
        session, "review_received", decision.id, now=now, due_by=request.due_by
    )
    return request


def claim(session: Session, request_id: str, *, analyst: str, now: datetime) -> ReviewRequest:
    request = _get_for_update(session, request_id)
    if request.status == "resolved":
        raise Conflict("This review is already resolved.")
    request.status = "in_review"
    request.claimed_by = analyst
    request.claimed_at = now
    append_event(
        session,
        request.decision_id,
        "review_claimed",
        {"review_request_id": request.id},
        actor=analyst,
        at=now,
    )
    return request


def resolve(
    session: Session,
    request_id: str,
    *,
    outcome: str,
    note: str,
    label: str | None,
    analyst: str,
    now: datetime,
    notify_host: bool = False,
) -> ReviewRequest:
    """Record a human decision: a new event; the automated outcome is never overwritten."""
    request = _get_for_update(session, request_id)
    if request.status == "resolved":
        raise Conflict("This review is already resolved.")
    request.status = "resolved"
    request.resolved_by = analyst
    request.resolved_at = now
    request.resolution_outcome = outcome
    request.resolution_note = note
    request.label = label
    data: dict[str, Any] = {"review_request_id": request.id, "outcome": outcome}
    if label:
        data["label"] = label
    append_event(session, request.decision_id, "review_resolved", data, actor=analyst, at=now)
    outbox.queue_for_decision(
        session, "review_resolved", request.decision_id, now=now, outcome=outcome
    )
    decision = session.get(Decision, request.decision_id)
    if notify_host and decision is not None and decision.outcome != outcome:
        outbox.queue_webhook(
            session,
            "decision.outcome_changed",
            {
                "decision_id": request.decision_id,
                "review_request_id": request.id,
                "automated_outcome": decision.outcome,
                "outcome": outcome,
                "resolved_at": iso(now),
            },
            now=now,
        )
    return request


def _get_for_update(session: Session, request_id: str) -> ReviewRequest:
    stmt = select(ReviewRequest).where(ReviewRequest.id == request_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    request = session.scalar(stmt)
    if request is None:
        raise NotFound("No review request has this id.")
    return request


def queue(
    session: Session,
    *,
    status: str | None,
    overdue_on: date | None,
    limit: int,
    after: tuple[date, str] | None,
) -> list[ReviewRequest]:
    """Return review requests, soonest due first (keyset pagination on (due_by, id))."""
    stmt = select(ReviewRequest)
    if status:
        stmt = stmt.where(ReviewRequest.status == status)
    if overdue_on is not None:
        stmt = stmt.where(ReviewRequest.status.in_(OPEN), ReviewRequest.due_by < overdue_on)
    if after is not None:
        due, rid = after
        stmt = stmt.where(
            (ReviewRequest.due_by > due)
            | ((ReviewRequest.due_by == due) & (ReviewRequest.id > rid))
        )
    stmt = stmt.order_by(ReviewRequest.due_by, ReviewRequest.id).limit(limit)
    return list(session.scalars(stmt))


def overdue_count(session: Session, today: date) -> int:
    stmt = (
        select(func.count())
        .select_from(ReviewRequest)
        .where(ReviewRequest.status.in_(OPEN), ReviewRequest.due_by < today)
    )
    return int(session.scalar(stmt) or 0)


def personal_of(session: Session, decision_id: str) -> PersonalData | None:
    return session.get(PersonalData, decision_id)
