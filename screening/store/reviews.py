"""Review cases: open (held decision or contest), claim, resolve; each step an event.

A case is ``automated`` when screening held the signup (opened in the same
transaction as the decision) or ``customer`` when a customer contested a
decline. A customer who contests a held decision joins its automated case.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from screening.core.deadlines import add_working_days, one_month_after
from screening.core.vocabulary import iso
from screening.errors import AlreadyResolved, NotContestable, NotFound, ReviewOpen
from screening.store import outbox
from screening.store.decisions import append_event, append_first_event
from screening.store.models import Decision, PersonalData, ReviewRequest
from screening.store.sql import DriverStatement

OPEN = ("pending", "in_review")
STATUSES = ("pending", "in_review", "resolved")
SOURCES = ("automated", "customer", "linked")
WEBHOOK_EVENT = "review.resolved"
__all__ = ["one_month_after"]  # re-exported: the Art. 12(3) clock lives in the core


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


_INSERT_CASE = DriverStatement(
    insert(ReviewRequest),
    column_keys=("id", "decision_id", "status", "source", "received_at", "due_by"),
)


def open_for_hold(
    conn: Connection,
    decision_id: str,
    outcome: str,
    at: datetime,
    *,
    working_days: int,
    key: bytes,
) -> str | None:
    """Open the automated case of a held decision (``review``); return its id (None otherwise).

    Call it in the transaction that inserts the decision (its case opening is the
    decision's first event): a held signup is never recorded without the case that
    brings it to a person. Due ``working_days``
    working days after the decision (the policy's ``hold_deadline``).
    """
    if outcome != "review":
        return None
    case_id = _new_id()
    _INSERT_CASE.execute(
        conn,
        {
            "id": case_id,
            "decision_id": decision_id,
            "status": "pending",
            "source": "automated",
            "received_at": at,
            "due_by": add_working_days(at.astimezone(UTC).date(), working_days),
        },
    )
    append_first_event(
        conn,
        decision_id,
        "review_opened",
        {"review_request_id": case_id, "source": "automated"},
        actor="screening",
        at=at,
        key=key,
    )
    return case_id


def contest(
    session: Session,
    decision: Decision,
    *,
    statement: str,
    corrections: dict[str, Any] | None,
    now: datetime,
) -> ReviewRequest:
    """Record a customer's contest of ``decision``; queue the 'received' notice.

    On a held decision it joins the open automated case; on a decline it opens
    a ``customer`` case. Either way the case is due one calendar month after the
    contest (GDPR Art. 12(3)), the date the customer is told.

    Raises:
        ReviewOpen: the customer already contested and the case is still open.
        AlreadyResolved: a person already decided a case of this decision.
        NotContestable: the decision approved the signup.
    """
    if decision.scrubbed_at is not None:
        raise NotFound("No decision matches this id and token.")
    due_by = one_month_after(now.astimezone(UTC).date())
    case = open_request(session, decision.id)
    if case is not None:
        if case.contested_at is not None:
            raise ReviewOpen("A review of this decision is already open.")
    elif _resolved_exists(session, decision.id):
        raise AlreadyResolved("A person has already reviewed this decision.")
    elif decision.outcome == "approve":
        raise NotContestable("This decision approved the signup: there is nothing to contest.")
    else:
        case = ReviewRequest(
            id=_new_id(), decision_id=decision.id, source="customer", received_at=now
        )
        session.add(case)
        case.status = "pending"
    case.statement = statement
    case.corrections = corrections or None
    case.contested_at = now
    case.due_by = due_by
    session.flush()
    append_event(
        session,
        decision.id,
        "review_requested",
        {"review_request_id": case.id, "source": case.source},
        actor="customer",
        at=now,
    )
    outbox.queue_for_decision(session, "review_received", decision.id, now=now, due_by=due_by)
    return case


def _new_id() -> str:
    return f"rr_{secrets.token_hex(10)}"


def _resolved_exists(session: Session, decision_id: str) -> bool:
    stmt = select(ReviewRequest.id).where(
        ReviewRequest.decision_id == decision_id, ReviewRequest.status == "resolved"
    )
    return session.scalar(stmt.limit(1)) is not None


def claim(session: Session, request_id: str, *, analyst: str, now: datetime) -> ReviewRequest:
    request = _get_for_update(session, request_id)
    if request.status == "resolved":
        raise AlreadyResolved("This review is already resolved.")
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
        raise AlreadyResolved("This review is already resolved.")
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
    if notify_host and decision is not None:
        # Every resolution, changed outcome or not: the host waits on held signups too.
        outbox.queue_webhook(
            session,
            WEBHOOK_EVENT,
            {
                "decision_id": request.decision_id,
                "review_request_id": request.id,
                "source": request.source,
                "automated_outcome": decision.outcome,
                "outcome": outcome,
                "outcome_changed": decision.outcome != outcome,
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
    source: str | None = None,
    overdue_on: date | None,
    limit: int,
    after: tuple[date, str] | None,
) -> list[ReviewRequest]:
    """Return review requests, soonest due first (keyset pagination on (due_by, id))."""
    stmt = select(ReviewRequest)
    if status:
        stmt = stmt.where(ReviewRequest.status == status)
    if source:
        stmt = stmt.where(ReviewRequest.source == source)
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
